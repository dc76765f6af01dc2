"""The ExportRecord of each export: created when it is asked for, finished once."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from results.exports.layout import ExportTooLarge
from results.models import ExportRecord
from surveys.models import Survey

logger = logging.getLogger(__name__)

EXPORTS_DIR = "exports"


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


def export_progress(record: ExportRecord, rows: int) -> None:
    """Say how many rows a pending export has written so far (its status page shows it)."""
    ExportRecord.objects.filter(pk=record.pk, status=ExportRecord.Status.PENDING).update(rows=rows)


def file_export_build(
    *, export_id: int, kind: str, extension: str, write: Callable[[ExportRecord, Path], int], name: str = "responses"
) -> ExportRecord | None:
    """Build a pending export of `kind` into MEDIA_ROOT/exports/<slug>-<name>-<id>.<extension>
    with `write(record, path)`, which returns the number of data rows (or sheets). Runs
    again harmlessly: a record that is no longer pending is left alone, each run writes its
    own temporary file and moves it into place atomically, and only the first run to finish
    sets the outcome.

    There is no exclusive claim: a worker that dies mid-build has its task delivered
    again (acks late), and that delivery must be able to start over."""
    record = (
        ExportRecord.objects.select_related("survey")
        .filter(pk=export_id, kind=kind, status=ExportRecord.Status.PENDING)
        .first()
    )
    if record is None:
        return None
    ExportRecord.objects.filter(pk=record.pk).update(started_at=timezone.now())
    relative = f"{EXPORTS_DIR}/{record.survey.slug}-{name}-{record.pk}.{extension}"
    final = Path(settings.MEDIA_ROOT) / relative
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.with_name(f".{final.name}.{uuid.uuid4().hex}.tmp")
    try:
        rows = write(record, temporary)
        os.replace(temporary, final)
    except ExportTooLarge as exc:
        export_finish(record, status=ExportRecord.Status.FAILED, error=str(exc))
    except Exception:
        logger.exception("%s export %s failed", extension.upper(), record.pk)
        error = "The export could not be built; the error was logged."
        export_finish(record, status=ExportRecord.Status.FAILED, error=error)
    else:
        export_finish(record, status=ExportRecord.Status.READY, rows=rows, file_path=relative)
    finally:
        temporary.unlink(missing_ok=True)
    record.refresh_from_db()
    return record
