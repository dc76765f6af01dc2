"""The registry of question types: every type registered and complete, each answer's round
trip (raw -> cleaned -> Answer rows -> cleaned), and a type registered by a test alone
working everywhere (definition file, form, API, counts, findings, results, export)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.template.loader import get_template

from analytics.counting import response_count
from analytics.models import FindingCount
from responses.services import answer_rows, raw_answers, response_submit, stored_answers
from surveys.definition import ChoiceDef, QuestionDef, RowDef
from surveys.definition_files import DefinitionError, definition_from_data
from surveys.models import Question
from surveys.selectors import compiled_version
from surveys.services import survey_import
from surveys.types import TYPES, UNKNOWN, Invalid, Stored, question_type, register, type_choices, type_names
from surveys.types.numeric import NumberType, number
from tests.kit.counts import assert_counts_exact

NAMES = [
    "single", "dropdown", "multiple", "matrix", "matrix_multiple", "ranking", "short_text", "long_text", "integer",
    "decimal", "date", "email", "rating", "slider", "constant_sum",
]
CHOICES = (ChoiceDef("a", "A"), ChoiceDef("b", "B"), ChoiceDef("c", "C"))
ROWS = (RowDef("r1", "Row 1"), RowDef("r2", "Row 2"))

# A cleaned answer of each type.
ANSWERS: dict[str, Any] = {
    "single": "b",
    "dropdown": "c",
    "multiple": frozenset({"a", "c"}),
    "matrix": {"r1": "a", "r2": "c"},
    "matrix_multiple": {"r1": frozenset({"a", "c"}), "r2": frozenset({"b"})},
    "ranking": ("c", "a", "b"),
    "short_text": "A short answer",
    "long_text": "A longer answer\non two lines",
    "integer": 42,
    "decimal": Decimal("1.25"),
    "date": date(2020, 1, 31),
    "email": "someone@example.org",
    "rating": 9,
    "slider": Decimal("7.5"),
    "constant_sum": {"r1": 30, "r2": 70},
}


def _question(name: str, code: str | None = None) -> QuestionDef:
    kind = question_type(name)
    return QuestionDef(
        code=code or f"q_{name}", type=name, label=name.title(),
        choices=CHOICES if kind.has_choices else (), rows=ROWS if kind.has_rows else (),
        **({"min_value": Decimal(0), "max_value": Decimal(10), "step": Decimal("0.5")} if kind.stepped else {}),
    )


def test_it_registers_every_type_once_in_the_admin_s_order():
    assert list(TYPES) == NAMES
    assert all(TYPES[name].name == name and TYPES[name].label for name in NAMES)


def test_it_gives_the_question_model_its_choices_from_the_registry():
    assert list(Question._meta.get_field("type").choices) == type_choices()
    assert type_choices()[3] == ("matrix", "Matrix (rows × one scale)")


def test_it_answers_unknown_for_an_unregistered_name():
    assert question_type("essay") is UNKNOWN
    assert not UNKNOWN.has_choices and not UNKNOWN.bounds and UNKNOWN.column == "text"


def test_it_selects_type_names_by_their_attributes():
    assert type_names(numeric=True) == ["integer", "decimal", "rating", "slider", "constant_sum"]
    assert type_names(many_rows=True) == ["multiple", "matrix", "matrix_multiple", "ranking", "constant_sum"]
    assert type_names(always_personal=True) == ["email"]
    assert type_names(supports_nets=True) == ["single", "dropdown", "matrix"]


@pytest.mark.parametrize("name", NAMES)
def test_it_round_trips_an_answer_through_its_stored_values(name):
    kind, value = question_type(name), ANSWERS[name]

    stored = kind.to_stored(value)
    read = None
    for row in stored:
        read = kind.from_stored(read, row)

    assert read == value
    assert all(isinstance(row, Stored) for row in stored)


@pytest.mark.parametrize("name", NAMES)
def test_it_cleans_its_raw_json_shape_back_to_the_answer(name):
    question, value = _question(name), ANSWERS[name]
    raw = raw_answers({question.code: value})[question.code]

    assert question.question_type.clean_answer(question, raw, {}) == value


@pytest.mark.parametrize("name", NAMES)
def test_it_renders_a_form_field_and_a_template_for_every_type(name):
    question = _question(name)
    kind = question.question_type

    fields = kind.form_fields(question)

    assert fields and all(key == question.code or key.startswith(f"{question.code}.") for key in fields)
    assert kind.layout(question)
    get_template(kind.template)
    assert kind.export_columns(question)


@pytest.mark.parametrize("name", NAMES)
def test_it_refuses_what_is_not_an_answer_of_its_type(name):
    question, errors = _question(name), {}
    try:
        cleaned = question.question_type.clean_answer(question, {"not": ["an answer"]}, errors)
    except Invalid:
        return
    # A matrix reports per row ("Unknown row.") instead of raising.
    assert cleaned is None and errors == {f"{question.code}.not": ["Unknown row."]}


@pytest.mark.django_db
def test_it_round_trips_every_type_through_answer_rows_in_the_database():
    questions = [_question(name, code=name) for name in NAMES]
    data = {
        "slug": "every-type", "title": "Every type", "status": "open",
        "pages": [{"questions": [
            {"code": q.code, "type": q.type, "label": q.label,
             **({"choices": [{"code": c.code, "label": c.label} for c in q.choices]} if q.choices else {}),
             **({"rows": [{"code": r.code, "label": r.label} for r in q.rows]} if q.rows else {}),
             **({"min": 0, "max": 10, "step": 0.5} if q.step else {})}
            for q in questions
        ]}],
    }
    version, _ = survey_import(definition=definition_from_data(data))
    cleaned = {name: ANSWERS[name] for name in NAMES}

    result = response_submit(survey=version.survey, version=version, submission_id=uuid.uuid4(),
                             answers=raw_answers(cleaned))

    assert result.ok, result.errors
    assert stored_answers(compiled_version(version), result.response) == cleaned
    rows = answer_rows(compiled_version(version), result.response.pk, cleaned)
    # single, dropdown, multiple (2), matrix (2), matrix_multiple (3), a ranking (3), a constant sum (2)
    # and 8 one-row types.
    assert len(rows) == result.response.answers.count() == 1 + 1 + 2 + 2 + 3 + 3 + 2 + 8


# --- A type that exists only in this test ----------------------------------------------


class PercentType(NumberType):
    """0 to 100 with up to one decimal place: registered here, edited nowhere else."""

    name = "percent"
    label = "Percentage"

    def clean(self, question: QuestionDef, value: Any) -> Decimal:
        parsed = number(value)
        if not 0 <= parsed <= 100 or parsed.as_tuple().exponent < -1:  # type: ignore[operator]
            raise Invalid("Enter a percentage from 0 to 100, with at most one decimal place.")
        return parsed


PERCENT_SURVEY = {
    "slug": "shares", "title": "Shares", "status": "open",
    "pages": [{"questions": [
        {"code": "team", "type": "single", "label": "Team", "required": True, "segment": True,
         "choices": [{"code": "a", "label": "A"}, {"code": "b", "label": "B"}]},
        {"code": "share", "type": "percent", "label": "Share of your time on it?", "required": True},
        {"code": "why", "type": "short_text", "label": "Why?", "condition": "share >= 50"},
    ]}],
    "findings": [{"code": "most", "statement": "Most of their time", "base": "team = a", "target": "share > 50"}],
}


@pytest.fixture
def percent():
    register(PercentType)
    yield TYPES["percent"]
    del TYPES["percent"]


@pytest.fixture
def shares(percent, db):
    version, _ = survey_import(definition=definition_from_data(PERCENT_SURVEY))
    return version.survey


def _submit(survey, answers: dict) -> None:
    result = response_submit(survey=survey, version=survey.open_version(), submission_id=uuid.uuid4(),
                             answers=answers)
    assert result.ok, result.errors
    assert response_count(result.response.pk)


def test_it_reads_a_new_type_in_definition_files_and_checks_it(percent):
    bad = PERCENT_SURVEY | {"pages": [{"questions": [
        {"code": "share", "type": "percent", "label": "Share", "max_length": 3,
         "choices": [{"code": "x", "label": "X"}]},
    ]}]}

    with pytest.raises(DefinitionError) as raised:
        definition_from_data(bad)

    assert raised.value.errors[:2] == [
        "pages[0].questions[0].choices: a percent question has no choices",
        "pages[0].questions[0].max_length: max_length applies to text questions, not percent",
    ]


def test_it_takes_a_new_type_through_form_api_counts_results_and_export(client, viewer, shares):
    form = client.get("/s/shares/", follow=True).content.decode()
    assert '<input type="number" name="share" step="any" inputmode="decimal"' in form
    # The same-page condition for form.js, its value a JSON number.
    assert "{&quot;q&quot;:&quot;share&quot;,&quot;op&quot;:&quot;&gt;=&quot;,&quot;v&quot;:50.0}" in form

    refused = client.post("/api/v1/surveys/shares/responses/", {"submission_id": str(uuid.uuid4()),
                          "answers": {"team": "a", "share": "150"}}, content_type="application/json")
    assert refused.json()["errors"] == {"share": ["Enter a percentage from 0 to 100, with at most one decimal place."]}

    _submit(shares, {"team": "a", "share": "75.5", "why": "It pays"})
    _submit(shares, {"team": "a", "share": 20})
    _submit(shares, {"team": "b", "share": "60"})
    assert_counts_exact(shares)  # count tables and the finding equal the SQL recompute

    shares.viewers.add(viewer)
    client.force_login(viewer)
    page = client.get("/results/shares/questions/share/")
    assert page.status_code == 200
    assert "Percentage" in page.content.decode()  # the type's label
    findings = client.get("/api/v1/surveys/shares/findings/").json()["findings"]
    # A base of 2 is under the minimum: the API gives the base and suppresses the count.
    assert [(f["code"], f["base"], f["suppressed"]) for f in findings] == [("most", 2, True)]
    assert FindingCount.objects.get(finding__code="most").target == 1
    export = b"".join(client.get("/results/shares/exports/responses.csv").streaming_content).decode()
    header, *rows = export.lstrip("\ufeff").splitlines()
    assert header.endswith(",team,share,why")
    assert sorted(row.split(",")[-2] for row in rows) == ["20", "60", "75.5"]


def test_it_stores_and_reads_back_a_new_type(shares):
    result = response_submit(survey=shares, version=shares.open_version(), submission_id=uuid.uuid4(),
                             answers={"team": "b", "share": "12.5"})

    assert stored_answers(compiled_version(shares.open_version()), result.response) == {
        "team": "b", "share": Decimal("12.5"),
    }
    assert Question.objects.get(code="share").get_type_display() == "Percentage"
