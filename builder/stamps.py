"""Stamps for concurrent editors: every edit form posts back the stamp of the object as it
showed it, and a save whose stamp is no longer the object's is refused (`StaleEdit`),
naming the change that came between. Two editors of one draft never silently overwrite
each other, while edits of different objects (two questions, two settings sections) both
go through.

A row with an `updated_at` is stamped by it. What has none of its own is a `Snapshot`
stamped by a digest of its values: a settings section (three share the survey's row, and
saving a many-to-many set moves no `updated_at`), a row without the field (a NET, a saved
view: `row_snapshot`), a text of a version whose `updated_at` every structure edit moves
(its intro), as the publish review stamps the draft by its content. Either stamp also
says when the form was shown, so that the change named is one made since.

A request that posts no stamp at all (an old page, a client of its own) is not checked:
every form of the builder posts one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Model
from django.utils import timezone

from surveys.history import details_line, target_of
from surveys.models import SurveyChange


@dataclass(frozen=True)
class Snapshot:
    """Something edited that has no row of its own: its values as stored now, and the
    targets its changes are recorded under (its own first, then wider ones such as the
    whole survey, which an edit in the admin records)."""

    targets: tuple[str, ...]
    values: Mapping[str, Any] = field(default_factory=dict)

    def digest(self) -> str:
        content = json.dumps(self.values, sort_keys=True, default=str)
        return hashlib.sha256(content.encode()).hexdigest()[:20]


def row_snapshot(obj: Model, fields: Iterable[str]) -> Snapshot:
    """A row stamped by the values of the `fields` its form edits (not its position, which
    another editor's move changes without making the form wrong), its changes recorded
    under its own target, its version's and its survey's as a row's are."""
    return Snapshot(targets=_targets(obj), values={"pk": obj.pk, **{name: getattr(obj, name) for name in fields}})


def text_target(version: Model, name: str) -> str:
    """What a change of a version's intro or thank-you text is recorded under."""
    return f"{target_of(version)}:{name}"


def text_snapshot(version: Model, name: str, text: str | None = None) -> Snapshot:
    """A version's intro or thank-you text (`name`), stamped by its words (`text`, by
    default as `version` holds it): the version's `updated_at` moves with every edit of
    its structure, and the other text is another editor's to change meanwhile."""
    return Snapshot(targets=(text_target(version, name), target_of(version)),
                    values={name: getattr(version, name) if text is None else text})


def _key(obj: Snapshot | Model) -> str:
    if isinstance(obj, Snapshot):
        return obj.digest()
    return f"{obj.pk}.{obj.updated_at.isoformat()}"


def stamp_of(obj: Snapshot | Model) -> str:
    """The stamp a form shows `obj` with: what it is now, and when it was shown."""
    shown = obj.updated_at if isinstance(obj, Model) else timezone.now()
    return f"{_key(obj)}@{shown.isoformat()}"


def _targets(obj: Snapshot | Model) -> tuple[str, ...]:
    if isinstance(obj, Snapshot):
        return obj.targets
    # A row's own changes, then its version's and survey's as a whole (the admin's).
    targets = [target_of(obj)]
    if getattr(obj, "version_id", None) is not None:
        targets.append(f"surveyversion:{obj.version_id}")
    if getattr(obj, "survey_id", None) is not None:
        targets.append(f"survey:{obj.survey_id}")
    return tuple(targets)


def _shown_at(posted: str) -> datetime | None:
    try:
        shown = datetime.fromisoformat(posted.partition("@")[2])
    except ValueError:
        return None
    return shown if timezone.is_aware(shown) else None


@dataclass(frozen=True)
class StaleEdit:
    """A save refused because the object changed after the form was shown: `change` is
    the latest recorded change of it since (None if it was changed without a record)."""

    change: SurveyChange | None

    def describe(self, thing: str, viewer=None) -> str:
        """ "Alice changed this question at 14:02 (label: “A” → “B”)." `thing` names the
        object ("this question", "the access settings"); `viewer` is who is told."""
        change = self.change
        if change is None:
            return f"Someone else changed {thing} since you opened it."
        if viewer is not None and change.user_id is not None and change.user_id == viewer.pk:
            who, where = "You", " in another tab or window"
        else:
            who, where = change.who or "An import", ""
        at = timezone.localtime(change.at)
        today = timezone.localtime().date() == at.date()
        when = f"at {at:%H:%M}" if today else f"on {at.day} {at:%B} at {at:%H:%M}"
        what = details_line(change)
        told = f"{who} changed {thing}{where} {when}"
        return f"{told} ({what})." if what else f"{told}: {change.summary}."


def check_stamp(obj: Snapshot | Model, posted: str | None) -> StaleEdit | None:
    """None if the form that posted `posted` showed `obj` as it is now (or posted no
    stamp), else the StaleEdit to show. Call it with the object's row locked, in the
    transaction that saves it, so that no other save slips in between."""
    if posted is None:
        return None
    if posted.partition("@")[0] == _key(obj):
        return None
    changes = SurveyChange.objects.filter(target__in=_targets(obj)).select_related("user")
    shown = _shown_at(posted)
    if shown is not None:
        changes = changes.filter(at__gt=shown)
    return StaleEdit(change=changes.order_by("-at", "-pk").first())
