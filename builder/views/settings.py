"""A survey's settings page (/build/<slug>/settings/): title and description, access,
results sharing, editors and the versions' status with close, reopen, archive and unarchive.

Each section is a form of its own that posts its name in `section`: only that form is
bound and saved (only its fields), the others are shown as they are stored. The status
buttons post to routes of their own and redirect back with a message; a stale page or a
second click is told the state it finds ("already closed"), never a 500.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from builder import quota_history
from builder.access import builder_view, editable_survey, survey_for_builder
from builder.forms.quotas import QuotaAddForm, QuotaLimitForm
from builder.forms.settings import (
    AboutForm,
    AccessForm,
    EditorsForm,
    QualityForm,
    SharingForm,
    survey_hidden_codes,
)
from builder.settings_sections import NAMES, prefetch_sections, section_record, section_snapshot, section_state
from builder.stamps import check_stamp, stamp_of
from builder.views.hidden import panel_link
from responses.models import Response
from responses.quotas import CAP, quota_table, response_cap_quota
from surveys import quota_editing
from surveys.definition import BUILTIN_HIDDEN
from surveys.editing import EditError
from surveys.history import change_record, field_changes, survey_target, target_of
from surveys.lifecycle import (
    SurveyStateError,
    survey_archive,
    survey_editors_update,
    survey_quota_update,
    survey_settings_update,
    survey_sharing_update,
    survey_unarchive,
    survey_version_close,
    survey_version_reopen,
)
from surveys.models import Quota, Survey, SurveyVersion
from surveys.services import VersionStateError

SECTIONS = ("about", "access", "sharing", "editors", "quality")


def _settings_url(survey: Survey) -> str:
    # The top of the page, where the message says what was done and the state line shows
    # the survey's status (an anchor would scroll the message out of sight).
    return reverse("builder:settings", args=[survey.slug])


def _forms(request: HttpRequest, survey: Survey, bound: str | None = None) -> dict[str, Any]:
    data = request.POST if bound else None
    return {
        # A copy: validating writes the typed values onto the instance, and the rest of
        # the page must show the survey as stored.
        "about": AboutForm(data if bound == "about" else None, instance=copy.copy(survey), prefix="about"),
        "access": AccessForm(data if bound == "access" else None, instance=copy.copy(survey), prefix="access"),
        "sharing": SharingForm(data if bound == "sharing" else None, survey=survey, prefix="sharing"),
        "editors": EditorsForm(data if bound == "editors" else None, survey=survey, user=request.user,
                               prefix="editors"),
        "quality": QualityForm(data if bound == "quality" else None, instance=copy.copy(survey), prefix="quality"),
    }


@builder_view
def survey_settings(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method == "POST":
        return _section_save(request, slug)
    survey, editable = survey_for_builder(request.user, slug)
    if editable:
        prefetch_sections(survey)
    return _page(request, survey, editable, _forms(request, survey) if editable else {})


def _section_save(request: HttpRequest, slug: str) -> HttpResponse:
    survey = editable_survey(request.user, slug)
    section = request.POST.get("section")
    if section not in SECTIONS:
        messages.error(request, "Nothing was saved: the form sent was not one of this page's. Please try again.")
        return redirect("builder:settings", slug=survey.slug)
    forms = _forms(request, survey, bound=section)
    form = forms[section]
    valid = form.is_valid()
    # The survey's row stays locked from the stamp's check to the record of the save: a
    # second editor's save of this section waits, then finds the stamp changed.
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        before = section_state(survey, section)
        stale = check_stamp(section_snapshot(survey, section, before), request.POST.get("stamp"))
        if stale is not None:
            return _page(request, survey, True, forms, status=409, invalid=section,
                         stale=stale.describe(NAMES[section], viewer=request.user))
        if not valid:
            return _page(request, survey, True, forms, status=400, invalid=section)
        response = SAVERS[section](request, survey, form)
        after = section_state(Survey.objects.get(pk=survey.pk), section)
        section_record(survey=survey, user=request.user, section=section, before=before, after=after)
    return response


def _about_save(request: HttpRequest, survey: Survey, form: AboutForm) -> HttpResponse:
    values = {name: form.cleaned_data[name] for name in form.Meta.fields}
    survey = survey_settings_update(survey=survey, values=values)
    messages.success(request, "Title and description are saved.")
    return redirect(_settings_url(survey))


def _quality_save(request: HttpRequest, survey: Survey, form: QualityForm) -> HttpResponse:
    values = {name: form.cleaned_data[name] for name in form.Meta.fields}
    survey_settings_update(survey=survey, values=values)
    messages.success(request, "Data-quality settings are saved: they apply to the completes from now on.")
    return redirect(_settings_url(survey) + "#quality")


def _access_save(request: HttpRequest, survey: Survey, form: AccessForm) -> HttpResponse:
    values = {name: form.cleaned_data[name] for name in form.Meta.fields}
    survey = survey_settings_update(survey=survey, values=values)
    messages.success(request, "Access and dates are saved.")
    cap = response_cap_quota(survey)
    if cap is not None:
        completes = cap.counted(survey.pk).count()
        if completes >= cap.cap:
            messages.warning(
                request,
                f"The cap ({cap.cap}) is reached: {completes} responses are complete, so the survey takes no more "
                "responses. Raise or remove the cap to take more.",
            )
    return redirect(_settings_url(survey))


def _sharing_save(request: HttpRequest, survey: Survey, form: SharingForm) -> HttpResponse:
    survey_sharing_update(
        survey=survey, viewers=form.cleaned_data["viewers"], viewer_groups=form.cleaned_data["viewer_groups"]
    )
    messages.success(request, "Results sharing is saved.")
    return redirect(_settings_url(survey))


def _editors_save(request: HttpRequest, survey: Survey, form: EditorsForm) -> HttpResponse:
    survey_editors_update(
        survey=survey, editors=form.cleaned_data["editors"], editor_groups=form.cleaned_data["editor_groups"]
    )
    if form.cleaned_data["confirm_lose_access"] and not survey.is_editable_by(request.user):
        messages.success(request, f"Editors are saved. You no longer edit “{survey.title}”.")
        return redirect("builder:home")
    messages.success(request, "Editors are saved.")
    return redirect(_settings_url(survey))


SAVERS = {"about": _about_save, "access": _access_save, "sharing": _sharing_save, "editors": _editors_save,
          "quality": _quality_save}


def _page(request: HttpRequest, survey: Survey, editable: bool, forms: dict[str, Any], status: int = 200,
          invalid: str | None = None, stale: str = "", refused_quota: tuple[str, QuotaLimitForm] | None = None,
          quota_add_form: QuotaAddForm | None = None) -> HttpResponse:
    real = Q(responses__is_test=False)
    versions = list(
        survey.versions.annotate(
            completes=Count("responses", filter=real & Q(responses__status=Response.Status.COMPLETE)),
            partials=Count("responses", filter=real & Q(responses__status=Response.Status.PARTIAL)),
        ).order_by("-number")
    )
    open_version = next((v for v in versions if v.status == SurveyVersion.Status.OPEN), None)
    draft = next((v for v in versions if v.status == SurveyVersion.Status.DRAFT), None)
    published = [v for v in versions if v.status != SurveyVersion.Status.DRAFT]
    # Reopening is offered only when nothing is open: reopening an older version while a
    # newer one is open would close the newer one, which is not what "reopen" promises.
    reopenable = published[0] if published and open_version is None and survey.archived_at is None else None
    hidden_codes = survey_hidden_codes(survey)
    context = {
        "survey": survey,
        "editable": editable,
        "forms": forms,
        "invalid": invalid,
        "stale": stale,
        # Each form posts back its section as it showed it (a refused form gets the stamp
        # of what is stored now: saving it again is a choice made knowing the other's change).
        "stamps": {section: stamp_of(section_snapshot(survey, section)) for section in SECTIONS} if editable else {},
        "versions": versions,
        "open_version": open_version,
        "draft": draft,
        "reopenable": reopenable,
        "completes": sum(v.completes for v in versions),
        "hidden_codes": hidden_codes,
        # The link's parameters: the declared fields (external_id comes from invitees only).
        "panel_link": panel_link(request, survey, [c for c in hidden_codes if c != BUILTIN_HIDDEN]),
        "quotas": _quota_rows(survey, editable, refused_quota),
        "quota_add_form": (quota_add_form or QuotaAddForm(survey=survey)) if editable else None,
        "quota_removed": _removed_change(request, survey) if editable else None,
        "thank_you_version": draft or open_version or (versions[0] if versions else None),
        "active": "settings",
    }
    if not editable:
        context |= {
            "viewers": survey.viewers.order_by("username"),
            "viewer_groups": survey.viewer_groups.order_by("name"),
            "editors": survey.editors.order_by("username"),
            "editor_groups": survey.editor_groups.order_by("name"),
        }
    return render(request, "builder/settings.html", context, status=status)


def _quota_rows(survey: Survey, editable: bool, refused: tuple[str, QuotaLimitForm] | None) -> list[dict[str, Any]]:
    """The live quota table, each quota with its form (a refused one bound, as typed)."""
    rows = []
    for line in quota_table(survey):
        form = None
        if editable and line.code != CAP:
            form = refused[1] if refused and refused[0] == line.code else QuotaLimitForm(
                initial={"limit": line.limit, "closed": line.closed}, prefix=f"quota-{line.code}"
            )
        rows.append({"line": line, "form": form})
    return rows


@builder_view
@require_POST
def quota_update(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Save one quota's limit and closed state; its counter follows at once."""
    survey = editable_survey(request.user, slug)
    form = QuotaLimitForm(request.POST, prefix=f"quota-{code}")
    if not form.is_valid():
        prefetch_sections(survey)
        return _page(request, survey, True, _forms(request, survey), status=400, refused_quota=(code, form))
    try:
        with transaction.atomic():
            before, after = survey_quota_update(survey=survey, code=code, limit=form.cleaned_data["limit"],
                                                closed=form.cleaned_data["closed"])
            fields = field_changes(
                {"limit": before.limit, "closed": "yes" if before.closed else "no"},
                {"limit": after.limit, "closed": "yes" if after.closed else "no"},
                {"limit": "Limit", "closed": "Closed"},
            )
            if fields:
                change_record(survey=survey, user=request.user, action="quota_changed",
                              summary=f"Changed the quota {after.label}: " + ", ".join(f["label"].lower()
                                                                                      for f in fields),
                              details={"fields": fields}, target=target_of(after))
    except SurveyStateError as exc:
        messages.warning(request, f"{exc} Nothing was changed.")
    else:
        state = "closed" if after.closed else f"takes up to {after.limit} completes"
        messages.success(request, f"The quota {after.label} is saved: it {state}.")
    return redirect(_settings_url(survey) + "#quotas")


