"""Celery tasks of the results: thin, taking ids. The work lives in results.exports (xlsx,
statistical files, workbook)."""

from celery import shared_task

from results.exports.statfiles import stat_file_export_build
from results.exports.workbook import workbook_export_build
from results.exports.xlsx import raw_xlsx_export_build


# The name is older than the results app (export records began in analytics): kept, so
# that a task queued before an upgrade still finds its handler.
@shared_task(name="analytics.build_xlsx_export")
def build_xlsx_export_task(export_id: int) -> str | None:
    record = raw_xlsx_export_build(export_id=export_id)
    return record.status if record else None


# --- Statistical files (.sav, .dta) -------------------------------------------------------


@shared_task(name="results.build_stat_file_export")
def build_stat_file_export_task(export_id: int, kind: str) -> str | None:
    record = stat_file_export_build(export_id=export_id, kind=kind)
    return record.status if record else None


# --- The results workbook ------------------------------------------------------------


@shared_task(name="results.build_workbook_export")
def build_workbook_export_task(export_id: int) -> str | None:
    record = workbook_export_build(export_id=export_id)
    return record.status if record else None
