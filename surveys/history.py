"""A survey's history: every change, who made it, when, and what (the builder's history
page shows it; a stale form is shown the change that made it stale, builder.stamps).

Each writer records its change with `change_record` inside the transaction that makes
the change (the view's or service's `transaction.atomic`): a change rolled back leaves no
record, and a record never lacks its change.

`details` holds the values before and after, in words, under "fields":

    {"fields": [{"name": "response_cap", "label": "Response cap", "before": "", "after": "100"},
                {"name": "viewers", "label": "Users", "added": ["bob"], "removed": []}],
     "notes": ["2 questions added"]}

"before"/"after" are text as a person reads it ("" for empty), "added"/"removed" names,
and "notes" plain lines; other keys are for programs (counts, codes) and are not shown.
Among them "undo" keeps what builder.undo needs to put the object back as it was (its
values before and after, as plain JSON: `as_json`), "undoes" the id of the change an
undo reverted, and "undone_by" (added to a change once undone) the id of its undo.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import dateformat, timezone
from django.utils.text import Truncator

from surveys.models import Survey, SurveyChange, SurveyVersion

SUMMARY_MAX = SurveyChange._meta.get_field("summary").max_length


def change_record(
    *,
    survey: Survey,
    user,
    action: str,
    summary: str,
    version: SurveyVersion | None = None,
    details: Mapping[str, Any] | None = None,
    target: str = "",
) -> SurveyChange:
    """Record one change of `survey` by `user` (None, or an anonymous user: a command or an
    import). Call it in the change's own transaction."""
    signed_in = user is not None and user.is_authenticated
    return SurveyChange.objects.create(
        survey=survey,
        version=version,
        user=user if signed_in else None,
        username=user.get_username() if signed_in else "",
        action=action,
        target=target,
        # One line: the page lists them one under the other.
        summary=Truncator(" ".join(summary.split())).chars(SUMMARY_MAX),
        details=dict(details or {}),
    )


def as_json(values: Mapping[str, Any]) -> dict[str, Any]:
    """Stored values as plain JSON (dates and times in ISO 8601, decimals as text), as a
    record keeps them for undo; the model's fields read them back (`to_python`)."""
    return json.loads(json.dumps(dict(values), cls=DjangoJSONEncoder))


# --- What was changed ---------------------------------------------------------------------


def target_of(obj: models.Model) -> str:
    """The target of a change of one row: "question:12", "page:3", "finding:4"."""
    return f"{obj._meta.model_name}:{obj.pk}"


def survey_target(survey: Survey) -> str:
    """The survey as a whole (a change in the admin, archiving)."""
    return target_of(survey)


def section_target(survey: Survey, section: str) -> str:
    """One section of the survey's settings ("access", "sharing", "editors")."""
    return f"{target_of(survey)}:{section}"


# --- Values before and after ----------------------------------------------------------------


def as_text(value: Any) -> str:
    """A stored value as a person reads it in the history ("" for none)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return dateformat.format(timezone.localtime(value), "j F Y, H:i T")
    if isinstance(value, date):
        return dateformat.format(value, "j F Y")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def field_changes(
    before: Mapping[str, Any], after: Mapping[str, Any], labels: Mapping[str, str]
) -> list[dict[str, str]]:
    """A "fields" entry for each field of `labels` whose value differs, in `labels`' order.
    Values are compared as given and stored as text (give choices as their display)."""
    return [
        {"name": name, "label": label, "before": as_text(before.get(name)), "after": as_text(after.get(name))}
        for name, label in labels.items()
        if before.get(name) != after.get(name)
    ]


def set_change(name: str, label: str, before: Iterable[str], after: Iterable[str]) -> dict[str, Any] | None:
    """A "fields" entry for a set of names (users, groups): who was added and removed, or
    None if it is the same set."""
    old, new = set(before), set(after)
    if old == new:
        return None
    return {"name": name, "label": label, "added": sorted(new - old), "removed": sorted(old - new)}


def _quoted(text: str) -> str:
    return f"“{Truncator(text).chars(60)}”" if text else "empty"


def field_line(field: Mapping[str, Any]) -> str:
    """One "fields" entry in words: "label: “A” → “B”", "users: added bob; removed carol"."""
    label = str(field.get("label") or field.get("name", "")).lower()
    if "added" in field or "removed" in field:
        parts = []
        if field.get("added"):
            parts.append("added " + ", ".join(field["added"]))
        if field.get("removed"):
            parts.append("removed " + ", ".join(field["removed"]))
        return f"{label}: {'; '.join(parts)}"
    return f"{label}: {_quoted(field.get('before', ''))} → {_quoted(field.get('after', ''))}"


def details_line(change: SurveyChange) -> str:
    """The change's fields in one line (for a message), or "" if it lists none."""
    fields = (change.details or {}).get("fields") or []
    return "; ".join(field_line(f) for f in fields)
