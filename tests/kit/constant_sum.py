"""A small survey with a constant sum question (a budget of 100 shared among channels), a
segment question to break it down by, and a question (on its page), a page and a finding
conditioned on a row."""

from __future__ import annotations

from typing import Any

from surveys.definition_files import definition_from_yaml
from surveys.models import Survey
from surveys.services import survey_import

CONSTANT_SUM = """
slug: budget-split
title: Budget split
status: open
pages:
- title: Budget
  questions:
  - {code: team, type: single, label: Team, segment: true, required: true,
     choices: [{code: ops, label: Operations}, {code: dev, label: Development}]}
  - code: budget
    type: constant_sum
    label: How would you share 100 points among these channels?
    help_text: The points must add up to 100.
    required: true
    total: 100
    rows: [{code: mail, label: E-mail}, {code: chat, label: Chat}, {code: wiki, label: Wiki}]
  - {code: no_wiki, type: short_text, label: "Why nothing for the wiki?", condition: budget.wiki = 0,
     max_length: 100}
- title: Mail
  condition: budget.mail > 50
  questions:
  - {code: mail_why, type: short_text, label: "Why mostly e-mail?", max_length: 100}
findings:
- {code: mail_first, statement: "Respondents who give e-mail more than half", base: budget.mail >= 0,
   target: budget.mail > 50}
"""


def constant_sum_survey() -> Survey:
    version, _ = survey_import(definition=definition_from_yaml(CONSTANT_SUM))
    return version.survey


def constant_sum_answers(**changes: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {"team": "ops", "budget": {"mail": 20, "chat": 50, "wiki": 30}}
    answers.update(changes)
    return answers
