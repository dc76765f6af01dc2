"""The columns of a raw export and where each version's answers go (see results.exports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

from analytics.filters import condition_q
from responses.models import Response, counted_kind_q
from results.exports.positions import position_header
from results.models import ExportRecord
from results.spreadsheet import safe_cell
from surveys import conditions
from surveys.models import Survey, SurveyVersion
from surveys.selectors import compiled_version

# The ExportRecord parameter that asks for personal-data answers.
PERSONAL_DATA = "personal_data"
# The ExportRecord parameter that adds the responses ended by a screen-out or a full quota
# (offered by the statistical files, whose outcome variable tells them apart).
ENDED = "ended"
ENDED_STATUSES = (Response.Status.SCREENED_OUT, Response.Status.QUOTA_FULL)
# The ExportRecord parameter that adds the partial responses, with their answers so far
# (no `completed_at`, no duration), as they stood at the export's moment (their last save).
PARTIAL = "partial"
# The exports' order and keyset: (EXPORT_AT, id). A response's completion (or end); a
# partial's last save, which the `as_of` cut also reads.
EXPORT_AT = "export_at"


# The response's own columns. `external_id` is a panel's respondent id (copied from the
# invitation, empty for other responses); an opaque panel id is the only identifier an
# export carries by default (e-mail and personal-data questions are left out of the layout
# unless asked for, and invitees' addresses live only with their invitations).
# `quality_flags`: the response's data-quality flags (responses.quality), space-separated codes.
RESPONSE_COLUMNS = (
    "response_id", "external_id", "version", "started_at", "completed_at", "duration_seconds", "quality_flags",
)
RESPONSE_FIELDS = ("id", "external_id", "version_id", "started_at", "completed_at", "hidden", "flags", "display_order")
# The outcome column (the response's status code) after the response's own columns, in a
# CSV or XLSX that includes partial or ended responses (the statistical files always
# carry the outcome, as the codebook's `status` variable).
STATUS_COLUMN = "status"


class ExportTooLarge(Exception):
    """The export does not fit the format; the message says why and what to do instead."""


@dataclass
class VersionLayout:
    """Where each of one version's answer rows goes: database ids to column indexes."""

    number: int
    choice_codes: dict[int, str] = field(default_factory=dict)  # choice id -> code
    single: dict[int, int] = field(default_factory=dict)  # question id -> column (single, dropdown)
    matrix: dict[int, int] = field(default_factory=dict)  # matrix row id -> column
    multiple: dict[int, tuple[int, ...]] = field(default_factory=dict)  # question id -> its choices' columns
    picked: dict[int, int] = field(default_factory=dict)  # multiple-choice choice id -> column
    # A matrix of several choices per row: each row's choices' columns, and where each goes.
    row_flags: dict[int, tuple[int, ...]] = field(default_factory=dict)  # row id -> its choices' columns
    row_picked: dict[tuple[int, int], int] = field(default_factory=dict)  # (row id, choice id) -> column
    row_values: dict[int, int] = field(default_factory=dict)  # constant-sum row id -> column (its number)
    ranked: dict[int, int] = field(default_factory=dict)  # ranking choice id -> column (its rank)
    value: dict[int, int] = field(default_factory=dict)  # question id -> column (number, date, text)
    specify: dict[int, int] = field(default_factory=dict)  # choice id -> its "please specify" text's column
    # What the SQL path needs to decode a choice id within its own question.
    choice_question: dict[int, int] = field(default_factory=dict)  # choice id -> question id
    row_question: dict[int, int] = field(default_factory=dict)  # matrix row id -> question id


@dataclass
class RawLayout:
    header: list[str]
    versions: dict[int, VersionLayout]  # by version id
    # Columns that may hold a datetime, Decimal or date (which CSV must format); every
    # other cell is text already through `safe_cell`, an int, a float or None.
    typed_columns: tuple[int, ...] = ()
    # The hidden fields' codes (any version's), one column each after the response's own.
    hidden: tuple[str, ...] = ()
    # The display positions of a random order (results.exports.positions), the last columns.
    positions: tuple[str, ...] = ()
    # Whether STATUS_COLUMN follows the response's own columns (before the hidden fields).
    status: bool = False


