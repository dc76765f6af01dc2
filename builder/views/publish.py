"""Publishing a survey's draft (the review, then one confirmation) and starting a new draft
("Edit" on a published survey)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods, require_POST

from builder.access import builder_view, editable_survey, survey_for_builder
from builder.review import SAME, PublishForm, Review, published_base, review_build
from surveys.changes import definition_with_codes
from surveys.models import Survey, SurveyVersion
from surveys.publishing import survey_draft_start, version_publish_with_codes
from surveys.services import VersionStateError


@builder_view
@require_http_methods(["GET", "HEAD", "POST"])
def publish_review(request, slug: str):
    survey, editable = survey_for_builder(request.user, slug)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("You may look at this survey but not publish it.")
        return _publish(request, survey)
    draft = survey.draft_version()
    if draft is None:
        return _render_no_draft(request, survey, editable)
    return _render(request, review_build(survey, draft), editable)


def _publish(request, survey: Survey):
    # The survey's row stays locked from the review to the publish (first, as every survey
    # service locks it): a second click waits for the first, then finds no draft and says so.
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        draft = survey.draft_version()
        if draft is None:
            messages.info(request, _no_draft_text(survey))
            return redirect("builder:home")
        review = review_build(survey, draft, data=request.POST)
        if request.POST.get("stamp") != review.stamp:
            review = _review_again(survey, draft, request.POST)
            messages.error(request, "The draft changed since you reviewed it: here is the review again.")
            return _render(request, review, True, status=409)
        if survey.archived_at is not None:
            messages.error(request, "This survey is archived: unarchive it in its settings before publishing.")
            return _render(request, review, True, status=400)
        if not review.ready:
            messages.error(request, f"Version {draft.number} cannot be published yet: fix the problems below.")
            return _render(request, review, True, status=400)
        if not review.form.is_valid():
            messages.error(request, "Answer each “Same answer, or a new one?” below.")
            return _render(request, review, True, status=400)
        codes = review.form.chosen_codes()
        breaks = review.new_problems(definition_with_codes(review.definition, codes))
        if breaks:
            messages.error(request, "Nothing was published: a new answer below needs a change first.")
            return _render(request, review, True, status=400, breaks=breaks)
        try:
            version = version_publish_with_codes(version=draft, codes=codes)
        except VersionStateError as exc:  # whatever the checks above missed: nothing was written
            messages.error(request, str(exc))
            return _render(request, review, True, status=400)
    messages.success(request, _published_text(request, survey, version))
    return redirect("builder:home")


def _review_again(survey: Survey, draft: SurveyVersion, posted) -> Review:
    """The review of the draft as it is now, keeping the answers given to relabels that are
    still there (new ones start at "same answer")."""
    fresh = review_build(survey, draft)
    data = posted.copy()
    data["stamp"] = fresh.stamp
    for relabel in fresh.changes.relabels if fresh.changes else ():
        data.setdefault(PublishForm.field_name(relabel), SAME)
    return review_build(survey, draft, data=data)


def _published_text(request, survey: Survey, version: SurveyVersion):
    if not survey.is_public:
        return f"Version {version.number} is published and open to invitees."
    link = request.build_absolute_uri(reverse("responses:form", args=[survey.slug]))
    return format_html('Version {} is published and open: <a href="{}">{}</a>', version.number, link, link)


def _no_draft_text(survey: Survey) -> str:
    current = published_base(survey)
    if current is None:
        return f"“{survey.title}” has no draft to publish."
    return f"There is no draft to publish: version {current.number} is {current.get_status_display().lower()}."


def _render(request, review: Review, editable: bool, *, status: int = 200, breaks=()) -> HttpResponse:
    return render(
        request,
        "builder/publish.html",
        {
            "survey": review.survey,
            "review": review,
            "form": review.form,
            "editable": editable,
            "breaks": breaks,
            "public_url": _public_url(request, review.survey),
        },
        status=status,
    )


def _render_no_draft(request, survey: Survey, editable: bool) -> HttpResponse:
    return render(
        request,
        "builder/publish.html",
        {"survey": survey, "current": published_base(survey), "editable": editable,
         "public_url": _public_url(request, survey)},
    )


def _public_url(request, survey: Survey) -> str | None:
    if not survey.is_public:
        return None
    return request.build_absolute_uri(reverse("responses:form", args=[survey.slug]))


@builder_view
@require_POST
def draft_create(request, slug: str):
    survey = editable_survey(request.user, slug)
    draft, created = survey_draft_start(survey=survey)
    if created:
        messages.success(request, f"Version {draft.number} is a new draft: change it here, then publish it.")
    else:
        messages.info(request, f"Version {draft.number} is already a draft: you are editing it.")
    return redirect("builder:outline", slug=survey.slug)
