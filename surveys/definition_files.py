"""The human-editable survey definition format (YAML), read and written exactly.

`definition_from_data` validates a whole file before anything is written and reports
every problem with its place, e.g. `pages[1].questions[0].rows: duplicate code 'twitter'`.
`definition_to_data` writes the canonical form: keys in a fixed order, defaults left out,
so that export(import(file)) gives the same file back.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from surveys import conditions, piping, reporting
from surveys.definition import (
    BUILTIN_HIDDEN,
    REDIRECT_OUTCOMES,
    SHUFFLE_CHOICES,
    SHUFFLE_ROWS,
    SPECIFY_LEVELS,
    ChoiceDef,
    FindingDef,
    HiddenFieldDef,
    NetDef,
    PageDef,
    QuestionDef,
    QuotaDef,
    RedirectsDef,
    RowDef,
    ScreenOutDef,
    SurveyDef,
    ViewDef,
    view_questions,
)
from surveys.types import TYPES, definition_order, question_type

CODE_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")
STATUSES = ("draft", "open")
# Slugs that name a page of the app: /results/methods/ (the methods page), /build/new/ (create).
RESERVED_SLUGS = frozenset({"methods", "new"})

SURVEY_KEYS = (
    "slug", "title", "description", "status", "intro", "thank_you", "hidden_fields", "screen_outs", "quotas",
    "redirects", "pages", "findings", "nets", "views",
)
SCREEN_OUT_KEYS = ("code", "condition", "message")
QUOTA_KEYS = ("code", "label", "condition", "limit", "closed")
HIDDEN_FIELD_KEYS = ("code", "description", "values")
# A hidden value is at most this long (query strings and CSV cells are the respondent's or a
# panel's text): longer ones are cut, which keeps a response row small whatever a link holds.
HIDDEN_VALUE_MAX = 200
HIDDEN_DESCRIPTION_MAX = 200
PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
PAGE_KEYS = ("title", "condition", "shuffle", "shuffle_block", "questions")
QUESTION_KEYS = (
    "code", "type", "label", "help_text", "required", "segment", "personal_data", "condition",
    "min", "max", "step", "total", "low_label", "high_label", "display", "max_length", "shuffle", "rows", "choices",
    "attention_check",
)
CHOICE_KEYS = ("code", "label", "exclusive", "specify", "anchor")
ROW_KEYS = ("code", "label", "anchor", "attention_check")
FINDING_KEYS = ("code", "statement", "base", "target")
NET_KEYS = ("question", "code", "label", "choices", "all_but")
VIEW_KEYS = ("code", "label", "description", "row", "column", "segment", "highlight")
HIGHLIGHT_KEYS = ("row", "column_not")
END_LABEL_LENGTH = 200  # Question.low_label and high_label hold this much


class DefinitionError(ValueError):
    """Every problem found in a definition, each as 'place: message'."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


