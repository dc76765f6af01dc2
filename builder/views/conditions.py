"""The condition picker's pages: the display condition of a question or of a page, and
the preview that the picker posts to as the author works (htmx).

With htmx (the outline's "Condition…"), the same URLs answer with the outline part, the
picker open in it at its question or page; saving answers with the outline part again,
the condition shown. Without JavaScript they are pages of their own.

The outline, the findings editor and the screen-outs page embed the same picker: they
build a `Place` (the helpers below; `finding_place` for a finding's base and target,
`screen_out_place` for a screen-out's condition), call `picker_for` with
the posted data (or the stored condition), render `builder/conditions/_picker.html`
inside their own form with `picker` in the context, and on submit either re-render (when
`picker_action` names a picker button) or save `picker.saved_text` when `picker.valid`.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from builder.access import builder_view, editable_survey, survey_for_builder
from builder.condition_display import Picker, Place, condition_picker
from builder.condition_picker import FormData, picker_action, valid_prefix
from builder.stamps import StaleEdit, check_stamp, stamp_of
from builder.views.outline.respond import ConditionEdit, Outline, done, render_outline
from builder.views.outline.respond import refused as outline_refused
from builder.views.outline.structure import edited_version
from surveys.definition import SurveyDef
from surveys.history import change_record, target_of
from surveys.models import FrozenVersionError, Page, Question, Survey, SurveyVersion
from surveys.piping import codes_before
from surveys.selectors import compiled_version, version_definition

PREFIX = "condition"
PICKER_TEMPLATE = "builder/conditions/_picker.html"


# --- Places ---------------------------------------------------------------------------


def _page_ids(version: SurveyVersion) -> list[int]:
    # The order of version_definition's pages, so that indexes agree.
    return list(Page.objects.filter(version=version).order_by("position", "pk").values_list("pk", flat=True))


def question_place(question: Question) -> Place:
    """The questions before this one: on earlier pages, and earlier on its page (outside a
    shuffled page or block: surveys.piping.codes_before)."""
    definition = version_definition(question.version)
    index = _page_ids(question.version).index(question.page_id)
    position = [q.code for q in definition.pages[index].questions].index(question.code)
    before = codes_before(definition.pages, index, position)
    return Place(f"question:{question.pk}", definition, frozenset(before), f"the question “{question.label}”")


def page_place(page: Page) -> Place:
    """The questions of the pages before this one (before its shuffled block)."""
    definition = version_definition(page.version)
    index = _page_ids(page.version).index(page.pk)
    before = codes_before(definition.pages, index)
    return Place(f"page:{page.pk}", definition, frozenset(before), f"page {index + 1}{_title(page)}")


def version_place(version: SurveyVersion) -> Place:
    """Every question of the version (findings and filters are not asked anywhere)."""
    return Place(f"version:{version.pk}", version_definition(version), None, f"version {version.number}",
                 lead="Respondents for whom", empty_words="Everyone: no condition.")


def finding_place(version: SurveyVersion, definition: SurveyDef | None = None) -> Place:
    """Every question of the version, as `version_place`, for a finding's base or target:
    neither may be empty, and the empty picker says so. `definition`: the version's, when
    the caller has it already (the findings page compiles it once per request)."""
    if definition is None:
        # Cached per process for a published version: the picker posts on every change.
        definition = compiled_version(version).definition
    return Place(f"finding:{version.pk}", definition, None, f"version {version.number}",
                 lead="Respondents for whom", empty_words="No condition yet: a finding needs one here.")


def screen_out_place(version: SurveyVersion) -> Place:
    """Every question and hidden field of the version: a screen-out is decided once all it
    names has been answered, wherever that is asked."""
    return Place(f"screenout:{version.pk}", version_definition(version), None, f"version {version.number}",
                 lead="Screen out respondents for whom", empty_words="No condition yet: a screen-out needs one.",
                 hidden=True)


def _title(page: Page) -> str:
    return f" “{page.title}”" if page.title else ""


def place_from_token(survey: Survey, token: str) -> Place:
    """The place a picker names in its form, which must be of this survey (else 404)."""
    kind, _, pk = token.partition(":")
    if not pk.isdigit():
        raise Http404("No such place.")
    if kind == "question":
        question = get_object_or_404(Question.objects.select_related("version"), pk=pk, version__survey=survey)
        question.version.survey = survey
        return question_place(question)
    if kind == "page":
        page = get_object_or_404(Page.objects.select_related("version"), pk=pk, version__survey=survey)
        page.version.survey = survey
        return page_place(page)
    if kind == "version":
        return version_place(get_object_or_404(SurveyVersion, pk=pk, survey=survey))
    if kind == "finding":
        return finding_place(get_object_or_404(SurveyVersion, pk=pk, survey=survey))
    if kind == "screenout":
        return screen_out_place(get_object_or_404(SurveyVersion, pk=pk, survey=survey))
    raise Http404("No such place.")


def picker_for(*, survey: Survey, place: Place, prefix: str = PREFIX, data: FormData | None = None, stored: str = "",
               editable: bool = True) -> Picker:
    """The picker of one condition, from posted data or from the stored text."""
    return condition_picker(
        prefix=prefix,
        place=place,
        preview_url=reverse("builder:condition_preview", args=[survey.slug]),
        data=data,
        stored=stored,
        editable=editable,
    )


# --- Pages ----------------------------------------------------------------------------


def _save(request, target: Question | Page, text: str, what: str, stamp: str | None) -> StaleEdit | None:
    """Store the condition and record it, unless the question or page changed since its
    form was shown (then the StaleEdit, and nothing is written). The version is locked so
    that publishing cannot freeze it between the model's check and the write (the model
    refuses a frozen version), and a second editor's save waits for this one."""
    with transaction.atomic():
        version = SurveyVersion.objects.select_for_update().select_related("survey").get(pk=target.version_id)
        stored = type(target).objects.filter(pk=target.pk).first()
        if stored is None:
            raise Http404("This question or page was deleted meanwhile.")
        stale = check_stamp(stored, stamp)
        if stale is not None:
            return stale
        before = stored.condition
        target.version = version
        target.condition = text
        target.save(update_fields=["condition", "updated_at"])
        if before != text:
            summary = f"Set the display condition of {what}: {text}" if text else (
                f"Removed the display condition of {what}: always shown")
            change_record(
                survey=version.survey, user=request.user, action="condition_set", summary=summary, version=version,
                target=target_of(target),
                details={"fields": [{"name": "condition", "label": "Display condition", "before": before,
                                     "after": text}]},
            )
    return None


