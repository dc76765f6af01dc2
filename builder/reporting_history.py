"""The findings page's changes in the survey's history (surveys.history): findings, NETs
and saved views named as people read them, with their values before and after a save.
They belong to the survey, not to a version: their records name no version."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.text import Truncator

from surveys.history import change_record, field_changes, target_of
from surveys.models import Finding, Net, SavedView, SurveyChange

LABELS: dict[type, dict[str, str]] = {
    Finding: {"statement": "Statement", "code": "Code", "base_condition": "Base",
              "target_condition": "Target"},
    Net: {"label": "Label", "code": "Code", "choices": "Choices", "all_but": "All but these"},
    SavedView: {"label": "Label", "code": "Code", "description": "Description", "row_variable": "Rows",
                "column_variable": "Columns", "segment": "Only respondents in",
                "highlight_row": "Rows answering", "highlight_column_not": "Columns answering anything but"},
}


# The word each kind's actions start with: finding_added, net_changed, view_deleted...
KINDS: dict[type, str] = {Finding: "finding", Net: "net", SavedView: "view"}


def _short(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(60)


def item_name(item: Finding | Net | SavedView) -> str:
    """ "the finding “IT leaders who never use Twitter” (it_never_twitter)", "the NET
    “Weekly or more” (net_weekly) of question company_usage", "the saved view “The paradox”
    (paradox)"."""
    if isinstance(item, Finding):
        return f"the finding “{_short(item.statement)}” ({item.code})"
    if isinstance(item, Net):
        return f"the NET “{_short(item.label)}” ({item.code}) of question {item.question_code}"
    return f"the saved view “{_short(item.label)}” ({item.code})"


def item_state(item: Finding | Net | SavedView) -> dict[str, Any]:
    state = {name: getattr(item, name) for name in LABELS[type(item)]}
    if isinstance(item, Net):
        state["choices"] = ", ".join(item.choices)
    return state


def record(request: HttpRequest, item: Finding | Net | SavedView, action: str, summary: str,
           details: dict | None = None, target: str | None = None) -> SurveyChange:
    """One change of a finding, NET or view (in its transaction); `target` for an item
    deleted since (its primary key is gone)."""
    return change_record(survey=item.survey, user=request.user, action=action, summary=summary, details=details,
                         target=target or target_of(item))


def record_added(request: HttpRequest, item: Finding | Net | SavedView) -> SurveyChange:
    kind = KINDS[type(item)]
    return record(request, item, f"{kind}_added", f"Added {item_name(item)}")


def record_changed(request: HttpRequest, item: Finding | Net | SavedView, before: dict[str, Any]
                   ) -> SurveyChange | None:
    """None when the save changed nothing."""
    fields = field_changes(before, item_state(item), LABELS[type(item)])
    if not fields:
        return None
    kind = KINDS[type(item)]
    what = ", ".join(f["label"].lower() for f in fields)
    return record(request, item, f"{kind}_changed", f"Changed {item_name(item)}: {what}", {"fields": fields})


def record_moved(request: HttpRequest, item: Finding | Net | SavedView, offset: int) -> SurveyChange:
    kind = KINDS[type(item)]
    return record(request, item, f"{kind}_moved", f"Moved {item_name(item)} {'up' if offset < 0 else 'down'}")


def record_deleted(request: HttpRequest, item: Finding | Net | SavedView, target: str) -> SurveyChange:
    kind = KINDS[type(item)]
    values = [{"name": name, "label": label, "before": str(value), "after": ""}
              for (name, label), value in zip(LABELS[type(item)].items(), item_state(item).values(), strict=True)
              if value not in ("", None, False)]
    return record(request, item, f"{kind}_deleted", f"Deleted {item_name(item)}", {"fields": values}, target)
