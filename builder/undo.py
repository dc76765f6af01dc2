"""Undo of a change from the survey's history: the object is put back as it was before
the change, and the undo is recorded as a change of its own ("Undid: …"), which can be
undone in turn (a redo).

One small class per kind of change (`UndoKind`), registered by the actions it undoes; a
change whose action has none, or recorded without what its undo needs (before undo
existed), says "cannot be undone" in the history rather than offering a button.

What keeps it safe:
- The change's row is locked, and marked with its undo ("undone_by") in the undo's own
  transaction: a double click, or two editors undoing the same change at once, undo it
  once; the second is told it is undone already.
- Each kind checks that its object is still as the change left it (the values the record
  keeps under "undo", surveys.history) and refuses otherwise, naming the newest change
  of the object: a colleague's later edit is never silently reverted.
- Structure (questions, pages, their conditions) is refused on a published version: it is
  frozen, only a new draft changes it.
- Whatever a service refuses (a code taken since, a page gone, a condition that no longer
  fits) is refused here with its message; nothing is written, as the whole undo is one
  transaction.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from builder import hidden_history, outline_history, quota_history, reporting_history, screen_out_history
from builder.settings_sections import NAMES as SECTION_NAMES
from builder.settings_sections import section_state
from builder.stamps import text_target
from surveys import editing, hidden_editing, lifecycle, quota_editing, reporting_editing, screen_out_editing
from surveys.editing import EditError, Entry
from surveys.history import as_json, change_record
from surveys.models import (
    Finding,
    HiddenField,
    Net,
    Page,
    Question,
    Quota,
    SavedView,
    ScreenOut,
    Survey,
    SurveyChange,
    SurveyVersion,
)

UNDID, REDID = "Undid: ", "Redid: "


class UndoRefused(Exception):
    """An undo refused, nothing written: `message` says why, `blocking` is the newer
    change that stands in the way (if one is recorded)."""

    def __init__(self, message: str, blocking: SurveyChange | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.blocking = blocking


class UndoKind:
    """How to undo the changes recorded with one of `actions`."""

    actions: ClassVar[tuple[str, ...]] = ()
    # Refused on a published version (its structure is frozen).
    structure: ClassVar[bool] = True

    def possible(self, details: dict[str, Any]) -> bool:
        """Whether the record keeps what the undo needs (records made before undo existed
        may not)."""
        return isinstance(details.get("undo"), dict)

    def apply(self, change: SurveyChange, user) -> SurveyChange:
        """Put the object back and record it (`_details` marks what it undoes)."""
        raise NotImplementedError


KINDS: dict[str, UndoKind] = {}


def _register(cls: type[UndoKind]) -> type[UndoKind]:
    kind = cls()
    for action in cls.actions:
        KINDS[action] = kind
    return cls


def undo_kind(change: SurveyChange) -> UndoKind | None:
    kind = KINDS.get(change.action)
    return kind if kind is not None and kind.possible(change.details or {}) else None


def can_undo(change: SurveyChange) -> bool:
    """Whether the history offers Undo for this change (reads the row only: the page's
    queries stay the same for any number of changes)."""
    return undo_kind(change) is not None and not (change.details or {}).get("undone_by")


def undo_summary(change: SurveyChange) -> str:
    """ "Undid: Changed …"; the undo of an undo is a redo ("Redid: Changed …")."""
    if change.summary.startswith(UNDID):
        return REDID + change.summary.removeprefix(UNDID)
    if change.summary.startswith(REDID):
        return UNDID + change.summary.removeprefix(REDID)
    return UNDID + change.summary


@transaction.atomic
def change_undo(*, survey: Survey, change_id: int, user) -> SurveyChange:
    """Undo the survey's change `change_id` for `user` (who may edit the survey: the view
    checks it) and return the change that records the undo; UndoRefused, with nothing
    written, when it cannot be undone now."""
    change = SurveyChange.objects.select_for_update().filter(pk=change_id, survey=survey).first()
    if change is None:
        raise UndoRefused("That change is not in this survey's history.")
    undone_by = (change.details or {}).get("undone_by")
    if undone_by:
        raise UndoRefused("This change is undone already.", SurveyChange.objects.filter(pk=undone_by).first())
    kind = undo_kind(change)
    if kind is None:
        raise UndoRefused("This change cannot be undone.")
    if kind.structure:
        _draft_of(change)
    try:
        with transaction.atomic():
            undo = kind.apply(change, user)
    except (EditError, ValidationError) as exc:  # FrozenVersionError is a ValidationError
        raise UndoRefused("Nothing was undone: " + " ".join(getattr(exc, "messages", None) or [str(exc)])) from exc
    except reporting_editing.ReportingInvalid as exc:
        raise UndoRefused("Nothing was undone: " + " ".join(exc.problems.values())) from exc
    except IntegrityError as exc:  # a code taken since by another object
        raise UndoRefused("Nothing was undone: a code it would put back is now used by another item.") from exc
    change.details = {**(change.details or {}), "undone_by": undo.pk}
    change.save(update_fields=["details"])
    return undo


# --- Checks --------------------------------------------------------------------------------


def _draft_of(change: SurveyChange) -> SurveyVersion:
    """The change's version, locked, if it is still a draft."""
    version = SurveyVersion.objects.select_for_update().filter(pk=change.version_id).first()
    if version is None:
        raise UndoRefused("This change cannot be undone: its version has been deleted.")
    if version.is_frozen:
        raise UndoRefused(
            f"Version {version.number} is published: its structure is frozen. Edit it as a new draft and make the "
            "change there."
        )
    return version


