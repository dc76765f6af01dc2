"""The screen-outs page's changes in the survey's history (surveys.history): a screen-out
named by its code, with its values before and after a save. Screen-outs belong to a version
(frozen with it, like questions): their records name the draft.

Each record keeps under the program key "undo" the screen-out's values as the services of
surveys.screen_out_editing take them (`screen_out_values`), for builder.undo."""

from __future__ import annotations

from typing import Any

from surveys.history import change_record, field_changes, target_of
from surveys.models import ScreenOut, SurveyChange

LABELS = {"code": "Code", "condition": "Condition", "message": "Message"}


def screen_out_values(screen_out: ScreenOut) -> dict[str, Any]:
    """The screen-out's values as the services take them (plain JSON)."""
    return {"code": screen_out.code, "condition": screen_out.condition, "message": screen_out.message}


def record_by(user, screen_out: ScreenOut, action: str, summary: str, details: dict[str, Any],
              target: str | None = None) -> SurveyChange:
    return change_record(survey=screen_out.version.survey, user=user, action=action, summary=summary,
                         version=screen_out.version, details=details, target=target or target_of(screen_out))


def added_details(screen_out: ScreenOut) -> dict[str, Any]:
    return {"fields": _all_fields(screen_out, "after"), "undo": {"after": screen_out_values(screen_out)}}


def changed_details(screen_out: ScreenOut, before: ScreenOut) -> dict[str, Any] | None:
    """None when the save changed nothing; `before` is the screen-out as it was."""
    fields = field_changes(screen_out_values(before), screen_out_values(screen_out), LABELS)
    if not fields:
        return None
    return {"fields": fields, "undo": {"before": screen_out_values(before), "after": screen_out_values(screen_out)}}


def deleted_details(screen_out: ScreenOut, data: dict[str, Any]) -> dict[str, Any]:
    """`data` is what the delete returned (its place among the screen-outs, for a restore)."""
    return {"fields": _all_fields(screen_out, "before"), "undo": {"before": screen_out_values(screen_out)},
            "screen_out": data}


def _all_fields(screen_out: ScreenOut, side: str) -> list[dict[str, str]]:
    state = screen_out_values(screen_out)
    other = "before" if side == "after" else "after"
    return [{"name": name, "label": label, side: state[name], other: ""}
            for name, label in LABELS.items() if state[name]]


def summary_changed(screen_out: ScreenOut, details: dict[str, Any]) -> str:
    return f"Changed screen-out {screen_out.code}: " + ", ".join(f["label"].lower() for f in details["fields"])
