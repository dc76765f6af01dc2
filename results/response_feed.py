"""Ended responses in the order they were committed, as the responses API and webhooks give
them: each with its answers in the intake API's payload shape (read back by each
question's type, as the form and the raw export read them), its hidden values, outcome
and number (`completed_seq`, the cursor).

Answers to personal-data questions (e-mail questions and questions marked personal data,
in any version of the survey, as raw exports decide) are left out unless asked for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from responses.models import Answer, Response
from responses.services import ANSWER_FIELDS, answers_from_rows, raw_answers
from surveys.models import Survey, SurveyVersion
from surveys.selectors import CompiledVersion, compiled_version

# Outcomes a reader may ask for; partial responses have no number (they have not ended).
OUTCOMES = (Response.Status.COMPLETE, Response.Status.SCREENED_OUT, Response.Status.QUOTA_FULL)
MAX_PAGE = 500


@dataclass(frozen=True)
class FeedQuery:
    since: int = 0
    limit: int = 100
    outcome: Sequence[str] = (Response.Status.COMPLETE,)
    include_excluded: bool = False
    personal_data: bool = False


@dataclass
class FeedPage:
    responses: list[dict[str, Any]]
    next: int  # the cursor to ask from next time: the last one given, else `since`
    more: bool


def personal_codes(survey: Survey) -> set[str]:
    """Codes of the questions that hold personal data in any published version."""
    versions = SurveyVersion.objects.filter(survey=survey).exclude(status=SurveyVersion.Status.DRAFT)
    return {
        q.code for v in versions for q in compiled_version(v).definition.questions.values() if q.holds_personal_data
    }


def responses_feed(survey: Survey, query: FeedQuery) -> FeedPage:
    """The page of ended real responses numbered after `query.since`, oldest first."""
    ended = Response.objects.filter(
        survey=survey, is_test=False, completed_seq__gt=query.since, status__in=list(query.outcome)
    )
    if not query.include_excluded:
        ended = ended.filter(excluded_at__isnull=True)
    rows = list(ended.select_related("version").order_by("completed_seq")[: query.limit + 1])
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    left_out = set() if query.personal_data else personal_codes(survey)
    payloads = responses_payloads(rows, left_out=left_out)
    return FeedPage(responses=payloads, next=rows[-1].completed_seq if rows else query.since, more=more)


def responses_payloads(responses: Sequence[Response], *, left_out: Iterable[str] = ()) -> list[dict[str, Any]]:
    """The API's representation of each response (their versions loaded), answers read in
    one query."""
    by_response: dict[Any, list] = defaultdict(list)
    for row in Answer.objects.filter(response__in=[r.pk for r in responses]).order_by("pk").values_list(
        *ANSWER_FIELDS, named=True
    ):
        by_response[row.response_id].append(row)
    compiled: dict[int, CompiledVersion] = {}
    left_out = set(left_out)
    payloads = []
    for response in responses:
        if response.version_id not in compiled:
            compiled[response.version_id] = compiled_version(response.version)
        version = compiled[response.version_id]
        cleaned = answers_from_rows(version, by_response[response.pk])
        payloads.append(response_payload(response, raw_answers(
            {code: value for code, value in cleaned.items() if code not in left_out}
        )))
    return payloads


def response_payload(response: Response, answers: dict[str, Any]) -> dict[str, Any]:
    return {
        "cursor": response.completed_seq,
        "id": str(response.pk),
        "submission_id": str(response.submission_id),
        "version": response.version.number,
        "outcome": response.outcome,
        "ended_by": response.ended_by or None,
        "excluded": response.excluded_at is not None,
        "flags": list(response.flags),
        "started_at": response.started_at,
        "completed_at": response.completed_at,
        "hidden": response.hidden_values,
        "answers": answers,
    }

