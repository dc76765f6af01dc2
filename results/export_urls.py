"""Raw response exports, under /results/<slug>/exports/ (included before the results pages)."""

from django.urls import path

from results import export_views
from results.models import ExportRecord

app_name = "exports"
urlpatterns = [
    path("<slug:slug>/exports/", export_views.exports_index, name="index"),
    path("<slug:slug>/exports/responses.csv", export_views.raw_csv, name="raw_csv"),
    path("<slug:slug>/exports/xlsx/", export_views.raw_xlsx, name="raw_xlsx"),
    path("<slug:slug>/exports/<int:pk>/", export_views.export_status, name="status"),
    # Statistical files and the codebook.
    path("<slug:slug>/exports/sav/", export_views.raw_stat_file, {"kind": ExportRecord.Kind.RAW_SAV}, name="raw_sav"),
    path("<slug:slug>/exports/dta/", export_views.raw_stat_file, {"kind": ExportRecord.Kind.RAW_DTA}, name="raw_dta"),
    path("<slug:slug>/exports/codebook/", export_views.codebook, name="codebook"),
    path("<slug:slug>/exports/<int:pk>/download/", export_views.export_download, name="download"),
    # The results workbook
    path("<slug:slug>/exports/workbook/", export_views.workbook_xlsx, name="workbook"),
    path("<slug:slug>/exports/workbook/<int:pk>/", export_views.workbook_status, name="workbook_status"),
    path("<slug:slug>/exports/workbook/<int:pk>/download/", export_views.workbook_download, name="workbook_download"),
]
