"""Data-quality flags of responses: what the form observed, and the flags a complete gets.

The HTML form observes its respondent (`Observed`): each page carries a signed stamp of
when it was shown (bound to the response's submission id and the page, so that a stamp
cannot be moved to another response or page, nor moved back in time), and a trap field
that people never see. At completion (`response_flag_completion`, in the completion's
transaction) a complete gets its flags:

- straight_liner: the same answer on every row of a matrix with at least 5 rows;
- bot: the trap field came back filled in, or a page went by faster than the survey's
  floor (`Survey.page_time_floor`);
- attention_failed: an attention check (a question or row marked with the choice a
  careful respondent picks) answered otherwise;
- duplicate: a complete of the same survey from the same client address and browser within
  the survey's window (`Survey.duplicate_window_hours`), compared through an HMAC keyed with
  SECRET_KEY, never the address;
- speeder: a duration under a fraction of the median of timed completes, once there are
  `SPEEDER_MIN_COMPLETES`; the median moves, so `survey_speeders_update` (a periodic task)
  sets and clears this flag.

Timing flags apply to timed responses only (the form's; API submissions are untimed). A
missing or forged stamp is ignored: the clock then starts at the first save, which only
makes a response look faster, so dropping the stamp gains a respondent nothing.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core import signing
from django.db import transaction
from django.db.models import DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import Coalesce, Least
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.clients import client_ip
from responses.models import Response
from responses.moderation import ModerationError, response_exclude
from surveys.models import QUALITY_FLAGS, Survey, SurveyVersion
from surveys.selectors import CompiledVersion

STRAIGHT_LINER, BOT, ATTENTION_FAILED, SPEEDER, DUPLICATE = (
    "straight_liner", "bot", "attention_failed", "speeder", "duplicate"
)
FLAGS = QUALITY_FLAGS
STRAIGHT_LINE_ROWS = 5  # a matrix with fewer rows may well have one true answer for all
SPEEDER_MIN_COMPLETES = 30  # before this, a median says too little
# The trap field: a neutral name that form fillers like to complete; people never see it.
HONEYPOT_FIELD = "website"
STAMP_FIELD = "shown"
_STAMP_SALT = "responses.quality.page-shown"
_STAMP_MAX_AGE = 30 * 24 * 3600  # as long as a resume cookie lives


# --- What the form observes ---------------------------------------------------------------


def page_stamp(submission_id: Any, page_index: int, *, shown: float | None = None) -> str:
    """The signed "shown at" of a page (`shown`, a Unix time: now unless told), carried in
    the form (STAMP_FIELD)."""
    return signing.dumps([str(submission_id), page_index, round(time.time() if shown is None else shown, 3)],
                         salt=_STAMP_SALT)


def page_shown_at(value: Any, submission_id: Any, page_index: int) -> datetime | None:
    """When the page was shown, from its posted stamp; None for a missing, forged, stale
    or misplaced one (another response's, another page's)."""
    if not isinstance(value, str) or not value or len(value) > 200:
        return None
    try:
        sub, index, shown = signing.loads(value, salt=_STAMP_SALT, max_age=_STAMP_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if sub != str(submission_id) or index != page_index or not isinstance(shown, int | float):
        return None
    return datetime.fromtimestamp(min(shown, time.time()), tz=UTC)


@dataclass(frozen=True)
class Observed:
    """What the form saw of one posted page."""

    shown_at: datetime | None = None  # when the page was shown (a valid stamp only)
    page_seconds: float | None = None  # its time on screen, for a page sent on with Next
    honeypot: bool = False
    client_key: str = ""

    def page_update(self) -> dict[str, Any]:
        """The response's columns that this page moves, for the page save's own UPDATE
        (no query of its own)."""
        fields: dict[str, Any] = {}
        if self.page_seconds is not None:
            fields["fastest_page_seconds"] = Least(Coalesce(F("fastest_page_seconds"), self.page_seconds),
                                                   self.page_seconds)
        if self.honeypot:
            fields["honeypot"] = True
        return fields


def page_observed(request: HttpRequest, submission_id: Any, page_index: int, *, moving_on: bool) -> Observed:
    """What a posted page tells: when it was shown, its time on screen if the respondent
    moves on (Next or Submit; going Back or saving for later is no sign of haste), the
    trap field."""
    shown_at = page_shown_at(request.POST.get(STAMP_FIELD), submission_id, page_index)
    seconds = (timezone.now() - shown_at).total_seconds() if shown_at and moving_on else None
    return Observed(shown_at=shown_at, page_seconds=seconds, honeypot=bool(request.POST.get(HONEYPOT_FIELD)),
                    client_key=client_key(request))


def client_key(request: HttpRequest) -> str:
    """The client (address and user agent) as an HMAC keyed with SECRET_KEY: comparable,
    not reversible (a plain hash of an IPv4 address is, by trying them all)."""
    agent = request.META.get("HTTP_USER_AGENT", "")[:500]
    return salted_hmac("responses.quality.client", f"{client_ip(request) or ''}\n{agent}",
                       algorithm="sha256").hexdigest()


# --- Flags at completion -----------------------------------------------------------------


def completion_fields(*, survey: Survey, partial: Response | None, compiled: CompiledVersion,
                      answers: Mapping[str, Any], observed: Observed | None, at: datetime) -> dict[str, Any]:
    """The columns a complete gets at completion, written by the completion's own INSERT or
    UPDATE (no query of their own; the duplicate check, when the survey has one, reads).
    `partial`: the form's response being completed (None for an API submission)."""
    flags = completion_flags(survey=survey, partial=partial, compiled=compiled, answers=answers,
                             observed=observed, at=at)
    fields: dict[str, Any] = {"flags": flags} if flags else {}
    if observed is not None:
        if observed.client_key and survey.duplicate_window_hours:
            fields["client_key"] = observed.client_key
        times = [t for t in (partial.fastest_page_seconds if partial else None, observed.page_seconds) if t is not None]
        if times:
            fields["fastest_page_seconds"] = min(times)
        if observed.honeypot:
            fields["honeypot"] = True
    return fields


def completion_flags(*, survey: Survey, partial: Response | None, compiled: CompiledVersion,
                     answers: Mapping[str, Any], observed: Observed | None, at: datetime) -> list[str]:
    """The flags a complete gets at completion (all but the speeder: see the module)."""
    flags = []
    questions = compiled.definition.questions
    if any(_straight_line(questions[code], value) for code, value in answers.items() if code in questions):
        flags.append(STRAIGHT_LINER)
    if partial is not None and partial.timed and _bot(survey, partial, observed):
        flags.append(BOT)
    if any(_attention_failed(q, answers.get(q.code)) for q in questions.values()):
        flags.append(ATTENTION_FAILED)
    if survey.duplicate_window_hours and observed is not None and _duplicate(survey, partial, observed.client_key, at):
        flags.append(DUPLICATE)
    return flags


def _straight_line(question, value: Any) -> bool:
    if len(question.rows) < STRAIGHT_LINE_ROWS or not isinstance(value, Mapping):
        return False
    given = [value.get(row) for row in question.row_codes]
    return None not in given and len(set(map(_plain, given))) == 1


def _plain(value: Any) -> Any:
    return tuple(value) if isinstance(value, tuple) else value  # frozensets and codes hash as they are


def _attention_failed(question, value: Any) -> bool:
    if question.attention_check:
        return value is not None and value != question.attention_check
    rows = [row for row in question.rows if row.attention_check]
    return bool(rows) and isinstance(value, Mapping) and any(
        value.get(row.code) is not None and value.get(row.code) != row.attention_check for row in rows
    )


def _bot(survey: Survey, response: Response, observed: Observed | None) -> bool:
    if response.honeypot or (observed is not None and observed.honeypot):
        return True
    times = [t for t in (response.fastest_page_seconds, observed.page_seconds if observed else None) if t is not None]
    return bool(times) and min(times) < survey.page_time_floor


def _duplicate(survey: Survey, partial: Response | None, key: str, at: datetime) -> bool:
    earlier = Response.objects.filter(
        survey_id=survey.pk, client_key=key, status=Response.Status.COMPLETE,
        is_test=partial.is_test if partial else False,
        completed_at__gte=at - timedelta(hours=survey.duplicate_window_hours),
    )
    return bool(key) and earlier.exclude(pk=partial.pk if partial else None).exists()


def response_auto_exclude(*, survey: Survey, response: Response, flags: list[str]) -> bool:
    """Exclude `response` if one of `flags` is among its survey's auto-exclusion rules,
    recorded as such ("auto: speeder") and reversible by restoring it."""
    ruled = [flag for flag in flags if flag in (survey.auto_exclude_flags or [])]
    if not ruled or response.excluded_at is not None or response.is_test:
        return False
    excluded = response_exclude(response=response, reason=f"auto: {', '.join(ruled)}")
    response.excluded_at, response.exclusion_reason = excluded.excluded_at, excluded.exclusion_reason
    return True


def flagged_q(flag: str) -> Q:
    """Responses carrying `flag` (a text match on the JSON list: containment is not
    portable to SQLite; the quotes keep one code from matching inside another)."""
    return Q(flags__icontains=f'"{flag}"')


def responses_exclude_flagged(*, responses: QuerySet[Response], flags: list[str], reason: str) -> int:
    """Exclude the complete, not yet excluded responses among `responses` that carry any of
    `flags`, each through the exclusion service (counts kept exact, quota places freed),
    with `reason` recorded. How many were excluded."""
    if not flags:
        raise ModerationError("Choose at least one flag.")
    if not reason.strip():
        raise ModerationError("Give a reason for excluding these responses.")
    wanted = Q()
    for flag in flags:
        wanted |= flagged_q(flag)
    targets = responses.filter(wanted, status=Response.Status.COMPLETE, excluded_at__isnull=True)
    excluded = 0
    for response in targets.order_by("pk"):
        response_exclude(response=response, reason=reason)
        excluded += 1
    return excluded


# --- The speeder, as the median moves --------------------------------------------------------

_DURATION = ExpressionWrapper(F("completed_at") - F("started_at"), output_field=DurationField())


def timed_completes(survey: Survey):
    return Response.objects.filter(survey=survey, status=Response.Status.COMPLETE, is_test=False, timed=True,
                                   excluded_at__isnull=True)


def median_duration(survey: Survey) -> timedelta | None:
    """The median duration of the survey's timed completes (not excluded), or None before
    there are SPEEDER_MIN_COMPLETES of them. The lower middle one for an even count."""
    completes = timed_completes(survey)
    count = completes.count()
    if count < SPEEDER_MIN_COMPLETES:
        return None
    return completes.annotate(d=_DURATION).order_by("d").values_list("d", flat=True)[(count - 1) // 2]


@transaction.atomic
def survey_speeders_update(*, survey: Survey) -> tuple[int, int]:
    """Set the speeder flag on the timed completes under the survey's fraction of the
    median, and clear it from those no longer under it: (flagged, cleared). Excluded
    responses keep theirs (they left the median). Running it twice changes nothing twice."""
    median = median_duration(survey)
    threshold = median * survey.speeder_fraction if median is not None else None
    fast = set()
    if threshold is not None:
        fast = set(timed_completes(survey).annotate(d=_DURATION).filter(d__lt=threshold).values_list("pk", flat=True))
    flagged = dict(Response.objects.filter(flagged_q(SPEEDER), survey=survey, excluded_at__isnull=True)
                   .values_list("pk", "flags"))
    others = Response.objects.filter(pk__in=fast - set(flagged)).values_list("pk", "flags")
    for pk, flags in others:
        Response.objects.filter(pk=pk).update(flags=[*flags, SPEEDER])
    for pk, flags in flagged.items():
        if pk not in fast:
            Response.objects.filter(pk=pk).update(flags=[f for f in flags if f != SPEEDER])
    if SPEEDER in (survey.auto_exclude_flags or []):
        for response in Response.objects.select_related("survey").filter(pk__in=fast - set(flagged)):
            response_auto_exclude(survey=survey, response=response, flags=[SPEEDER])
    return len(fast - set(flagged)), len(set(flagged) - fast)


def surveys_speeders_update() -> int:
    """`survey_speeders_update` for each survey taking responses (an open version: a closed
    survey's median no longer moves); how many it flagged."""
    surveys = Survey.objects.filter(versions__status=SurveyVersion.Status.OPEN).distinct()
    return sum(survey_speeders_update(survey=survey)[0] for survey in surveys)
