"""Writes of a draft's hidden fields (the builder's "Hidden fields" page): add, change,
delete and restore, checked as the definition file checks them.

A hidden field is structure, frozen with its version like a question: each service locks
the version's row (as `surveys.editing` does) and refuses a published version. Codes share
the questions' namespace, and `external_id` is built in. A field that a display condition
names is neither renamed nor deleted, and its allowed values change only if the condition
still fits them: a condition that silently never matches is worse than a refusal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from django.db import transaction

from surveys import conditions
from surveys.definition import BUILTIN_HIDDEN, HiddenFieldDef
from surveys.definition_files import CODE_RE, HIDDEN_DESCRIPTION_MAX
from surveys.editing import EditError, positions_renumber, structure_locked, version_touch
from surveys.models import HiddenField, Page, Question, SurveyVersion
from surveys.selectors import version_definition

__all__ = [
    "HiddenFieldRefused",
    "code_problem",
    "hidden_field_add",
    "hidden_field_delete",
    "hidden_field_restore",
    "hidden_field_update",
    "values_problem",
]


class HiddenFieldRefused(EditError):
    """A change refused because of one of the field's values: `field` names it ("code",
    "values"), so that a form shows the message there."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def code_problem(version: SurveyVersion, code: str, *, exclude: int | None = None) -> str | None:
    """Why `code` cannot name a new (or the `exclude`d, renamed) hidden field of `version`,
    in the definition file's terms; None if it can."""
    if not code:
        return "Give the hidden field a code: the name of its parameter in the link."
    if not CODE_RE.match(code):
        return ("A code holds only letters, digits, “_” and “-” (at most 64 characters, not starting with “-”): "
                "it is the parameter's name in the link.")
    if code == BUILTIN_HIDDEN:
        return f"“{BUILTIN_HIDDEN}” is built in: it is filled from the invitee's external id."
    if Question.objects.filter(version=version, code=code).exists():
        return f"“{code}” is the code of a question: hidden fields and questions share their codes."
    if HiddenField.objects.filter(version=version, code=code).exclude(pk=exclude).exists():
        return f"“{code}” is already a hidden field of this version."
    return None


def values_problem(values: Sequence[str]) -> str | None:
    """Why a list of allowed values is refused (each a code, none twice); None if fine."""
    for value in values:
        if not CODE_RE.match(value):
            return f"“{value}” is not a value a link can carry: use letters, digits, “_” and “-”."
    repeated = next((v for i, v in enumerate(values) if v in values[:i]), None)
    if repeated is not None:
        return f"“{repeated}” is listed twice."
    return None


def _conditions_naming(version: SurveyVersion, code: str) -> list[tuple[str, str]]:
    """(where, condition text) of the version's display conditions that name `code`."""
    found = []
    places = [(f"page {p.position + 1}", p.condition) for p in Page.objects.filter(version=version)
              .exclude(condition="").order_by("position")]
    places += [(f"question {q.code}", q.condition) for q in Question.objects.filter(version=version)
               .exclude(condition="").select_related("page").order_by("page__position", "position")]
    for where, text in places:
        try:
            node = conditions.parse(text)
        except conditions.ConditionError:
            continue  # a broken condition is the publish check's to report
        if any(ref.question == code for ref in conditions.references(node)):
            found.append((where, text))
    return found


def _refuse_if_named(version: SurveyVersion, code: str, doing: str) -> None:
    named = _conditions_naming(version, code)
    if named:
        where, text = named[0]
        raise HiddenFieldRefused(f"“{code}” cannot be {doing}: the display condition of {where} uses it ({text}). "
                                 "Change that condition first.", "code")


def _check_values_fit(version: SurveyVersion, field: HiddenFieldDef) -> None:
    named = _conditions_naming(version, field.code)
    if not named:
        return
    definition = version_definition(version)
    definition = replace(definition, hidden_fields=tuple(
        field if h.code == field.code else h for h in definition.hidden_fields))
    for where, text in named:
        try:
            conditions.check(conditions.parse(text), definition.condition_questions)
        except conditions.ConditionError as exc:
            raise HiddenFieldRefused(
                f"These values do not fit the display condition of {where} ({text}): {exc.reason}. "
                "Change that condition first, or keep the values it names.", "values") from exc


def _check(version: SurveyVersion, code: str, description: str, values: Sequence[str],
           exclude: int | None = None) -> None:
    problem = code_problem(version, code, exclude=exclude)
    if problem is not None:
        raise HiddenFieldRefused(problem, "code")
    problem = values_problem(values)
    if problem is not None:
        raise HiddenFieldRefused(problem, "values")
    if len(description) > HIDDEN_DESCRIPTION_MAX:
        raise HiddenFieldRefused(f"A description is at most {HIDDEN_DESCRIPTION_MAX} characters.", "description")


def _ids(version: SurveyVersion) -> list[int]:
    return list(HiddenField.objects.filter(version=version).order_by("position", "pk").values_list("pk", flat=True))


@transaction.atomic
def hidden_field_add(*, version: SurveyVersion, code: str, description: str = "",
                     values: Sequence[str] = ()) -> HiddenField:
    """A new hidden field at the end of the version's."""
    version = structure_locked(version)
    _check(version, code, description, values)
    position = HiddenField.objects.filter(version=version).count()
    return HiddenField.objects.create(version=version, position=position, code=code, description=description,
                                      values=list(values))


@transaction.atomic
def hidden_field_update(*, field: HiddenField, code: str, description: str = "",
                        values: Sequence[str] = ()) -> HiddenField:
    """Change a hidden field's code, description and allowed values."""
    version = structure_locked(field.version)
    field = HiddenField.objects.get(pk=field.pk)
    _check(version, code, description, values, exclude=field.pk)
    if code != field.code:
        _refuse_if_named(version, field.code, "renamed")
    elif tuple(values) != tuple(field.values):
        _check_values_fit(version, HiddenFieldDef(code=code, values=tuple(values), description=description))
    field.code, field.description, field.values = code, description, list(values)
    field.save()
    return field


@transaction.atomic
def hidden_field_delete(*, field: HiddenField) -> dict:
    """Delete a hidden field; returns what `hidden_field_restore` needs to put it back."""
    version = structure_locked(field.version)
    field = HiddenField.objects.get(pk=field.pk)
    _refuse_if_named(version, field.code, "removed")
    ids = _ids(version)
    data = {"code": field.code, "description": field.description, "values": list(field.values),
            "position": ids.index(field.pk)}
    deleted = field.pk
    field.delete()
    positions_renumber(HiddenField, [pk for pk in ids if pk != deleted])
    version_touch(version)
    return data


@transaction.atomic
def hidden_field_restore(*, version: SurveyVersion, data: dict) -> HiddenField:
    """Put a deleted hidden field back at its place (refused if its code is taken since)."""
    version = structure_locked(version)
    problem = code_problem(version, data["code"])
    if problem is not None:
        raise EditError(f"The hidden field cannot be restored: {problem}")
    field = HiddenField.objects.create(version=version, position=0, code=data["code"],
                                       description=data.get("description", ""), values=list(data.get("values", [])))
    ids = [pk for pk in _ids(version) if pk != field.pk]
    ids.insert(max(0, min(data.get("position", len(ids)), len(ids))), field.pk)
    positions_renumber(HiddenField, ids)
    version_touch(version)
    field.position = ids.index(field.pk)
    return field
