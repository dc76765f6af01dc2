"""Writes of responses: saving a page of a partial response and submitting a whole one.

`response_submit` is the one path by which a response becomes complete, for the HTML
form and the JSON API alike: it validates the full answer set against the response's
version, then in one transaction writes the response, its answers and the "uncounted"
marker that the counting engine claims, and takes the response's place under the cap.
Counting is requested after commit by task name, so this app never imports `analytics`.
Every way a response ends gives it its number (responses/sequence.py), last, in the same
transaction.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import string
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.sql import execute, fetch, marks, qn
from core.tasks import enqueue_on_commit
from core.tokens import hash_token
from invitations.models import Invitation
from invitations.services import invitation_completed, invitation_started
from responses.counting_request import request_counting
from responses.models import Answer, Response, UncountedResponse
from responses.quality import Observed, completion_fields, response_auto_exclude
from responses.quotas import CAP, QuotaFull, quota_claim, survey_quotas
from responses.screening import screen_out_of
from responses.selectors import ANSWER_FIELDS, response_answers
from responses.sequence import response_number
from responses.signals import response_completed, response_moved, response_started
from responses.validation import validate_answers
from surveys.definition import BUILTIN_HIDDEN, QuotaDef, ScreenOutDef
from surveys.models import Survey, SurveyVersion
from surveys.selectors import CompiledVersion, compiled_version
from surveys.types import Stored
from surveys.types.base import extra_answers


class SubmissionConflict(Exception):
    """The submission id was used before with different answers."""


class ResponseLocked(Exception):
    """A completed response cannot be changed through the public link."""


class InvitationWithdrawn(Exception):
    """The invitation was erased or revoked while this request was under way."""


class InvitationAnswered(Exception):
    """The invitation already has a completed response (from another submission)."""

    message = "This invitation has already been answered."


@dataclass
class SubmitResult:
    response: Response
    created: bool  # False when the same submission was replayed
    errors: dict[str, list[str]]

    @property
    def ok(self) -> bool:
        return not self.errors


def answers_digest(cleaned: dict[str, Any]) -> str:
    """A stable fingerprint of cleaned answers: the same answers always give the same
    digest, whatever their order or the JSON spelling they arrived in."""

    def plain(value: Any) -> Any:
        if isinstance(value, frozenset | set):
            return sorted(value)
        if isinstance(value, dict):
            return {k: plain(v) for k, v in sorted(value.items())}
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        if isinstance(value, date):
            return value.isoformat()
        return value

    # The texts of "please specify" boxes count under their own keys: absent, the digest is
    # the one the same answers always had.
    answers = {**cleaned, **{k: v for code, value in cleaned.items() for k, v in extra_answers(code, value).items()}}
    canonical = json.dumps({k: plain(v) for k, v in sorted(answers.items())}, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def raw_answers(cleaned: dict[str, Any]) -> dict[str, Any]:
    """Cleaned answers back in the JSON shape that `validate_answers` takes."""

    def raw(value: Any) -> Any:
        if isinstance(value, frozenset | set):
            return sorted(value)
        if isinstance(value, dict):  # a matrix: its rows' answers
            return {row: raw(answer) for row, answer in value.items()}
        if isinstance(value, tuple):  # a ranking: its choices in order
            return list(value)
        if isinstance(value, Decimal):
            return format(value, "f")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, str):
            return str(value)  # a choice code, without the texts it carries (below)
        return value

    answers = {code: raw(value) for code, value in cleaned.items()}
    for code, value in cleaned.items():
        answers.update(extra_answers(code, value))
    return answers


def _answer_values(compiled: CompiledVersion, cleaned: dict[str, Any]) -> Iterator[tuple]:
    """(question_id, row_id, choice_id, number, date, text) of each Answer row of cleaned
    answers: each question's type gives the values of its rows (one per choice picked or
    matrix row for choice answers; typed columns otherwise)."""
    questions = compiled.definition.questions
    for code, value in cleaned.items():
        qid = compiled.question_ids[code]
        for stored in questions[code].question_type.to_stored(value):
            yield (
                qid,
                None if stored.row is None else compiled.row_ids[(code, stored.row)],
                None if stored.choice is None else compiled.choice_ids[(code, stored.choice)],
                stored.number,
                stored.date,
                stored.text,
            )


def answer_rows(compiled: CompiledVersion, response_id: uuid.UUID, cleaned: dict[str, Any]) -> list[Answer]:
    """The Answer rows of cleaned answers, as model instances."""
    return [Answer(response_id=response_id, **dict(zip(ANSWER_FIELDS[1:], values, strict=True)))
            for values in _answer_values(compiled, cleaned)]


ANSWERS_PER_INSERT = 1000


def answers_insert(compiled: CompiledVersion, response_id: uuid.UUID, cleaned: dict[str, Any], *,
                   replacing: list[int] | Literal["all"] | None = None) -> None:
    """Insert the Answer rows of cleaned answers; with `replacing` (question ids, or "all"),
    delete the response's earlier rows of those questions first.

    Every page save and submission does this, so the SQL is written here rather than
    built by `bulk_create` and `delete()`, whose model instances and query compilation
    cost several times the statements themselves. On PostgreSQL the DELETE rides in the
    INSERT's WITH: one round trip, and no row the INSERT adds can be deleted, since both
    parts see the table as it was when the statement began."""
    fields = [Answer._meta.get_field(name) for name in ANSWER_FIELDS]
    response_value = fields[0].get_db_prep_save(response_id, connection)
    rows = [
        [response_value, *(None if value is None else field.get_db_prep_save(value, connection)
                           for field, value in zip(fields[1:], values, strict=True))]
        for values in _answer_values(compiled, cleaned)
    ]
    table = qn(Answer._meta.db_table)
    if connection.vendor == "postgresql":
        if rows or replacing is not None:
            execute(*_answers_insert_postgresql(table, fields, rows, response_value, replacing))
        return
    statements: list[tuple[str, list]] = []
    if replacing is not None:
        ids = [] if replacing == "all" else replacing
        of_questions = f" AND {qn('question_id')} IN ({marks(ids)})" if ids else ""
        statements.append((f"DELETE FROM {table} WHERE {qn('response_id')} = %s{of_questions}", [response_value, *ids]))
    columns = ", ".join(qn(field.column) for field in fields)
    row_marks = f"({marks(fields)})"
    for start in range(0, len(rows), ANSWERS_PER_INSERT):
        batch = rows[start:start + ANSWERS_PER_INSERT]
        statements.append((f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_marks] * len(batch))}",
                           [value for row in batch for value in row]))
    for sql, params in statements:
        execute(sql, params)


def _answers_insert_postgresql(table: str, fields: list, rows: list[list], response_value: Any,
                               replacing: list[int] | Literal["all"] | None) -> tuple[str, list]:
    """One statement: the rows as one array per column (`unnest`), and the DELETE of the rows
    they replace in its WITH (both parts see the table as it was, so no new row is deleted).
    The text depends only on whether and what it replaces, and it has a handful of
    parameters whatever the number of rows, so psycopg converts it once per process and
    not on every page (it does not cache a statement of more than 50 parameters)."""
    columns = ", ".join(qn(field.column) for field in fields)
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
    sql = f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays})"
    params: list = [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in fields]
    if replacing is None:
        return sql, params
    delete = f"DELETE FROM {table} WHERE {qn('response_id')} = %s"
    if replacing != "all":
        delete += f" AND {qn('question_id')} = ANY(%s::{fields[1].db_type(connection)}[])"
        params = [list(replacing), *params]
    return f"WITH replaced AS ({delete}) {sql}", [response_value, *params]


RESUME_TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_"  # base64url: safe in a path
RESUME_TOKEN_LENGTH = 22  # 22 characters of 6 bits each: 132 bits


def new_resume_token() -> tuple[str, str]:
    """A resume token (shown once, in the link and the cookie) and the hash we keep.

    22 base64url characters, each drawn on its own, carry 132 bits: as unguessable as
    needed (with the per-client throttle on lookups) and short enough to copy from a
    phone (`/r/<token>/`). Tokens issued before (32 characters) stay valid: only the hash
    is stored, and lookups take any length from 16 to 64."""
    token = "".join(secrets.choice(RESUME_TOKEN_ALPHABET) for _ in range(RESUME_TOKEN_LENGTH))
    return token, hash_token(token)


def response_submit(
    *,
    survey: Survey,
    version: SurveyVersion,
    submission_id: uuid.UUID,
    answers: dict[str, Any],
    is_test: bool = False,
    ip_address: str | None = None,
    response: Response | None = None,
    hidden: str = "error",
    invitation: Invitation | None = None,
    hidden_values: Mapping[str, str] | None = None,
    observed: Observed | None = None,
) -> SubmitResult:
    """Validate and store a complete answer set. Idempotent on `submission_id`.

    `response` is the partial response of the HTML flow being completed (it carries the
    same submission id); the API passes none. The same id with the same answers returns
    the first result (created=False); with different answers it raises SubmissionConflict.

    With an `invitation`, the response is that invitee's one response: a partial one
    (started in the form) is completed, and once one is complete any other submission
    raises InvitationAnswered. The database's unique constraint on the invitation
    decides races between different submission ids.

    Answers that meet a screen-out end the response as `screened_out` (kept, with its
    answers, taking no place). A new completion takes its places in the survey's quotas
    (responses/quotas.py) in the same transaction: with no place left under the response
    cap it raises QuotaFull and nothing is written (a partial response stays partial); with
    no place left in a conditional quota the response is kept as `quota_full`, in a
    transaction of its own. A replay takes no second place. A complete gets its data-quality
    flags (responses/quality.py) in the same transaction; `observed` is what the HTML form
    saw of the last page.
    """
    compiled = compiled_version(version)
    # Conditions see the respondent's hidden values: a partial response's own, else the payload's.
    seen = response.hidden_values if response is not None else hidden_values
    cleaned, errors = validate_answers(compiled, answers, hidden=hidden, hidden_values=seen)
    if errors:
        return SubmitResult(response=response, created=False, errors=errors)  # type: ignore[arg-type]
    digest = answers_digest(cleaned)

    existing = response
    if invitation is not None:
        existing = existing or Response.objects.filter(survey=survey, submission_id=submission_id).first()
        if existing is None:
            existing = Response.objects.filter(invitation=invitation).first()
            if existing is not None and existing.is_ended:
                raise InvitationAnswered(InvitationAnswered.message)
        elif existing.invitation_id != invitation.pk:
            raise SubmissionConflict("This submission id belongs to another response; use a new id.")
    if existing is not None and existing.is_ended:
        return _replay(existing, digest)
    write = _Completion(survey=survey, version=version, compiled=compiled, submission_id=submission_id,
                        cleaned=cleaned, digest=digest, is_test=is_test, ip_address=ip_address,
                        invitation=invitation, hidden_values=hidden_values, existing=existing,
                        observed=observed)
    screened_out = screen_out_of(compiled, {**(seen or {}), **cleaned})
    try:
        if screened_out is not None:
            response = write(Response.Status.SCREENED_OUT, ended_by=screened_out.code)
        else:
            try:
                response = write(Response.Status.COMPLETE)
            except QuotaFull as full:
                if CAP in full.codes:
                    raise  # the survey is full: nothing is kept, as for a respondent arriving now
                # Its cell is full: the response is kept, with its answers, as quota_full.
                response = write(Response.Status.QUOTA_FULL, ended_by=full.codes[0])
    except (IntegrityError, _AlreadyCompleted):
        # The submission id is taken (a replay, or a concurrent request that won the race;
        # an API submission tries the insert first and lets the unique constraint tell it
        # so, sparing a query for new submissions): answer as the first one did.
        winner = Response.objects.filter(survey=survey, submission_id=submission_id).first()
        if winner is None or (invitation is not None and not winner.is_ended):
            if invitation is None:
                raise
            # Another submission for the same invitation won (the unique constraint).
            raise InvitationAnswered(InvitationAnswered.message) from None
        return _replay(winner, digest)
    return SubmitResult(response=response, created=True, errors={})


@dataclass
class _Completion:
    """The one transaction that ends a response: complete (taking its quota places), or
    screened out or at a full quota (kept with its answers, taking no place, not counted)."""

    survey: Survey
    version: SurveyVersion
    compiled: CompiledVersion
    submission_id: uuid.UUID
    cleaned: dict[str, Any]
    digest: str
    is_test: bool
    ip_address: str | None
    invitation: Invitation | None
    hidden_values: Mapping[str, str] | None
    existing: Response | None
    observed: Observed | None = None

    @transaction.atomic
    def __call__(self, status: str, *, ended_by: str = "") -> Response:
        now = timezone.now()
        invitation, existing = self.invitation, self.existing
        if invitation is not None:
            _invitation_lock(invitation)
        quality = self.quality_fields(status, now)
        if existing is None:
            response = Response(
                survey=self.survey, version=self.version, submission_id=self.submission_id, status=status,
                ended_by=ended_by, is_test=self.is_test, answers_digest=self.digest, started_at=now,
                completed_at=now, ip_address=self.ip_address, invitation=invitation,
                external_id=invitation.external_id if invitation else "", hidden=_storable(self.hidden_values),
                **quality,
            )
            if not _response_insert(response):  # the submission id or the invitation is taken
                raise _AlreadyCompleted
            if status != Response.Status.COMPLETE:
                # Ended at once (screened out, quota full): into its status count as it starts.
                response_started.send(sender=Response, response=response)
        else:
            response = _complete_partial(existing, self.digest, now, status=status, ended_by=ended_by, **quality)
            if response is None:  # completed concurrently by a double click
                raise _AlreadyCompleted
            response_completed.send(sender=Response, response=response)
        answers_insert(self.compiled, response.pk, self.cleaned, replacing=None if existing is None else "all")
        if invitation is not None:
            invitation_completed(invitation=invitation, at=now, outcome=status)
        if status == Response.Status.COMPLETE:
            if not self.is_test:
                _uncounted_insert(response.pk, now)
                enqueue_on_commit(request_counting, response.pk)
            # Late: the counter rows stay locked from here to the commit, so concurrent
            # completions queue for the shortest time. QuotaFull rolls all of this back.
            quota_claim(
                response=response, quotas=survey_quotas(self.survey, self.compiled.definition),
                answers=self.answers_seen,
            )
            response_auto_exclude(survey=self.survey, response=response, flags=quality.get("flags", []))
        # Last, for the same reason: the survey's sequence row is locked to the commit.
        response_number(response)
        return response

    def quality_fields(self, status: str, now) -> dict[str, Any]:
        """A complete's data-quality columns (its flags), written with the completion itself."""
        if status != Response.Status.COMPLETE:
            return {}
        return completion_fields(survey=self.survey, partial=self.existing, compiled=self.compiled,
                                 answers=self.cleaned, observed=self.observed, at=now)

    @property
    def answers_seen(self) -> dict[str, Any]:
        """What quota conditions read: the answers and the respondent's hidden values."""
        hidden = self.existing.hidden_values if self.existing is not None else (self.hidden_values or {})
        return {**hidden, **self.cleaned}


