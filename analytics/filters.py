"""Filters of results pages (segment, completion date range, version, and a condition in
the language of display conditions and findings: `?where=q1 = a`, which may also test
the data-quality flags: `?where=not flagged`) and the reads on the raw answers that they
need.

Without a date range, pages read the count tables, which are kept per version and per
segment value: a version or segment filter only picks which rows to read. A date range
or a condition cannot be read from the count tables, so either runs `GROUP BY` queries on the raw answers of
the counted responses completed in the range (and meeting the condition, compiled per
version by `analytics.condition_sql`): the same queries as the full recompute
(`analytics.recompute`), restricted, so that bases and counts stay consistent with the
unfiltered pages. The overview's completed totals and daily chart come from the daily
count table under every filter but a condition (a date range picks its days); with a
condition, from the responses that meet it. Every read here is a fixed
number of queries; none loops over responses.
"""

from __future__ import annotations

import operator
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import reduce
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncDate
from django.utils import timezone

from analytics.condition_sql import meeting_responses_sql
from analytics.models import TOTAL, DailyCount, StatusCount
from analytics.recompute import findings_counts, grouped_counts, hidden_segment_columns
from analytics.tables import ALL, SurveyCounts, code_maps
from core.sql import fetch, qn
from responses.models import Answer, Response, UncountedResponse, counted_kind_q, counted_q, counted_sql
from surveys import conditions
from surveys.conditions import ConditionError
from surveys.definition import QuestionDef
from surveys.models import QUALITY_FLAGS, Finding, SurveyVersion
from surveys.selectors import CompiledVersion

# Only `YYYY-MM-DD`: `date.fromisoformat` also takes `20100101` and `2010-W01-1`, which
# the date inputs never send and a reader of the address would not recognise.
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The range a filter date may take. The ends of Python's dates cannot be turned into the
# [start, end) window in every time zone (9999-12-31 has no next day), and no response is
# ever completed near them.
FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(9998, 12, 31)
_VERSION_RE = re.compile(r"[0-9]{1,9}")  # ASCII digits only: `isdigit()` is also true of "²"
# A filter is typed in one line; past this it is a pasted accident (and a long query string).
WHERE_MAX_LENGTH = 1000


@dataclass(frozen=True)
class WhereError:
    """A refused condition: the text as typed, the parser's message and its position, for
    the filter box to show with a caret under the place (as the builder's condition fields)."""

    text: str
    reason: str
    position: int = -1

    @property
    def message(self) -> str:
        where = f" (at character {self.position + 1})" if self.position >= 0 else ""
        return f"Filter{where}: {self.reason}."

    @property
    def caret_line(self) -> str:
        return self.text.replace("\n", " ").replace("\t", " ")

    @property
    def caret_marker(self) -> str:
        return " " * min(self.position, len(self.text)) + "^" if self.position >= 0 else ""


def where_condition(text: str, questions: Mapping[str, QuestionDef],
                    ) -> tuple[conditions.Node | None, WhereError | None]:
    """The condition of a `where` filter, parsed and checked against the questions (and
    hidden fields) it may name and the data-quality flags (`not flagged`,
    `flagged(speeder)`): (node, None), or (None, the error with its position)."""
    if len(text) > WHERE_MAX_LENGTH:
        return None, WhereError(text, f"a filter can have at most {WHERE_MAX_LENGTH} characters", WHERE_MAX_LENGTH)
    try:
        node = conditions.parse(text)
        conditions.check(node, questions, flags=QUALITY_FLAGS)
    except ConditionError as exc:
        return None, WhereError(text, exc.reason, exc.position)
    return node, None