class _Reader:
    """Collects errors while reading nested mappings, so that one run reports them all."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, place: str, message: str) -> None:
        self.errors.append(f"{place}: {message}")

    def mapping(self, value: Any, place: str, allowed: tuple[str, ...]) -> Mapping | None:
        if not isinstance(value, Mapping):
            self.error(place, "expected a mapping")
            return None
        for key in value:
            if key not in allowed:
                self.error(place, f"unknown key {key!r}")
        return value

    def text(self, data: Mapping, key: str, place: str, *, required: bool = False) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.error(place, f"missing {key!r}")
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error(f"{place}.{key}", "expected text")
            return ""
        value = str(value)
        if required and not value.strip():
            self.error(f"{place}.{key}", "must not be empty")
        return value

    def entries(self, raw_items: list, name: str, keys) -> Iterator[tuple[str, Mapping, str]]:
        """Each mapping of the top-level list `name` as (place, data, code), its keys checked
        against `keys`; a code that an earlier entry has is refused (the entry is still read)."""
        seen: set[str] = set()
        for i, raw in enumerate(raw_items):
            place = f"{name}[{i}]"
            data = self.mapping(raw, place, keys)
            if data is None:
                continue
            code = self.code(data, "code", place)
            if code in seen:
                self.error(f"{place}.code", f"duplicate code {code!r}")
            seen.add(code)
            yield place, data, code

    def code(self, data: Mapping, key: str, place: str, pattern: re.Pattern = CODE_RE) -> str:
        value = data.get(key)
        if value is None:
            self.error(place, f"missing {key!r}")
            return ""
        if isinstance(value, bool):
            # YAML 1.1 reads a bare yes/no/on/off as a boolean; str() would turn it into 'True'.
            self.error(
                f"{place}.{key}", f"expected a code, got {str(value).lower()} (put yes, no, on and off in quotes)"
            )
            return ""
        value = str(value)
        if not pattern.match(value):
            self.error(f"{place}.{key}", f"invalid code {value!r} (letters, digits, '_' and '-')")
        return value

    def flag(self, data: Mapping, key: str, place: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.error(f"{place}.{key}", "expected true or false")
            return False
        return value

    def number(self, data: Mapping, key: str, place: str) -> Decimal | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            self.error(f"{place}.{key}", "expected a number")
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.error(f"{place}.{key}", "expected a number")
            return None
        if not number.is_finite():
            self.error(f"{place}.{key}", "expected a finite number")
            return None
        # The database column holds 20 digits, 6 of them decimals: anything else would fail
        # on write or be rounded (and then never match the file again).
        if abs(number) >= 10**14 or number != round(number, 6):
            self.error(f"{place}.{key}", "expected at most 14 digits before the decimal point and 6 after")
            return None
        return number

    def items(self, data: Mapping, key: str, place: str, *, required: bool) -> list:
        value = data.get(key)
        if value is None:
            if required:
                self.error(place, f"missing {key!r}")
            return []
        if not isinstance(value, list):
            self.error(f"{place}.{key}", "expected a list")
            return []
        if required and not value:
            self.error(f"{place}.{key}", "must not be empty")
        return value

    def condition(self, text: str, place: str, questions: Mapping[str, QuestionDef], available) -> None:
        if not text.strip():
            return
        try:
            conditions.check(conditions.parse(text), questions, available=available)
        except conditions.ConditionError as exc:
            self.error(place, str(exc))


def definition_from_yaml(text: str) -> SurveyDef:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DefinitionError([f"file: not valid YAML ({exc})"]) from exc
    except RecursionError:
        # PyYAML builds nested lists and mappings recursively; no survey nests this deep.
        raise DefinitionError(["file: lists or mappings nested too deeply"]) from None
    return definition_from_data(data)


def definition_from_data(data: Any) -> SurveyDef:
    reader = _Reader()
    survey = reader.mapping(data, "survey", SURVEY_KEYS)
    if survey is None:
        raise DefinitionError(reader.errors)
    slug = reader.code(survey, "slug", "survey", SLUG_RE)
    if slug in RESERVED_SLUGS:
        reader.error("survey.slug", f"{slug!r} is reserved (it names a page of the app)")
    title = reader.text(survey, "title", "survey", required=True)
    status = reader.text(survey, "status", "survey") or "draft"
    if status not in STATUSES:
        reader.error("survey.status", f"expected one of {', '.join(STATUSES)}, got {status!r}")

    hidden_fields = _read_hidden_fields(reader, reader.items(survey, "hidden_fields", "survey", required=False))
    pages = _read_pages(reader, reader.items(survey, "pages", "survey", required=True))
    questions = {q.code: q for page in pages for q in page.questions}
    _check_hidden_codes(reader, hidden_fields, questions)
    _check_conditions(reader, pages, questions, hidden_fields)
    for place, message in piping.problems(pages, [BUILTIN_HIDDEN, *(h.code for h in hidden_fields)]):
        reader.error(place, message)
    redirects = _read_redirects(reader, survey.get("redirects"), hidden_fields)
    conditional = {**{h.code: h.as_question for h in hidden_fields}, **questions}
    screen_outs = _read_screen_outs(reader, reader.items(survey, "screen_outs", "survey", required=False), conditional)
    quotas = _read_quotas(reader, reader.items(survey, "quotas", "survey", required=False), conditional)
    findings = _read_findings(reader, reader.items(survey, "findings", "survey", required=False), questions)
    nets = _read_nets(reader, reader.items(survey, "nets", "survey", required=False), questions)
    views = _read_views(reader, reader.items(survey, "views", "survey", required=False),
                        view_questions(questions, hidden_fields))

    if reader.errors:
        raise DefinitionError(reader.errors)
    return SurveyDef(
        slug=slug,
        title=title,
        description=reader.text(survey, "description", "survey"),
        intro=reader.text(survey, "intro", "survey"),
        thank_you=reader.text(survey, "thank_you", "survey"),
        status=status,
        pages=tuple(pages),
        findings=tuple(findings),
        nets=tuple(nets),
        views=tuple(views),
        hidden_fields=tuple(hidden_fields),
        redirects=redirects,
        screen_outs=tuple(screen_outs),
        quotas=tuple(quotas),
    )


def _read_screen_outs(reader: _Reader, raw_items: list, questions: Mapping[str, QuestionDef]) -> list[ScreenOutDef]:
    """Screen-outs may name any question or hidden field: each is decided once all it names
    has been answered."""
    screen_outs = []
    for place, data, code in reader.entries(raw_items, "screen_outs", SCREEN_OUT_KEYS):
        condition = reader.text(data, "condition", place, required=True)
        reader.condition(condition, f"{place}.condition", questions, None)
        message = reader.text(data, "message", place, required=True)
        screen_outs.append(ScreenOutDef(code=code, condition=condition, message=message))
    return screen_outs


def _read_quotas(reader: _Reader, raw_items: list, questions: Mapping[str, QuestionDef]) -> list[QuotaDef]:
    quotas = []
    for place, data, code in reader.entries(raw_items, "quotas", QUOTA_KEYS):
        if code.startswith("_"):
            reader.error(f"{place}.code", "codes starting with _ are reserved for built-in quotas")
        label = reader.text(data, "label", place) or code
        condition = reader.text(data, "condition", place, required=True)
        reader.condition(condition, f"{place}.condition", questions, None)
        limit = data.get("limit")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            shown = "nothing" if limit is None else repr(limit)
            reader.error(f"{place}.limit", f"expected a whole number of completes (0 or more), got {shown}")
            limit = 0
        quotas.append(QuotaDef(code=code, label=label, condition=condition, limit=limit,
                               closed=reader.flag(data, "closed", place)))
    return quotas


def _read_hidden_fields(reader: _Reader, raw_fields: list) -> list[HiddenFieldDef]:
    fields = []
    for place, data, code in reader.entries(raw_fields, "hidden_fields", HIDDEN_FIELD_KEYS):
        if code == BUILTIN_HIDDEN:
            reader.error(f"{place}.code", f"{code!r} is built in (filled from the invitee): leave it out")
        values = []
        for v, value in enumerate(reader.items(data, "values", place, required=False)):
            if isinstance(value, bool) or not isinstance(value, (str, int)) or not CODE_RE.match(str(value)):
                shown = str(value).lower() if isinstance(value, bool) else repr(value)
                reader.error(f"{place}.values[{v}]", f"expected a code, got {shown}")
            elif str(value) in values:
                reader.error(f"{place}.values", f"duplicate value {str(value)!r}")
            else:
                values.append(str(value))
        if "values" in data and not values and isinstance(data["values"], list):
            reader.error(f"{place}.values", "must not be empty (leave it out to accept any value)")
        description = " ".join(reader.text(data, "description", place).split())
        if len(description) > HIDDEN_DESCRIPTION_MAX:
            reader.error(f"{place}.description", f"at most {HIDDEN_DESCRIPTION_MAX} characters")
        fields.append(HiddenFieldDef(code=code, values=tuple(values), description=description))
    return fields


def _check_hidden_codes(reader: _Reader, hidden_fields: list[HiddenFieldDef], questions: Mapping) -> None:
    """Hidden fields and questions share one namespace: conditions and exports name both."""
    for i, hidden in enumerate(hidden_fields):
        if hidden.code in questions:
            reader.error(f"hidden_fields[{i}].code", f"code {hidden.code!r} is also a question's code")


def placeholder_problems(url: str, hidden_codes: Collection[str]) -> list[str]:
    """The `{code}` placeholders of a redirect URL that name no hidden field."""
    return [
        f"unknown placeholder {{{name}}} (expected a hidden field: {', '.join(sorted(hidden_codes))})"
        for name in PLACEHOLDER_RE.findall(url)
        if name not in hidden_codes
    ]


def _read_redirects(reader: _Reader, raw: Any, hidden_fields: list[HiddenFieldDef]) -> RedirectsDef:
    if raw is None:
        return RedirectsDef()
    data = reader.mapping(raw, "redirects", REDIRECT_OUTCOMES)
    if data is None:
        return RedirectsDef()
    codes = {BUILTIN_HIDDEN, *(h.code for h in hidden_fields)}
    urls = {}
    for outcome in REDIRECT_OUTCOMES:
        url = reader.text(data, outcome, "redirects").strip()
        if url and not re.match(r"^https?://[^\s]+$", url):
            reader.error(f"redirects.{outcome}", "expected an http:// or https:// URL")
        for problem in placeholder_problems(url, codes):
            reader.error(f"redirects.{outcome}", problem)
        urls[outcome] = url
    return RedirectsDef(**urls)


def _read_pages(reader: _Reader, raw_pages: list) -> list[PageDef]:
    pages: list[PageDef] = []
    seen: dict[str, str] = {}
    blocks: dict[str, int] = {}  # each shuffled block's last page so far
    for p, raw_page in enumerate(raw_pages):
        place = f"pages[{p}]"
        page = reader.mapping(raw_page, place, PAGE_KEYS)
        if page is None:
            continue
        questions = []
        for q, raw_question in enumerate(reader.items(page, "questions", place, required=True)):
            question = _read_question(reader, raw_question, f"{place}.questions[{q}]")
            if question is None:
                continue
            if question.code in seen:
                reader.error(
                    f"{place}.questions[{q}].code",
                    f"duplicate code {question.code!r} (also at {seen[question.code]})",
                )
            seen.setdefault(question.code, f"{place}.questions[{q}]")
            questions.append(question)
        shuffle = reader.text(page, "shuffle", place)
        if shuffle not in ("", "questions"):
            reader.error(f"{place}.shuffle", f"expected questions, got {shuffle!r}")
        block = reader.code(page, "shuffle_block", place) if page.get("shuffle_block") is not None else ""
        if block and p == 0:
            reader.error(f"{place}.shuffle_block", "the first page cannot be in a shuffled block: every respondent "
                         "starts there")
        elif block and block in blocks and blocks[block] != p - 1:
            reader.error(f"{place}.shuffle_block", f"the pages of block {block!r} must follow one another")
        if block:
            blocks[block] = p
        pages.append(
            PageDef(
                title=reader.text(page, "title", place),
                condition=reader.text(page, "condition", place),
                questions=tuple(questions),
                shuffle_questions=shuffle == "questions",
                shuffle_block=block,
            )
        )
    return pages


def _read_question(reader: _Reader, raw: Any, place: str) -> QuestionDef | None:
    data = reader.mapping(raw, place, QUESTION_KEYS)
    if data is None:
        return None
    code = reader.code(data, "code", place)
    qtype = reader.text(data, "type", place, required=True)
    if qtype and qtype not in TYPES:
        reader.error(f"{place}.type", f"unknown type {qtype!r} (expected one of {', '.join(definition_order())})")
    # An unknown (or missing) type allows none of what follows: each is reported.
    kind = question_type(qtype)
    choices = _read_options(reader, data, "choices", place, CHOICE_KEYS, required=kind.has_choices)
    rows = _read_options(reader, data, "rows", place, ROW_KEYS, required=kind.has_rows)
    if choices and not kind.has_choices:
        reader.error(f"{place}.choices", f"a {qtype} question has no choices")
    if rows and not kind.has_rows:
        reader.error(f"{place}.rows", f"only matrix questions have rows, not {qtype}")
    if any(c.exclusive for c in choices) and not kind.exclusive_choices:
        reader.error(f"{place}.choices", "only multiple-choice questions have exclusive choices")
    if any(c.specify for c in choices) and not kind.specify_choices:
        reader.error(
            f"{place}.choices",
            f"only single, multiple and dropdown choices can have a text box (specify), not {qtype} choices",
        )

    min_value = reader.number(data, "min", place)
    max_value = reader.number(data, "max", place)
    if kind.ranks:
        # A ranking's `max` is how many of its choices are ranked (its top N).
        if min_value is not None:
            reader.error(f"{place}.min", f"min does not apply to {qtype} questions (max: how many to rank)")
        if max_value is not None and (max_value != max_value.to_integral_value()
                                      or not 1 <= max_value <= max(len(choices), 1)):
            reader.error(f"{place}.max", f"expected how many choices to rank: a whole number from 1 to "
                         f"{len(choices)}")
    elif (min_value is not None or max_value is not None) and not (kind.bounds or kind.scales):
        reader.error(place, f"min and max apply to integer, decimal and rating questions, not {qtype}")
    whole_bounds = True
    if (kind.bounds or kind.scales) and kind.whole_numbers:
        for key, value in (("min", min_value), ("max", max_value)):
            if value is not None and value != value.to_integral_value():
                reader.error(f"{place}.{key}", f"a{'n' if qtype[:1] in 'aeiou' else ''} {qtype} question needs "
                             "whole-number bounds")
                whole_bounds = False
    if min_value is not None and max_value is not None and min_value > max_value:
        reader.error(place, "min is greater than max")
    low_label = reader.text(data, "low_label", place)
    high_label = reader.text(data, "high_label", place)
    display = reader.text(data, "display", place)
    for key, value in (("low_label", low_label), ("high_label", high_label)):
        if len(value) > END_LABEL_LENGTH:
            reader.error(f"{place}.{key}", f"at most {END_LABEL_LENGTH} characters")
    total = reader.number(data, "total", place)
    if total is not None and not kind.sums_to_total:
        reader.error(f"{place}.total", f"total applies to constant sum questions, not {qtype}")
    elif total is not None and (total <= 0 or total != total.to_integral_value()):
        reader.error(f"{place}.total", "expected a whole number greater than 0")
    elif kind.sums_to_total:
        # A constant sum keeps its total as the largest a row can take (100 unless given).
        max_value = total if total is not None else kind.default_total
    step = reader.number(data, "step", place)
    if step is not None and not kind.stepped:
        reader.error(f"{place}.step", f"step applies to sliders, not {qtype}")
    elif step is not None and step <= 0:
        reader.error(f"{place}.step", "expected a number greater than 0")
    if kind.stepped and (min_value is None or max_value is None):
        reader.error(place, f"a {qtype} question needs min and max (the ends of its scale)")
    max_length = data.get("max_length")
    if max_length is not None:
        if kind.default_max_length is None:
            reader.error(f"{place}.max_length", f"max_length applies to text questions, not {qtype}")
        if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
            reader.error(f"{place}.max_length", "expected a positive whole number")
            max_length = None
    segment = reader.flag(data, "segment", place)
    if segment and not kind.can_be_segment:
        reader.error(f"{place}.segment", "only single-choice and dropdown questions can be segments")
    personal_data = reader.flag(data, "personal_data", place)
    if personal_data and not kind.can_be_personal:
        reader.error(
            f"{place}.personal_data",
            f"only text and e-mail questions can be marked personal data, not {qtype} (its answers are not free text)",
        )
    shuffle = reader.text(data, "shuffle", place)
    if shuffle and shuffle not in (SHUFFLE_CHOICES, SHUFFLE_ROWS):
        reader.error(f"{place}.shuffle", f"expected {SHUFFLE_CHOICES} or {SHUFFLE_ROWS}, got {shuffle!r}")
    elif (shuffle == SHUFFLE_CHOICES and not kind.has_choices) or (shuffle == SHUFFLE_ROWS and not kind.has_rows):
        reader.error(f"{place}.shuffle", f"a {qtype} question has no {shuffle} to shuffle")
    question = QuestionDef(
        code=code,
        type=qtype,
        label=reader.text(data, "label", place, required=True),
        help_text=reader.text(data, "help_text", place),
        required=reader.flag(data, "required", place),
        segment=segment,
        personal_data=personal_data,
        condition=reader.text(data, "condition", place),
        choices=tuple(choices),
        rows=tuple(rows),
        min_value=min_value,
        max_value=max_value,
        max_length=max_length,
        low_label=low_label,
        high_label=high_label,
        display=display,
        step=step,
        attention_check=reader.text(data, "attention_check", place),
        shuffle=shuffle,
    )
    _check_attention_checks(reader, question, kind, place)
    if qtype in TYPES and whole_bounds:
        where = {"scale": "", "labels": ".low_label" if low_label else ".high_label", "display": ".display"}
        for setting, message in kind.scale_problems(question):
            reader.error(f"{place}{where[setting]}", message)
    return question


def _check_attention_checks(reader: _Reader, question: QuestionDef, kind, place: str) -> None:
    """`attention_check: <choice code>` on a question answered with one choice, or on a row
    of a matrix whose rows are: the code must be one of its choices."""
    one_choice = kind.has_choices and not kind.picks_many and not kind.ranks
    marked = [(f"{place}.attention_check", question.attention_check, one_choice and not kind.has_rows)]
    marked += [(f"{place}.rows[{i}].attention_check", row.attention_check, one_choice)
               for i, row in enumerate(question.rows)]
    for where, expected, allowed in marked:
        if not expected:
            continue
        if not allowed:
            reader.error(where, "attention checks apply to single-choice questions and the rows of a "
                         f"single-choice matrix, not {question.type}" + (" (mark its rows)" if kind.has_rows else ""))
        elif expected not in question.choice_codes:
            reader.error(where, f"{expected!r} is not one of its choices ({', '.join(question.choice_codes)})")


def _read_options(reader: _Reader, data: Mapping, key: str, place: str, allowed, *, required: bool) -> list:
    options = []
    seen: set[str] = set()
    for i, raw in enumerate(reader.items(data, key, place, required=required)):
        item_place = f"{place}.{key}[{i}]"
        item = reader.mapping(raw, item_place, allowed)
        if item is None:
            continue
        code = reader.code(item, "code", item_place)
        if code in seen:
            reader.error(f"{place}.{key}", f"duplicate code {code!r}")
        seen.add(code)
        label = reader.text(item, "label", item_place, required=True)
        anchor = reader.flag(item, "anchor", item_place)
        if key == "rows":
            options.append(RowDef(code=code, label=label, anchor=anchor,
                                  attention_check=reader.text(item, "attention_check", item_place)))
        else:
            options.append(ChoiceDef(code=code, label=label, exclusive=reader.flag(item, "exclusive", item_place),
                                     specify=_specify(reader, item, item_place), anchor=anchor))
    return options


def _specify(reader: _Reader, item: Mapping, place: str) -> str:
    """A choice's text box: `specify: optional` or `specify: required`; a bare `specify:`
    (no value) is an optional box."""
    if "specify" not in item:
        return ""
    value = item["specify"]
    if value is None:
        return "optional"
    if value not in SPECIFY_LEVELS:
        shown = str(value).lower() if isinstance(value, bool) else repr(value)
        reader.error(f"{place}.specify", f"expected optional or required, got {shown}")
        return ""
    return value


def _check_conditions(
    reader: _Reader, pages: list[PageDef], questions: dict[str, QuestionDef], hidden_fields: list[HiddenFieldDef]
) -> None:
    """A condition may only refer to questions asked before it whatever order the respondent
    draws (`piping.asked_before`): on earlier pages outside its own shuffled block, or
    earlier on the same page unless the page shuffles its questions. Hidden fields are
    known from the start."""
    questions = {**{h.code: h.as_question for h in hidden_fields}, **questions}
    order = piping.asked_order(pages, [h.code for h in hidden_fields])
    for p, page in enumerate(pages):
        start = piping.block_start(pages, p)
        before = {code for code, at in order.items() if at < start}
        # Asked in a random order with this page: named, so that the refusal says why.
        drawn = {code for code, at in order.items() if at == start} if page.shuffle_block else set()
        _condition(reader, page.condition, f"pages[{p}].condition", questions, before, drawn)
        same_page: list[str] = []
        for q, question in enumerate(page.questions):
            peers = drawn | ({q.code for q in page.questions} if page.shuffle_questions else set())
            _condition(reader, question.condition, f"pages[{p}].questions[{q}].condition", questions,
                       before | set(same_page) - peers, peers)
            same_page.append(question.code)


def _condition(reader: _Reader, text: str, place: str, questions: Mapping[str, QuestionDef], available: set[str],
               drawn: set[str]) -> None:
    """`reader.condition`, refusing first a reference to a question shown in a random order
    with the condition's place."""
    if drawn and text.strip():
        try:
            named = {ref.question for ref in conditions.references(conditions.parse(text))}
        except conditions.ConditionError:
            named = set()
        for code in sorted(named & drawn):
            reader.error(place, f"'{code}' is in the same shuffled page or block: it is not always asked before "
                         "this condition")
        if named & drawn:
            return
    reader.condition(text, place, questions, available)


