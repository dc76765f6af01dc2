"""The words that make a table or chart stand alone once it leaves the page: which
respondents and filters it is about, when the data was read, and where it comes from.
The same sentence as the filter line of the results pages (results/_filters.html)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from results.report.scope import Scope


def filter_description(scope: Scope) -> str:
    """"All respondents, every version" or "Sales, completed from 2024-01-01, version 2"."""
    filters = scope.filters
    parts = [scope.population[:1].upper() + scope.population[1:]]
    if filters.date_from or filters.date_to:
        span = " ".join(
            f"{word} {day:%Y-%m-%d}" for word, day in (("from", filters.date_from), ("to", filters.date_to)) if day
        )
        parts.append(f"completed {span}")
    parts.append(f"version {filters.version}" if filters.version is not None else "every version")
    return ", ".join(parts)


def as_of_display(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")


def source_note(scope: Scope, moment: datetime | None = None) -> str:
    """"Source: <survey title>, data as of <time>"."""
    return f"Source: {scope.survey.title}, data as of {as_of_display(moment or timezone.now())}"