def _uncounted_insert(response_id: uuid.UUID, now) -> None:
    # One statement without the ORM's model save (about 0.5 ms of CPU a completion).
    meta = UncountedResponse._meta
    fields = [meta.get_field("response"), meta.get_field("created_at")]
    values = [field.get_db_prep_save(value, connection)
              for field, value in zip(fields, [response_id, now], strict=True)]
    execute(f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) VALUES (%s, %s)", values)


def _storable(hidden: Mapping[str, str] | None) -> dict[str, str]:
    # The built-in external_id has a column of its own (copied from the invitation).
    return {code: value for code, value in (hidden or {}).items() if code != BUILTIN_HIDDEN}


class _AlreadyCompleted(Exception):
    pass


def _invitation_lock(invitation: Invitation) -> None:
    """Lock the invitee's row before anything of its response, the order in which
    erasure takes them (`invitations_erase` updates the invitation, then blanks its
    response), and refuse if the invitation was erased or revoked after this request
    found it. Without it an answer saved by a request already under way when the erasure
    committed would write personal data back after the erasure."""
    still_usable = Invitation.objects.select_for_update().filter(
        pk=invitation.pk, erased_at__isnull=True, revoked_at__isnull=True
    )
    if not still_usable.exists():
        raise InvitationWithdrawn("This invitation link is no longer valid.")