def _read_findings(reader: _Reader, raw_findings: list, questions: dict[str, QuestionDef]) -> list[FindingDef]:
    findings = []
    for place, data, code in reader.entries(raw_findings, "findings", FINDING_KEYS):
        base = reader.text(data, "base", place, required=True)
        target = reader.text(data, "target", place, required=True)
        reader.condition(base, f"{place}.base", questions, None)
        reader.condition(target, f"{place}.target", questions, None)
        statement = reader.text(data, "statement", place, required=True)
        findings.append(FindingDef(code=code, statement=statement, base=base, target=target))
    return findings


def _read_codes(reader: _Reader, data: Mapping, key: str, place: str) -> list[str]:
    codes = []
    for i, value in enumerate(reader.items(data, key, place, required=True)):
        if isinstance(value, bool) or not isinstance(value, (str, int)) or not CODE_RE.match(str(value)):
            shown = str(value).lower() if isinstance(value, bool) else repr(value)
            reader.error(f"{place}.{key}[{i}]", f"expected a choice code, got {shown}")
            continue
        codes.append(str(value))
    return codes


def _read_nets(reader: _Reader, raw_nets: list, questions: dict[str, QuestionDef]) -> list[NetDef]:
    nets = []
    seen: dict[tuple[str, str], str] = {}
    for i, raw in enumerate(raw_nets):
        place = f"nets[{i}]"
        data = reader.mapping(raw, place, NET_KEYS)
        if data is None:
            continue
        question = reader.code(data, "question", place)
        code = reader.code(data, "code", place)
        label = reader.text(data, "label", place, required=True)
        if ("choices" in data) == ("all_but" in data):
            reader.error(place, "give either 'choices' or 'all_but' (the choices it leaves out)")
            continue
        key = "all_but" if "all_but" in data else "choices"
        net = NetDef(question=question, code=code, label=label, choices=tuple(_read_codes(reader, data, key, place)),
                     all_but=key == "all_but")
        if (question, code) in seen:
            reader.error(f"{place}.code", f"duplicate code {code!r} for {question!r} (also at {seen[question, code]})")
        seen.setdefault((question, code), place)
        for where, message in reporting.net_problems(net, questions):
            reader.error(f"{place}.{key if where == 'choices' else where}", message)
        nets.append(net)
    return nets


