"""Responses and their answers, stored for SQL aggregation.

One Answer row per (response, question, row, choice) for choice answers; numbers, dates
and text in typed columns. No serialised lists: a GROUP BY over this table is the truth
that the analytics count tables must always equal.
"""

import uuid

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.sql import qn
from invitations.models import Invitation
from surveys.models import Choice, MatrixRow, Question, Survey, SurveyVersion


class Response(models.Model):
    class Status(models.TextChoices):
        PARTIAL = "partial", "Partial"
        COMPLETE = "complete", "Complete"
        # Ended before completing, kept with the answers given: by a screen-out, or by a full
        # quota at completion (`ended_by` names which).
        SCREENED_OUT = "screened_out", "Screened out"
        QUOTA_FULL = "quota_full", "Quota full"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    # Only drafts can be deleted (SurveyVersion.delete refuses others), and a draft only
    # has test responses from previews: those go with it.
    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="responses")
    submission_id = models.UUIDField(help_text="Client-generated idempotency key, unique per survey.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PARTIAL)
    is_test = models.BooleanField(default=False, help_text="Made from a preview: never counted in results.")
    answers_digest = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the submitted answers.")
    resume_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    current_page = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="When it completed, or ended (screened out, quota full)."
    )
    ended_by = models.CharField(
        max_length=100, blank=True, help_text="The screen-out or the quota that ended it, by code."
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True, help_text="Only kept when STORE_IP_ADDRESS is on.")
    excluded_at = models.DateTimeField(null=True, blank=True, help_text="Excluded responses are not counted.")
    exclusion_reason = models.TextField(blank=True)
    # An invitee answers once: the unique constraint below holds whatever races (NULLs, the
    # public responses, never conflict). SET_NULL: deleting an invitation keeps the answers;
    # erasing one keeps the (emptied) invitation, so the link and the guarantee stay.
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The personal invitation this response came through.",
    )
    external_id = models.CharField(
        max_length=200, blank=True, help_text="The panel's respondent id, copied from the invitation."
    )
    # Data quality (responses/quality.py). Timing is only known for the HTML form, which
    # sets `timed` and starts the clock when it showed page 1; API submissions are untimed.
    timed = models.BooleanField(default=False, help_text="Its timing was observed by the HTML form.")
    fastest_page_seconds = models.FloatField(
        null=True, blank=True, help_text="The shortest time a page of it was on screen before Next (form only)."
    )
    honeypot = models.BooleanField(default=False, help_text="The form's hidden trap field came back filled in.")
    client_key = models.CharField(
        max_length=64, blank=True, db_index=True,
        help_text="HMAC (keyed with SECRET_KEY) of the client address and user agent: never the address itself.",
    )
    flags = models.JSONField(default=list, blank=True, help_text="Data-quality flags, by code (responses.quality).")
    hidden = models.JSONField(
        default=dict, blank=True,
        help_text="Hidden field values by code, kept from the response's first save (the link's query "
        "string, the invitee's attributes or the API payload).",
    )
    # The responses API's cursor: numbered under the survey's sequence lock (CompletionSequence)
    # in the transaction that ends the response, so numbers are handed out in commit order.
    # The random order this respondent was shown (surveys.ordering.stored_order, with each
    # item's display position for exports): drawn from the submission id when the response
    # is created; empty for a survey without one and for API submissions (no display order).
    display_order = models.JSONField(default=dict, blank=True)
    completed_seq = models.PositiveBigIntegerField(
        null=True, blank=True, editable=False,
        help_text="Its number among the survey's ended responses, in the order they were committed.",
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "submission_id"], name="submission_id_unique_per_survey"),
            models.UniqueConstraint(fields=["invitation"], name="one_response_per_invitation"),
            models.CheckConstraint(
                condition=Q(status="partial") | Q(completed_at__isnull=False), name="complete_has_completed_at"
            ),
            # Also the index of the responses API's pages (`completed_seq > since`, in order).
            models.UniqueConstraint(fields=["survey", "completed_seq"], name="completed_seq_unique_per_survey"),
        ]
        indexes = [
            models.Index(fields=["survey", "status", "is_test"]),
            # The overview counts excluded responses: few rows, read without the others.
            models.Index(fields=["survey"], condition=Q(excluded_at__isnull=False), name="response_excluded"),
        ]

    def __str__(self) -> str:
        return f"{self.survey.slug} {self.id} ({self.status})"

    @property
    def hidden_values(self) -> dict[str, str]:
        """The hidden values, the built-in `external_id` (copied from the invitation) included."""
        return {**self.hidden, **({"external_id": self.external_id} if self.external_id else {})}

    @property
    def outcome(self) -> str:
        """complete, partial, screened_out or quota_full."""
        return self.status

    @property
    def is_ended(self) -> bool:
        """No longer open to answers: complete, screened out or at a full quota."""
        return self.status != self.Status.PARTIAL

    @property
    def is_complete(self) -> bool:
        return self.status == self.Status.COMPLETE

    @property
    def is_counted_kind(self) -> bool:
        """Complete, real and not excluded: the kind of response that results count
        (`COUNTED_KIND`)."""
        return all(getattr(self, field) == value for field, value in COUNTED_KIND.items())

    @property
    def duration_seconds(self) -> float | None:
        if self.completed_at is None:
            return None
        return (self.completed_at - self.started_at).total_seconds()


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    # Indexed by `answer_question_response` below, whose first column is the question.
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+", db_index=False)
    row = models.ForeignKey(MatrixRow, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    choice = models.ForeignKey(Choice, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    number = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    text = models.TextField(null=True, blank=True)
    # An erased answer keeps its row (so bases and counts do not move) with its value
    # blanked. A database default, so that rows inserted by SQL (bench, COPY) get one too.
    erased = models.BooleanField(
        default=False, db_default=False, help_text="Personal data removed when the invitee was erased."
    )

    class Meta:
        indexes = [
            models.Index(fields=["question", "row", "choice"]),
            # A question's answers with their responses, read without the table (an index-only
            # scan on PostgreSQL): the GROUP BYs of date-filtered pages and the full recompute.
            models.Index(fields=["question", "response"], include=["row", "choice"], name="answer_question_response"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id} {self.question_id}"


class UncountedResponse(models.Model):
    """A completed response the counting engine has not yet counted.

    Written in the same transaction as the response; the counting task claims it with a
    conditional DELETE that only one claimer can win, so a response is counted once.
    """

    response = models.OneToOneField(Response, primary_key=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.response_id)


class CompletionSequence(models.Model):
    """The last number a survey's ended responses were given (`Response.completed_seq`).

    A completion takes the next one with a conditional upsert as its last statement
    (responses.services): the row stays locked to the commit, so a response numbered n+1
    cannot commit before the one numbered n, and a reader paging by number (`?since=n`)
    never passes over a response that commits late, as it would with a timestamp or uuid.
    `notify` says that the survey has outside listeners (webhooks): only then does a
    completion send `response_ended`, and write their outbox rows."""

    survey = models.OneToOneField(Survey, primary_key=True, on_delete=models.CASCADE, related_name="+")
    last = models.PositiveBigIntegerField(default=0)
    notify = models.BooleanField(default=False, help_text="Completions send `response_ended` (webhooks listen).")

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.last}"


class QuotaCounter(models.Model):
    """The places taken in one quota of a survey: completed responses it counts, and its cap.

    A completion claims its place with a conditional UPDATE (`completes < cap`) in its own
    transaction (responses/quotas.py), so the row lock, not a count read beforehand,
    decides who gets the last places. The survey's response cap is the quota with code
    `_cap`; codes starting with "_" are reserved for such built-in quotas.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=100)
    cap = models.PositiveIntegerField(help_text="Completions this quota takes; never over-filled.")
    completes = models.PositiveIntegerField(default=0, help_text="Completed responses holding a place.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "code"], name="quota_counter_key")]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.code}: {self.completes}/{self.cap}"


# What results count, defined once: a response of the "counted kind" (complete, real, not
# excluded) that the counting engine has counted (its "uncounted" marker is gone). The
# instance property, the ORM and the raw SQL forms below are all built from these values,
# so the count tables, the recompute and the filtered pages agree on who is counted.
COUNTED_KIND = {"status": Response.Status.COMPLETE, "is_test": False, "excluded_at": None}


def counted_kind_q(via: str = "") -> Q:
    """Responses of the counted kind, counted yet or not; `via="response"` says it of the
    rows of a model with a `response` foreign key (answers, "uncounted" markers)."""
    prefix = f"{via}__" if via else ""
    return Q(**{f"{prefix}{field}": value for field, value in COUNTED_KIND.items()})


def counted_q(via: str = "") -> Q:
    """Counted responses (or, `via="response"`, rows of a counted response): of the counted
    kind, and counted."""
    marker = UncountedResponse.objects.filter(response_id=OuterRef(f"{via}_id" if via else "pk"))
    return counted_kind_q(via) & ~Q(Exists(marker))


def counted_sql(alias: str) -> tuple[str, list]:
    """`counted_q` as a raw SQL predicate over a response table alias: (sql, params)."""
    terms, params = [], []
    for field, value in COUNTED_KIND.items():
        column = Response._meta.get_field(field).column
        if value is None:
            terms.append(f"{alias}.{column} IS NULL")
        else:
            terms.append(f"{alias}.{column} = %s")
            params.append(value)
    uncounted = qn(UncountedResponse._meta.db_table)
    terms.append(f"NOT EXISTS (SELECT 1 FROM {uncounted} u WHERE u.response_id = {alias}.id)")
    return " AND ".join(terms), params
