"""What staff take away from the results: a record of each export (who took what, when,
and where a worker-built file is)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from surveys.models import Survey


class ExportRecord(models.Model):
    """One export of a survey's data: who took what, when, and (for files built by a
    worker) where the file is and whether it is ready. Raw CSV exports are streamed, so
    their record is completed when the last row has been sent."""

    class Kind(models.TextChoices):
        RAW_CSV = "raw_csv", "Raw responses (CSV)"
        RAW_XLSX = "raw_xlsx", "Raw responses (XLSX)"
        TABLE_CSV = "table_csv", "Table (CSV)"
        TABLE_XLSX = "table_xlsx", "Table (XLSX)"
        WORKBOOK_XLSX = "workbook_xlsx", "Results workbook (XLSX)"
        RAW_SAV = "raw_sav", "Raw responses (SPSS .sav)"
        RAW_DTA = "raw_dta", "Raw responses (Stata .dta)"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who asked for the export.",
    )
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="exports")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parameters = models.JSONField(default=dict, blank=True, help_text="Filters, e.g. {\"version\": 2}.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True, help_text="When a worker claimed it.")
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    rows = models.IntegerField(null=True, blank=True, help_text="Data rows written (the header not included).")
    file_path = models.CharField(max_length=300, blank=True, help_text="Relative to MEDIA_ROOT.")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "export"
        db_table = "analytics_exportrecord"  # kept from when analytics held it (see migration 0001)
        indexes = [models.Index(fields=["survey", "-created_at"], name="analytics_e_survey__95e717_idx")]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.kind} #{self.pk} ({self.status})"


class SavedFilter(models.Model):
    """A results filter kept under a name: a condition in the language of display
    conditions and findings, offered as a link on the survey's results pages. Any results
    viewer of the survey may save one; its owner or the survey's managers may delete it."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="saved_filters")
    name = models.CharField(max_length=100, help_text="What the link on the results pages says.")
    condition = models.TextField(
        help_text="The filter: a condition in the language of display conditions and findings."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Who saved it (may delete it, as may the survey's managers).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "saved filter"
        constraints = [models.UniqueConstraint(fields=["survey", "name"], name="saved_filter_name_unique_per_survey")]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.name}: {self.condition}"

    def is_deletable_by(self, user) -> bool:
        return (self.created_by_id is not None and self.created_by_id == user.pk) or self.survey.is_editable_by(user)