def _read_views(reader: _Reader, raw_views: list, questions: dict[str, QuestionDef]) -> list[ViewDef]:
    views = []
    for place, data, code in reader.entries(raw_views, "views", VIEW_KEYS):
        highlight = {}
        if "highlight" in data:
            highlight = reader.mapping(data["highlight"], f"{place}.highlight", HIGHLIGHT_KEYS) or {}
        view = ViewDef(
            code=code,
            label=reader.text(data, "label", place, required=True),
            description=reader.text(data, "description", place),
            row=reader.text(data, "row", place, required=True),
            column=reader.text(data, "column", place, required=True),
            segment=reader.text(data, "segment", place),
            highlight_row=reader.text(highlight, "row", f"{place}.highlight"),
            highlight_column_not=reader.text(highlight, "column_not", f"{place}.highlight"),
        )
        if view.row and view.column:
            for where, message in reporting.view_problems(view, questions):
                reader.error(f"{place}.{where}", message)
        views.append(view)
    return views


def _number_out(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def definition_to_data(definition: SurveyDef) -> dict:
    data: dict[str, Any] = {"slug": definition.slug, "title": definition.title}
    for key in ("description", "status", "intro", "thank_you"):
        value = getattr(definition, key)
        if value and not (key == "status" and value == "draft"):
            data[key] = value
    if definition.hidden_fields:
        data["hidden_fields"] = [
            {"code": h.code, **({"description": h.description} if h.description else {}),
             **({"values": list(h.values)} if h.values else {})}
            for h in definition.hidden_fields
        ]
    if definition.screen_outs:
        data["screen_outs"] = [
            {"code": so.code, "condition": so.condition, "message": so.message} for so in definition.screen_outs
        ]
    if definition.quotas:
        data["quotas"] = [
            {"code": q.code, "label": q.label, "condition": q.condition, "limit": q.limit,
             **({"closed": True} if q.closed else {})}
            for q in definition.quotas
        ]
    if definition.redirects.items():
        data["redirects"] = dict(definition.redirects.items())
    data["pages"] = [_page_to_data(page) for page in definition.pages]
    if definition.findings:
        data["findings"] = [
            {"code": f.code, "statement": f.statement, "base": f.base, "target": f.target}
            for f in definition.findings
        ]
    if definition.nets:
        data["nets"] = [
            {"question": n.question, "code": n.code, "label": n.label, ("all_but" if n.all_but else "choices"):
             list(n.choices)}
            for n in definition.nets
        ]
    if definition.views:
        data["views"] = [_view_to_data(v) for v in definition.views]
    return data


def _view_to_data(view: ViewDef) -> dict:
    data: dict[str, Any] = {"code": view.code, "label": view.label}
    if view.description:
        data["description"] = view.description
    data["row"], data["column"] = view.row, view.column
    if view.segment:
        data["segment"] = view.segment
    if view.highlight_row or view.highlight_column_not:
        data["highlight"] = {"row": view.highlight_row, "column_not": view.highlight_column_not}
    return data


def _page_to_data(page: PageDef) -> dict:
    data: dict[str, Any] = {}
    if page.title:
        data["title"] = page.title
    if page.condition:
        data["condition"] = page.condition
    if page.shuffle_questions:
        data["shuffle"] = "questions"
    if page.shuffle_block:
        data["shuffle_block"] = page.shuffle_block
    data["questions"] = [_question_to_data(q) for q in page.questions]
    return data


def _question_to_data(question: QuestionDef) -> dict:
    data: dict[str, Any] = {"code": question.code, "type": question.type, "label": question.label}
    if question.help_text:
        data["help_text"] = question.help_text
    if question.required:
        data["required"] = True
    if question.segment:
        data["segment"] = True
    if question.personal_data:
        data["personal_data"] = True
    if question.condition:
        data["condition"] = question.condition
    if question.min_value is not None:
        data["min"] = _number_out(question.min_value)
    if question.max_value is not None:
        data["total" if question.question_type.sums_to_total else "max"] = _number_out(question.max_value)
    for key in ("low_label", "high_label", "display"):
        if getattr(question, key):
            data[key] = getattr(question, key)
    if question.step is not None:
        data["step"] = _number_out(question.step)
    if question.max_length is not None:
        data["max_length"] = question.max_length
    if question.attention_check:
        data["attention_check"] = question.attention_check
    if question.shuffle:
        data["shuffle"] = question.shuffle
    if question.rows:
        data["rows"] = [{"code": r.code, "label": r.label, **({"anchor": True} if r.anchor else {}),
                         **({"attention_check": r.attention_check} if r.attention_check else {})}
                        for r in question.rows]
    if question.choices:
        data["choices"] = [
            {"code": c.code, "label": c.label, **({"exclusive": True} if c.exclusive else {}),
             **({"specify": c.specify} if c.specify else {}), **({"anchor": True} if c.anchor else {})}
            for c in question.choices
        ]
    return data


def definition_to_yaml(definition: SurveyDef) -> str:
    return yaml.safe_dump(
        definition_to_data(definition), sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )
