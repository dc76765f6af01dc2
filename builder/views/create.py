"""Create a survey: a title, its slug, and how to start (blank, a starter, a copy)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render

from builder.access import builder_view
from builder.forms.create import COPY, STARTER_PREFIX, UPLOAD, SurveyCreateForm, taken_message
from surveys import creation
from surveys.history import change_record, survey_target
from surveys.selectors import editable_surveys


@builder_view
def survey_create(request):
    user = request.user
    if not user.has_perm("surveys.add_survey"):
        raise PermissionDenied("Only survey managers create surveys.")
    copyable = editable_surveys(user) if user.has_perm("surveys.change_survey") else None
    posted = request.method == "POST"
    form = SurveyCreateForm(request.POST if posted else None, request.FILES if posted else None, copyable=copyable)
    if form.is_valid():
        title, slug = form.cleaned_data["title"], form.cleaned_data["slug"]
        try:
            with transaction.atomic():
                version = creation.survey_create(title=title, slug=slug, start=form.start_definition(), creator=user)
                summary, details = _how_started(form)
                change_record(survey=version.survey, user=user, action="survey_created", summary=summary,
                              version=version, details=details, target=survey_target(version.survey))
        except creation.SlugTaken:
            # Taken between the form's check and the write: a double submit, or a colleague.
            form.add_error("slug", taken_message(slug))
        else:
            pages = version.pages.count()
            messages.success(
                request,
                f"Created “{title}” with a draft, version {version.number} ({pages} page{'s' if pages != 1 else ''}). "
                "Build it here, then publish it.",
            )
            return redirect("builder:outline", slug=slug)
    return render(request, "builder/create.html", {"active": "create", "form": form})


def _how_started(form: SurveyCreateForm) -> tuple[str, dict]:
    """The history's words for how the survey started: blank, from a template, a copy or a file."""
    start = form.cleaned_data["start"]
    if start == UPLOAD:
        name = form.cleaned_data["definition_file"].name
        return f"Created the survey from the definition file “{name}”", {"start": "file", "file": name}
    if start == COPY:
        original = form.cleaned_data["copy_of"]
        return (f"Created the survey as a copy of “{original.title}” ({original.slug})",
                {"start": "copy", "copy_of": original.slug})
    if start.startswith(STARTER_PREFIX):
        starter = creation.starter(start.removeprefix(STARTER_PREFIX))
        summary = f"Created the survey from the template “{starter.label}”"
        return summary, {"start": "template", "template": starter.name}
    return "Created the survey blank, with one empty page", {"start": "blank"}
