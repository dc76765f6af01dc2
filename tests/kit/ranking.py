"""A small survey with ranking questions (every choice ranked, and a top 2), a segment
question to break them down by, and conditions (a question on the same page, a page) and
a finding on a choice's rank."""

from __future__ import annotations

from typing import Any

from surveys.definition_files import definition_from_yaml
from surveys.models import Survey
from surveys.services import survey_import

RANKING = """
slug: ranking
title: Priorities
status: open
pages:
- title: Priorities
  questions:
  - {code: team, type: single, label: Team, segment: true, required: true,
     choices: [{code: ops, label: Operations}, {code: dev, label: Development}]}
  - code: priorities
    type: ranking
    label: Put these in order of importance to you
    help_text: The most important first.
    required: true
    choices: [{code: price, label: Price}, {code: speed, label: Speed}, {code: support, label: Support},
              {code: looks, label: Looks}]
  - {code: looks_why, type: short_text, label: "Why do looks come first?", condition: priorities.looks = 1}
  - code: channels
    type: ranking
    label: Your two favourite channels
    max: 2
    choices: [{code: mail, label: E-mail}, {code: chat, label: Chat}, {code: phone, label: Phone},
              {code: wiki, label: Wiki}]
- title: Price
  condition: priorities.price <= 2
  questions:
  - {code: price_why, type: short_text, label: "Why does the price matter to you?", max_length: 100}
findings:
- {code: price_first, statement: "Those who rank support at all who put the price first",
   base: priorities.support >= 1, target: priorities.price = 1}
"""

RANKING_FORM = "/s/ranking/"
RANKING_API = "/api/v1/surveys/ranking/responses/"


def ranking_survey() -> Survey:
    version, _ = survey_import(definition=definition_from_yaml(RANKING))
    return version.survey


def ranking_answers(**changes: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {"team": "ops", "priorities": ["speed", "price", "support", "looks"]}
    answers.update(changes)
    return answers