def _newest_since(change: SurveyChange) -> SurveyChange | None:
    return (
        SurveyChange.objects.filter(survey_id=change.survey_id, target=change.target, pk__gt=change.pk)
        .select_related("user").order_by("-pk").first()
    )


def _moved_since(change: SurveyChange) -> bool:
    """Whether a change of the same object since still counts: each undone one and its
    undo cancel out (a place has no values to compare, as a question's fields have)."""
    since = {c.pk: c for c in SurveyChange.objects.filter(
        survey_id=change.survey_id, target=change.target, pk__gt=change.pk).only("pk", "details")}
    left = set(since)
    for pk, later in since.items():
        undo = (later.details or {}).get("undone_by")
        if undo in left and pk in left:
            left -= {pk, undo}
    return bool(left)


def _changed_since(change: SurveyChange, thing: str) -> UndoRefused:
    """The refusal of an undo whose object is no longer as the change left it."""
    newer = _newest_since(change)
    if newer is None:
        return UndoRefused(f"Nothing was undone: {thing} has been changed since (outside the builder).")
    at = timezone.localtime(newer.at)
    who = newer.who or "an import"
    return UndoRefused(
        f"Nothing was undone: {thing} has been changed since. The newest change of it, by {who} on "
        f"{at.day} {at:%B} at {at:%H:%M}: “{newer.summary}”. Undo that one first.",
        newer,
    )


def _gone(thing: str) -> UndoRefused:
    return UndoRefused(f"Nothing was undone: {thing} no longer exists.")


def _pk(change: SurveyChange) -> int:
    """The primary key in the change's target ("question:12")."""
    return int(change.target.split(":")[1])


