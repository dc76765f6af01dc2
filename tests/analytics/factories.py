"""Random valid answer sets for the demo survey (ddiq-2010), and one way to submit them.

`demo_answers(rng)` draws every answer at random within what the definition accepts:
the conditional `twitter_uses` only when Twitter is used personally, the exclusive
"no barriers" alone. Pass `role`, `twitter` (personal use) or `company_twitter` to pin
the answers that the demo findings are about.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

from django.urls import reverse

from responses.services import response_submit
from surveys.models import Survey

CHANNELS = ("twitter", "facebook", "linkedin", "blogs", "video", "wikis", "communities")
COMPANY_SCALE = ("none", "experimenting", "some", "widespread")
PERSONAL_SCALE = ("never", "less_monthly", "monthly", "weekly", "daily")
TWITTER_USES = ("news", "peers", "thought_leadership", "company_news", "recruiting", "monitoring")
INDUSTRIES = (
    "financial", "healthcare", "manufacturing", "retail", "technology", "energy", "public", "services", "other",
)
BARRIERS = ("time_waster", "roi", "security", "monitoring", "policy")


def demo_answers(
    rng: random.Random, role: str | None = None, twitter: str | None = None, company_twitter: str | None = None
) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "role": role or rng.choice(("it", "business")),
        "seniority": rng.choice(("c_level", "vp", "director", "manager", "other")),
        "industry": rng.choice(INDUSTRIES),
        "revenue": rng.choice(("lt_100m", "100m_1b", "1b_10b", "gt_10b")),
        "company_usage": {c: rng.choice(COMPANY_SCALE) for c in CHANNELS},
        "personal_use": {c: rng.choice(PERSONAL_SCALE) for c in CHANNELS},
    }
    if company_twitter is not None:
        answers["company_usage"]["twitter"] = company_twitter
    if twitter is not None:
        answers["personal_use"]["twitter"] = twitter
    if answers["personal_use"]["twitter"] != "never" and rng.random() < 0.8:
        answers["twitter_uses"] = rng.sample(TWITTER_USES, rng.randint(1, 3))
    roll = rng.random()
    if roll < 0.15:
        answers["barriers"] = ["no_barriers"]
    elif roll < 0.85:
        answers["barriers"] = rng.sample(BARRIERS, rng.randint(1, 3))
    if rng.random() < 0.3:
        answers["comments"] = rng.choice(("Useful survey.", "Twitter is for marketing.", "No comment"))
    return answers


def submit_answers(survey: Survey, answers: dict[str, Any], *, client=None) -> str:
    """Submit a complete response and return its id: through the JSON API with a test
    client, otherwise through `response_submit` (which the API calls)."""
    submission_id = uuid.uuid4()
    if client is not None:
        response = client.post(
            reverse("api:responses", args=[survey.slug]),
            {"submission_id": str(submission_id), "answers": answers},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        return str(response.json()["id"])
    result = response_submit(
        survey=survey, version=survey.open_version(), submission_id=submission_id, answers=answers
    )
    assert result.ok and result.created, result.errors
    return str(result.response.pk)