def _complete_partial(partial: Response, digest: str, now, *, status: str = Response.Status.COMPLETE,
                      ended_by: str = "", **quality: Any) -> Response | None:
    """Flip a partial response to complete (or another end, `status`) with a conditional
    UPDATE: of two concurrent final submits (a double click) exactly one sees a row to update."""
    if not _partial_update(partial, status=status, ended_by=ended_by, answers_digest=digest, completed_at=now,
                           updated_at=now, **quality):
        return None
    partial.status, partial.ended_by, partial.answers_digest, partial.completed_at = status, ended_by, digest, now
    for field, value in quality.items():
        setattr(partial, field, value)
    return partial


def response_screen_out(*, response: Response, screen_out: ScreenOutDef) -> bool:
    """End a partial response (its answers so far just saved) as screened out. False when it
    was no longer partial (completed or ended meanwhile, in another tab)."""
    return _end_early(response, Response.Status.SCREENED_OUT, screen_out.code)


def response_quota_out(*, response: Response, quota: QuotaDef) -> bool:
    """End a partial response (its answers so far just saved) as quota full: the early
    check found the quota it falls in full (`responses.quotas.quota_full_after_page`)."""
    return _end_early(response, Response.Status.QUOTA_FULL, quota.code)


@transaction.atomic
def _end_early(response: Response, status: str, ended_by: str) -> bool:
    ended = _complete_partial(response, response.answers_digest, timezone.now(), status=status, ended_by=ended_by)
    if ended is None:
        return False
    response_completed.send(sender=Response, response=response)
    if response.invitation_id is not None:
        invitation_completed(invitation=response.invitation, at=response.completed_at, outcome=response.status)
    response_number(response)
    return True


