"""The codebook of a raw export: every variable with its name, label, type, value labels
and missing values, derived once from the survey's versions, so that the raw XLSX's
"Codebook" sheet, the SPSS .sav, the Stata .dta and the codebook page never disagree.

Variables are the raw export's columns (results.exports.layout) in their order, with, in
the statistical files only, the outcome after the response's own columns: `status`
(1 complete, 2 screened out, 3 quota full, 4 partial) and `ended_by` (the screen-out or quota that
ended the response). A raw CSV or XLSX that includes partial or ended responses has the
`status` column too (its codes), and then its codebook lists it.

**Names** (`variable_names`, one mapping for both files): every character outside
`[A-Za-z0-9_]` becomes `_` (`usage.mail` → `usage_mail`), a name
that does not start with a letter gets a leading `v`, a reserved word of Stata or SPSS
gets a trailing `_`, and names are cut to 32 characters (Stata's limit; SPSS allows 64,
but one name per variable in both files is worth more than the longer names), or to 28
for a variable with value labels: pyreadstat names a Stata value-label set after its
variable with a counter appended (`role0`, `usage_mail12`), and that name must also fit
in 32 (room for 10,000 labelled variables). A name already taken (case-insensitively:
SPSS does not tell `Q1` from `q1`) gets `_2`, `_3`... cut so that the whole stays within
the limit. Columns are named in their export order, so the response's own columns keep
theirs.

**Value codes** (`choice_numbers`): a choice's number is its position (from 1) in the
oldest published version that has the question; a choice that a later version adds is
numbered after the highest number so far, in that version's order. Reordering choices,
adding some or removing some in a new version changes no number, and every export of
the survey (of one version or of all) uses the same numbers. Drafts are left out: their
choices may still change. The raw CSV and XLSX keep the choice *codes* (or, in the XLSX's
labels mode, the labels); the numbers are what .sav and .dta store.

**Missing values**: an empty coded cell (a choice question, a matrix row or a 0/1 flag not
answered, not shown, or not in the respondent's version) is `NO_ANSWER` (-9, "No answer")
in the .sav, declared user missing, and Stata's extended missing `.a` in the .dta; empty
numbers and dates are system missing in both, empty text an empty string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from responses.models import Response
from results.exports.layout import RESPONSE_COLUMNS, STATUS_COLUMN, RawLayout, raw_layout
from surveys.definition import QuestionDef
from surveys.models import Survey, SurveyVersion
from surveys.selectors import compiled_version

NAME_LIMIT = 32
LABELLED_NAME_LIMIT = 28
NO_ANSWER = -9
NO_ANSWER_LABEL = "No answer"
FLAG_LABELS = {0: "Not selected", 1: "Selected"}

# Kinds of variable: what a cell holds and how each file stores it.
CODED = "coded"  # a choice code, stored as its number
FLAG = "flag"  # 0/1
NUMBER = "number"
DATE = "date"
DATETIME = "datetime"
TEXT = "text"
CODED_KINDS = (CODED, FLAG)

# The outcome variables (statistical files; `status` also in a raw CSV or XLSX with partial
# or ended responses) and the numbers of the statuses exported.
STATUS, ENDED_BY = STATUS_COLUMN, "ended_by"
STATUS_NUMBERS = {
    Response.Status.COMPLETE: 1, Response.Status.SCREENED_OUT: 2, Response.Status.QUOTA_FULL: 3,
    Response.Status.PARTIAL: 4,
}

# Words Stata or SPSS refuse as variable names (compared case-insensitively).
RESERVED = frozenset(
    "all and by eq ge gt le lt ne not or to with byte double float if in int long strl using".split()
)

_RESPONSE_LABELS = {
    "response_id": ("Response id", TEXT),
    "external_id": ("Panel respondent id", TEXT),
    "version": ("Survey version", NUMBER),
    "started_at": ("Started (UTC)", DATETIME),
    "completed_at": ("Completed or ended (UTC)", DATETIME),
    "duration_seconds": ("Duration (seconds)", NUMBER),
    "quality_flags": ("Data-quality flags (codes, space-separated)", TEXT),
}


@dataclass(frozen=True)
class Variable:
    name: str  # in the .sav and .dta
    source: str  # the raw export's column
    label: str
    kind: str  # one of CODED, FLAG, NUMBER, DATE, DATETIME, TEXT
    question: str = ""  # the question or hidden field's code ("" for the response's own)
    value_labels: dict[int, str] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)  # choice code -> number (CODED)
    outcome: bool = False  # only in the statistical files

    @property
    def missing(self) -> tuple[int, ...]:
        """The user-missing values of the .sav (Stata writes `.a` instead)."""
        return (NO_ANSWER,) if self.kind in CODED_KINDS else ()

    @property
    def type_name(self) -> str:
        return {CODED: "numeric (coded)", FLAG: "numeric (0/1)", NUMBER: "numeric", DATE: "date",
                DATETIME: "date and time", TEXT: "text"}[self.kind]


@dataclass(frozen=True)
class Codebook:
    variables: tuple[Variable, ...]

    @property
    def raw(self) -> tuple[Variable, ...]:
        """The variables of the raw CSV and XLSX, in their column order."""
        return tuple(v for v in self.variables if not v.outcome)


def variable_name(source: str, taken: set[str], limit: int = NAME_LIMIT) -> str:
    """`source` as a variable name not in `taken` (lower-cased names), which it joins."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", source)
    if not re.match(r"[A-Za-z]", name):
        name = "v" + name
    if name.lower() in RESERVED or re.fullmatch(r"str[0-9]+", name, re.IGNORECASE):  # Stata's str1...str2045
        name += "_"
    name = name[:limit]
    candidate, suffix = name, 1
    while candidate.lower() in taken:
        suffix += 1
        tail = f"_{suffix}"
        candidate = name[: limit - len(tail)] + tail
    taken.add(candidate.lower())
    return candidate


