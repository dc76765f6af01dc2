"""Whether a survey takes responses: one check (`survey_availability`) for the JSON API
and the HTML form, so that both open and close at the same moment and refuse for the
same reasons."""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from functools import cache

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from core.sql import qn
from responses.models import Answer, QuotaCounter, Response
from responses.quotas import CAP, response_cap_quota
from surveys.models import Survey, SurveyVersion

NOT_OPEN_YET = "This survey is not open yet."
CLOSED = "This survey is closed."
FULL = "This survey has received all the responses it needs and is closed."


@dataclass(frozen=True)
class Unavailable:
    """Why a survey takes no responses now: `reason` picks the form's page
    (templates/responses/unavailable.html), `status` and `message` are the API's answer."""

    reason: str
    status: int
    message: str


NO_OPEN_VERSION = Unavailable("closed", 410, CLOSED)
NEVER_PUBLISHED = Unavailable("not_yet_open", 403, NOT_OPEN_YET)
BEFORE_OPENING = Unavailable("not_yet_open", 403, NOT_OPEN_YET)
AFTER_CLOSING = Unavailable("past_close", 410, CLOSED)
AT_CAP = Unavailable("full", 410, FULL)


def survey_with_open_version(slug: str) -> tuple[Survey | None, SurveyVersion | None]:
    """The survey and its open version (None if it has none) in one query, which also
    reads the places taken under the cap.

    Every request of the respondent's path and of the API starts here, so the SQL is
    written once rather than built by the ORM each time (building this join with its
    subquery cost ten times the query itself); `_instance` makes the models as the ORM
    would, converters included."""
    survey_fields, version_fields = Survey._meta.concrete_fields, SurveyVersion._meta.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute(_survey_with_open_version_sql(), [CAP, SurveyVersion.Status.OPEN, slug])
        row = cursor.fetchone()
    if row is None:
        return None, None
    survey = _instance(Survey, row[:len(survey_fields)])
    survey.cap_places_taken = row[-1]
    if row[len(survey_fields)] is None:  # no open version: the joined columns are empty
        return survey, None
    version = _instance(SurveyVersion, row[len(survey_fields):len(survey_fields) + len(version_fields)])
    version.survey = survey
    return survey, version


@cache
def _survey_with_open_version_sql() -> str:
    survey, version = Survey._meta, SurveyVersion._meta
    counter = QuotaCounter._meta
    columns = [f"s.{qn(f.column)}" for f in survey.concrete_fields]
    columns += [f"v.{qn(f.column)}" for f in version.concrete_fields]
    return (
        f"SELECT {', '.join(columns)}, "
        f"(SELECT c.{qn('completes')} FROM {qn(counter.db_table)} c "
        f"WHERE c.{qn('survey_id')} = s.{qn('id')} AND c.{qn('code')} = %s LIMIT 1) "
        f"FROM {qn(survey.db_table)} s LEFT JOIN {qn(version.db_table)} v "
        f"ON v.{qn('survey_id')} = s.{qn('id')} AND v.{qn('status')} = %s "
        f"WHERE s.{qn('slug')} = %s"  # one open version at most (one_open_version_per_survey)
    )


def response_with_version(survey: Survey, *, is_test: bool, resume_token_hash: str | None = None,
                          submission_id=None, version: SurveyVersion | None = None) -> Response | None:
    """The response of `survey` with this resume token's hash (never an invitee's: only
    their personal link finds theirs) or this submission id, and its version, in one
    query written once (as `survey_with_open_version`: asked on nearly every request of
    the respondent's path). `version` narrows it to that version (test mode)."""
    conditions, params = [f"r.{qn('survey_id')} = %s"], [survey.pk]
    if resume_token_hash is not None:
        conditions += [f"r.{qn('is_test')} = %s", f"r.{qn('resume_token_hash')} = %s",
                       f"r.{qn('invitation_id')} IS NULL"]
        params += [is_test, resume_token_hash]
    else:
        conditions.append(f"r.{qn('submission_id')} = %s")
        params.append(Response._meta.get_field("submission_id").get_db_prep_value(submission_id, connection))
    if version is not None:
        conditions.append(f"r.{qn('version_id')} = %s")
        params.append(version.pk)
    response_fields = Response._meta.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute(f"{_response_with_version_sql()} WHERE {' AND '.join(conditions)} "
                       f"ORDER BY r.{qn('started_at')} DESC LIMIT 1", params)
        row = cursor.fetchone()
    if row is None:
        return None
    response = _instance(Response, row[:len(response_fields)])
    response.version = _instance(SurveyVersion, row[len(response_fields):])
    return response