@dataclass(frozen=True)
class Filters:
    segment: tuple[str, str] | None = None  # (segment question code, value code)
    date_from: date | None = None
    date_to: date | None = None
    version: int | None = None  # the version's number
    errors: tuple[str, ...] = field(default=(), compare=False)
    where: str = ""  # the condition's text, checked ("" when none or refused)
    condition: conditions.Node | None = field(default=None, compare=False)
    where_error: WhereError | None = field(default=None, compare=False)

    @property
    def dated(self) -> bool:
        return self.date_from is not None or self.date_to is not None

    @property
    def from_answers(self) -> bool:
        """Whether the numbers must come from the raw answers (the count tables know
        neither dates nor conditions)."""
        return self.dated or self.condition is not None

    @property
    def active(self) -> bool:
        return self.from_answers or self.segment is not None or self.version is not None

    @property
    def where_text(self) -> str:
        """What the filter box shows: the condition, or the refused text to correct."""
        return self.where_error.text if self.where_error else self.where

    def params(self) -> dict[str, str]:
        params = {}
        if self.segment:
            params["segment"] = f"{self.segment[0]}:{self.segment[1]}"
        if self.date_from:
            params["from"] = self.date_from.isoformat()
        if self.date_to:
            params["to"] = self.date_to.isoformat()
        if self.version is not None:
            params["version"] = str(self.version)
        if self.where:
            params["where"] = self.where
        return params

    def query(self) -> str:
        """The filters as a query string ("" or "?segment=role%3Ait&from=...")."""
        params = self.params()
        return "?" + urlencode(params) if params else ""

    def window(self) -> tuple[datetime | None, datetime | None]:
        """[start, end) in the site's time zone: both dates are inclusive."""
        start = timezone.make_aware(datetime.combine(self.date_from, time.min)) if self.date_from else None
        end = None
        if self.date_to:
            end = timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))
        return start, end


def filters_from_query(query, *, segments: dict[tuple[str, str], str], versions: set[int],
                       questions: Mapping[str, QuestionDef] | None = None) -> Filters:
    """Filters from `?segment=role:it&from=2010-01-01&to=2010-02-01&version=1&where=...`; a
    value that does not parse or does not exist is dropped with an error that the page
    shows. `questions` is what a `where` condition may name (its questions and hidden
    fields); without it, a condition is refused."""
    errors: list[str] = []
    segment = None
    raw = query.get("segment", "").strip()
    if raw:
        key = tuple(raw.split(":", 1)) if ":" in raw else None
        if key in segments:
            segment = key
        else:
            errors.append(f"Unknown segment {raw!r}: showing all respondents.")
    dates = {}
    for name in ("from", "to"):
        raw = query.get(name, "").strip()
        if raw:
            value, error = _filter_date(raw)
            if error:
                errors.append(f"{name.title()} date {raw!r} {error}: ignored.")
            else:
                dates[name] = value
    if "from" in dates and "to" in dates and dates["from"] > dates["to"]:
        errors.append("The from date is after the to date: dates ignored.")
        dates = {}
    version = None
    raw = query.get("version", "").strip()
    if raw:
        if _VERSION_RE.fullmatch(raw) and int(raw) in versions:
            version = int(raw)
        else:
            errors.append(f"Unknown version {raw!r}: showing every version.")
    # PostgreSQL text cannot hold NUL: a condition never needs one.
    where = query.get("where", "").replace("\x00", "").strip()
    condition, where_error = None, None
    if where:
        condition, where_error = where_condition(where, questions or {})
    return Filters(
        segment, dates.get("from"), dates.get("to"), version, tuple(errors),
        where=where if condition is not None else "", condition=condition, where_error=where_error,
    )


def _filter_date(raw: str) -> tuple[date | None, str]:
    """(the date, "") or (None, why it is refused)."""
    try:
        value = date.fromisoformat(raw) if _DATE_RE.fullmatch(raw) else None
    except ValueError:
        value = None
    if value is None:
        return None, "is not a date (YYYY-MM-DD)"
    if not FIRST_DATE <= value <= LAST_DATE:
        return None, f"is out of range ({FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()})"
    return value, ""


# --- SQL building blocks ------------------------------------------------------------------


def segment_choice_ids(compiled: list[CompiledVersion], segment: tuple[str, str]) -> list[int]:
    """The count tables' keys of a segment in these versions (choice ids, hidden keys)."""
    return [key for c in compiled if (key := c.segment_key(segment)) is not None]


def _segment_parts(compiled: list[CompiledVersion], segment: tuple[str, str]) -> tuple[list[int], list[int]]:
    """(the segment's choice ids, the versions where it is a hidden field's value)."""
    return ([c.choice_ids[segment] for c in compiled if segment in c.choice_ids],
            [c.version_id for c in compiled if segment in c.hidden_segment_ids])