def _replay(existing: Response, digest: str) -> SubmitResult:
    if existing.answers_digest != digest:
        raise SubmissionConflict(
            "This submission id was already used with different answers; use a new id for a new response."
        )
    return SubmitResult(response=existing, created=False, errors={})


@transaction.atomic
def response_save_page(
    *,
    survey: Survey,
    version: SurveyVersion,
    submission_id: uuid.UUID,
    page_index: int,
    cleaned_page: dict[str, Any],
    page_codes: list[str],
    next_page: int,
    response: Response | None,
    is_test: bool = False,
    ip_address: str | None = None,
    invitation: Invitation | None = None,
    hidden: Mapping[str, str] | None = None,
    observed: Observed | None = None,
) -> tuple[Response, str | None]:
    """Store one page of a partial response (replacing that page's earlier answers) and
    move its position. Returns the response and, for a new one, its resume token.

    With an `invitation`, the response is the invitee's one response, found through the
    invitation (two tabs of the same link share it) and marked started. `observed` (the
    HTML form's) times the response: it starts when page 1 was shown."""
    token = None
    if invitation is not None:
        _invitation_lock(invitation)
        if response is None:
            response = Response.objects.filter(invitation=invitation).first()
    if response is None:
        token, hashed = new_resume_token()
        if invitation is None:
            # Insert first: a new respondent's first page is one INSERT of the response
            # (already on its next page) and one of its answers. The insert does nothing
            # when a double click's other request holds the submission id; that request's
            # response takes the page, and its token stands.
            response = Response(
                survey=survey, version=version, submission_id=submission_id, is_test=is_test,
                resume_token_hash=hashed, ip_address=ip_address, current_page=next_page, hidden=_storable(hidden),
                **_timing_start(observed),
            )
            if _response_insert(response):
                response_started.send(sender=Response, response=response)
                answers_insert(compiled_version(version), response.pk, cleaned_page)
                return response, token
            response, token = Response.objects.select_related("version").get(
                survey=survey, submission_id=submission_id
            ), None
        else:
            response, token = _invitee_response(survey, version, submission_id, invitation, is_test, ip_address,
                                                hashed, token, hidden, observed)
    # A page is saved into the flow's own response only: an invitee's never through the
    # public link (or another invitee's link), a public one never through a personal link.
    if response.invitation_id != (invitation.pk if invitation is not None else None):
        raise SubmissionConflict("This submission id belongs to another response.")
    # The conditional UPDATE locks the row to the commit (as a SELECT FOR UPDATE would) and
    # finds nothing to update once the response is complete (a submit won the race).
    now = timezone.now()
    if not _partial_update(response, current_page=next_page, updated_at=now,
                           **(observed.page_update() if observed else {})):
        raise ResponseLocked("This response is complete and can no longer be changed.")
    from_page, response.current_page, response.updated_at = response.current_page, next_page, now
    compiled = compiled_version(response.version)
    question_ids = [compiled.question_ids[code] for code in page_codes]
    if question_ids:  # a page of questions (not only texts): its earlier answers are replaced
        answers_insert(compiled, response.pk, cleaned_page, replacing=question_ids)
    if invitation is not None:
        invitation_started(invitation=invitation, at=response.started_at)
    # Last: its counts take the survey's counter row lock, held to the commit.
    response_moved.send(sender=Response, response=response, from_page=from_page)
    return response, token


