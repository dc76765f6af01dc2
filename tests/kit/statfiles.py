"""A small survey with known numbers for the codebook, .sav and .dta tests: one question
of each export shape, a hidden field, two codes that collide once cut to 32 characters,
and a second version that reorders the single choice's choices and adds one."""

from __future__ import annotations

from typing import Any

from responses.models import Response
from surveys.definition_files import definition_from_yaml
from surveys.models import Choice, Question, Survey
from surveys.services import survey_import, version_duplicate, version_publish
from tests.kit.data import bulk_responses

STAT_SURVEY = """
slug: stat-survey
title: Statistical files
status: open
hidden_fields:
- {code: src, description: '=HYPERLINK("http://evil.example")'}
pages:
- title: Choices
  questions:
  - {code: role, type: single, label: "Your role?",
     choices: [{code: it, label: IT}, {code: business, label: Business}, {code: other, label: Other}]}
  - {code: channels, type: multiple, label: "Channels used?",
     choices: [{code: mail, label: E-mail}, {code: chat, label: Chat}, {code: phone, label: Phone}]}
  - {code: usage, type: matrix, label: "How often?", rows: [{code: mail, label: E-mail}, {code: chat, label: Chat}],
     choices: [{code: never, label: Never}, {code: often, label: Often}]}
  - {code: places, type: matrix_multiple, label: "Where?", rows: [{code: mail, label: E-mail}],
     choices: [{code: work, label: At work}, {code: home, label: At home}]}
- title: Values
  questions:
  - {code: age, type: integer, label: "Age?"}
  - {code: born, type: date, label: "Born?"}
  - {code: nps, type: rating, label: "Recommend us?", low_label: Not at all, high_label: Certainly}
  - {code: note, type: short_text, label: "Anything else?"}
  - {code: satisfaction_with_the_support_team_in_2024, type: integer, label: "Support team (0-10)?"}
  - {code: satisfaction_with_the_support_team_in_2025, type: integer, label: "Support tools (0-10)?"}
"""

LONG_A, LONG_B = "satisfaction_with_the_support_team_in_2024", "satisfaction_with_the_support_team_in_2025"
# Both cut to 32 characters give "satisfaction_with_the_support_te": the second takes "_2".
LONG_A_NAME, LONG_B_NAME = "satisfaction_with_the_support_te", "satisfaction_with_the_support__2"

ROLE_NUMBERS = {"it": 1, "business": 2, "other": 3, "student": 4}

R1 = {"role": "it", "channels": ["mail", "chat"], "usage": {"mail": "often", "chat": "never"},
      "places": {"mail": ["home"]}, "age": 30, "born": "1990-01-02", "nps": 9, "note": "=1+1",
      LONG_A: 7, LONG_B: 8}
R2 = {"role": "business", "channels": ["phone"], "usage": {"mail": "never"}, "age": 45, "nps": 3}
# Screened out: kept with its answers, exported only on request.
R3 = {"role": "other", "age": 15}


def stat_survey() -> Survey:
    version, _ = survey_import(definition=definition_from_yaml(STAT_SURVEY))
    return version.survey


def stat_responses(survey: Survey) -> list[Response]:
    """R1 (hidden src "li"), R2, and R3 screened out by `too_young`, on version 1."""
    r1, r2, r3 = bulk_responses(survey, [R1, R2, R3], reconcile=False)
    Response.objects.filter(pk=r1.pk).update(hidden={"src": "li"})
    Response.objects.filter(pk=r3.pk).update(status=Response.Status.SCREENED_OUT, ended_by="too_young")
    return [r1, r2, r3]


def stat_second_version(survey: Survey) -> None:
    """Version 2: the role's choices reversed, with `student` added first."""
    draft = version_duplicate(version=survey.open_version())
    role = Question.objects.get(version=draft, code="role")
    for position, code in enumerate(("other", "business", "it"), start=1):
        Choice.objects.filter(question=role, code=code).update(position=position)
    Choice.objects.create(question=role, position=0, code="student", label="Student")
    version_publish(version=draft)


def stat_answers(**changes: Any) -> dict[str, Any]:
    return {**R1, **changes}


# A partial response: its answers so far, exported only on request (results.exports.layout.PARTIAL).
P1 = {"role": "business", "channels": ["chat"], "age": 50}


def stat_partials(survey: Survey, *, saved_at, later) -> dict[str, Response]:
    """Partial responses on version 1, all last saved at `saved_at` but "late" (at `later`):
    "real" (P1's answers), and a test one, an excluded one and a late one (P1's answers too)
    that no export takes."""
    made = dict(zip(("real", "test", "excluded", "late"), bulk_responses(survey, [P1] * 4, reconcile=False),
                    strict=True))
    Response.objects.filter(pk__in=[r.pk for r in made.values()]).update(
        status=Response.Status.PARTIAL, completed_at=None, updated_at=saved_at
    )
    Response.objects.filter(pk=made["test"].pk).update(is_test=True)
    Response.objects.filter(pk=made["excluded"].pk).update(excluded_at=saved_at)
    Response.objects.filter(pk=made["late"].pk).update(updated_at=later)
    return made