def segment_sql(compiled: list[CompiledVersion], segment: tuple[str, str], alias: str = "r") -> tuple[str, list]:
    """SQL over a response alias for "in the segment": it gave the segment question's
    choice, or came with the hidden field's value in a version where that is a segment."""
    choice_ids, hidden_versions = _segment_parts(compiled, segment)
    parts, params = [], []
    if choice_ids:
        parts.append(f"EXISTS (SELECT 1 FROM {qn(Answer._meta.db_table)} sf WHERE sf.response_id = {alias}.id "
                     f"AND sf.choice_id IN ({', '.join(['%s'] * len(choice_ids))}))")
        params.extend(choice_ids)
    if hidden_versions:
        parts.append(f"({alias}.version_id IN ({', '.join(['%s'] * len(hidden_versions))}) "
                     f"AND {alias}.hidden ->> %s = %s)")
        params.extend([*hidden_versions, *segment])
    return "(" + (" OR ".join(parts) or "1 = 0") + ")", params


def response_where(survey_id: int, filters: Filters, compiled: list[CompiledVersion], alias: str = "r",
                   *, segment: bool = True) -> tuple[str, list]:
    """SQL over a response alias for "counted, and within the filters"."""
    counted, counted_params = counted_sql(alias)
    sql = f"{alias}.survey_id = %s AND {counted}"
    params: list = [survey_id, *counted_params]
    if filters.version is not None:
        sql += f" AND {alias}.version_id IN ({', '.join(['%s'] * len(compiled))})"
        params.extend(c.version_id for c in compiled)
    start, end = filters.window()
    if start is not None:
        sql += f" AND {alias}.completed_at >= %s"
        params.append(connection.ops.adapt_datetimefield_value(start))
    if end is not None:
        sql += f" AND {alias}.completed_at < %s"
        params.append(connection.ops.adapt_datetimefield_value(end))
    if segment and filters.segment is not None:
        segment_where, segment_params = segment_sql(compiled, filters.segment, alias)
        sql += f" AND {segment_where}"
        params.extend(segment_params)
    if filters.condition is not None:
        meeting, meeting_params = meeting_responses_sql(filters.condition, compiled)
        sql += f" AND {alias}.id IN ({meeting})"
        params.extend(meeting_params)
    return sql, params


def condition_q(node: conditions.Node, compiled: list[CompiledVersion], response: str = "pk") -> Q:
    """The responses meeting a condition, as a queryset filter on a response key (`pk` of a
    response, `response_id` of its answers or markers)."""
    return Q(**{f"{response}__in": RawSQL(*meeting_responses_sql(node, compiled))})


def _condition_q(filters: Filters, compiled: list[CompiledVersion], response: str = "pk") -> Q:
    return Q() if filters.condition is None else condition_q(filters.condition, compiled, response)


def raw_counts(survey_id: int, filters: Filters, compiled: list[CompiledVersion],
               question_codes: list[str] | None = None) -> SurveyCounts:
    """The counts of the count tables, from the raw answers of the counted responses within
    the filters' date range and versions: totals and one breakdown per segment question,
    queried as the full recompute queries them (`recompute.grouped_counts`). The segment
    filter is not applied here: pages pick the segment's column, as they do from the
    count tables."""
    maps = {c.version_id: code_maps(c) for c in compiled}
    where, where_params = response_where(survey_id, filters, compiled, segment=False)
    question_ids = None
    if question_codes is not None:
        question_ids = [c.question_ids[code] for c in compiled for code in question_codes if code in c.question_ids]
        if not question_ids:
            return SurveyCounts(cells=Counter(), bases=Counter(), numbers={})

    def ids_of(wanted: Callable[[QuestionDef], bool]) -> list[int]:
        return sorted(
            c.question_ids[q.code] for c in compiled for q in c.definition.questions.values() if wanted(q)
        )

    def segment_of(version_id: int, choice_id) -> tuple[str, str]:
        return ALL if not choice_id else maps[version_id][2].get(int(choice_id), ("?", "?"))

    cells: Counter = Counter()
    bases: Counter = Counter()
    numbers: dict = {}
    rows = grouped_counts(
        where, where_params, segment_ids=ids_of(lambda q: q.segment),
        multi_ids=ids_of(lambda q: q.question_type.many_rows), number_ids=ids_of(lambda q: q.question_type.numeric),
        multi_row_ids=ids_of(lambda q: q.question_type.has_rows and q.question_type.picks_many),
        rank_ids=ids_of(lambda q: q.question_type.ranks), question_ids=question_ids,
        hidden_segments=hidden_segment_columns(compiled),
    )
    for table, key, n in rows:
        v, q, s = key[0], key[1], key[-1]
        codes, row_codes, choices = maps[v]
        code = codes.get(q, "?")
        if table == "cells":
            r, c = key[2], key[3]
            cells[(code, row_codes.get(r, "") if r else "", choices.get(c, ("", "?"))[1], segment_of(v, s))] += n
        elif table == "bases":
            r = key[2]
            bases[(code, row_codes.get(r, "?") if r else "", segment_of(v, s))] += n
        else:
            r = key[2]
            numbers.setdefault((code, row_codes.get(r, "?") if r else "", segment_of(v, s)), Counter())[key[3]] += n
    return SurveyCounts(cells=cells, bases=bases, numbers=numbers)


