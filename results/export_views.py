"""Raw response exports of a survey's results: CSV streamed now; XLSX, SPSS .sav and Stata
.dta built by a worker; and the codebook page that describes their variables.

Every view checks access the same way as the results pages: anonymous users go to the
login page, users without the results permission get 403, and a survey that is not shared
with the user is a 404 (see results.access). An export is its requester's: another user
of the survey gets a 404 for it, except the survey's editors (and superusers), who see all
of its exports. A built file is served only through `export_download`, after those checks:
MEDIA_ROOT is never served directly.
"""

from __future__ import annotations

import logging
import re

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.tasks import enqueue_on_commit
from results.access import survey_for_results
from results.exports.codebook import survey_codebook
from results.exports.csv_stream import raw_csv_stream
from results.exports.layout import ENDED, PARTIAL, PERSONAL_DATA
from results.exports.records import export_record
from results.exports.statfiles import FORMATS as STAT_FORMATS
from results.exports.workbook import workbook_parameters
from results.exports.xlsx import LABELS, xlsx_path
from results.models import ExportRecord
from results.report import scope_for
from results.report.export import XLSX_TYPE
from results.report.notes import filter_description
from results.tasks import build_stat_file_export_task, build_workbook_export_task, build_xlsx_export_task
from surveys.models import Survey, SurveyVersion

logger = logging.getLogger(__name__)

PENDING_REFRESH_SECONDS = 3
# The exports built by a worker into a file: kind -> (extension, content type).
FILE_KINDS = {
    ExportRecord.Kind.RAW_XLSX: ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    **{kind: (fmt.extension, fmt.content_type) for kind, fmt in STAT_FORMATS.items()},
}
_VERSION_RE = re.compile(r"[0-9]{1,9}")


def _version_parameters(request: HttpRequest, survey: Survey) -> dict:
    """{"version": N} for `?version=N` (or a posted `version`), {} for every version."""
    raw = (request.POST.get("version") or request.GET.get("version") or "").strip()
    if not raw:
        return {}
    # ASCII digits and a bounded length: "²".isdigit() is true but int() refuses it, and a
    # number past PostgreSQL's integer range fails the query.
    if not _VERSION_RE.fullmatch(raw) or not survey.versions.filter(number=int(raw)).exclude(
        status=SurveyVersion.Status.DRAFT
    ).exists():
        raise Http404("No such version.")
    return {"version": int(raw)}


def _ticked_parameters(request: HttpRequest, name: str) -> dict:
    """{name: True} when the box of that name was ticked, else {}."""
    ticked = (request.POST.get(name) or request.GET.get(name) or "").strip().lower()
    return {name: True} if ticked in ("1", "on", "true", "yes") else {}


def _personal_data_parameters(request: HttpRequest) -> dict:
    """{"personal_data": True} when the "Include personal data" box was ticked: kept in the
    export's record, with who asked, as the trace of who took personal data."""
    return _ticked_parameters(request, PERSONAL_DATA)


def _where_parameters(request: HttpRequest, survey: Survey) -> tuple[dict, str]:
    """({"where": condition}, "") for a results page's condition filter (`where`, as the
    pages take it), ({}, "") for none, or ({}, the positioned error) for one that does not fit."""
    data = request.POST if request.method == "POST" else request.GET
    filters = scope_for(survey, {"where": data.get("where", "")}).filters
    if filters.where_error is not None:
        return {}, filters.where_error.message
    return ({"where": filters.where} if filters.where else {}), ""


def _filename(record: ExportRecord, extension: str) -> str:
    version = f"-v{record.parameters['version']}" if "version" in record.parameters else ""
    return f"{record.survey.slug}-responses{version}-{record.created_at:%Y%m%d-%H%M}.{extension}"


