"""Writes of a draft's screen-outs (the builder's "Screen-outs" page): add, change, delete
and restore, checked as the definition file checks them.

A screen-out is structure, frozen with its version like a question: each service locks the
version's row (as `surveys.editing` does) and refuses a published version. Its condition
may name any question or hidden field of the version (it is decided once all it names has
been answered), exactly as the import allows; a refusal names the field it is about and,
for a condition, the character where the problem is.
"""

from __future__ import annotations

from django.db import transaction

from surveys import conditions
from surveys.definition_files import CODE_RE
from surveys.editing import EditError, positions_renumber, structure_locked, version_touch
from surveys.models import ScreenOut, SurveyVersion
from surveys.selectors import version_definition

__all__ = [
    "ScreenOutRefused",
    "code_problem",
    "condition_problem",
    "screen_out_add",
    "screen_out_delete",
    "screen_out_restore",
    "screen_out_update",
]


class ScreenOutRefused(EditError):
    """A change refused because of one of the screen-out's values: `field` names it
    ("code", "condition", "message"), so that a form shows the message there."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def code_problem(version: SurveyVersion, code: str, *, exclude: int | None = None) -> str | None:
    """Why `code` cannot name a new (or the `exclude`d, renamed) screen-out; None if it can."""
    if not code:
        return "Give the screen-out a code: it is recorded on the responses it ends."
    if not CODE_RE.match(code):
        return ("A code holds only letters, digits, “_” and “-” (at most 64 characters, not starting with “-”): "
                "it is recorded on the responses and exported.")
    if ScreenOut.objects.filter(version=version, code=code).exclude(pk=exclude).exists():
        return f"“{code}” is already a screen-out of this version."
    return None


def condition_problem(version: SurveyVersion, text: str) -> str | None:
    """Why a screen-out's condition is refused (the import's checks: any question or hidden
    field of the version), with the character where the problem is; None if it fits."""
    if not text.strip():
        return "Give the condition of the respondents to screen out, e.g. age < 18."
    try:
        conditions.check(conditions.parse(text), version_definition(version).condition_questions)
    except conditions.ConditionError as exc:
        reason = f"{exc.reason[:1].upper()}{exc.reason[1:]}"
        return f"{reason} (at character {exc.position + 1})." if exc.position >= 0 else f"{reason}."
    return None


def _check(version: SurveyVersion, code: str, condition: str, message: str, exclude: int | None = None) -> None:
    for field, problem in (("code", code_problem(version, code, exclude=exclude)),
                           ("condition", condition_problem(version, condition))):
        if problem is not None:
            raise ScreenOutRefused(problem, field)
    if not message.strip():
        raise ScreenOutRefused("Give the message a screened-out respondent reads.", "message")


def _ids(version: SurveyVersion) -> list[int]:
    return list(ScreenOut.objects.filter(version=version).order_by("position", "pk").values_list("pk", flat=True))


@transaction.atomic
def screen_out_add(*, version: SurveyVersion, code: str, condition: str, message: str) -> ScreenOut:
    """A new screen-out after the version's others (they are checked in order)."""
    version = structure_locked(version)
    _check(version, code, condition, message)
    position = ScreenOut.objects.filter(version=version).count()
    screen_out = ScreenOut.objects.create(version=version, position=position, code=code, condition=condition,
                                          message=message)
    version_touch(version)
    return screen_out


@transaction.atomic
def screen_out_update(*, screen_out: ScreenOut, code: str, condition: str, message: str) -> ScreenOut:
    """Change a screen-out's code, condition and message."""
    version = structure_locked(screen_out.version)
    screen_out = ScreenOut.objects.get(pk=screen_out.pk)
    _check(version, code, condition, message, exclude=screen_out.pk)
    screen_out.code, screen_out.condition, screen_out.message = code, condition, message
    screen_out.save()
    version_touch(version)
    return screen_out


@transaction.atomic
def screen_out_delete(*, screen_out: ScreenOut) -> dict:
    """Delete a screen-out; returns what `screen_out_restore` needs to put it back."""
    version = structure_locked(screen_out.version)
    screen_out = ScreenOut.objects.get(pk=screen_out.pk)
    ids = _ids(version)
    data = {"code": screen_out.code, "condition": screen_out.condition, "message": screen_out.message,
            "position": ids.index(screen_out.pk)}
    deleted = screen_out.pk
    screen_out.delete()
    positions_renumber(ScreenOut, [pk for pk in ids if pk != deleted])
    version_touch(version)
    return data


@transaction.atomic
def screen_out_restore(*, version: SurveyVersion, data: dict) -> ScreenOut:
    """Put a deleted screen-out back at its place (refused if its code is taken since, or
    its condition names what is gone)."""
    version = structure_locked(version)
    try:
        _check(version, data["code"], data["condition"], data["message"])
    except ScreenOutRefused as exc:
        raise EditError(f"The screen-out cannot be restored: {exc}") from exc
    screen_out = ScreenOut.objects.create(version=version, position=0, code=data["code"],
                                          condition=data["condition"], message=data["message"])
    ids = [pk for pk in _ids(version) if pk != screen_out.pk]
    ids.insert(max(0, min(data.get("position", len(ids)), len(ids))), screen_out.pk)
    positions_renumber(ScreenOut, ids)
    version_touch(version)
    screen_out.position = ids.index(screen_out.pk)
    return screen_out
