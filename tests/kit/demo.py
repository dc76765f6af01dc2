"""The demo survey (ddiq-2010): its file, its codes, and valid answer sets for it.

Three kinds of answer sets, each complete and valid (see ddiq-2010.md for the codes):

- `demo_answers(**changes)`: one fixed set; a change replaces an answer, None drops it.
- `leader_answers(role=...)`: a fixed set varied along what the demo's findings are about
  (role, personal and company use of Twitter, barriers).
- `random_demo_answers(rng)`: every answer drawn at random within what the definition
  accepts: the conditional `twitter_uses` only when Twitter is used personally, the
  exclusive "no barriers" alone. `role`, `twitter` (personal use) or `company_twitter`
  pin the answers the findings are about.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml

DEMO_FILE = Path(__file__).resolve().parents[2] / "surveys" / "demo" / "ddiq-2010.yaml"
# The example copy of the demo as a panel fields it: hidden fields, a screen-out, quotas, redirects.
FIELDWORK_FILE = DEMO_FILE.with_name("ddiq-2010-fieldwork.yaml")
FIELDWORK_KEYS = ("hidden_fields", "screen_outs", "quotas", "redirects")
# The paradox crosstab: IT leaders' personal against their company's use of Twitter.
PARADOX = "/results/ddiq-2010/crosstab/?row=personal_use.twitter&col=company_usage.twitter&segment=role:it"

CHANNELS = ("twitter", "facebook", "linkedin", "blogs", "video", "wikis", "communities")
COMPANY_SCALE = ("none", "experimenting", "some", "widespread")
PERSONAL_SCALE = ("never", "less_monthly", "monthly", "weekly", "daily")
TWITTER_USES = ("news", "peers", "thought_leadership", "company_news", "recruiting", "monitoring")
INDUSTRIES = (
    "financial", "healthcare", "manufacturing", "retail", "technology", "energy", "public", "services", "other",
)
BARRIERS = ("time_waster", "roi", "security", "monitoring", "policy")


def demo_data() -> dict:
    """The demo file as plain data, to change before importing it."""
    return yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))


def fieldwork_data(**quota_limits: int) -> dict:
    """The demo file (its slug, so its links stay) with the fieldwork copy's hidden fields,
    screen-out, quotas and redirects; `quota_limits` set limits by quota code."""
    fieldwork = yaml.safe_load(FIELDWORK_FILE.read_text(encoding="utf-8"))
    data = demo_data() | {key: fieldwork[key] for key in FIELDWORK_KEYS}
    for quota in data["quotas"]:
        quota["limit"] = quota_limits.get(quota["code"], quota["limit"])
    return data


def dump_yaml(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def demo_answers(**changes) -> dict:
    """A complete, valid answer set for the demo survey; a change of None drops a code."""
    answers = {
        "role": "it",
        "seniority": "director",
        "industry": "financial",
        "revenue": "1b_10b",
        "company_usage": dict.fromkeys(CHANNELS, "some") | {"twitter": "none"},
        "personal_use": dict.fromkeys(CHANNELS, "weekly"),
        "twitter_uses": ["news", "peers"],
        "barriers": ["roi", "security"],
        "comments": "Useful survey.",
    }
    answers.update(changes)
    return {code: value for code, value in answers.items() if value is not None}


def leader_answers(*, role: str, twitter: str = "weekly", company_twitter: str = "some", barriers=None) -> dict:
    """An IT or business leader's answers, the same but for what the findings are about."""
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


def random_demo_answers(
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


def panel_version(values: tuple[str, ...] = ("li", "tw", "mail")):
    """A new open version of the demo survey (import it first) declaring a panel's
    respondent id (`rid`, any value) and source (`src`, one of `values`)."""
    from surveys.definition_files import definition_from_data
    from surveys.services import survey_import

    data = demo_data() | {"hidden_fields": [{"code": "rid"}, {"code": "src", "values": list(values)}]}
    version, _ = survey_import(definition=definition_from_data(data))
    return version