def variable_names(sources: list[str], labelled: frozenset[str] = frozenset()) -> dict[str, str]:
    """Each source column's variable name (those in `labelled` have value labels)."""
    taken: set[str] = set()
    return {
        source: variable_name(source, taken, LABELLED_NAME_LIMIT if source in labelled else NAME_LIMIT)
        for source in sources
    }


def _published(survey: Survey):
    versions = SurveyVersion.objects.filter(survey=survey).exclude(status=SurveyVersion.Status.DRAFT)
    return [compiled_version(v) for v in versions.order_by("number")]


def choice_numbers(compiled_oldest_first) -> dict[str, dict[str, int]]:
    """Question code -> choice code -> its stable number (see the module's docstring)."""
    numbers: dict[str, dict[str, int]] = {}
    for version in compiled_oldest_first:
        for question in version.definition.questions.values():
            known = numbers.setdefault(question.code, {})
            for code in question.choice_codes:
                if code not in known:
                    known[code] = max(known.values(), default=0) + 1
    return numbers


def _question_variables(question: QuestionDef, numbers: dict[str, int], labels: dict[str, str]) -> dict[str, dict]:
    """Column name -> the Variable's fields, for one question (by its type's export shape,
    as results.exports.layout places its answers)."""
    kind = question.question_type
    choices = {c.code: c.label for c in question.choices}
    rows = {r.code: r.label for r in question.rows}
    coded = {"kind": CODED, "codes": numbers, "value_labels": {numbers[c]: labels[c] for c in numbers}}
    flag = {"kind": FLAG, "value_labels": dict(FLAG_LABELS)}
    out: dict[str, dict] = {}
    texts = dict(kind.specify_export_columns(question))
    for choice, name in texts.items():
        out[name] = {"kind": TEXT, "label": f"{question.label}: {choices[choice]} (specified)"}
    names = [name for name in kind.export_columns(question) if name not in texts.values()]
    shape = kind.export_shape
    if shape == "choice":
        out[names[0]] = {"label": question.label, **coded}
    elif shape == "rows":
        for row, name in zip(question.row_codes, names, strict=True):
            out[name] = {"label": f"{question.label}: {rows[row]}", **coded}
    elif shape == "flags":
        for choice, name in zip(question.choice_codes, names, strict=True):
            out[name] = {"label": f"{question.label}: {choices[choice]}", **flag}
    elif shape == "row_flags":
        named = iter(names)
        for row in question.row_codes:
            for choice in question.choice_codes:
                out[next(named)] = {"label": f"{question.label}: {rows[row]}: {choices[choice]}", **flag}
    elif shape == "row_values":
        for row, name in zip(question.row_codes, names, strict=True):
            out[name] = {"label": f"{question.label}: {rows[row]}", "kind": NUMBER}
    elif shape == "ranks":
        for choice, name in zip(question.choice_codes, names, strict=True):
            out[name] = {"label": f"{question.label}: rank of {choices[choice]}", "kind": NUMBER}
    else:
        value = {"label": question.label, "kind": NUMBER if kind.numeric else DATE if kind.date else TEXT}
        scale = kind.scale(question)
        if scale and (question.low_label or question.high_label):
            ends = {scale[0]: question.low_label, scale[1]: question.high_label}
            value["value_labels"] = {k: v for k, v in ends.items() if v}
        out[names[0]] = value
    return out


