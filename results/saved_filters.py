"""Saved filters of a survey's results: the selector that lists them for the filter box,
and the services that save and delete them (a condition is checked as the page's `where`
filter checks it, so a saved filter always opens a valid page)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from analytics.filters import Filters
from results.models import SavedFilter
from surveys.models import Survey

NAME_MAX_LENGTH = SavedFilter._meta.get_field("name").max_length


def saved_filters(survey: Survey) -> list[SavedFilter]:
    return list(SavedFilter.objects.filter(survey=survey))


def saved_filter_create(*, survey: Survey, user, name: str, filters: Filters) -> SavedFilter:
    """Save the page's condition filter under a name (ValidationError: no valid condition,
    no name, or a name the survey already has)."""
    name = name.strip()
    if filters.where_error is not None:
        raise ValidationError(filters.where_error.message, code="invalid_condition")
    if not filters.where:
        raise ValidationError("Type a filter condition before saving it.", code="no_condition")
    if not name:
        raise ValidationError("Give the filter a name.", code="no_name")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(f"A filter's name can have at most {NAME_MAX_LENGTH} characters.", code="long_name")
    try:
        with transaction.atomic():
            return SavedFilter.objects.create(survey=survey, name=name, condition=filters.where, created_by=user)
    except IntegrityError:
        # The unique constraint decides, whatever two viewers saving at once do.
        raise ValidationError(f"This survey already has a filter named “{name}”.", code="duplicate_name") from None


def saved_filter_delete(*, saved: SavedFilter, user) -> None:
    if not saved.is_deletable_by(user):
        raise PermissionDenied("Only who saved this filter or the survey's managers may delete it.")
    saved.delete()