# --- the overview's totals -----------------------------------------------------------------


@dataclass(frozen=True)
class ResponseTotals:
    counted: int
    pending: int  # completed, not yet counted (for seconds, unless the workers are down)
    partial: int
    excluded: int
    screened_out: int = 0
    quota_full: int = 0

    @property
    def complete(self) -> int:
        """Completed real responses, not excluded."""
        return self.counted + self.pending

    @property
    def finished(self) -> int:
        """Respondents who answered to the end: complete, excluded ones too (they finished)."""
        return self.complete + self.excluded

    @property
    def incidence(self) -> float | None:
        """The share of those who reached a screen-out's decision that qualified:
        finished / (finished + screened out), 0-100; None before anyone did."""
        decided = self.finished + self.screened_out
        return 100 * self.finished / decided if decided else None

    @property
    def completion_rate(self) -> float | None:
        """Of the qualified respondents who started, the share who finished: finished /
        (finished + partial + quota full), 0-100; None before anyone started."""
        started = self.finished + self.partial + self.quota_full
        return 100 * self.finished / started if started else None


def _segment_q(filters: Filters, compiled: list[CompiledVersion], response: str = "pk") -> Q:
    """The segment filter on a response key (`pk` of a response, `response_id` of its
    answers or markers), as `segment_sql`."""
    if filters.segment is None:
        return Q()
    choice_ids, hidden_versions = _segment_parts(compiled, filters.segment)
    q = Q(Exists(Answer.objects.filter(response_id=OuterRef(response), choice_id__in=choice_ids or [0])))
    if hidden_versions:
        prefix = "" if response == "pk" else "response__"
        code, value = filters.segment
        q |= Q(**{f"{prefix}version_id__in": hidden_versions, f"{prefix}hidden__{code}": value})
    return q


def _window_q(filters: Filters, field: str) -> Q:
    start, end = filters.window()
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gte": start})
    if end is not None:
        q &= Q(**{f"{field}__lt": end})
    return q


def daily_completions(filters: Filters, compiled: list[CompiledVersion]) -> list[tuple[date, int]]:
    """Counted responses per day of completion (site time zone), from the daily count
    table: one query, whatever the number of responses. With a condition, from the
    counted responses that meet it, grouped by day (one query too)."""
    if filters.condition is not None:
        responses = Response.objects.filter(
            counted_q(), version_id__in=[c.version_id for c in compiled], completed_at__isnull=False
        ).filter(_window_q(filters, "completed_at"), _segment_q(filters, compiled), _condition_q(filters, compiled))
        days = responses.annotate(day=TruncDate("completed_at")).values_list("day").annotate(total=Count("pk"))
        return list(days.order_by("day").values_list("day", "total"))
    rows = DailyCount.objects.filter(version_id__in=[c.version_id for c in compiled])
    if filters.segment is not None:
        rows = rows.filter(segment_choice_id__in=segment_choice_ids(compiled, filters.segment))
    else:
        rows = rows.filter(segment_choice_id=TOTAL)
    rows = _in_days(rows, filters)
    return list(rows.values_list("day").annotate(total=Sum("n")).order_by("day").values_list("day", "total"))