def _condition_page(request, survey: Survey, editable: bool, target: Question | Page, place: Place,
                    anchor: str, what: str, place_short: str):
    version = target.version
    can_save = editable and not version.is_frozen
    if request.htmx and not can_save:
        # Only a draft (the one the outline edits) opens in the outline: anything else is the page.
        return HttpResponseClientRedirect(request.path)
    outline_url = reverse("builder:outline", args=[survey.slug]) + f"#{anchor}"
    data = request.POST if request.method == "POST" else None
    picker = picker_for(survey=survey, place=place, data=data, stored=target.condition, editable=can_save)
    # The stamp of the question or page as the form first showed it: kept while picker
    # buttons re-render the form, so that a change made meanwhile is still noticed.
    posted_stamp = request.POST.get("stamp") if data is not None else None
    stamp = posted_stamp if posted_stamp is not None else stamp_of(target)
    stale, status = "", 200
    if request.method == "POST" and picker_action(request.POST, PREFIX) is None:
        if picker.valid:
            try:
                refused = _save(request, target, picker.saved_text, what, posted_stamp)
            except FrozenVersionError:
                frozen = (f"Version {version.number} is published and frozen: its conditions cannot change. Edit the "
                          "survey as a new draft to change them.")
                if request.htmx:  # published meanwhile: the outline shows it frozen now
                    shown = edited_version(survey) or version
                    shown.survey = survey
                    return outline_refused(request, survey, shown, frozen, anchor=anchor)
                messages.error(request, frozen)
            else:
                if refused is None:
                    if picker.saved_text:
                        messages.success(request, f"Display condition of {what} saved: {picker.saved_text}")
                    else:
                        messages.success(request, f"{what[0].upper()}{what[1:]} is now always shown (no condition).")
                    if request.htmx:
                        return done(request, survey, version, anchor=anchor, focus=(f"{anchor}-heading",))
                    return redirect(outline_url)
                # Refused: the picker keeps what was posted, beside the condition stored now
                # (409, or 200 for htmx, which swaps in only successful answers).
                target.refresh_from_db()
                stale, stamp = refused.describe(place_short, viewer=request.user), stamp_of(target)
                status = 200 if request.htmx else 409
    context = {
        "survey": survey,
        "version": version,
        "target": target,
        "what": what,
        "place": place,
        "place_short": place_short,
        "picker": picker,
        "editable": editable,
        "can_save": can_save,
        "outline_url": outline_url,
        "action_url": request.path,
        "stored": target.condition,
        "stamp": stamp,
        "stale": stale,
        "draft": survey.draft_version() if version.is_frozen else None,
    }
    if request.htmx:
        # Cancel: the outline again, the focus back on the "Condition…" that opened the picker.
        context["cancel_url"] = reverse("builder:outline", args=[survey.slug]) + f"?focus={anchor}-condition"
        edit = ConditionEdit(kind=type(target).__name__.lower(), pk=target.pk, context=context)
        outline = Outline(survey, version, editable=True, condition_edit=edit,
                          focus=("stale-edit", "condition-editor-heading"))
        return render_outline(request, outline, status=status)
    return render(request, "builder/conditions/edit.html", context, status=status)