def _removed_change(request: HttpRequest, survey: Survey) -> int | None:
    """The history record of a quota just removed (`?quota_removed=`), for its undo button."""
    value = request.GET.get("quota_removed", "")
    return int(value) if value.isdigit() and survey.changes.filter(pk=value, action="quota_deleted").exists() \
        else None


@builder_view
@require_POST
def quota_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a quota; its counter starts from the completes that already meet its condition."""
    survey = editable_survey(request.user, slug)
    form = QuotaAddForm(request.POST, survey=survey)
    if form.is_valid():
        try:
            with transaction.atomic():
                quota = quota_editing.quota_add(survey=survey, **form.cleaned_data)
                quota_history.record_by(request.user, survey, quota, "quota_added", f"Added the quota {quota.label}",
                                        quota_history.added_details(quota))
        except quota_editing.QuotaRefused as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, f"Added the quota {quota.label}: it takes up to {quota.limit} completes.")
            return redirect(_settings_url(survey) + "#quotas")
    prefetch_sections(survey)
    return _page(request, survey, True, _forms(request, survey), status=400, quota_add_form=form)


@builder_view
def quota_remove(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Remove a quota after a confirmation that says how many completes it holds (GET: the
    confirmation; POST: the removal, recorded and undoable from the history)."""
    survey = editable_survey(request.user, slug)
    quota = Quota.objects.filter(survey=survey, code=code).first()
    if request.method != "POST":
        if quota is None:
            raise Http404("No such quota.")
        line = next(line for line in quota_table(survey) if line.code == code)
        return render(request, "builder/settings/quota_remove.html",
                      {"survey": survey, "quota": quota, "line": line, "active": "settings"})
    try:
        with transaction.atomic():
            data = quota_editing.quota_delete(survey=survey, code=code)
            change = quota_history.record_by(request.user, survey, quota, "quota_deleted",
                                             f"Removed the quota {data['label']}", quota_history.deleted_details(data))
    except EditError as exc:
        messages.warning(request, f"{exc} Nothing was removed.")
        return redirect(_settings_url(survey) + "#quotas")
    messages.success(request, f"Removed the quota {data['label']}.")
    return redirect(_settings_url(survey) + f"?quota_removed={change.pk}#quotas")