def hidden_segment_completions(survey_id: int, filters: Filters,
                               compiled: list[CompiledVersion]) -> Counter[tuple[str, str]]:
    """Counted completes per value of the hidden fields with `values` ((code, value) ->
    n), within the filters. From the daily count table (one query: it keeps a row per
    hidden value and day); with a segment or a condition, which that table cannot
    intersect with, from the counted responses within the filters (one GROUP BY over the
    fields' segment keys). No query when no version in view has such a field."""
    segments = {key: segment for c in compiled for segment, key in c.hidden_segment_ids.items()}
    found: Counter[tuple[str, str]] = Counter()
    if not segments:
        return found
    if filters.segment is None and filters.condition is None:
        rows = _in_days(DailyCount.objects.filter(
            version_id__in=[c.version_id for c in compiled], segment_choice_id__in=list(segments)
        ), filters)
        for key, n in rows.values_list("segment_choice_id").annotate(total=Sum("n")).order_by().values_list(
            "segment_choice_id", "total"
        ):
            found[segments[key]] += n
        return found
    columns = hidden_segment_columns(compiled)
    where, params = response_where(survey_id, filters, compiled)
    rows = fetch(
        f"SELECT {', '.join(column for column, _ in columns)}, COUNT(*) FROM {qn(Response._meta.db_table)} r "
        f"WHERE {where} GROUP BY {', '.join(str(i + 1) for i in range(len(columns)))}",
        [*(p for _, column_params in columns for p in column_params), *params],
    )
    for *keys, n in rows:
        for key in keys:
            if key is not None:
                found[segments[key]] += n
    return found