def _no_store(response: HttpResponse) -> HttpResponse:
    # Respondents' answers: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def exports_index(request: HttpRequest, slug: str) -> HttpResponse:
    survey = survey_for_results(request.user, slug)
    versions = survey.versions.exclude(status=SurveyVersion.Status.DRAFT).order_by("-number")
    recent = _visible_exports(request, survey).select_related("survey", "user")[:10]
    where, where_error = _where_parameters(request, survey)
    context = {
        "survey": survey, "versions": versions, "recent": recent, "all_users": survey.is_editable_by(request.user),
        "file_kinds": list(FILE_KINDS),
        "where": where.get("where", ""), "where_error": where_error, "version_selected": request.GET.get("version", ""),
    }
    return render(request, "results/exports/index.html", context)


@login_required
@require_GET
def raw_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse | HttpResponseBadRequest:
    survey = survey_for_results(request.user, slug)
    where, where_error = _where_parameters(request, survey)
    if where_error:
        return HttpResponseBadRequest(where_error, content_type="text/plain; charset=utf-8")
    parameters = _version_parameters(request, survey) | _personal_data_parameters(request) | where
    parameters |= _ticked_parameters(request, PARTIAL)
    record = export_record(
        user=request.user, survey=survey, kind=ExportRecord.Kind.RAW_CSV, parameters=parameters,
        status=ExportRecord.Status.PENDING,
    )
    response = StreamingHttpResponse(raw_csv_stream(record), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(record, "csv")}"'
    return _no_store(response)


@login_required
@require_POST
def raw_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    survey = survey_for_results(request.user, slug)
    where, where_error = _where_parameters(request, survey)
    if where_error:
        return HttpResponseBadRequest(where_error, content_type="text/plain; charset=utf-8")
    parameters = _version_parameters(request, survey) | _personal_data_parameters(request) | where
    parameters |= _ticked_parameters(request, LABELS) | _ticked_parameters(request, PARTIAL)
    record = export_record(
        user=request.user, survey=survey, kind=ExportRecord.Kind.RAW_XLSX, parameters=parameters,
        status=ExportRecord.Status.PENDING,
    )
    _enqueue_build(record, build_xlsx_export_task, record.pk)
    return redirect("exports:status", slug=survey.slug, pk=record.pk)


def _enqueue_build(record: ExportRecord, task, *args) -> None:
    """Queue the worker's build of `record`, or fail the record at once if the broker is down."""
    try:
        # Runs at once in autocommit (the record is committed), or after the request's
        # transaction commits if requests are ever made atomic.
        enqueue_on_commit(task, *args)
    except Exception as exc:  # the broker is down: say so now rather than leave it pending
        logger.warning("could not enqueue %s export %s: %s", record.kind, record.pk, exc)
        ExportRecord.objects.filter(pk=record.pk, status=ExportRecord.Status.PENDING).update(
            status=ExportRecord.Status.FAILED,
            finished_at=timezone.now(),
            error="The export could not be queued (the task queue is unavailable). Try again in a minute.",
        )


def _visible_exports(request: HttpRequest, survey: Survey) -> QuerySet[ExportRecord]:
    """The survey's exports the user may see: their own, or all of them for its editors.
    Each record says who took the survey's raw answers: a viewer who wants them makes
    their own export (and record) rather than fetching a file someone else asked for."""
    records = ExportRecord.objects.filter(survey=survey)
    return records if survey.is_editable_by(request.user) else records.filter(user=request.user)


def _survey_export(request: HttpRequest, slug: str, pk: int) -> tuple[Survey, ExportRecord]:
    survey = survey_for_results(request.user, slug)
    record = get_object_or_404(_visible_exports(request, survey), pk=pk, kind__in=FILE_KINDS)
    return survey, record


@login_required
@require_http_methods(["GET", "HEAD"])
def export_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey, record = _survey_export(request, slug, pk)
    context = {
        "survey": survey,
        "record": record,
        "refresh": PENDING_REFRESH_SECONDS if record.status == ExportRecord.Status.PENDING else None,
    }
    return _no_store(render(request, "results/exports/status.html", context))


@login_required
@require_http_methods(["GET", "HEAD"])
def export_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    _, record = _survey_export(request, slug, pk)
    extension, content_type = FILE_KINDS[record.kind]
    return _file_response(record, _filename(record, extension), content_type)