# --- Status buttons ---------------------------------------------------------------------


def _posted_version_id(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _status_action(request: HttpRequest, slug: str, act) -> HttpResponse:
    """Run `act(survey)`, which changes the survey's status and records it (one transaction:
    a refusal writes neither), and say what happened."""
    survey = editable_survey(request.user, slug)
    try:
        with transaction.atomic():
            message = act(survey)
    except (SurveyStateError, VersionStateError) as exc:
        messages.warning(request, f"{exc} Nothing was changed.")
    else:
        messages.success(request, message)
    return redirect(_settings_url(survey))


def _version_act(request: HttpRequest, service, *, action: str, summary: str, done: str):
    def act(survey: Survey) -> str:
        version_id = _posted_version_id(request)
        if version_id is None:
            raise SurveyStateError("No version was chosen.")
        version = service(survey=survey, version_id=version_id)
        change_record(survey=survey, user=request.user, action=action, summary=summary.format(number=version.number),
                      version=version, target=target_of(version))
        return done.format(number=version.number)

    return act


@builder_view
@require_POST
def version_close(request: HttpRequest, slug: str) -> HttpResponse:
    return _status_action(request, slug, _version_act(
        request, survey_version_close, action="version_closed", summary="Closed version {number}",
        done="Version {number} is closed: the survey takes no responses until a version is reopened or published.",
    ))


@builder_view
@require_POST
def version_reopen(request: HttpRequest, slug: str) -> HttpResponse:
    return _status_action(request, slug, _version_act(
        request, survey_version_reopen, action="version_reopened", summary="Reopened version {number}",
        done="Version {number} is open again and takes responses.",
    ))


@builder_view
@require_POST
def archive(request: HttpRequest, slug: str) -> HttpResponse:
    def act(survey: Survey) -> str:
        _, closed = survey_archive(survey=survey)
        change_record(
            survey=survey, user=request.user, action="survey_archived", version=closed, target=survey_target(survey),
            summary=f"Archived the survey (and closed version {closed.number})" if closed else "Archived the survey",
        )
        closed_text = f"version {closed.number} is closed, " if closed else ""
        return f"The survey is archived: {closed_text}it takes no responses and is not listed on the home page."

    return _status_action(request, slug, act)


@builder_view
@require_POST
def unarchive(request: HttpRequest, slug: str) -> HttpResponse:
    def act(survey: Survey) -> str:
        survey_unarchive(survey=survey)
        change_record(survey=survey, user=request.user, action="survey_unarchived", summary="Unarchived the survey",
                      target=survey_target(survey))
        return "The survey is no longer archived. It takes responses again once you reopen or publish a version."

    return _status_action(request, slug, act)