def _in_days(rows, filters: Filters):
    """Count-table rows of the days within the date range (both dates inclusive)."""
    if filters.date_from:
        rows = rows.filter(day__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(day__lte=filters.date_to)
    return rows


def response_totals(survey, filters: Filters, compiled: list[CompiledVersion], counted: int) -> ResponseTotals:
    """Completed, partial, excluded, screened-out and quota-full real responses within the
    filters. `counted` is the sum of the daily counts; the pending ones are read through
    their markers (a backlog, not the responses). The others come from the status counts,
    by the day they were started (partial) or ended (the rest); with a segment or condition
    filter, from the responses that gave the segment's answer and meet the condition."""
    version_ids = [c.version_id for c in compiled]
    if filters.segment is None and filters.condition is None:
        rows = _in_days(StatusCount.objects.filter(version_id__in=version_ids), filters)
        totals = dict(rows.values_list("status").annotate(total=Sum("n")).order_by())
    else:
        kinds = StatusCount.KINDS.values()
        responses = Response.objects.filter(survey=survey, is_test=False, version_id__in=version_ids)
        # Only the rows of a status count: the indexes on status and exclusion find them.
        responses = responses.filter(reduce(operator.or_, (which for which, _ in kinds)))
        totals = responses.filter(_segment_q(filters, compiled), _condition_q(filters, compiled)).aggregate(**{
            status: Count("pk", filter=which & _window_q(filters, field))
            for status, (which, field) in StatusCount.KINDS.items()
        })
    pending = (
        UncountedResponse.objects.filter(
            counted_kind_q("response"), response__survey=survey, response__version_id__in=version_ids
        )
        .filter(_window_q(filters, "response__completed_at"), _segment_q(filters, compiled, "response_id"),
                _condition_q(filters, compiled, "response_id"))
        .count()
    )
    return ResponseTotals(
        counted=counted, pending=pending, **{status: totals.get(status) or 0 for status in StatusCount.KINDS}
    )


def filtered_findings(survey, filters: Filters, compiled: list[CompiledVersion]) -> list[tuple[Finding, int, int]]:
    """(finding, base, target) of every finding from the raw answers within the filters, by
    the full recompute's query (`recompute.findings_counts`): one GROUP BY per version."""
    findings = list(Finding.objects.filter(survey=survey).order_by("position", "pk"))
    totals = findings_counts(findings, compiled, lambda version: response_where(survey.pk, filters, [version]))
    return [(f, base, target) for f, (base, target) in zip(findings, totals, strict=True)]


def text_answers(filters: Filters, compiled: list[CompiledVersion], code: str, search: str = ""):
    """A queryset of (text, completed_at) of the counted responses' answers to a text
    question, newest first, for a paginator (a COUNT and one page: two queries)."""
    question_ids = [c.question_ids[code] for c in compiled if code in c.question_ids]
    qs = Answer.objects.filter(counted_q("response"), question_id__in=question_ids, text__isnull=False).exclude(text="")
    if filters.version is not None:
        qs = qs.filter(response__version_id__in=[c.version_id for c in compiled])
    start, end = filters.window()
    if start is not None:
        qs = qs.filter(response__completed_at__gte=start)
    if end is not None:
        qs = qs.filter(response__completed_at__lt=end)
    qs = qs.filter(_segment_q(filters, compiled, "response_id"))
    qs = qs.filter(_condition_q(filters, compiled, "response_id"))
    if search:
        qs = qs.filter(text__icontains=search)
    return qs.order_by("-response__completed_at", "-pk").values_list("text", "response__completed_at")


def published_versions(survey) -> list[SurveyVersion]:
    return list(
        SurveyVersion.objects.filter(survey=survey).exclude(status=SurveyVersion.Status.DRAFT).order_by("-number")
    )


def _pair_side(alias: str, compiled: list[CompiledVersion], code: str,
               row_code: str | None) -> tuple[str, str, list, str, list]:
    """One side of `pair_counts`: (its value's SQL, a join, the value's parameters, its
    condition, the condition's parameters). A question's or matrix row's value is the
    choice id of an answer (alias `alias`); a hidden field's with `values` is its segment
    key, read from the response's row."""
    question_ids = [c.question_ids[code] for c in compiled if code in c.question_ids]
    hidden = hidden_segment_columns(compiled, code) if not question_ids and row_code is None else []
    if hidden:
        column, params = hidden[0]
        return column, "", params, f"{column} IS NOT NULL", params
    answers = qn(Answer._meta.db_table)
    sql = f"{alias}.question_id IN ({', '.join(['%s'] * len(question_ids))})" if question_ids else "1 = 0"
    params = list(question_ids)
    if row_code is not None:
        row_ids = [c.row_ids[(code, row_code)] for c in compiled if (code, row_code) in c.row_ids] or [0]
        sql += f" AND {alias}.row_id IN ({', '.join(['%s'] * len(row_ids))})"
        params.extend(row_ids)
    join = f" JOIN {answers} {alias} ON {alias}.response_id = r.id"
    return f"{alias}.choice_id", join, [], f"{sql} AND {alias}.choice_id IS NOT NULL", params


def pair_counts(survey_id: int, filters: Filters, compiled: list[CompiledVersion],
                row: tuple[str, str | None], column: tuple[str, str | None]) -> dict[tuple[str, str], int]:
    """Counted responses within the filters by the pair of choices they gave to two single
    questions or matrix rows, each a (question code, row code or None), or by a hidden
    field's value (a hidden field with `values`, code and None): one GROUP BY over the
    pairs, keyed by choice or value codes (the crosstab's cells)."""
    codes = {cid: code for c in compiled for (_, code), cid in c.choice_ids.items()}
    codes.update({key: value for c in compiled for (_, value), key in c.hidden_segment_ids.items()})
    where, params = response_where(survey_id, filters, compiled)
    (x, x_join, x_params, x_where, x_where_params), (y, y_join, y_params, y_where, y_where_params) = (
        _pair_side("x", compiled, *row), _pair_side("y", compiled, *column),
    )
    rows = fetch(
        f"SELECT {x}, {y}, COUNT(*) FROM {qn(Response._meta.db_table)} r{x_join}{y_join} "
        f"WHERE {x_where} AND {y_where} AND {where} GROUP BY 1, 2",
        [*x_params, *y_params, *x_where_params, *y_where_params, *params],
    )
    counts: dict[tuple[str, str], int] = {}
    for x_key, y_key, n in rows:
        key = (codes.get(x_key, "?"), codes.get(y_key, "?"))
        counts[key] = counts.get(key, 0) + n
    return counts
