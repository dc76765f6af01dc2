"""A survey's definition file in the builder (/build/<slug>/yaml/): download any of its
versions as YAML (the file `export_survey` writes), and upload a file, or paste one, that
replaces the draft. A file with problems lists them all with their places and changes
nothing.

The file's slug must be the survey's: an upload never writes another survey, and a file
of another survey uploaded here by mistake does not replace this one's draft (the create
page makes a new survey from any file).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from builder.access import builder_view, survey_for_builder
from builder.forms.definition import DefinitionUploadForm, too_big_form
from surveys.definition import SurveyDef
from surveys.definition_files import definition_to_yaml
from surveys.history import change_record, target_of
from surveys.models import Survey, SurveyVersion
from surveys.selectors import version_definition
from surveys.uploads import survey_draft_replace


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _default_version(versions: list[SurveyVersion]) -> SurveyVersion | None:
    """The version the outline edits, of `versions` (newest first): the draft, else the
    open one, else the newest."""
    for status in (SurveyVersion.Status.DRAFT, SurveyVersion.Status.OPEN):
        found = next((v for v in versions if v.status == status), None)
        if found is not None:
            return found
    return versions[0] if versions else None


# The page takes its POST outside the CSRF middleware, which reads the body first: a pasted
# text larger than DATA_UPLOAD_MAX_MEMORY_SIZE would end there in Django's bare 400, the
# user's text gone without a word. The view reads the body itself, answers a body too big
# with the page and its message (writing nothing, so a forged request gains nothing), and
# only then runs the CSRF check (`_upload`) before anything is written.
@csrf_exempt
@builder_view
@require_http_methods(["GET", "HEAD", "POST"])
def definition_file(request: HttpRequest, slug: str) -> HttpResponse:
    survey, editable = survey_for_builder(request.user, slug)
    if request.method != "POST":
        return _page(request, survey, editable, DefinitionUploadForm(survey=survey) if editable else None)
    if not editable:
        raise PermissionDenied("You may look at this survey but not change it.")
    if _body_too_big(request):
        return _page(request, survey, editable, too_big_form(survey), status=413)
    return _upload(request, survey)


def _body_too_big(request: HttpRequest) -> bool:
    try:
        request.POST.get("text")  # parsed here, where its size can be answered
    except RequestDataTooBig:
        return True
    return False


@csrf_protect
def _upload(request: HttpRequest, survey: Survey) -> HttpResponse:
    form = DefinitionUploadForm(request.POST, request.FILES, survey=survey)
    if not form.is_valid():
        return _page(request, survey, True, form, status=400)
    with transaction.atomic():
        version = survey_draft_replace(survey=survey, definition=form.definition)
        _record_upload(request, survey, version, form)
    messages.success(request, _uploaded_text(survey, version, form.definition, form.source))
    return redirect("builder:outline", slug=survey.slug)


def _record_upload(request: HttpRequest, survey: Survey, version: SurveyVersion, form: DefinitionUploadForm) -> None:
    definition = form.definition
    source = f"the definition file {form.source}" if form.from_file else "a pasted definition"
    parts = [_plural(len(definition.pages), "page"), _plural(len(definition.questions), "question"),
             _plural(len(definition.findings), "finding"), _plural(len(definition.nets), "NET"),
             _plural(len(definition.views), "saved view")]
    change_record(
        survey=survey, user=request.user, action="yaml_uploaded", version=version, target=target_of(version),
        summary=f"Replaced the draft, version {version.number}, with {source}: {', '.join(parts)}",
        details={"notes": ["The survey's title, description, findings, NETs and saved views are the file's."],
                 "file": form.source if form.from_file else ""},
    )


def _uploaded_text(survey: Survey, version: SurveyVersion, definition: SurveyDef, source: str):
    survey_parts = [
        _plural(len(definition.findings), "finding"),
        _plural(len(definition.nets), "NET"),
        _plural(len(definition.views), "saved view"),
    ]
    return format_html(
        "{} is now the draft, version {}: {}, {}. The survey's findings, NETs and saved views are the file's "
        '({}). <a class="alert-link" href="{}">Review and publish it</a> when it is ready.',
        source,
        version.number,
        _plural(len(definition.pages), "page"),
        _plural(len(definition.questions), "question"),
        ", ".join(survey_parts),
        reverse("builder:publish", args=[survey.slug]),
    )


def _page(request: HttpRequest, survey: Survey, editable: bool, form: DefinitionUploadForm | None,
          status: int = 200) -> HttpResponse:
    versions = list(survey.versions.order_by("-number"))
    draft = next((v for v in versions if v.status == SurveyVersion.Status.DRAFT), None)
    open_version = next((v for v in versions if v.status == SurveyVersion.Status.OPEN), None)
    context = {
        "survey": survey,
        "editable": editable,
        "form": form,
        "versions": versions,
        "chosen": _default_version(versions),
        "draft": draft,
        "open_version": open_version,
        "next_number": (versions[0].number + 1) if versions else 1,
        "may_create": request.user.has_perm("surveys.add_survey"),
    }
    return render(request, "builder/yaml.html", context, status=status)


@builder_view
@require_GET
def definition_download(request: HttpRequest, slug: str) -> HttpResponse:
    survey, _ = survey_for_builder(request.user, slug)
    versions = list(survey.versions.order_by("-number"))
    number = request.GET.get("version", "")
    version = next((v for v in versions if str(v.number) == number), None) if number else _default_version(versions)
    if version is None:
        if number:
            messages.warning(request, f"“{survey.title}” has no version {number}: choose one of its versions.")
        else:
            messages.info(request, f"“{survey.title}” has no version to download yet.")
        return redirect("builder:yaml", slug=survey.slug)
    text = definition_to_yaml(version_definition(version))
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{survey.slug}-v{version.number}.yaml"'
    return response
