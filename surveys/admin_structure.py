"""A version's structure in the admin: its pages, their questions, and the questions' choices
and matrix rows, as nested inlines of the version's page.

Two things make these inlines harder than they look:

- One save can add a version, its pages, their questions and those questions' choices and
  rows. The parents of a new object are then unsaved too, so the version an object belongs
  to is read through its parents as they were posted (`version_of`), never as if they were
  saved (reading `question.version` of a question under a new page is the admin's 500 of
  issue 13).
- A published version's structure is frozen (the models refuse changes too): its inlines
  offer no adding or deleting, show the structural fields read-only, and an addition posted
  anyway is refused with a message on its inline, nothing written.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import nested_admin
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from nested_admin.formsets import NestedInlineFormSet

from surveys.models import Choice, MatrixRow, Page, Question, SurveyVersion
from surveys.types import question_type

# The foreign key from each structure model to the object it belongs to.
PARENT_FIELD: dict[type[models.Model], str] = {
    Page: "version", Question: "page", Choice: "question", MatrixRow: "question",
}


def _parent(obj: models.Model, name: str) -> models.Model | None:
    """`obj`'s parent through the foreign key `name`: the object assigned to it (perhaps not
    saved yet), the saved one its id names, or None when it has neither."""
    field = obj._meta.get_field(name)
    if field.is_cached(obj) or getattr(obj, field.attname) is not None:
        return getattr(obj, name)
    return None


def version_of(obj: models.Model | None) -> SurveyVersion | None:
    """The version a structure object belongs to, read through its parents as posted; None
    while they are unknown (a form's parent that was not validated)."""
    if isinstance(obj, SurveyVersion):
        return obj
    if isinstance(obj, Page):
        return _parent(obj, "version")
    if isinstance(obj, Question):
        return _parent(obj, "version") or version_of(_parent(obj, "page"))
    if isinstance(obj, (Choice, MatrixRow)):
        return version_of(_parent(obj, "question"))
    return None


def _frozen(obj: models.Model | None) -> bool:
    """Whether the inlines under `obj` show a frozen structure. nested_admin renders the
    inlines of an unsaved object as those of no object: so are they built, or a form would
    lack the fields its rendering shows (their own checks still refuse the new objects)."""
    if obj is None or obj.pk is None:
        return False
    version = version_of(obj)
    return bool(version and version.is_frozen)


def _has_new_children(form: forms.BaseForm) -> bool:
    return any(formset.total_form_count() > formset.initial_form_count()
               for formset in getattr(form, "nested_formsets", ()))


class StructureForm(forms.ModelForm):
    """A page, question, choice or row in the version's form."""

    def has_changed(self) -> bool:
        # A new page (or question) left blank that holds new questions (or choices) is saved
        # for their sake. nested_admin forces it too, but only after validating the children,
        # whose model checks need it validated first (that is where its version comes from).
        nested = getattr(self, "nested_formsets", ())
        if self.instance._state.adding and any(formset.has_changed() for formset in nested):
            return True
        return super().has_changed()

    def _post_clean(self) -> None:
        # The model's checks ask the object's version whether it is frozen. A question's
        # version is its page's; a question posted with its page, or a choice with its
        # question, learns it here, before anything is saved.
        parent = self.cleaned_data.get(PARENT_FIELD[self._meta.model])
        version = version_of(parent)
        if version is None:
            self.add_error(None, ValidationError(
                "This belongs to a page or question that could not be read: reload the page and add it again.",
                code="no_version",
            ))
            return
        for obj in (self.instance, parent):
            if isinstance(obj, Question) and obj.version_id is None:
                obj.version = version
        super()._post_clean()


class StructureFormSet(NestedInlineFormSet):
    """The pages of a version, the questions of a page, or the choices or rows of a question."""

    def clean(self) -> None:
        super().clean()
        version = version_of(self.instance)
        if version is None or not version.is_frozen:
            return
        # The inline offers no "Add another" here; a new form posted anyway (an old page, a
        # hand-made request) is refused rather than silently dropped.
        if any(form.changed_data or _has_new_children(form) for form in self.extra_forms):
            raise ValidationError(
                f"Version {version.number} is published and frozen: no {self.model._meta.verbose_name} can be "
                "added. Create a new draft to change its structure.",
                code="frozen",
            )

    def parent_deleted(self) -> bool:
        """Whether the page or question these forms belong to is being deleted (nested_admin
        links a nested formset to its parent form, and that form to its formset)."""
        parent_form = getattr(self, "parent_form", None)
        parent_formset = getattr(parent_form, "parent_formset", None)
        if parent_formset is None or not hasattr(parent_form, "cleaned_data"):
            return False
        return parent_formset._should_delete_form(parent_form) or (
            isinstance(parent_formset, StructureFormSet) and parent_formset.parent_deleted()
        )

    def save(self, commit: bool = True) -> list:
        # Deleting a page deletes its questions with their choices and rows, by cascade. Their
        # forms are left alone: nested_admin would save them again under the deleted parent,
        # or delete them a second time.
        if self.parent_deleted():
            self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
            return []
        return super().save(commit)


class QuestionFormSet(StructureFormSet):
    """The questions of one page. A question's code is unique in its version, which spans
    several of these formsets: they are validated one after another within a request, and
    `codes` (one per request) holds the codes validated before."""

    codes: _QuestionCodes

    def clean(self) -> None:
        super().clean()
        version = version_of(self.instance)
        for form in self.forms:
            adding = form.instance._state.adding
            if self._should_delete_form(form) or (adding and not form.has_changed()):
                continue
            code = form.cleaned_data.get("code", form.instance.code)
            # A saved question keeping its code was unique when saved: only the posted ones can clash.
            new_code = adding or "code" in form.changed_data
            if code and self.codes.taken(code, form.prefix, version if new_code else None) and "code" in form.fields:
                form.add_error("code", ValidationError(
                    f"Another question of this version has the code '{code}': codes are unique in a version.",
                    code="duplicate_code",
                ))
            _check_scale(form)


# The form field on which each kind of scale problem (QuestionType.scale_problems) is shown.
_SCALE_FIELDS = {"scale": "max_value", "labels": "low_label", "display": "display"}


def _check_scale(form: forms.BaseForm) -> None:
    """A rating's scale, end labels and display, refused as the definition file and the
    builder refuse them (with the same words)."""
    names = ("type", "min_value", "max_value", "low_label", "high_label", "display")
    posted = SimpleNamespace(**{name: form.cleaned_data.get(name, getattr(form.instance, name)) for name in names})
    for setting, message in question_type(posted.type).scale_problems(posted):
        field = _SCALE_FIELDS[setting]
        text = f"{message[:1].upper()}{message[1:]}."
        form.add_error(field if field in form.fields else None, ValidationError(text, code=message.code))


_QUESTION_ID = re.compile(r"(?:.*-)?questions-\d+-id")


class _QuestionCodes:
    """The question codes of one request's version form, as its formsets are validated."""

    def __init__(self, request: HttpRequest):
        # The form that has each code, by its prefix (nested_admin may validate a form twice).
        self.seen: dict[str, str] = {}
        # The questions whose forms are posted: their saved codes may be changing.
        self.posted_ids = frozenset(
            int(value) for key, value in request.POST.items() if _QUESTION_ID.fullmatch(key) and value.isdigit()
        )

    def taken(self, code: str, prefix: str, version: SurveyVersion | None) -> bool:
        """Whether the question form `prefix` has a code that a form validated before has, or
        (given its version) a saved question whose form is not posted."""
        holder = self.seen.setdefault(code, prefix)
        return holder != prefix or bool(
            version is not None and version.pk is not None
            and Question.objects.filter(version=version, code=code).exclude(pk__in=self.posted_ids).exists()
        )


class FrozenAwareInline:
    """Inlines under a published version: no adding, no deleting, structure read-only."""

    form = StructureForm
    formset = StructureFormSet
    structural_fields: tuple[str, ...] = ()

    def get_queryset(self, request: HttpRequest):
        # Each form's inlines ask their parent's version whether it is frozen.
        queryset = super().get_queryset(request)
        related = {Page: "version", Question: "version"}.get(self.model)
        return queryset.select_related(related) if related else queryset

    def has_add_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if _frozen(obj):
            readonly += [
                f for f in self.structural_fields if f not in readonly and f != self.sortable_field_name
            ]
        return readonly

    def get_formset(self, request, obj=None, **kwargs):
        # nested_admin orders the inline forms by the sort field's value, so that field must
        # stay in the form: it is disabled instead of read-only (a posted value is ignored).
        formset = super().get_formset(request, obj, **kwargs)
        if _frozen(obj) and self.sortable_field_name in formset.form.base_fields:
            formset.form.base_fields[self.sortable_field_name].disabled = True
        return formset


class ChoiceInline(FrozenAwareInline, nested_admin.NestedTabularInline):
    model = Choice
    extra = 0
    fields = ("position", "code", "label", "exclusive", "specify")
    structural_fields = ("position", "code", "exclusive", "specify")
    sortable_field_name = "position"


class MatrixRowInline(FrozenAwareInline, nested_admin.NestedTabularInline):
    model = MatrixRow
    extra = 0
    fields = ("position", "code", "label")
    structural_fields = ("position", "code")
    sortable_field_name = "position"


class QuestionInline(FrozenAwareInline, nested_admin.NestedStackedInline):
    model = Question
    extra = 0
    fields = (
        "position", ("code", "type"), "label", "help_text", ("required", "is_segment", "personal_data"), "condition",
        ("min_value", "max_value", "max_length"), ("low_label", "high_label", "display"),
    )
    structural_fields = (
        "position", "code", "type", "required", "is_segment", "condition", "min_value", "max_value", "max_length",
        "display",
    )
    sortable_field_name = "position"
    inlines = [MatrixRowInline, ChoiceInline]

    def get_formset(self, request, obj=None, **kwargs):
        # One record of codes for the question formsets of all the pages of this request.
        codes = getattr(request, "_surveys_question_codes", None)
        if codes is None:
            codes = request._surveys_question_codes = _QuestionCodes(request)
        kwargs["formset"] = type("QuestionFormSet", (QuestionFormSet,), {"codes": codes})
        return super().get_formset(request, obj, **kwargs)


class PageInline(FrozenAwareInline, nested_admin.NestedStackedInline):
    model = Page
    extra = 0
    fields = ("position", "title", "condition")
    structural_fields = ("position", "condition")
    sortable_field_name = "position"
    inlines = [QuestionInline]
