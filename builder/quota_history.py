"""The quotas added and removed on the settings page in the survey's history
(surveys.history): a quota named by its label, its values as shown. Quotas are
survey-level: their records name no version.

Each record keeps under the program key "undo" the quota's values as
`surveys.quota_editing` takes them (with its place, for a restore), for builder.undo."""

from __future__ import annotations

from typing import Any

from surveys.history import change_record
from surveys.models import Quota, Survey, SurveyChange

LABELS = {"code": "Code", "label": "Label", "condition": "Condition", "limit": "Limit", "closed": "Closed"}


def quota_values(quota: Quota) -> dict[str, Any]:
    """The quota's values as the services take them (plain JSON)."""
    return {"code": quota.code, "label": quota.label, "condition": quota.condition, "limit": quota.limit,
            "closed": quota.closed}


def record_by(user, survey: Survey, quota: Quota, action: str, summary: str, details: dict[str, Any]
              ) -> SurveyChange:
    return change_record(survey=survey, user=user, action=action, summary=summary, details=details,
                         target=f"quota:{quota.code}")


def _fields(values: dict[str, Any], side: str) -> list[dict[str, str]]:
    other = "before" if side == "after" else "after"
    shown = {**values, "limit": str(values["limit"]), "closed": "yes" if values["closed"] else "no"}
    return [{"name": name, "label": label, side: shown[name], other: ""} for name, label in LABELS.items()]


def added_details(quota: Quota) -> dict[str, Any]:
    return {"fields": _fields(quota_values(quota), "after"), "undo": {"after": quota_values(quota)}}


def deleted_details(data: dict[str, Any]) -> dict[str, Any]:
    """`data` is what `quota_delete` returned (the values and the place)."""
    values = {name: data[name] for name in LABELS}
    return {"fields": _fields(values, "before"), "undo": {"before": values}, "quota": data}
