"""Count tables: a cache of GROUP BY results over the raw answers, kept exact.

Keys are plain integers (ids of the version's questions, rows and choices, with 0 for
"no row" and "all segments") rather than nullable foreign keys, so that every row has one
unique key that the atomic upsert `INSERT ... ON CONFLICT ... DO UPDATE SET n = n + ...`
can target. Read by code through the version's compiled definition.
"""

from typing import NamedTuple

from django.db import models
from django.db.models import Q
from django.utils import timezone

from surveys.models import Finding, Survey

TOTAL = 0  # segment_choice_id for "all respondents"; row_id for "the question as a whole"


def rank_row_id(rank: int) -> int:
    """The row_id of a ranking's cell (rank, choice): respondents who gave the choice that
    rank. A ranking's ranks stand where a matrix's rows do, as negative ids (no row has
    one), so that the (row x choice) cells hold the distribution of each choice's ranks."""
    return -rank


class CellCount(models.Model):
    """Respondents who picked `choice_id` (in `row_id` of a matrix; ranked at `-row_id` by
    a ranking, see `rank_row_id`), overall or within one segment value (the segment
    question's choice id)."""

    version_id = models.IntegerField()
    question_id = models.IntegerField()
    row_id = models.IntegerField(default=TOTAL)
    choice_id = models.IntegerField()
    segment_choice_id = models.IntegerField(default=TOTAL)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version_id", "question_id", "row_id", "choice_id", "segment_choice_id"], name="cell_key"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version_id} q{self.question_id} r{self.row_id} c{self.choice_id} s{self.segment_choice_id}"


class BaseCount(models.Model):
    """Respondents who were shown a question (or matrix row) and answered it."""

    version_id = models.IntegerField()
    question_id = models.IntegerField()
    row_id = models.IntegerField(default=TOTAL)
    segment_choice_id = models.IntegerField(default=TOTAL)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version_id", "question_id", "row_id", "segment_choice_id"], name="base_key"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version_id} q{self.question_id} r{self.row_id} s{self.segment_choice_id}"


class NumberCount(models.Model):
    """Respondents who gave `value` to a numeric or rating question (or to one row of a
    constant sum, `row_id`): enough for n, mean, its interval, quantiles, histograms and
    NPS without reading the raw answers."""

    version_id = models.IntegerField()
    question_id = models.IntegerField()
    row_id = models.IntegerField(default=TOTAL)
    value = models.DecimalField(max_digits=20, decimal_places=6)
    segment_choice_id = models.IntegerField(default=TOTAL)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version_id", "question_id", "row_id", "value", "segment_choice_id"], name="number_row_key"
            )
        ]

    def __str__(self) -> str:
        row = f" r{self.row_id}" if self.row_id else ""
        return f"v{self.version_id} q{self.question_id}{row} = {self.value}"


class DailyCount(models.Model):
    """Counted responses completed on `day` (the site's time zone), overall or within one
    segment value: the overview's totals and daily chart without reading the responses."""

    version_id = models.IntegerField()
    day = models.DateField()
    segment_choice_id = models.IntegerField(default=TOTAL)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version_id", "day", "segment_choice_id"], name="day_key")]

    def __str__(self) -> str:
        return f"v{self.version_id} {self.day} s{self.segment_choice_id}"


class StatusCount(models.Model):
    """Real responses that are partial (by the day they were started and the page they are
    on), excluded, screened out or stopped by a full quota (by the day they ended): the
    overview's other totals and its drop-off by page without reading the responses."""

    PARTIAL, EXCLUDED, SCREENED_OUT, QUOTA_FULL = "partial", "excluded", "screened_out", "quota_full"
    # The real responses each status counts, and the date that files one under a day.
    KINDS = {
        PARTIAL: (Q(status="partial"), "started_at"),
        EXCLUDED: (Q(status="complete", excluded_at__isnull=False), "completed_at"),
        SCREENED_OUT: (Q(status="screened_out"), "completed_at"),
        QUOTA_FULL: (Q(status="quota_full"), "completed_at"),
    }

    version_id = models.IntegerField()
    status = models.CharField(max_length=12)
    day = models.DateField()
    page = models.IntegerField(
        default=0, help_text="Partial: the index of the page the response is on (Response.current_page); else 0."
    )
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version_id", "status", "day", "page"], name="status_key")]

    def __str__(self) -> str:
        return f"v{self.version_id} {self.status} {self.day} p{self.page}"

    @classmethod
    def key_of(cls, response, status: str) -> tuple:
        """The key a response is counted under in `status`."""
        page = response.current_page if status == cls.PARTIAL else 0
        return (response.version_id, status, timezone.localdate(getattr(response, cls.KINDS[status][1])), page)