def _partial_update(response: Response, **fields: Any) -> bool:
    """A conditional UPDATE of a still partial response, which locks its row to the commit
    (as a SELECT FOR UPDATE would); False when it is partial no longer (a submit won the
    race). It also makes `response.current_page` the page the row was on under that lock,
    which the counts by page move from: the UPDATE expects the page this request read, and
    only when another tab moved the response meanwhile is the page read again, locked."""
    partial = Response.objects.filter(pk=response.pk, status=Response.Status.PARTIAL)
    if partial.filter(current_page=response.current_page).update(**fields):
        return True
    page = partial.select_for_update().values_list("current_page", flat=True).first()
    if page is None:
        return False
    response.current_page = page
    return bool(partial.update(**fields))


def _timing_start(observed: Observed | None) -> dict[str, Any]:
    """A new form response's timing: from when its first page was shown (else from now)."""
    if observed is None:
        return {}
    start = {"timed": True, "fastest_page_seconds": observed.page_seconds, "honeypot": observed.honeypot}
    return start | ({"started_at": observed.shown_at} if observed.shown_at else {})


def _response_insert(response: Response) -> bool:
    """`INSERT ... ON CONFLICT DO NOTHING` of a new response: whether it was inserted
    (False when a response of the same survey holds its submission id)."""
    meta = Response._meta
    fields = meta.concrete_fields
    values = [field.get_db_prep_save(field.pre_save(response, add=True), connection) for field in fields]
    inserted = fetch(
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) VALUES ({marks(values)}) "
        f"ON CONFLICT DO NOTHING RETURNING {qn(meta.pk.column)}",
        values,
    )
    response._state.adding, response._state.db = False, connection.alias
    return bool(inserted)


