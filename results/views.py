"""Staff results pages: overview, questions, segment comparison, crosstab, methods, and the
cheap version endpoint that open pages poll to pick up new responses.

Every survey page goes through `survey_for_results` (403 without the results permission,
404 for a survey not shared with the user) and takes the same filters. `?format=csv` or
`?format=xlsx` returns the page's tables instead of the page. The filter box offers the
survey's saved filters, and saves or deletes one (`saved_filter_save`, `saved_filter_delete`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from analytics.models import SurveyCounter
from results.access import survey_for_results
from results.comparison import LOW_BASE, MCNEMAR_EXACT_BELOW, MIN_BASE_FOR_TEST
from results.models import SavedFilter
from results.report import Scope, scope_for
from results.report import export as exports
from results.report.cells import min_base
from results.report.crosstab import VariableError, crosstab, variable, variables
from results.report.overview import overview as build_overview
from results.report.overview import saved_view_links
from results.report.questions import comparison_tables, question_report, question_reports
from results.saved_filters import saved_filter_create, saved_filter_delete, saved_filters
from results.selectors import with_response_totals
from surveys.selectors import shared_surveys

FORMATS = ("csv", "xlsx")


def _scope(request, slug: str) -> Scope:
    return scope_for(survey_for_results(request.user, slug), request.GET)


def _format(request) -> str | None:
    fmt = request.GET.get("format", "")
    return fmt if fmt in FORMATS else None


def _stamp(counted: int, last_counted_at) -> str:
    """What changes whenever a response is counted (or taken out)."""
    return f"{counted}@{last_counted_at.isoformat() if last_counted_at else '-'}"


def _counter(survey) -> tuple[int, object]:
    row = SurveyCounter.objects.filter(survey=survey).values_list("responses_counted", "last_counted_at").first()
    return row or (0, None)


def _context(request, scope: Scope, active: str, **extra) -> dict:
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("page", None)
    exports_links = {}
    for fmt in FORMATS:
        query["format"] = fmt
        exports_links[fmt] = "?" + query.urlencode()
    return {
        "survey": scope.survey,
        "scope": scope,
        "filters": scope.filters,
        "active": active,
        "export_links": exports_links,
        "saved_filters": _saved_filter_links(request, scope),
        "raw_export_query": _raw_export_query(scope),
        "segment_options": list(scope.segment_options.items()),
        "min_base": min_base(),
        **extra,
    }


def _saved_filter_links(request, scope: Scope) -> list[dict]:
    """The survey's saved filters as links to this page with the other filters kept: one
    query, and the manager check (which deletes any) only when some are not the user's."""
    saved = saved_filters(scope.survey)
    user = request.user
    manager = any(s.created_by_id != user.pk for s in saved) and scope.survey.is_editable_by(user)
    links = []
    for item in saved:
        query = request.GET.copy()
        for name in ("format", "page", "where"):
            query.pop(name, None)
        query["where"] = item.condition
        links.append({
            "saved": item, "query": "?" + query.urlencode(), "current": item.condition == scope.filters.where,
            "deletable": manager or item.created_by_id == user.pk,
        })
    return links


def _raw_export_query(scope: Scope) -> str:
    """The raw exports' parameters for this page's filters (the exports take a version
    and a condition), "" when the page has neither."""
    params = {k: v for k, v in scope.filters.params().items() if k in ("version", "where")}
    return "?" + urlencode(params) if params else ""


def _live(survey, counted: int, last_counted_at) -> dict:
    return {"stamp": _stamp(counted, last_counted_at), "counted": counted, "last_counted_at": last_counted_at}


@login_required
def overview(request, slug: str):
    scope = _scope(request, slug)
    view = build_overview(scope)
    if fmt := _format(request):
        return exports.export_response(exports.overview_tables(view), fmt, f"{slug}-overview")
    return render(request, "results/overview.html", _context(
        request, scope, "overview", view=view, saved_views=saved_view_links(scope),
        **_live(scope.survey, view.counted, view.last_counted_at),
    ))


@login_required
def questions(request, slug: str):
    scope = _scope(request, slug)
    reports = question_reports(scope)
    if fmt := _format(request):
        return exports.export_response(exports.question_tables(reports), fmt, f"{slug}-questions")
    return render(request, "results/questions.html", _context(
        request, scope, "questions", reports=reports, **_live(scope.survey, *_counter(scope.survey)),
    ))


