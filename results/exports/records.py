"""The ExportRecord of each export: created when it is asked for, finished once."""

from __future__ import annotations

from django.utils import timezone

from results.models import ExportRecord
from surveys.models import Survey


def export_record(
    *,
    user,
    survey: Survey,
    kind: str,
    parameters: dict | None = None,
    status: str = ExportRecord.Status.READY,
    rows: int | None = None,
) -> ExportRecord:
    """Record an export. A table export built and served in one request is recorded
    as ready: `export_record(user=request.user, survey=survey, kind=ExportRecord.Kind.TABLE_CSV,
    parameters={"question": "role", "segment": "it"})`."""
    finished = timezone.now() if status != ExportRecord.Status.PENDING else None
    return ExportRecord.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        survey=survey,
        kind=kind,
        parameters=parameters or {},
        status=status,
        rows=rows,
        finished_at=finished,
    )


def export_finish(
    record: ExportRecord, *, status: str, rows: int | None = None, file_path: str = "", error: str = ""
) -> bool:
    """Set the outcome once: only a record still pending changes (a second run of the
    same export, or a late failure after success, changes nothing)."""
    return bool(
        ExportRecord.objects.filter(pk=record.pk, status=ExportRecord.Status.PENDING).update(
            status=status, rows=rows, file_path=file_path, error=error, finished_at=timezone.now()
        )
    )
