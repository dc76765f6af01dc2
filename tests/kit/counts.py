"""The exactness check: every count table, finding counter and the counted-responses total
equal the full recompute from the raw answers. Read-only: nothing is repaired."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from analytics.models import COUNT_TABLES, FindingCount, SurveyCounter
from analytics.recompute import expected_counts, expected_finding
from responses.models import Response, UncountedResponse
from surveys.models import Finding, Survey, SurveyVersion


def _key(fields: tuple[str, ...], values: tuple) -> tuple:
    return tuple(Decimal(str(v)).normalize() if f == "value" else v for f, v in zip(fields, values, strict=True))


def _nonzero(counter: Counter) -> dict:
    # A row taken down to 0 (an exclusion) is the same as no row.
    return {key: n for key, n in counter.items() if n != 0}


def count_differences(survey: Survey) -> list[str]:
    """What differs between the stored counts and the recompute, one line per cell."""
    expected, total = expected_counts(survey.pk)
    version_ids = list(SurveyVersion.objects.filter(survey=survey).values_list("pk", flat=True))
    differences = []
    for table, (model, fields) in COUNT_TABLES.items():
        stored = Counter()
        for *values, n in model.objects.filter(version_id__in=version_ids).values_list(*fields, "n"):
            stored[_key(fields, tuple(values))] += n
        want, have = _nonzero(expected[table]), _nonzero(stored)
        for key in sorted(set(want) | set(have), key=str):
            if want.get(key, 0) != have.get(key, 0):
                differences.append(f"{table} {key}: stored {have.get(key, 0)}, expected {want.get(key, 0)}")
    for finding in Finding.objects.filter(survey=survey).order_by("pk"):
        row = FindingCount.objects.filter(finding=finding).first()
        have = (row.base, row.target) if row else (0, 0)
        want = expected_finding(finding)
        if have != want:
            differences.append(f"finding {finding.code} (base, target): stored {have}, expected {want}")
    counter = SurveyCounter.objects.filter(survey=survey).first()
    counted = counter.responses_counted if counter else 0
    if counted != total:
        differences.append(f"responses_counted: stored {counted}, expected {total}")
    return differences


def assert_counts_exact(survey: Survey) -> None:
    differences = count_differences(survey)
    assert not differences, "count tables differ from the recompute:\n" + "\n".join(differences)


def uncounted(survey: Survey) -> int:
    """Completed responses of the survey still waiting to be counted."""
    return UncountedResponse.objects.filter(
        response_id__in=Response.objects.filter(survey=survey).values("pk")
    ).count()
