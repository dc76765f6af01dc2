"""The hidden fields page's changes in the survey's history (surveys.history): a hidden
field named by its code, with its values before and after a save. Hidden fields belong to
a version (frozen with it, like questions): their records name the draft.

Each record keeps under the program key "undo" the field's values as the services of
surveys.hidden_editing take them (`field_values`), for builder.undo."""

from __future__ import annotations

from typing import Any

from surveys.history import change_record, field_changes, target_of
from surveys.models import HiddenField, SurveyChange

LABELS = {"code": "Code", "description": "Description", "values": "Allowed values"}


def field_values(field: HiddenField) -> dict[str, Any]:
    """The field's values as the services take them (plain JSON)."""
    return {"code": field.code, "description": field.description, "values": list(field.values)}


def field_state(field: HiddenField) -> dict[str, Any]:
    """As the history compares and shows them (the allowed values as one line)."""
    return {**field_values(field), "values": ", ".join(field.values)}


def record_by(user, field: HiddenField, action: str, summary: str, details: dict[str, Any],
              target: str | None = None) -> SurveyChange:
    return change_record(survey=field.version.survey, user=user, action=action, summary=summary,
                         version=field.version, details=details, target=target or target_of(field))


def added_details(field: HiddenField) -> dict[str, Any]:
    return {"fields": _all_fields(field, "after"), "undo": {"after": field_values(field)}}


def changed_details(field: HiddenField, before: HiddenField) -> dict[str, Any] | None:
    """None when the save changed nothing; `before` is the field as it was."""
    fields = field_changes(field_state(before), field_state(field), LABELS)
    if not fields:
        return None
    return {"fields": fields, "undo": {"before": field_values(before), "after": field_values(field)}}


def deleted_details(field: HiddenField, data: dict[str, Any]) -> dict[str, Any]:
    """`data` is what the delete returned (its place among the fields, for a restore)."""
    return {"fields": _all_fields(field, "before"), "undo": {"before": field_values(field)}, "hidden": data}


def _all_fields(field: HiddenField, side: str) -> list[dict[str, str]]:
    state = field_state(field)
    other = "before" if side == "after" else "after"
    return [{"name": name, "label": label, side: state[name], other: ""}
            for name, label in LABELS.items() if state[name]]


def summary_changed(field: HiddenField, details: dict[str, Any]) -> str:
    return f"Changed hidden field {field.code}: " + ", ".join(f["label"].lower() for f in details["fields"])