def _invitee_response(survey: Survey, version: SurveyVersion, submission_id: uuid.UUID, invitation: Invitation,
                      is_test: bool, ip_address: str | None, hashed: str, token: str,
                      hidden: Mapping[str, str] | None,
                      observed: Observed | None = None) -> tuple[Response, str | None]:
    """The invitee's new response, or the one another tab of theirs created a moment ago."""
    defaults = {
        "version": version, "is_test": is_test, "resume_token_hash": hashed, "ip_address": ip_address,
        "invitation": invitation, "external_id": invitation.external_id, "hidden": _storable(hidden),
        **_timing_start(observed),
    }
    try:
        with transaction.atomic():
            response, created = Response.objects.get_or_create(
                survey=survey, submission_id=submission_id, defaults=defaults
            )
            if created:
                response_started.send(sender=Response, response=response)
    except IntegrityError:
        response, created = Response.objects.get(invitation=invitation), False
    # Not created: a double-clicked first page, whose first request's token stands.
    return response, token if created else None


def stored_answers(compiled: CompiledVersion, response: Response) -> dict[str, Any]:
    """The cleaned answers of a (partial) response, rebuilt from its Answer rows."""
    return answers_from_rows(compiled, response_answers(response))


def answers_from_rows(compiled: CompiledVersion, rows: Iterable) -> dict[str, Any]:
    """The cleaned answers that one response's Answer rows stand for (model instances,
    or rows of ANSWER_FIELDS), each read back by its question's type."""
    questions = compiled.definition.questions
    codes = compiled.question_codes
    choice_codes = compiled.choice_codes
    row_codes = compiled.row_codes
    answers: dict[str, Any] = {}
    for a in rows:
        code = codes.get(a.question_id)
        if code is None:
            continue
        stored = Stored(row_codes.get(a.row_id), choice_codes.get(a.choice_id), a.number, a.date, a.text)
        answers[code] = questions[code].question_type.from_stored(answers.get(code), stored)
    return answers