def _details(change: SurveyChange, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {**(details or {}), "undoes": change.pk}


def _swapped(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A change's "fields" the other way round."""
    swapped = []
    for field in fields:
        if "added" in field or "removed" in field:
            swapped.append({**field, "added": field.get("removed", []), "removed": field.get("added", [])})
        else:
            swapped.append({**field, "before": field.get("after", ""), "after": field.get("before", "")})
    return swapped


# --- Questions and pages -------------------------------------------------------------------


def _question(change: SurveyChange) -> Question:
    question = (
        Question.objects.filter(pk=_pk(change), version_id=change.version_id)
        .select_related("page", "version").prefetch_related("choices", "rows").first()
    )
    if question is None:
        raise _gone("the question")
    return question


def _page(change: SurveyChange) -> Page:
    page = Page.objects.filter(pk=_pk(change), version_id=change.version_id).select_related("version").first()
    if page is None:
        raise _gone("the page")
    return page


def _still(change: SurveyChange, question: Question, thing: str = "the question") -> None:
    after = change.details["undo"]["after"]
    current = outline_history.question_snapshot(question)
    if outline_history.snapshot_content(current) != outline_history.snapshot_content(after):
        raise _changed_since(change, thing)


@_register
class QuestionCreated(UndoKind):
    """Added, duplicated or restored: undone by deleting it (and that delete's record
    keeps it whole, for a redo)."""

    actions = ("question_added", "question_duplicated", "question_restored")

    def apply(self, change, user):
        question = _question(change)
        _still(change, question)
        version, target = question.version, change.target
        data = editing.question_delete(question=question)
        return outline_history.record_by(user, version, "question_deleted", undo_summary(change), target,
                                         _details(change, {"question": data}))


@_register
class QuestionDeleted(UndoKind):
    actions = ("question_deleted",)

    def possible(self, details):
        return isinstance(details.get("question"), dict)

    def apply(self, change, user):
        version = change.version
        restored = editing.question_restore(version=version, data=change.details["question"])
        return outline_history.record_by(user, version, "question_restored", undo_summary(change), restored,
                                         _details(change))


def _entries(items: list[dict[str, Any]], existing: set[int]) -> list[Entry]:
    # A choice deleted by the change comes back as a new one (its old row is gone).
    return [
        Entry(code=item["code"], label=item["label"], id=item["id"] if item.get("id") in existing else None,
              exclusive=item.get("exclusive", False), specify=item.get("specify", ""),
              anchor=item.get("anchor", False), attention_check=item.get("attention_check", ""))
        for item in items
    ]


@_register
class QuestionChanged(UndoKind):
    actions = ("question_changed",)

    def possible(self, details):
        return "before" in (details.get("undo") or {})

    def apply(self, change, user):
        question = _question(change)
        _still(change, question)
        before = change.details["undo"]["before"]
        state = outline_history.question_state(question)
        values = {name: before[name] for name in editing.QUESTION_FIELDS if name in before}
        for name in ("min_value", "max_value", "step"):
            if name in values:
                values[name] = None if values[name] is None else Decimal(values[name])
        kind = question.question_type
        choices = _entries(before.get("choices", []), {c.pk for c in question.choices.all()})
        rows = _entries(before.get("rows", []), {r.pk for r in question.rows.all()})
        editing.question_update(question=question, choices=choices if kind.has_choices else None,
                                rows=rows if kind.has_rows else None, **values)
        after = Question.objects.prefetch_related("choices", "rows").select_related("page").get(pk=question.pk)
        fields = outline_history.question_changes(state, outline_history.question_state(after))
        return outline_history.record_by(user, after.version, "question_changed", undo_summary(change), after,
                                         _details(change, {"fields": fields}), before=state)


def _move_fields(pages: dict[int, int], before: dict[str, int], after: dict[str, int]) -> list[dict[str, str]]:
    """A question's move in the words of the outline's record (builder.views.outline)."""
    fields = [
        {"name": "page", "label": "Page", "before": str(pages[before["page"]] + 1),
         "after": str(pages[after["page"]] + 1)},
        {"name": "position", "label": "Place on the page", "before": str(before["position"] + 1),
         "after": str(after["position"] + 1)},
    ]
    return [f for f in fields if f["before"] != f["after"]]


@_register
class QuestionMoved(UndoKind):
    actions = ("question_moved",)

    def apply(self, change, user):
        question = _question(change)
        place = change.details["undo"]
        if outline_history.place_of(question) != place["after"]:
            raise _changed_since(change, "the question's place")
        page = Page.objects.filter(pk=place["before"]["page"], version_id=change.version_id).first()
        if page is None:
            raise _gone("the page it came from")
        was = outline_history.place_of(question)
        moved = editing.question_move(question=question, page=page, position=place["before"]["position"])
        pages = dict(Page.objects.filter(version_id=change.version_id).values_list("pk", "position"))
        fields = _move_fields(pages, was, outline_history.place_of(moved))
        return outline_history.record_by(user, question.version, "question_moved", undo_summary(change), moved,
                                         _details(change, {"fields": fields}))


@_register
class PageCreated(UndoKind):
    actions = ("page_added", "page_restored")

    def apply(self, change, user):
        page = _page(change)
        if outline_history.page_snapshot(page) != change.details["undo"]["after"]:
            raise _changed_since(change, "the page (or the questions on it)")
        version = page.version
        data = editing.page_delete(page=page)
        return outline_history.record_by(user, version, "page_deleted", undo_summary(change), change.target,
                                         _details(change, {"page": data}))


@_register
class PageDeleted(UndoKind):
    actions = ("page_deleted",)

    def possible(self, details):
        return isinstance(details.get("page"), dict)

    def apply(self, change, user):
        restored = editing.page_restore(version=change.version, data=change.details["page"])
        return outline_history.record_by(user, change.version, "page_restored", undo_summary(change), restored,
                                         _details(change))


_PAGE_SETTINGS = ("title", "condition", "shuffle_questions", "shuffle_block")


def _settings(snapshot: dict[str, Any], page: Page) -> dict[str, Any]:
    """A page's title, condition and random order as a record holds them (records from
    before the random order was editable have none: the page keeps the one it has)."""
    return {name: snapshot.get(name, getattr(page, name)) for name in _PAGE_SETTINGS}


@_register
class PageChanged(UndoKind):
    actions = ("page_changed",)

    def apply(self, change, user):
        page = _page(change)
        undo = change.details["undo"]
        if {name: getattr(page, name) for name in _PAGE_SETTINGS} != _settings(undo["after"], page):
            raise _changed_since(change, "the page")
        was = Page.objects.get(pk=page.pk)
        editing.page_update(page=page, **_settings(undo["before"], page))
        fields = outline_history.page_changes(was, page)
        return outline_history.record_by(user, page.version, "page_changed", undo_summary(change), page,
                                         _details(change, {"fields": fields}))


@_register
class PageMoved(UndoKind):
    actions = ("page_moved",)

    def apply(self, change, user):
        page = _page(change)
        undo = change.details["undo"]
        if page.position != undo["after"]["position"]:
            raise _changed_since(change, "the page's place")
        was = page.position
        moved = editing.page_move(page=page, position=undo["before"]["position"])
        fields = [{"name": "position", "label": "Place", "before": str(was + 1), "after": str(moved.position + 1)}]
        return outline_history.record_by(user, page.version, "page_moved", undo_summary(change), moved,
                                         _details(change, {"fields": fields}))


def _one_field(details: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any] | None:
    fields = details.get("fields") or []
    if len(fields) == 1 and fields[0].get("name") in names and "before" in fields[0]:
        return fields[0]
    return None


@_register
class ConditionSet(UndoKind):
    """A display condition set with the picker: its record's words are the condition."""

    actions = ("condition_set",)

    def possible(self, details):
        return _one_field(details, ("condition",)) is not None

    def apply(self, change, user):
        field = change.details["fields"][0]
        kind = change.target.split(":")[0]
        obj = _question(change) if kind == "question" else _page(change)
        if obj.condition != field["after"]:
            raise _changed_since(change, f"the {kind}'s condition")
        if isinstance(obj, Question):
            editing.question_update(question=obj, condition=field["before"])
        else:
            editing.page_update(page=obj, title=obj.title, condition=field["before"])
        return outline_history.record_by(user, obj.version, "condition_set", undo_summary(change), obj,
                                         _details(change, {"fields": _swapped([field])}))


@_register
class TextsChanged(UndoKind):
    """The intro or the thank-you text: wording, undone on a published version too."""

    actions = ("texts_changed",)
    structure = False

    def possible(self, details):
        return _one_field(details, ("intro", "thank_you")) is not None

    def apply(self, change, user):
        field = change.details["fields"][0]
        version = SurveyVersion.objects.select_for_update().select_related("survey").filter(
            pk=change.version_id).first()
        if version is None:
            raise _gone("the version")
        if getattr(version, field["name"]) != field["after"]:
            raise _changed_since(change, f"the {field['label'].lower()}")
        editing.version_texts_update(version=version, **{field["name"]: field["before"]})
        return outline_history.record_by(user, version, "texts_changed", undo_summary(change),
                                         text_target(version, field["name"]),
                                         _details(change, {"fields": _swapped([field])}))


# --- Hidden fields ---------------------------------------------------------------------------


def _hidden(change: SurveyChange) -> HiddenField:
    field = HiddenField.objects.filter(pk=_pk(change), version_id=change.version_id).select_related(
        "version__survey").first()
    if field is None:
        raise _gone("the hidden field")
    if hidden_history.field_values(field) != change.details["undo"]["after"]:
        raise _changed_since(change, f"the hidden field {field.code}")
    return field


@_register
class HiddenAdded(UndoKind):
    """Added or restored: undone by deleting it (its record keeps it, for a redo)."""

    actions = ("hidden_added", "hidden_restored")

    def apply(self, change, user):
        field = _hidden(change)
        data = hidden_editing.hidden_field_delete(field=field)
        return hidden_history.record_by(user, field, "hidden_deleted", undo_summary(change),
                                        _details(change, hidden_history.deleted_details(field, data)), change.target)


@_register
class HiddenDeleted(UndoKind):
    actions = ("hidden_deleted",)

    def possible(self, details):
        return isinstance(details.get("hidden"), dict)

    def apply(self, change, user):
        field = hidden_editing.hidden_field_restore(version=change.version, data=change.details["hidden"])
        return hidden_history.record_by(user, field, "hidden_restored", undo_summary(change),
                                        _details(change, hidden_history.added_details(field)))


@_register
class HiddenChanged(UndoKind):
    actions = ("hidden_changed",)

    def possible(self, details):
        return "before" in (details.get("undo") or {})

    def apply(self, change, user):
        field = _hidden(change)
        was = HiddenField.objects.get(pk=field.pk)
        hidden_editing.hidden_field_update(field=field, **change.details["undo"]["before"])
        field.refresh_from_db()
        details = hidden_history.changed_details(field, was) or {}
        return hidden_history.record_by(user, field, "hidden_changed", undo_summary(change), _details(change, details))


# --- Screen-outs ----------------------------------------------------------------------------


def _screen_out(change: SurveyChange) -> ScreenOut:
    screen_out = ScreenOut.objects.filter(pk=_pk(change), version_id=change.version_id).select_related(
        "version__survey").first()
    if screen_out is None:
        raise _gone("the screen-out")
    if screen_out_history.screen_out_values(screen_out) != change.details["undo"]["after"]:
        raise _changed_since(change, f"the screen-out {screen_out.code}")
    return screen_out


@_register
class ScreenOutAdded(UndoKind):
    """Added or restored: undone by deleting it (its record keeps it, for a redo)."""

    actions = ("screen_out_added", "screen_out_restored")

    def apply(self, change, user):
        screen_out = _screen_out(change)
        data = screen_out_editing.screen_out_delete(screen_out=screen_out)
        return screen_out_history.record_by(user, screen_out, "screen_out_deleted", undo_summary(change),
                                            _details(change, screen_out_history.deleted_details(screen_out, data)),
                                            change.target)


@_register
class ScreenOutDeleted(UndoKind):
    actions = ("screen_out_deleted",)

    def possible(self, details):
        return isinstance(details.get("screen_out"), dict)

    def apply(self, change, user):
        screen_out = screen_out_editing.screen_out_restore(version=change.version, data=change.details["screen_out"])
        return screen_out_history.record_by(user, screen_out, "screen_out_restored", undo_summary(change),
                                            _details(change, screen_out_history.added_details(screen_out)))


@_register
class ScreenOutChanged(UndoKind):
    actions = ("screen_out_changed",)

    def possible(self, details):
        return "before" in (details.get("undo") or {})

    def apply(self, change, user):
        screen_out = _screen_out(change)
        was = ScreenOut.objects.get(pk=screen_out.pk)
        screen_out_editing.screen_out_update(screen_out=screen_out, **change.details["undo"]["before"])
        screen_out.refresh_from_db()
        details = screen_out_history.changed_details(screen_out, was) or {}
        return screen_out_history.record_by(user, screen_out, "screen_out_changed", undo_summary(change),
                                            _details(change, details))


# --- Quotas (added and removed on the settings page) ----------------------------------------


@_register
class QuotaAdded(UndoKind):
    """Added or restored: undone by removing it, unless it was changed since."""

    actions = ("quota_added", "quota_restored")
    structure = False

    def apply(self, change, user):
        code = change.details["undo"]["after"]["code"]
        quota = Quota.objects.filter(survey_id=change.survey_id, code=code).first()
        if quota is None:
            raise _gone("the quota")
        if quota_history.quota_values(quota) != change.details["undo"]["after"]:
            raise _changed_since(change, f"the quota {quota.label}")
        data = quota_editing.quota_delete(survey=change.survey, code=code)
        return quota_history.record_by(user, change.survey, quota, "quota_deleted", undo_summary(change),
                                       _details(change, quota_history.deleted_details(data)))


@_register
class QuotaDeleted(UndoKind):
    actions = ("quota_deleted",)
    structure = False

    def possible(self, details):
        return isinstance(details.get("quota"), dict)

    def apply(self, change, user):
        quota = quota_editing.quota_restore(survey=change.survey, data=change.details["quota"])
        return quota_history.record_by(user, change.survey, quota, "quota_restored", undo_summary(change),
                                       _details(change, quota_history.added_details(quota)))


# --- Settings sections ---------------------------------------------------------------------


_SETS = {"sharing": ("viewers", "viewer_groups"), "editors": ("editors", "editor_groups")}


@_register
class SectionChanged(UndoKind):
    actions = ("about_changed", "access_changed", "sharing_changed", "editors_changed", "quality_changed")
    structure = False

    def apply(self, change, user):
        section = change.action.removesuffix("_changed")
        survey = Survey.objects.select_for_update().get(pk=change.survey_id)
        undo = change.details["undo"]
        current = as_json(section_state(survey, section))
        if current != undo["after"]:
            raise _changed_since(change, SECTION_NAMES[section])
        before = undo["before"]
        if section in _SETS:
            users_field, groups_field = _SETS[section]
            users = list(User.objects.filter(username__in=before[users_field]))
            groups = list(Group.objects.filter(name__in=before[groups_field]))
            missing = sorted(set(before[users_field]) - {u.username for u in users}) + sorted(
                set(before[groups_field]) - {g.name for g in groups})
            if missing:
                raise UndoRefused(f"Nothing was undone: {', '.join(missing)} no longer exist(s).")
            if section == "editors":
                if not lifecycle.would_edit(user, editors=users, editor_groups=groups):
                    raise UndoRefused("Nothing was undone: you would no longer be an editor of the survey. "
                                      "Change the editors on the settings page instead.")
                lifecycle.survey_editors_update(survey=survey, editors=users, editor_groups=groups)
            else:
                lifecycle.survey_sharing_update(survey=survey, viewers=users, viewer_groups=groups)
        else:
            values = {name: Survey._meta.get_field(name).to_python(value) for name, value in before.items()}
            lifecycle.survey_settings_update(survey=survey, values=values)
        after = as_json(section_state(Survey.objects.get(pk=survey.pk), section))
        return change_record(
            survey=survey, user=user, action=change.action, summary=undo_summary(change), target=change.target,
            details=_details(change, {"fields": _swapped(change.details.get("fields") or []),
                                      "undo": {"before": current, "after": after}}),
        )


# --- Findings, NETs and saved views --------------------------------------------------------


MODELS: dict[str, type[Finding] | type[Net] | type[SavedView]] = {
    word: model for model, word in reporting_history.KINDS.items()
}


def _model(change: SurveyChange):
    return MODELS[change.action.split("_")[0]]


def _item(change: SurveyChange):
    # The survey's row first, as the findings page's saves lock it: no save slips in
    # between the check that the item is as the change left it and the undo.
    Survey.objects.select_for_update().filter(pk=change.survey_id).values_list("pk", flat=True).get()
    model = _model(change)
    item = model.objects.filter(pk=_pk(change), survey_id=change.survey_id).select_related("survey").first()
    if item is None:
        raise _gone(f"the {model._meta.verbose_name}")
    return item


def _item_add(model, survey: Survey, values: dict[str, Any]):
    if model is Finding:
        return reporting_editing.finding_add(survey=survey, **values)
    if model is Net:
        return reporting_editing.net_add(survey=survey, **values)
    rest = {k: v for k, v in values.items() if k != "code"}
    return reporting_editing.view_add(survey=survey, code=values["code"], values=rest)


def _item_update(item, values: dict[str, Any]) -> None:
    if isinstance(item, Finding):
        reporting_editing.finding_update(finding=item, **values)
    elif isinstance(item, Net):
        reporting_editing.net_update(net=item, **{k: v for k, v in values.items() if k != "question_code"})
    else:
        rest = {k: v for k, v in values.items() if k != "code"}
        reporting_editing.view_update(view=item, code=values["code"], values=rest)


def _item_move(item, offset: int) -> bool:
    if isinstance(item, Finding):
        return reporting_editing.finding_move(finding=item, offset=offset)
    if isinstance(item, Net):
        return reporting_editing.net_move(net=item, offset=offset)
    return reporting_editing.view_move(view=item, offset=offset)


def _item_delete(item) -> None:
    if isinstance(item, Finding):
        reporting_editing.finding_delete(finding=item)
    elif isinstance(item, Net):
        reporting_editing.net_delete(net=item)
    else:
        reporting_editing.view_delete(view=item)


def _item_still(change: SurveyChange, item) -> None:
    if reporting_history.item_values(item) != change.details["undo"]["after"]:
        raise _changed_since(change, f"the {item._meta.verbose_name}")


@_register
class ItemAdded(UndoKind):
    actions = ("finding_added", "net_added", "view_added")
    structure = False

    def apply(self, change, user):
        item = _item(change)
        _item_still(change, item)
        _item_delete(item)
        kind = reporting_history.KINDS[type(item)]
        return reporting_history.record_by(user, item, f"{kind}_deleted", undo_summary(change),
                                           _details(change, reporting_history.deleted_details(item)), change.target)


@_register
class ItemDeleted(UndoKind):
    actions = ("finding_deleted", "net_deleted", "view_deleted")
    structure = False

    def possible(self, details):
        return "before" in (details.get("undo") or {})

    def apply(self, change, user):
        model, undo = _model(change), change.details["undo"]
        survey = Survey.objects.get(pk=change.survey_id)
        item = _item_add(model, survey, dict(undo["before"]))
        # Back to its place: added at the end, it moves up until there (or as far as it can).
        while item.position > undo["position"] and _item_move(item, -1):
            item.refresh_from_db(fields=["position"])
        kind = reporting_history.KINDS[model]
        return reporting_history.record_by(user, item, f"{kind}_added", undo_summary(change),
                                           _details(change, reporting_history.added_details(item)))


@_register
class ItemChanged(UndoKind):
    actions = ("finding_changed", "net_changed", "view_changed")
    structure = False

    def possible(self, details):
        return "before" in (details.get("undo") or {})

    def apply(self, change, user):
        item = _item(change)
        _item_still(change, item)
        state = reporting_history.item_state(item)
        _item_update(item, dict(change.details["undo"]["before"]))
        details = reporting_history.changed_details(item, state) or {}
        kind = reporting_history.KINDS[type(item)]
        return reporting_history.record_by(user, item, f"{kind}_changed", undo_summary(change),
                                           _details(change, details))


@_register
class ItemMoved(UndoKind):
    actions = ("finding_moved", "net_moved", "view_moved")
    structure = False

    def apply(self, change, user):
        item = _item(change)
        if _moved_since(change):
            raise _changed_since(change, f"the {item._meta.verbose_name}")
        offset = -int(change.details["undo"]["offset"])
        if not _item_move(item, offset):
            raise UndoRefused(f"Nothing was undone: the {item._meta.verbose_name} is already "
                              f"{'first' if offset < 0 else 'last'}.")
        kind = reporting_history.KINDS[type(item)]
        return reporting_history.record_by(user, item, f"{kind}_moved", undo_summary(change),
                                           _details(change, {"undo": {"offset": offset}}))
