"""The condition picker's pages: the display condition of a question or of a page, and
the preview that the picker posts to as the author works (htmx).

The outline and the findings editor embed the same picker: they build a `Place` (the
helpers below; `finding_place` for a finding's base and target), call `picker_for` with
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
from surveys.definition import SurveyDef
from surveys.models import FrozenVersionError, Page, Question, Survey, SurveyVersion
from surveys.selectors import compiled_version, version_definition

PREFIX = "condition"
PICKER_TEMPLATE = "builder/conditions/_picker.html"


# --- Places ---------------------------------------------------------------------------


def _page_ids(version: SurveyVersion) -> list[int]:
    # The order of version_definition's pages, so that indexes agree.
    return list(Page.objects.filter(version=version).order_by("position", "pk").values_list("pk", flat=True))


def question_place(question: Question) -> Place:
    """The questions before this one: on earlier pages, and earlier on its page."""
    definition = version_definition(question.version)
    index = _page_ids(question.version).index(question.page_id)
    before = [q.code for page in definition.pages[:index] for q in page.questions]
    for asked in definition.pages[index].questions:
        if asked.code == question.code:
            break
        before.append(asked.code)
    return Place(f"question:{question.pk}", definition, frozenset(before), f"the question “{question.label}”")


def page_place(page: Page) -> Place:
    """The questions of the pages before this one."""
    definition = version_definition(page.version)
    index = _page_ids(page.version).index(page.pk)
    before = [q.code for p in definition.pages[:index] for q in p.questions]
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


def _save(target: Question | Page, text: str) -> None:
    """Store the condition; the version is locked so that publishing cannot freeze it
    between the model's check and the write (the model refuses a frozen version)."""
    with transaction.atomic():
        version = SurveyVersion.objects.select_for_update().get(pk=target.version_id)
        target.version = version
        target.condition = text
        target.save(update_fields=["condition"])


def _condition_page(request, survey: Survey, editable: bool, target: Question | Page, place: Place,
                    anchor: str, what: str, place_short: str):
    version = target.version
    can_save = editable and not version.is_frozen
    outline_url = reverse("builder:outline", args=[survey.slug]) + f"#{anchor}"
    data = request.POST if request.method == "POST" else None
    picker = picker_for(survey=survey, place=place, data=data, stored=target.condition, editable=can_save)
    if request.method == "POST" and picker_action(request.POST, PREFIX) is None:
        if picker.valid:
            try:
                _save(target, picker.saved_text)
            except FrozenVersionError:
                messages.error(request, f"Version {version.number} is published and frozen: its conditions cannot "
                                        "change. Edit the survey as a new draft to change them.")
            else:
                if picker.saved_text:
                    messages.success(request, f"Display condition of {what} saved: {picker.saved_text}")
                else:
                    messages.success(request, f"{what[0].upper()}{what[1:]} is now always shown (no condition).")
                if request.htmx:
                    return HttpResponseClientRedirect(outline_url)
                return redirect(outline_url)
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
        "draft": survey.draft_version() if version.is_frozen else None,
    }
    template = "builder/conditions/_form.html" if request.htmx else "builder/conditions/edit.html"
    return render(request, template, context)


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
