"""A small survey with the question types of issue 14 (a matrix of several choices per
row, a slider), a segment question to break them down by, and conditions and a finding
on them."""

from __future__ import annotations

from typing import Any

from surveys.definition_files import definition_from_yaml
from surveys.models import Survey
from surveys.services import survey_import

NEW_TYPES = """
slug: new-types
title: New question types
status: open
pages:
- title: Tools
  questions:
  - {code: team, type: single, label: Team, segment: true, required: true,
     choices: [{code: ops, label: Operations}, {code: dev, label: Development}]}
  - code: usage
    type: matrix_multiple
    label: Where do you use each tool?
    help_text: Tick every place that applies.
    required: true
    rows: [{code: mail, label: E-mail}, {code: chat, label: Chat}, {code: wiki, label: Wiki}]
    choices: [{code: work, label: At work}, {code: home, label: At home}, {code: phone, label: On the phone}]
  - {code: sure, type: slider, label: "How sure are you of these answers?", min: 0, max: 10, step: 0.5,
     help_text: "0: not at all, 10: completely."}
- title: Chat
  condition: usage.chat has work or sure >= 9
  questions:
  - {code: chat_why, type: short_text, label: "What do you chat about at work?", max_length: 100}
findings:
- {code: chat_at_home, statement: "Chat users who chat at home", base: usage.chat has work or usage.chat has home,
   target: usage.chat has home}
"""


def new_types_survey() -> Survey:
    version, _ = survey_import(definition=definition_from_yaml(NEW_TYPES))
    return version.survey


def new_types_answers(**changes: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "team": "ops",
        "usage": {"mail": ["work", "phone"], "chat": ["home"], "wiki": ["work"]},
    }
    answers.update(changes)
    return answers