def raw_layout(
    survey: Survey, *, version_number: int | None = None, include_personal_data: bool = False, status: bool = False
) -> RawLayout:
    """The columns of a raw export of `survey` (or of one version of it) and where each
    version's answers go. Drafts only ever have test responses, so they are left out."""
    versions = SurveyVersion.objects.filter(survey=survey).exclude(status=SurveyVersion.Status.DRAFT)
    if version_number is not None:
        versions = versions.filter(number=version_number)
    compiled = [compiled_version(v) for v in versions.order_by("-number")]
    left_out: set[str] = set()
    if not include_personal_data:
        left_out = {
            q.code for version in compiled for q in version.definition.questions.values() if q.holds_personal_data
        }

    # A question's columns stay together: its code takes its place from the newest version
    # that has it, and gathers the rows and choices of every version, newest first.
    by_code: dict[str, list[str]] = {}
    for version in compiled:
        for question in version.definition.questions.values():
            if question.code in left_out:
                continue
            names = by_code.setdefault(question.code, [])
            names.extend(name for name in question.question_type.export_columns(question) if name not in names)
    hidden = tuple(dict.fromkeys(h.code for version in compiled for h in version.definition.hidden_fields))
    positions = position_header(compiled)
    header = [*RESPONSE_COLUMNS, *([STATUS_COLUMN] if status else []), *hidden,
              *(name for names in by_code.values() for name in names), *positions]
    index = {name: i for i, name in enumerate(header)}

    layouts: dict[int, VersionLayout] = {}
    typed = {RESPONSE_COLUMNS.index("started_at"), RESPONSE_COLUMNS.index("completed_at")}
    for version in compiled:
        layout = VersionLayout(number=version.number)
        # Codes are slugs and may start with "-": neutralised once here, not once per cell.
        layout.choice_codes = {pk: safe_cell(choice) for (_, choice), pk in version.choice_ids.items()}
        layout.choice_question = {pk: version.question_ids[q] for (q, _), pk in version.choice_ids.items()}
        layout.row_question = {pk: version.question_ids[q] for (q, _), pk in version.row_ids.items()}
        for question in version.definition.questions.values():
            if question.code in left_out:
                continue
            code, qid = question.code, version.question_ids[question.code]
            kind = question.question_type
            # Where the type's answer rows go, by the shape of its columns (see surveys.types);
            # the texts of "please specify" choices follow in columns of their own.
            texts = dict(kind.specify_export_columns(question))
            for choice, name in texts.items():
                layout.specify[version.choice_ids[(code, choice)]] = index[name]
            names = [name for name in kind.export_columns(question) if name not in texts.values()]
            if kind.export_shape == "choice":
                layout.single[qid] = index[names[0]]
            elif kind.export_shape == "rows":
                for row, name in zip(question.row_codes, names, strict=True):
                    layout.matrix[version.row_ids[(code, row)]] = index[name]
            elif kind.export_shape == "row_flags":
                named = iter(names)
                for row in question.row_codes:
                    row_id, columns = version.row_ids[(code, row)], []
                    layout.row_question[row_id] = qid
                    for choice in question.choice_codes:
                        column = index[next(named)]
                        layout.row_picked[(row_id, version.choice_ids[(code, choice)])] = column
                        columns.append(column)
                    layout.row_flags[row_id] = tuple(columns)
            elif kind.export_shape == "row_values":
                for row, name in zip(question.row_codes, names, strict=True):
                    row_id = version.row_ids[(code, row)]
                    layout.row_values[row_id] = index[name]
                    layout.row_question[row_id] = qid
                    typed.add(index[name])
            elif kind.export_shape == "ranks":
                for choice, name in zip(question.choice_codes, names, strict=True):
                    layout.ranked[version.choice_ids[(code, choice)]] = index[name]
            elif kind.export_shape == "flags":
                columns = []
                for choice, name in zip(question.choice_codes, names, strict=True):
                    layout.picked[version.choice_ids[(code, choice)]] = index[name]
                    columns.append(index[name])
                layout.multiple[qid] = tuple(columns)
            else:
                layout.value[qid] = index[names[0]]
                if not kind.text:
                    typed.add(index[names[0]])
        layouts[version.version_id] = layout
    return RawLayout(header=header, versions=layouts, typed_columns=tuple(sorted(typed)), hidden=hidden,
                     positions=positions, status=status)




def exported_responses(
    survey: Survey, *, version_ids, as_of: datetime, ended: bool = False, partial: bool = False
) -> QuerySet[Response]:
    """The responses a raw export takes, annotated with their `EXPORT_AT` (see above)."""
    kind = counted_kind_q()
    if ended:  # the counted kind, or ended with its answers kept (never test or excluded ones)
        kind |= Q(status__in=ENDED_STATUSES, is_test=False, excluded_at=None)
    moment = Q(completed_at__lte=as_of)
    export_at = F("completed_at")
    if partial:  # real partials as they stood at `as_of`: cut by their last save
        kind |= Q(status=Response.Status.PARTIAL, is_test=False, excluded_at=None)
        moment |= Q(completed_at=None, updated_at__lte=as_of)
        export_at = Coalesce("completed_at", "updated_at")
    responses = Response.objects.filter(kind, moment, survey=survey, version_id__in=version_ids)
    return responses.annotate(**{EXPORT_AT: export_at})


def record_rows(record: ExportRecord, *, status_column: bool = True) -> tuple[RawLayout, QuerySet[Response]]:
    """The layout and responses of the record's raw export; with `status_column`, the
    layout has STATUS_COLUMN when partial or ended responses are included."""
    version_number = record.parameters.get("version")
    ended, partial = bool(record.parameters.get(ENDED)), bool(record.parameters.get(PARTIAL))
    layout = raw_layout(
        record.survey, version_number=version_number, include_personal_data=bool(record.parameters.get(PERSONAL_DATA)),
        status=status_column and (ended or partial),
    )
    versions = list(layout.versions)
    responses = exported_responses(
        record.survey, version_ids=versions, as_of=record.created_at, ended=ended, partial=partial
    )
    if where := record.parameters.get("where"):
        # Checked when the export was asked for (results.export_views), as the pages check it.
        compiled = [compiled_version(v) for v in SurveyVersion.objects.filter(pk__in=versions)]
        responses = responses.filter(condition_q(conditions.parse(where), compiled))
    return layout, responses