def _file_response(record: ExportRecord, filename: str, content_type: str) -> FileResponse:
    """The built file of a ready export, as an attachment; 404 while it is not ready or once
    its file is gone."""
    if record.status != ExportRecord.Status.READY or not record.file_path:
        raise Http404("This export is not ready.")
    path = xlsx_path(record)
    if not path.is_file():
        raise Http404("This export's file is no longer available.")
    return _no_store(FileResponse(path.open("rb"), as_attachment=True, filename=filename, content_type=content_type))


# --- Statistical files (.sav, .dta) and the codebook ---------------------------------------


@login_required
@require_POST
def raw_stat_file(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """Queue an SPSS or Stata file (`kind` is set by the URL), with the responses ended by
    a screen-out or a full quota when "Include screened-out responses" was ticked, and the
    partial ones when "Include partial responses" was."""
    survey = survey_for_results(request.user, slug)
    where, where_error = _where_parameters(request, survey)
    if where_error:
        return HttpResponseBadRequest(where_error, content_type="text/plain; charset=utf-8")
    parameters = _version_parameters(request, survey) | _personal_data_parameters(request) | where
    parameters |= _ticked_parameters(request, ENDED) | _ticked_parameters(request, PARTIAL)
    record = export_record(
        user=request.user, survey=survey, kind=kind, parameters=parameters, status=ExportRecord.Status.PENDING
    )
    _enqueue_build(record, build_stat_file_export_task, record.pk, kind)
    return redirect("exports:status", slug=survey.slug, pk=record.pk)


@login_required
@require_GET
def codebook(request: HttpRequest, slug: str) -> HttpResponse:
    """The codebook of the raw exports with these parameters (as each file writes it)."""
    survey = survey_for_results(request.user, slug)
    parameters = _version_parameters(request, survey) | _personal_data_parameters(request)
    book = survey_codebook(
        survey, version_number=parameters.get("version"), include_personal_data=bool(parameters.get(PERSONAL_DATA))
    )
    context = {
        "survey": survey, "parameters": parameters, "variables": book.variables,
        "versions": survey.versions.exclude(status=SurveyVersion.Status.DRAFT).order_by("-number"),
    }
    return render(request, "results/exports/codebook.html", context)


# --- The results workbook (XLSX banner tables), for the filters of the results pages ----


def _workbook_record(request: HttpRequest, slug: str, pk: int) -> tuple[Survey, ExportRecord]:
    survey = survey_for_results(request.user, slug)
    record = get_object_or_404(_visible_exports(request, survey), pk=pk, kind=ExportRecord.Kind.WORKBOOK_XLSX)
    return survey, record


@login_required
@require_POST
def workbook_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    """Queue the workbook of the filters posted by a results page (the same fields as its
    query string; one that does not parse is dropped, as on the page)."""
    scope = scope_for(survey_for_results(request.user, slug), request.POST)
    record = export_record(
        user=request.user, survey=scope.survey, kind=ExportRecord.Kind.WORKBOOK_XLSX,
        parameters=workbook_parameters(scope), status=ExportRecord.Status.PENDING,
    )
    _enqueue_build(record, build_workbook_export_task, record.pk)
    return redirect("exports:workbook_status", slug=scope.survey.slug, pk=record.pk)


@login_required
@require_http_methods(["GET", "HEAD"])
def workbook_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey, record = _workbook_record(request, slug, pk)
    scope = scope_for(survey, record.parameters.get("filters", {}))
    context = {
        "survey": survey,
        "record": record,
        "filters": filter_description(scope),
        "questions": len(scope.questions),
        "results_query": scope.filters.query(),
        "refresh": PENDING_REFRESH_SECONDS if record.status == ExportRecord.Status.PENDING else None,
    }
    return _no_store(render(request, "results/exports/workbook_status.html", context))


@login_required
@require_http_methods(["GET", "HEAD"])
def workbook_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    _, record = _workbook_record(request, slug, pk)
    return _file_response(record, f"{record.survey.slug}-results-{record.created_at:%Y%m%d-%H%M}.xlsx", XLSX_TYPE)
