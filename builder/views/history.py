"""A survey's history (/build/<slug>/history/): every recorded change, newest first, with
who made it, when and what (and the values before and after), filtered by version and by
user. Read-only users see it too: it changes nothing. Editors may undo a change from it
(builder.undo): a POST with a one-time token, back to the history with what was done or
why not.

The page costs the same queries for ten changes as for ten thousand: the changes of one
page of 50 with their users and versions in one query, their count, and the choices of
the two filters. Whether a change can be undone is read from its own row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from builder.access import builder_view, editable_survey, survey_for_builder
from builder.undo import UndoRefused, can_undo, change_undo, undo_kind
from builder.views.outline.respond import new_token, once
from surveys.models import SurveyChange, SurveyVersion

PER_PAGE = 50
NO_USER = "-"  # the user filter's value for changes without one (imports, commands)


@dataclass(frozen=True)
class Option:
    value: str
    label: str


def _version_options(versions: list[SurveyVersion]) -> list[Option]:
    return [Option(str(v.pk), f"Version {v.number} ({v.get_status_display().lower()})") for v in versions]


def _user_options(usernames: list[str]) -> list[Option]:
    return [Option(name or NO_USER, name or "No user (imports, commands)") for name in usernames]


def _chosen(request: HttpRequest, name: str, options: list[Option]) -> str:
    """The filter's value if it is one of its options, else "" (no filter): a stale or
    hand-made link shows every change rather than an error."""
    value = request.GET.get(name, "")
    return value if any(option.value == value for option in options) else ""


@builder_view
@require_safe
def survey_history(request: HttpRequest, slug: str) -> HttpResponse:
    survey, editable = survey_for_builder(request.user, slug)
    versions = list(survey.versions.order_by("-number").only("pk", "survey_id", "number", "status"))
    usernames = list(survey.changes.order_by("username").values_list("username", flat=True).distinct())
    version_options, user_options = _version_options(versions), _user_options(usernames)
    version, username = _chosen(request, "version", version_options), _chosen(request, "user", user_options)

    changes = survey.changes.select_related("user", "version").order_by("-at", "-pk")
    if version:
        changes = changes.filter(version_id=int(version))
    if username:
        changes = changes.filter(username="" if username == NO_USER else username)
    page = Paginator(changes, PER_PAGE).get_page(request.GET.get("page"))
    rows = [_row(change) for change in page.object_list]
    return render(request, "builder/history.html", {
        "survey": survey,
        "editable": editable,
        "page": page,
        "changes": rows,
        "once": new_token,  # a template calls it: every form gets its own token
        "version_options": version_options,
        "user_options": user_options,
        "version": version,
        "user_filter": username,
        "filtered": bool(version or username),
        "draft": next((v for v in versions if v.status == SurveyVersion.Status.DRAFT), None),
    })


def _row(change: SurveyChange) -> SurveyChange:
    """The change with what its row offers: `undo` ("button", "undone", "frozen" or
    "unavailable") and `undone_by` (the id of its undo)."""
    details = change.details or {}
    kind = undo_kind(change)
    change.undone_by = details.get("undone_by")
    if change.undone_by:
        change.undo = "undone"
    elif kind is None:
        change.undo = "unavailable"
    elif kind.structure and change.version is not None and change.version.is_frozen:
        change.undo = "frozen"
    else:
        change.undo = "button" if can_undo(change) else "unavailable"
    return change


@builder_view
@require_POST
def history_undo(request: HttpRequest, slug: str, change_id: int) -> HttpResponse:
    """Undo one change of the history (read-only users get 403, as for every change)."""
    survey = editable_survey(request.user, slug)
    history = reverse("builder:history", args=[survey.slug])
    if not once(request):  # a double click: the first post did the undo
        return redirect(f"{history}#change-{change_id}")
    try:
        undo = change_undo(survey=survey, change_id=change_id, user=request.user)
    except UndoRefused as refusal:
        messages.error(request, refusal.message)
        shown = refusal.blocking.pk if refusal.blocking is not None else change_id
        return redirect(f"{history}#change-{shown}")
    messages.success(request, f"{undo.summary}. It is the newest change below: undo it to go back.")
    return redirect(f"{history}#change-{undo.pk}")
