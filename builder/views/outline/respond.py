"""The outline's rendering and the answer to every action: a redirect back to the outline
at the changed item, or (htmx) the outline part itself with the focus set."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from builder.forms.entries import EntryList, entry_lists
from builder.forms.outline import ConditionScope, PageForm, QuestionForm, TextsForm
from builder.stamps import stamp_of, text_snapshot
from builder.views.outline import deleted as kept_deleted
from builder.views.outline.structure import find_question, outline_pages
from surveys.models import Page, Question, Survey, SurveyVersion
from surveys.types import TYPES

ONCE_SECONDS = 6 * 3600
# The event an htmx answer triggers after a saved change: the preview beside the outline
# reloads on it (static/js/builder-preview.js).
SAVED_EVENT = "outline-saved"
_FOCUS_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,80}$")
SUMMARY_CHOICES = 4  # choice labels named on a card before "and N more"


@dataclass
class QuestionEdit:
    """The open edit form of one question (bound when it comes back from a post)."""

    question: Question
    form: QuestionForm
    lists: list[EntryList]
    # The question as the form first showed it (builder.stamps): posted back with every
    # save and kept while the lists are edited, so a save made meanwhile is noticed.
    stamp: str = ""

    @property
    def taken_json(self) -> str:
        return json.dumps(sorted(self.form.taken))

    @property
    def code_follows_label(self) -> bool:
        """Whether the browser should keep making the code from the label as it is typed."""
        if "code" not in self.form.fields:
            return False
        value = self.form["code"].value()
        return not value or (self.form.code_auto and value == self.question.code)


@dataclass
class ConditionEdit:
    """The condition picker of a question or a page, open in the outline in place of its
    card (builder.views.conditions): `context` is what builder/conditions/_form.html shows."""

    kind: str  # "question" or "page"
    pk: int
    context: dict

    @property
    def question_id(self) -> int | None:
        return self.pk if self.kind == "question" else None

    @property
    def page_id(self) -> int | None:
        return self.pk if self.kind == "page" else None


@dataclass
class Outline:
    """What the outline shows besides the structure itself."""

    survey: Survey
    version: SurveyVersion
    editable: bool
    pages: list[Page] = field(default_factory=list)
    question_edit: QuestionEdit | None = None
    page_form: PageForm | None = None
    texts: dict[str, TextsForm] = field(default_factory=dict)
    focus: Sequence[str] = ()
    deleted: dict | None = None
    condition_edit: ConditionEdit | None = None


def once(request: HttpRequest) -> bool:
    """True the first time a form's `once` token is posted: a double click (or a form sent
    again from the browser's history) then changes nothing twice. The cache's `add` is
    atomic, so two requests racing with one token cannot both pass."""
    token = request.POST.get("once", "")
    if not token:
        return True
    return cache.add(f"builder:once:{token[:64]}", 1, ONCE_SECONDS)


def new_token() -> str:
    return uuid.uuid4().hex


def outline_url(survey: Survey, anchor: str = "", **query: object) -> str:
    query = {k: v for k, v in query.items() if v not in (None, "")}
    url = reverse("builder:outline", args=[survey.slug])
    return url + (f"?{urlencode(query)}" if query else "") + (f"#{anchor}" if anchor else "")


def question_edit_state(question: Question, pages: list[Page], data=None, *, check: bool = True) -> QuestionEdit:
    """The question's form: from the database, or as posted (`check`: validated, else only
    shown again, e.g. after a choice was added to the list)."""
    taken = [q.code for page in pages for q in page.questions.all() if q.pk != question.pk]
    scope = ConditionScope.at(pages, question=question) if data is not None and check else None
    form = QuestionForm(data if check else None, question=question, taken=taken, scope=scope,
                        auto_id=f"q{question.pk}-%s")
    if data is not None and not check:
        form.initial = {
            name: field.widget.value_from_datadict(data, {}, form.add_prefix(name))
            for name, field in form.fields.items()
        }
    return QuestionEdit(question, form, entry_lists(question, data), stamp=_stamp(question, data))


def _stamp(obj: Question | Page, data) -> str:
    posted = data.get("stamp") if data is not None else None
    return posted if posted is not None else stamp_of(obj)


def page_form(page: Page, pages: list[Page], data=None) -> PageForm:
    scope = ConditionScope.at(pages, page=page) if data is not None else None
    form = PageForm(data, page=page, scope=scope, auto_id=f"page{page.pk}-%s")
    form.edit_stamp = _stamp(page, data)
    return form


def texts_forms(version: SurveyVersion, data=None, which: str = "") -> dict[str, TextsForm]:
    forms = {}
    for name in ("intro", "thank_you"):
        bound = data if name == which else None
        form = TextsForm(bound, initial={name: getattr(version, name)}, auto_id=f"texts-{name}-%s")
        # Each text has its own small form: only its field is shown and posted.
        form.fields = {name: form.fields[name]}
        # Stamped (builder.stamps) as first shown: a form shown again keeps the posted stamp.
        posted = bound.get("stamp") if bound is not None else None
        form.edit_stamp = posted if posted is not None else stamp_of(text_snapshot(version, name))
        forms[name] = form
    return forms


def render_outline(request: HttpRequest, outline: Outline, *, status: int = 200) -> HttpResponse:
    if not outline.pages:
        outline.pages = outline_pages(outline.version)
    if not outline.texts:
        outline.texts = texts_forms(outline.version)
    frozen = outline.version.is_frozen
    structural = outline.editable and not frozen
    _annotate(outline.pages)
    context = {
        "survey": outline.survey,
        "version": outline.version,
        "editable": outline.editable,
        "frozen": frozen,
        "structural": structural,
        "pages": outline.pages,
        "question_edit": outline.question_edit,
        "page_form": outline.page_form,
        "condition_edit": outline.condition_edit,
        "texts": outline.texts,
        "focus": " ".join(f for f in outline.focus if _FOCUS_ID.match(f)),
        "deleted": outline.deleted,
        "palette": list(TYPES.values()),
        "once": new_token,  # a template calls it: every form gets its own token
        "active": "home",
        # The preview beside the outline: shown when asked for (`?preview=1`; with
        # JavaScript, as the author left it), the form or `?show=questions`.
        "preview_shown": request.GET.get("preview") == "1",
        "preview_show": "questions" if request.GET.get("show") == "questions" else "form",
    }
    template = "builder/outline/_outline.html" if request.htmx else "builder/outline.html"
    response = render(request, template, context, status=status)
    # One URL answers a whole page or (htmx) its outline part: caches must keep both apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def _annotate(pages: list[Page]) -> None:
    """Where each question's Move up / Move down buttons send it (across pages at the ends
    of one), and the line that sums its choices or settings up on its card."""
    for p, page in enumerate(pages):
        page.number = p + 1
        questions = list(page.questions.all())
        page.question_list = questions
        for i, question in enumerate(questions):
            question.number = i + 1
            question.up = question.down = None
            if i > 0:
                question.up = (page.pk, i - 1)
            elif p > 0:
                question.up = (pages[p - 1].pk, len(pages[p - 1].questions.all()))
            if i < len(questions) - 1:
                question.down = (page.pk, i + 1)
            elif p < len(pages) - 1:
                question.down = (pages[p + 1].pk, 0)
            question.summary = summary(question)


def summary(question: Question) -> str:
    kind = question.question_type
    choices = [c.label for c in question.choices.all()]
    if kind.sums_to_total:
        rows = len(question.rows.all())
        return f"{rows} row{'s' if rows != 1 else ''} adding up to {kind.total(question).normalize():f}"
    if kind.has_rows:
        rows = len(question.rows.all())
        return f"{rows} row{'s' if rows != 1 else ''} × {len(choices)} choice{'s' if len(choices) != 1 else ''}"
    if kind.has_choices:
        if not choices:
            return "No choices yet"
        shown = " · ".join(choices[:SUMMARY_CHOICES])
        more = len(choices) - SUMMARY_CHOICES
        shown = f"{shown} · and {more} more" if more > 0 else shown
        if kind.ranks and question.max_value is not None:
            return f"Top {int(question.max_value)} of {shown}"
        return shown
    if kind.bounds:
        low, high = question.min_value, question.max_value
        if low is not None and high is not None:
            return f"From {low.normalize():f} to {high.normalize():f}"
        if low is not None:
            return f"At least {low.normalize():f}"
        if high is not None:
            return f"At most {high.normalize():f}"
    if kind.scales:
        low, high = kind.scale(question)
        display = kind.display(question)
        return f"{low} to {high}" if display == kind.displays[0] else f"{low} to {high}, as {display}"
    if kind.default_max_length is not None:
        return f"At most {question.max_length or kind.default_max_length} characters"
    return ""


def done(
    request: HttpRequest,
    survey: Survey,
    version: SurveyVersion,
    *,
    anchor: str,
    focus: Sequence[str] = (),
    edit: int | None = None,
    deleted: str | None = None,
    saved: bool = True,
) -> HttpResponse:
    """After a change: back to the outline at `anchor` (a redirect), or with htmx the outline
    part, focused on `focus` (the first of those ids that exists). `saved`: something was
    written (the answer says so to the preview, which reloads)."""
    if not request.htmx:
        return redirect(outline_url(survey, anchor, edit=edit, deleted=deleted))
    outline = Outline(survey, version, editable=True, focus=focus or (anchor,))
    if deleted:
        outline.deleted = kept_deleted.recall(request, version, deleted)
    if edit is not None:
        outline.pages = outline_pages(version)
        outline.question_edit = question_edit_state(find_question(outline.pages, edit), outline.pages)
    response = render_outline(request, outline)
    if saved:
        response["HX-Trigger"] = SAVED_EVENT
    return response


def refused(request: HttpRequest, survey: Survey, version: SurveyVersion, message: str, *,
            anchor: str = "") -> HttpResponse:
    """A change the services refused (published version, a restore that no longer fits):
    the outline with the reason."""
    messages.error(request, message)
    return done(request, survey, version, anchor=anchor or "outline", focus=("outline-messages",), saved=False)


def again(request: HttpRequest, survey: Survey, version: SurveyVersion) -> HttpResponse:
    """A form posted a second time: the first post did the change."""
    return done(request, survey, version, anchor="outline", saved=False)
