"""The findings page's changes in the survey's history (surveys.history): findings, NETs
and saved views named as people read them, with their values before and after a save.
They belong to the survey, not to a version: their records name no version.

Each record keeps under the program key "undo" the item's values as the services take
them (`item_values`): as it was and as the change left it, for builder.undo."""

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
    """The item's values as its history compares them (by the names of LABELS), and under
    "values" as its services take them (for undo; not compared)."""
    state: dict[str, Any] = {name: getattr(item, name) for name in LABELS[type(item)]}
    if isinstance(item, Net):
        state["choices"] = ", ".join(item.choices)
    state["values"] = item_values(item)
    return state


# What each kind's services take (besides the survey), as item_values gives them.
VALUES: dict[type, tuple[str, ...]] = {
    Finding: ("statement", "code", "base_condition", "target_condition"),
    Net: ("question_code", "label", "code", "choices", "all_but"),
    SavedView: ("code", "label", "description", "row_variable", "column_variable", "segment", "highlight_row",
                "highlight_column_not"),
}


def item_values(item: Finding | Net | SavedView) -> dict[str, Any]:
    """The item's values as its services take them (plain JSON: a NET's choices a list)."""
    values = {name: getattr(item, name) for name in VALUES[type(item)]}
    if isinstance(item, Net):
        values["choices"] = list(item.choices)
    return values


def record(request: HttpRequest, item: Finding | Net | SavedView, action: str, summary: str,
           details: dict | None = None, target: str | None = None) -> SurveyChange:
    """One change of a finding, NET or view (in its transaction); `target` for an item
    deleted since (its primary key is gone)."""
    return record_by(request.user, item, action, summary, details, target)


def record_by(user, item: Finding | Net | SavedView, action: str, summary: str, details: dict | None = None,
              target: str | None = None) -> SurveyChange:
    return change_record(survey=item.survey, user=user, action=action, summary=summary, details=details,
                         target=target or target_of(item))


def added_details(item: Finding | Net | SavedView) -> dict[str, Any]:
    return {"undo": {"after": item_values(item)}}


def record_added(request: HttpRequest, item: Finding | Net | SavedView) -> SurveyChange:
    kind = KINDS[type(item)]
    return record(request, item, f"{kind}_added", f"Added {item_name(item)}", added_details(item))


def changed_details(item: Finding | Net | SavedView, before: dict[str, Any]) -> dict[str, Any] | None:
    """The details of a save (None when it changed nothing); `before` is `item_state`
    before the save, with (for undo) its `item_values` under "values"."""
    fields = field_changes(before, item_state(item), LABELS[type(item)])
    if not fields:
        return None
    details: dict[str, Any] = {"fields": fields}
    if "values" in before:
        details["undo"] = {"before": before["values"], "after": item_values(item)}
    return details


def record_changed(request: HttpRequest, item: Finding | Net | SavedView, before: dict[str, Any]
                   ) -> SurveyChange | None:
    """None when the save changed nothing."""
    details = changed_details(item, before)
    if details is None:
        return None
    kind = KINDS[type(item)]
    what = ", ".join(f["label"].lower() for f in details["fields"])
    return record(request, item, f"{kind}_changed", f"Changed {item_name(item)}: {what}", details)


def record_moved(request: HttpRequest, item: Finding | Net | SavedView, offset: int) -> SurveyChange:
    kind = KINDS[type(item)]
    return record(request, item, f"{kind}_moved", f"Moved {item_name(item)} {'up' if offset < 0 else 'down'}",
                  {"undo": {"offset": offset}})


def deleted_details(item: Finding | Net | SavedView) -> dict[str, Any]:
    state = item_state(item)
    values = [{"name": name, "label": label, "before": str(state[name]), "after": ""}
              for name, label in LABELS[type(item)].items() if state[name] not in ("", None, False)]
    return {"fields": values, "undo": {"before": item_values(item), "position": item.position}}


def record_deleted(request: HttpRequest, item: Finding | Net | SavedView, target: str) -> SurveyChange:
    kind = KINDS[type(item)]
    return record(request, item, f"{kind}_deleted", f"Deleted {item_name(item)}", deleted_details(item), target)