@cache
def _response_with_version_sql() -> str:
    response, version = Response._meta, SurveyVersion._meta
    columns = [f"r.{qn(f.column)}" for f in response.concrete_fields]
    columns += [f"v.{qn(f.column)}" for f in version.concrete_fields]
    return (f"SELECT {', '.join(columns)} FROM {qn(response.db_table)} r "
            f"JOIN {qn(version.db_table)} v ON v.{qn('id')} = r.{qn('version_id')}")


# The columns of an Answer row that make an answer (responses.services.answers_from_rows).
ANSWER_FIELDS = ("response_id", "question_id", "row_id", "choice_id", "number", "date", "text")
AnswerRow = namedtuple("AnswerRow", ANSWER_FIELDS)


def response_answers(response: Response) -> list[AnswerRow]:
    """The Answer rows of a response in the order they were written, as rows of
    ANSWER_FIELDS rather than model instances, in a query written once (read on every
    page of a partial response)."""
    fields = [Answer._meta.get_field(name) for name in ANSWER_FIELDS]
    columns = ", ".join(qn(field.column) for field in fields)
    response_id = fields[0].get_db_prep_value(response.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {qn(Answer._meta.db_table)} WHERE {qn('response_id')} = %s "
                       f"ORDER BY {qn(Answer._meta.pk.column)}", [response_id])
        rows = cursor.fetchall()
    converters = _answer_row_converters(connection.vendor)
    return [AnswerRow(*(value if value is None or not convert else _convert(value, convert)
                        for value, convert in zip(row, converters, strict=True))) for row in rows]


@cache
def _answer_row_converters(vendor: str) -> list[list]:
    converters, fields = _converters(Answer, vendor), Answer._meta.concrete_fields
    return [converters[fields.index(Answer._meta.get_field(name))] for name in ANSWER_FIELDS]


def _instance(model: type[Model], values: tuple) -> Model:
    """A model instance from its concrete columns' values, converted as the ORM converts
    them (e.g. SQLite's texts to UUIDs and datetimes)."""
    converted = [value if value is None else _convert(value, convert) for value, convert in
                 zip(values, _converters(model, connection.vendor), strict=True)]
    return model.from_db(connection.alias, None, converted)


def _convert(value, converters: list) -> object:
    for converter, expression in converters:
        value = converter(value, expression, connection)
    return value


@cache
def _converters(model: type[Model], vendor: str) -> list[list]:
    converters = []
    for field in model._meta.concrete_fields:
        column = field.get_col(model._meta.db_table)
        found = [*connection.ops.get_db_converters(column), *field.get_db_converters(connection)]
        converters.append([(converter, column) for converter in found])
    return converters


def survey_availability(survey: Survey, version: SurveyVersion | None, now=None) -> Unavailable | None:
    """None when `survey` takes responses through `version` (its open version, or None),
    else why not: never published (not open yet), no open version any more (or
    archived), before `opens_at`, from `closes_at` on, at the cap."""
    now = now or timezone.now()
    # Archiving closes the open version, but a version opened later (reopened in the
    # admin, a draft published) must not bring an archived survey back by itself.
    if survey.archived_at is not None:
        return NO_OPEN_VERSION
    if version is None or version.status != SurveyVersion.Status.OPEN:
        # A survey that never took responses is not "closed": it has yet to open. One more
        # query, on this refusal's path only.
        published = survey.versions.exclude(status=SurveyVersion.Status.DRAFT).exists()
        return NO_OPEN_VERSION if published else NEVER_PUBLISHED
    if survey.opens_at and now < survey.opens_at:
        return BEFORE_OPENING
    if survey.closes_at and now >= survey.closes_at:
        return AFTER_CLOSING
    if survey_is_full(survey):
        return AT_CAP
    return None


def survey_is_full(survey: Survey) -> bool:
    """Whether every place under the response cap is taken, read from the cap's counter
    (no query after `survey_with_open_version`, one otherwise). Only a first look, to
    refuse early: the claim in the completion's transaction (responses/quotas.py) is what
    keeps the cap when the last places are raced for."""
    cap = response_cap_quota(survey)
    if cap is None:
        return False
    taken = getattr(survey, "cap_places_taken", None)
    if taken is None:
        taken = QuotaCounter.objects.filter(survey=survey, code=CAP).values_list("completes", flat=True).first()
    if taken is None:  # no counter yet: the first completion makes it from this count
        taken = cap.counted(survey.pk).count()
    return taken >= cap.cap