# The duration histogram's bins, by their lower bound in seconds: 10 s wide up to 10 minutes,
# 1 minute wide up to 2 hours, then one open bin. A median read from it is exact to its bin.
DURATION_FINE, DURATION_FINE_UNTIL = 10, 600
DURATION_COARSE, DURATION_OPEN_FROM = 60, 7200


def duration_bin(seconds: float) -> int:
    """The lower bound of the bin that a duration of `seconds` falls in."""
    seconds = max(0, int(seconds))
    if seconds < DURATION_FINE_UNTIL:
        return seconds - seconds % DURATION_FINE
    if seconds < DURATION_OPEN_FROM:
        return seconds - seconds % DURATION_COARSE
    return DURATION_OPEN_FROM


def duration_bin_end(start: int) -> int | None:
    """The (exclusive) upper bound of the bin starting at `start`; None for the open bin."""
    if start >= DURATION_OPEN_FROM:
        return None
    return start + (DURATION_FINE if start < DURATION_FINE_UNTIL else DURATION_COARSE)


class DurationCount(models.Model):
    """Counted responses whose timing the form observed (`Response.timed`), per bin of their
    duration (`duration_bin`): the overview's median duration without reading responses."""

    version_id = models.IntegerField()
    bin = models.IntegerField(help_text="The bin's lower bound, in seconds.")
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version_id", "bin"], name="duration_key")]

    def __str__(self) -> str:
        return f"v{self.version_id} {self.bin} s"


class CountTable(NamedTuple):
    model: type[models.Model]
    key: tuple[str, ...]  # the fields of its one unique constraint, in key-tuple order


def _count_table(model: type[models.Model]) -> CountTable:
    (constraint,) = model._meta.constraints
    return CountTable(model, tuple(constraint.fields))


# The count tables by the names that counting, reconciliation and its repairs use. A
# table's key is its unique constraint: the conflict target of the counting upserts, and
# what the recompute's rows are keyed by.
COUNT_TABLES: dict[str, CountTable] = {
    name: _count_table(model)
    for name, model in (
        ("cells", CellCount), ("bases", BaseCount), ("numbers", NumberCount), ("days", DailyCount),
        ("statuses", StatusCount), ("durations", DurationCount),
    )
}


class FindingCount(models.Model):
    finding = models.OneToOneField(Finding, primary_key=True, on_delete=models.CASCADE, related_name="count")
    base = models.IntegerField(default=0)
    target = models.IntegerField(default=0)
    recomputed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.finding_id}: {self.target}/{self.base}"


class SurveyCounter(models.Model):
    """Per-survey totals and the lock that orders counting against reconciliation: every
    writer of a survey's counts updates this row first, so a reconciliation that holds it
    sees a stable set of counted responses."""

    survey = models.OneToOneField(Survey, primary_key=True, on_delete=models.CASCADE, related_name="counter")
    responses_counted = models.IntegerField(default=0)
    last_counted_at = models.DateTimeField(null=True, blank=True)
    last_reconciled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.responses_counted}"


class Reconciliation(models.Model):
    """One reconciliation run: what the full recompute found different, and repaired."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="reconciliations")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cells_checked = models.IntegerField(default=0)
    cells_repaired = models.IntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.survey_id} @ {self.started_at:%Y-%m-%d %H:%M}: {self.cells_repaired} repaired"


class Repair(models.Model):
    reconciliation = models.ForeignKey(Reconciliation, on_delete=models.CASCADE, related_name="repairs")
    table = models.CharField(max_length=30)
    key = models.CharField(max_length=200, help_text="The cell's key, by code.")
    found = models.IntegerField()
    expected = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.table} {self.key}: {self.found} -> {self.expected}"
