"""The outline's changes in the survey's history (surveys.history): questions and pages
named as people read them, a question's values before and after a save, and the check of
a question's or page's stamp (builder.stamps) with its version locked."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from django.utils.text import Truncator

from builder.stamps import StaleEdit, check_stamp
from surveys.history import change_record, field_changes, target_of
from surveys.models import Page, Question, SurveyChange, SurveyVersion

# A question's fields as its form names them, in the order a change lists them.
QUESTION_LABELS = {
    "label": "Question", "help_text": "Help text", "code": "Code", "required": "Required",
    "condition": "Show only if", "min_value": "Smallest answer", "max_value": "Largest answer",
    "max_length": "Longest answer (characters)", "is_segment": "Segment", "personal_data": "Personal data",
    "choices": "Choices", "rows": "Rows",
}
PAGE_LABELS = {"title": "Title", "condition": "Show this page only if"}


def _short(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(60)


def question_name(question: Question) -> str:
    """ "question “Which best describes your role?” (role)" """
    return f"question “{_short(question.label)}” ({question.code})" if question.label else f"question {question.code}"


def page_name(page: Page) -> str:
    """ "page 2 “About your company”" (positions are dense: 0..n-1)."""
    return f"page {page.position + 1} “{_short(page.title)}”" if page.title else f"page {page.position + 1}"


def _options(options) -> str:
    return " · ".join(
        f"{o.label} ({o.code}{', exclusive' if getattr(o, 'exclusive', False) else ''})"
        for o in sorted(options, key=lambda o: (o.position, o.pk))
    )


def question_state(question: Question) -> dict[str, Any]:
    """The question's values as its history compares them (its choices and rows read
    through `.all()`: prefetched by the outline)."""
    state = {name: getattr(question, name) for name in QUESTION_LABELS if name not in ("choices", "rows")}
    state["choices"] = _options(question.choices.all())
    state["rows"] = _options(question.rows.all())
    return state


def question_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, str]]:
    return field_changes(before, after, QUESTION_LABELS)


def page_changes(before: Page, after: Page) -> list[dict[str, str]]:
    names = PAGE_LABELS.keys()
    return field_changes({n: getattr(before, n) for n in names}, {n: getattr(after, n) for n in names}, PAGE_LABELS)


def record(request: HttpRequest, version: SurveyVersion, action: str, summary: str, obj: Model | str | None = None,
           details: dict | None = None) -> SurveyChange:
    """One outline action in the history (call it in the action's transaction). `obj` is
    what changed (its target, as text, for a row deleted since), else the version."""
    target = obj if isinstance(obj, str) else target_of(obj if obj is not None else version)
    return change_record(
        survey=version.survey, user=request.user, action=action, summary=summary, version=version, details=details,
        target=target,
    )


def stale_edit(version: SurveyVersion, obj: Question | Page, posted: str | None) -> StaleEdit | None:
    """Lock the version (as every structure edit does first) and check that `obj` is
    still as its form showed it. Call it in the save's transaction."""
    list(SurveyVersion.objects.select_for_update().filter(pk=version.pk).values_list("pk", flat=True))
    current = type(obj).objects.filter(pk=obj.pk).only("pk", "updated_at").first()
    return None if current is None else check_stamp(current, posted)