@login_required
def question(request, slug: str, code: str):
    scope = _scope(request, slug)
    definition = scope.questions.get(code)
    if definition is None:
        raise Http404("No such question.")
    # PostgreSQL text cannot hold NUL, not even as a search pattern: drop it, as a form would.
    search = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    report = question_report(scope, scope.counts([code]), definition, text_search=search,
                             text_page=request.GET.get("page", 1))
    if fmt := _format(request):
        return exports.export_response(exports.question_tables([report]), fmt, f"{slug}-{code}")
    return render(request, "results/question.html", _context(
        request, scope, "questions", report=report, extra_params={"q": search} if search else {},
        **_live(scope.survey, *_counter(scope.survey)),
    ))


@login_required
def compare(request, slug: str):
    scope = _scope(request, slug)
    tables = comparison_tables(scope)
    if fmt := _format(request):
        return exports.export_response(exports.compare_tables(tables), fmt, f"{slug}-comparison")
    return render(request, "results/compare.html", _context(request, scope, "compare", tables=tables))


@login_required
def crosstab_view(request, slug: str):
    scope = _scope(request, slug)
    row_code, column_code = request.GET.get("row", "").strip(), request.GET.get("col", "").strip()
    tab, error = None, ""
    if row_code and column_code:
        try:
            tab = crosstab(scope, variable(scope, row_code), variable(scope, column_code))
        except VariableError as exc:
            error = str(exc)
    if tab is not None and (fmt := _format(request)):
        return exports.export_response(exports.crosstab_tables(tab), fmt, f"{slug}-crosstab")
    context = _context(
        request, scope, "crosstab", tab=tab, error=error, variables=variables(scope), row_code=row_code,
        column_code=column_code, extra_params={"row": row_code, "col": column_code},
        saved_views=saved_view_links(scope),
    )
    return render(request, "results/crosstab.html", context, status=400 if error else 200)


@never_cache
@login_required
def live_version(request, slug: str):
    """One query for the counter (after the access check). JSON for programs; for htmx
    polls with `since`, 204 while nothing changed, else the new poll element and an
    HX-Trigger `results-changed` event that makes the page refetch its numbers."""
    survey = survey_for_results(request.user, slug)
    counted, last_counted_at = _counter(survey)
    live = _live(survey, counted, last_counted_at)
    if not request.htmx:
        return JsonResponse({
            "responses_counted": counted,
            "last_counted_at": last_counted_at.isoformat() if last_counted_at else None,
            "stamp": live["stamp"],
        })
    if request.GET.get("since") == live["stamp"]:
        return HttpResponse(status=204)
    response = render(request, "results/_live.html", {"survey": survey, **live})
    return trigger_client_event(response, "results-changed")


@login_required
def methods(request):
    user = request.user
    if not (user.has_perm("surveys.view_results") or user.has_perm("surveys.view_all_results")):
        raise PermissionDenied("You do not have permission to view results.")
    # Reached from a survey's results menu (?survey=<slug>): the same menu, and a way back.
    slug = request.GET.get("survey", "")
    survey = survey_for_results(user, slug) if slug else None
    return render(request, "results/methods.html", {
        "survey": survey, "min_base": min_base(), "min_test_base": MIN_BASE_FOR_TEST, "low_base": LOW_BASE,
        "mcnemar_exact_below": MCNEMAR_EXACT_BELOW,
    })


@login_required
def survey_index(request):
    """The surveys whose results the user may see, newest first, with their response totals
    (one query for any number of surveys)."""
    user = request.user
    if not (user.has_perm("surveys.view_results") or user.has_perm("surveys.view_all_results")):
        raise PermissionDenied("You do not have permission to view results.")
    surveys = with_response_totals(shared_surveys(user)).order_by("-created_at", "-pk")
    return render(request, "results/index.html", {
        "surveys": surveys, "builder": user.has_perm("surveys.view_survey"),  # builder.access's permission
    })


def _back(request, survey) -> str:
    """Where a filter form returns: the results page it was posted from (a path under this
    survey's results), else the overview."""
    target = request.POST.get("next", "")
    home = reverse("results:overview", args=[survey.slug])
    if target.startswith(home) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return home


@require_POST
@login_required
def saved_filter_save(request, slug: str):
    """Save the posted condition under the posted name, then back to the page filtered by it
    (the error, if any, shown above the filter box)."""
    scope = scope_for(survey_for_results(request.user, slug), request.POST)
    try:
        saved = saved_filter_create(survey=scope.survey, user=request.user, name=request.POST.get("name", ""),
                                    filters=scope.filters)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"Saved the filter “{saved.name}”.")
    return redirect(_back(request, scope.survey))


@require_POST
@login_required
def saved_filter_delete_view(request, slug: str, pk: int):
    survey = survey_for_results(request.user, slug)
    saved = get_object_or_404(SavedFilter, survey=survey, pk=pk)
    saved_filter_delete(saved=saved, user=request.user)
    messages.success(request, f"Deleted the filter “{saved.name}”.")
    return redirect(_back(request, survey))
