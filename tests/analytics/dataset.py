"""Building counted data sets through the real intake and counting services."""

import uuid

from analytics.counting import response_count
from responses.services import response_submit

CHANNELS = ["twitter", "facebook", "linkedin", "blogs", "video", "wikis", "communities"]


def answers(*, role: str, twitter: str = "weekly", company_twitter: str = "some", barriers=None) -> dict:
    data = {
        "role": role,
        "seniority": "director",
        "industry": "technology",
        "revenue": "1b_10b",
        "company_usage": {c: "some" for c in CHANNELS} | {"twitter": company_twitter},
        "personal_use": {c: "monthly" for c in CHANNELS} | {"twitter": twitter},
        "barriers": barriers if barriers is not None else ["roi"],
    }
    if twitter != "never":
        data["twitter_uses"] = ["news"]
    return data


def submit_and_count(survey, data: dict):
    result = response_submit(
        survey=survey, version=survey.open_version(), submission_id=uuid.uuid4(), answers=data
    )
    assert result.ok, result.errors
    assert response_count(result.response.pk)
    return result.response


def build_it_population(survey, *, it: int, it_never: int, it_company_none: int, business: int = 0) -> None:
    """`it` IT leaders of whom `it_never` never use Twitter and `it_company_none` say their
    company does not use it (assigned from the other end, so the two overlap only as
    much as they must), plus `business` business leaders."""
    for i in range(it):
        submit_and_count(
            survey,
            answers(
                role="it",
                twitter="never" if i < it_never else "daily",
                company_twitter="none" if i >= it - it_company_none else "some",
            ),
        )
    for i in range(business):
        submit_and_count(survey, answers(role="business", twitter="never" if i % 2 else "weekly"))