def _view_target(request, slug: str):
    survey, editable = survey_for_builder(request.user, slug)
    if request.method == "POST" and not editable:
        editable_survey(request.user, slug)  # raises 403 with its message
    return survey, editable


@builder_view
@require_http_methods(["GET", "POST"])
def question_condition(request, slug: str, pk: int):
    survey, editable = _view_target(request, slug)
    question = get_object_or_404(Question.objects.select_related("version"), pk=pk, version__survey=survey)
    question.version.survey = survey  # the same row: spare reading it again
    what = f"the question “{_short(question.label)}”"
    return _condition_page(request, survey, editable, question, question_place(question), f"question-{pk}", what,
                           "this question")


@builder_view
@require_http_methods(["GET", "POST"])
def page_condition(request, slug: str, pk: int):
    survey, editable = _view_target(request, slug)
    page = get_object_or_404(Page.objects.select_related("version"), pk=pk, version__survey=survey)
    page.version.survey = survey
    place = page_place(page)
    return _condition_page(request, survey, editable, page, place, f"page-{pk}", place.name, "this page")


@builder_view
@require_POST
def condition_preview(request, slug: str):
    """The picker re-rendered from its posted rows (with a button applied), its text and
    its errors: what htmx swaps in as the author works. Changes nothing."""
    survey = editable_survey(request.user, slug)
    prefix = request.POST.get("picker", PREFIX)
    if not valid_prefix(prefix):
        return HttpResponse("Unknown condition picker.", status=400, content_type="text/plain")
    place = place_from_token(survey, request.POST.get(f"{prefix}-place", ""))
    picker = picker_for(survey=survey, place=place, prefix=prefix, data=request.POST)
    return render(request, PICKER_TEMPLATE, {"picker": picker})


def _short(label: str, length: int = 60) -> str:
    label = " ".join(label.split())
    return label if len(label) <= length else label[: length - 1].rstrip() + "…"