def survey_codebook(
    survey: Survey, *, version_number: int | None = None, include_personal_data: bool = False,
    layout: RawLayout | None = None,
) -> Codebook:
    """The codebook of a raw export of `survey` with these parameters (see the module), or
    of the columns of `layout` (an export's, so that both are read at the same moment)."""
    if layout is None:
        layout = raw_layout(survey, version_number=version_number, include_personal_data=include_personal_data)
    compiled = _published(survey)
    numbers = choice_numbers(compiled)
    fields: dict[str, dict] = {
        column: {"label": label, "kind": kind} for column, (label, kind) in _RESPONSE_LABELS.items()
    }
    fields[STATUS] = {
        "label": "Outcome", "kind": CODED, "outcome": not layout.status,  # a raw column of its own, or not
        "codes": {str(status): n for status, n in STATUS_NUMBERS.items()},
        "value_labels": {n: str(status.label) for status, n in STATUS_NUMBERS.items()},
    }
    fields[ENDED_BY] = {"label": "Screen-out or quota that ended it", "kind": TEXT, "outcome": True}
    # The newest version's wording wins (as the raw export's column order does).
    for version in reversed(compiled):
        for hidden in version.definition.hidden_fields:
            fields.setdefault(hidden.code, {"label": hidden.description or hidden.code, "kind": TEXT,
                                            "question": hidden.code})
        for question in version.definition.questions.values():
            labels = {}
            for older in compiled:  # each choice's newest label
                old = older.definition.questions.get(question.code)
                labels.update({c.code: c.label for c in old.choices} if old else {})
            for column, spec in _question_variables(question, numbers.get(question.code, {}), labels).items():
                fields.setdefault(column, {**spec, "question": question.code})
    for column in layout.positions:  # a random order's display positions (results.exports.positions)
        fields.setdefault(column, {"label": f"Display position: {column.removesuffix('.position')}", "kind": NUMBER})
    # The outcome follows the response's own columns, so that its names do not depend on
    # the questions.
    sources = [*RESPONSE_COLUMNS, STATUS, ENDED_BY, *layout.header[len(RESPONSE_COLUMNS) + layout.status:]]
    names = variable_names(sources, frozenset(s for s in sources if fields[s].get("value_labels")))
    return Codebook(tuple(Variable(name=names[s], source=s, **fields[s]) for s in sources))


def record_codebook(record, layout: RawLayout) -> Codebook:
    """The codebook of an ExportRecord's raw export, whose columns are `layout`."""
    return survey_codebook(record.survey, layout=layout)


def codebook_rows(codebook: Codebook, *, outcome: bool = True) -> list[list]:
    """The codebook as a table (a header, then a row per variable, each followed by a row
    per value label): the raw XLSX's "Codebook" sheet and the codebook page."""
    rows: list[list] = [list(CODEBOOK_HEADER)]
    for v in codebook.variables if outcome else codebook.raw:
        # One missing value stays a number (a spreadsheet would read "-9" as a formula).
        missing = v.missing[0] if len(v.missing) == 1 else ", ".join(str(m) for m in v.missing) or None
        rows.append([v.name, v.source, v.question, v.label, v.type_name, None, None, None, missing])
        choice_codes = {n: code for code, n in v.codes.items()}
        rows.extend([None, None, None, None, None, value, choice_codes.get(value), label, None]
                    for value, label in sorted(v.value_labels.items()))
    return rows


CODEBOOK_HEADER = ("variable", "column", "question", "label", "type", "value", "code", "value label", "missing")
