"""“Other, please specify”: a choice's text box, through the definition file, validation
(with its error codes), the JSON API (a payload valid before still gets 201), the Answer
rows, counting (equal to the recompute), the form's fields and the raw export."""

from __future__ import annotations

import uuid

import pytest
from crispy_forms.utils import render_crispy_form
from django.http import QueryDict

from responses.forms import SurveyPageForm, initial_values
from responses.models import Answer
from responses.services import answers_digest, raw_answers, response_submit, stored_answers
from responses.validation import validate_answers
from results.exports.layout import exported_responses, raw_layout
from results.exports.rows import raw_row_chunks
from surveys import conditions
from surveys.definition_files import DefinitionError, definition_from_data, definition_from_yaml, definition_to_yaml
from surveys.selectors import compiled_version
from surveys.types.choices import SPECIFY_MAX_LENGTH
from tests.kit.api import submit
from tests.kit.counts import assert_counts_exact
from tests.kit.data import submit_and_count
from tests.kit.demo import DEMO_FILE, demo_answers, demo_data

pytestmark = pytest.mark.django_db


def _codes(errors: dict, key: str) -> list[str]:
    return [getattr(m, "code", None) for m in errors.get(key, [])]


# --- The definition file ----------------------------------------------------------------


def test_demo_file_round_trips_with_its_boxes(demo_definition):
    assert definition_to_yaml(demo_definition) == DEMO_FILE.read_text(encoding="utf-8")
    for code in ("seniority", "industry"):
        assert [(c.code, c.specify) for c in demo_definition.questions[code].specified_choices] == [
            ("other", "optional")
        ]


def test_a_bare_specify_is_an_optional_box_and_is_written_out_as_such():
    data = demo_data()
    data["pages"][0]["questions"][1]["choices"][-1]["specify"] = None
    definition = definition_from_data(data)
    assert definition.questions["seniority"].specified_choices[0].specify == "optional"
    assert "specify: optional" in definition_to_yaml(definition)


def test_a_required_box_round_trips():
    data = demo_data()
    data["pages"][0]["questions"][1]["choices"][-1]["specify"] = "required"
    text = definition_to_yaml(definition_from_data(data))
    assert definition_to_yaml(definition_from_yaml(text)) == text
    assert "specify: required" in text


@pytest.mark.parametrize(("value", "message"), [
    ("sometimes", "expected optional or required, got 'sometimes'"),
    (True, "expected optional or required, got true"),
])
def test_a_bad_specify_value_is_refused_with_its_place(value, message):
    data = demo_data()
    data["pages"][0]["questions"][1]["choices"][-1]["specify"] = value
    with pytest.raises(DefinitionError) as exc:
        definition_from_data(data)
    assert f"pages[0].questions[1].choices[4].specify: {message}" in exc.value.errors


def test_only_single_dropdown_and_multiple_choices_have_boxes():
    data = demo_data()
    matrix = next(q for p in data["pages"] for q in p["questions"] if q["type"] == "matrix")
    matrix["choices"][0]["specify"] = "optional"
    with pytest.raises(DefinitionError) as exc:
        definition_from_data(data)
    assert any("only single, multiple and dropdown choices can have a text box" in e for e in exc.value.errors)


# --- Validation and its error codes ---------------------------------------------------------


@pytest.fixture
def compiled(demo_survey):
    return compiled_version(demo_survey.open_version())


def test_text_beside_its_choice_is_kept_and_conditions_see_the_choice(compiled):
    answers = demo_answers(seniority="other", **{"seniority.other.text": " CIO-ish "})
    cleaned, errors = validate_answers(compiled, answers)
    assert errors == {}
    assert cleaned["seniority"] == "other" and cleaned["seniority"].texts == {"other": "CIO-ish"}
    assert conditions.evaluate(conditions.parse("seniority = other"), cleaned)
    assert raw_answers(cleaned)["seniority.other.text"] == "CIO-ish"


def test_an_optional_box_may_stay_empty(compiled):
    cleaned, errors = validate_answers(compiled, demo_answers(seniority="other", **{"seniority.other.text": "  "}))
    assert errors == {} and cleaned["seniority"] == "other" and not hasattr(cleaned["seniority"], "texts")


def test_text_without_its_choice_is_an_error_never_dropped(compiled):
    _, errors = validate_answers(compiled, demo_answers(seniority="vp", **{"seniority.other.text": "CIO"}))
    assert _codes(errors, "seniority.other.text") == ["specify_without_choice"]
    assert errors["seniority.other.text"] == ["There is text for “Other”, but “Other” is not chosen."]


def test_too_long_a_text_is_refused(compiled):
    text = "x" * (SPECIFY_MAX_LENGTH + 1)
    _, errors = validate_answers(compiled, demo_answers(industry="other", **{"industry.other.text": text}))
    assert _codes(errors, "industry.other.text") == ["too_long"]


def test_a_text_that_is_not_text_is_refused(compiled):
    _, errors = validate_answers(compiled, demo_answers(industry="other", **{"industry.other.text": ["a"]}))
    assert _codes(errors, "industry.other.text") == ["invalid"]


def test_a_required_box_left_empty_is_an_error_but_may_wait_on_save_later(demo_definition):
    from surveys.services import survey_import

    data = demo_data()
    data["pages"][0]["questions"][1]["choices"][-1]["specify"] = "required"
    version, _ = survey_import(definition=definition_from_data(data))
    compiled = compiled_version(version)
    _, errors = validate_answers(compiled, demo_answers(seniority="other"))
    assert _codes(errors, "seniority.other.text") == ["specify_required"]
    _, errors = validate_answers(compiled, {"seniority": "other"}, pages=[0], enforce_required=False)
    assert "seniority.other.text" not in errors


def test_a_text_key_of_a_choice_without_a_box_is_unknown(compiled):
    _, errors = validate_answers(compiled, demo_answers(**{"seniority.vp.text": "x"}))
    assert errors == {"seniority.vp.text": ["Unknown question."]}


# --- The API ---------------------------------------------------------------------------------


def test_todays_payload_still_gets_201(client, demo_survey):
    # The demo's public contract: the shape every client sends today, "Other" without text.
    response = submit(client, demo_answers(seniority="other", industry="other"))
    assert response.status_code == 201, response.content
    assert not Answer.objects.filter(text__isnull=False).exclude(question__code="comments").exists()


def test_the_new_shape_gets_201_and_keeps_the_text(client, demo_survey):
    answers = demo_answers(seniority="other", industry="other",
                           **{"seniority.other.text": "Head of IT", "industry.other.text": "Shipping"})
    response = submit(client, answers)
    assert response.status_code == 201, response.content
    texts = dict(Answer.objects.filter(choice__code="other").values_list("question__code", "text"))
    assert texts == {"seniority": "Head of IT", "industry": "Shipping"}


@pytest.mark.parametrize(("answers", "message"), [
    ({"seniority": "vp", "seniority.other.text": "x"}, "There is text for “Other”, but “Other” is not chosen."),
    ({"seniority": "other", "seniority.other.text": "x" * 501}, "Enter at most 500 characters (you entered 501)."),
])
def test_the_api_refuses_bad_texts_keyed_by_the_text(client, demo_survey, answers, message):
    response = submit(client, demo_answers(**answers))
    assert response.status_code == 400
    assert response.json() == {"errors": {"seniority.other.text": [message]}}


def test_the_definition_api_lists_the_box(client, demo_survey):
    data = client.get("/api/v1/surveys/ddiq-2010/").json()
    seniority = next(q for p in data["pages"] for q in p["questions"] if q["code"] == "seniority")
    assert [(c["code"], c["specify"]) for c in seniority["choices"]][-2:] == [("manager", ""), ("other", "optional")]


def test_a_replay_with_another_text_is_a_conflict(client, demo_survey):
    sid = uuid.uuid4()
    first = demo_answers(seniority="other", **{"seniority.other.text": "A"})
    assert submit(client, first, submission_id=sid).status_code == 201
    assert submit(client, first, submission_id=sid).status_code == 200
    other = demo_answers(seniority="other", **{"seniority.other.text": "B"})
    assert submit(client, other, submission_id=sid).status_code == 409


def test_the_digest_of_an_answer_without_text_is_unchanged(compiled):
    cleaned, _ = validate_answers(compiled, demo_answers(seniority="other"))
    plain = {k: (sorted(v) if isinstance(v, frozenset) else v) for k, v in cleaned.items()}
    assert answers_digest(cleaned) == answers_digest(plain)


# --- Rows, counting, the form and the export ---------------------------------------------------


def test_rows_round_trip(demo_survey, compiled):
    answers = demo_answers(seniority="other", industry="other", barriers=["roi"],
                           **{"seniority.other.text": "Head of IT", "industry.other.text": "Shipping"})
    result = response_submit(survey=demo_survey, version=demo_survey.open_version(), submission_id=uuid.uuid4(),
                             answers=answers)
    assert result.ok, result.errors
    assert raw_answers(stored_answers(compiled, result.response)) == raw_answers(
        validate_answers(compiled, answers)[0]
    )
    # One row per choice still: the text sits in the choice's own row.
    assert Answer.objects.filter(response=result.response, question__code="seniority").count() == 1


def test_counting_equals_the_recompute_and_counts_the_choice(demo_survey, compiled):
    from analytics.models import TOTAL, CellCount

    submit_and_count(demo_survey, demo_answers(seniority="other", **{"seniority.other.text": "Head of IT"}))
    submit_and_count(demo_survey, demo_answers(seniority="other"))
    assert_counts_exact(demo_survey)
    cells = CellCount.objects.filter(choice_id=compiled.choice_ids[("seniority", "other")], row_id=TOTAL,
                                     segment_choice_id=TOTAL)
    assert sum(cells.values_list("n", flat=True)) == 2


def test_the_form_shows_the_box_under_its_choice_and_reads_it_back(demo_definition, compiled):
    question = demo_definition.questions["seniority"]
    data = QueryDict(mutable=True)
    data.update({"seniority": "other", "seniority.other.text": "Head of IT"})
    form = SurveyPageForm(data, questions=[question])
    assert form.raw_answers() == {"seniority": "other", "seniority.other.text": "Head of IT"}
    cleaned, _ = validate_answers(compiled, demo_answers(seniority="other", **{"seniority.other.text": "Head of IT"}))
    initial = initial_values([question], raw_answers(cleaned))
    assert initial == {"seniority": "other", "seniority.other.text": "Head of IT"}
    html = render_crispy_form(SurveyPageForm(initial=initial, questions=[question]))
    other = html.index('value="other"')
    box = html.index('name="seniority.other.text"')
    assert other < box and 'value="Head of IT"' in html
    assert "Please specify:<span class=\"visually-hidden\"> Other</span>" in html


def test_the_export_has_the_texts_in_their_own_columns(demo_survey):
    submit_and_count(demo_survey, demo_answers(seniority="other", industry="other",
                                               **{"seniority.other.text": "=Head", "industry.other.text": "Ships"}))
    submit_and_count(demo_survey, demo_answers(seniority="vp"))
    layout = raw_layout(demo_survey)
    header = layout.header
    assert header[header.index("seniority") + 1] == "seniority.other.text"
    assert header[header.index("industry") + 1] == "industry.other.text"
    from datetime import UTC, datetime, timedelta

    responses = exported_responses(demo_survey, version_ids=list(layout.versions),
                                   as_of=datetime.now(UTC) + timedelta(minutes=1))
    rows = [row for chunk in raw_row_chunks(layout, responses) for row in chunk]
    columns = header.index("seniority.other.text"), header.index("industry.other.text")
    texts = [(row[columns[0]], row[columns[1]]) for row in rows]
    assert sorted(texts, key=str) == sorted([("'=Head", "Ships"), (None, None)], key=str)


@pytest.mark.postgres
def test_the_sql_export_writes_the_texts_as_the_python_one_does(db, monkeypatch):
    from results.exports import csv_stream
    from results.exports import rows as python_rows
    from results.exports.csv_stream import raw_csv_stream
    from results.exports.records import export_record
    from results.models import ExportRecord
    from surveys.services import survey_import

    data = demo_data()
    barriers = next(q for p in data["pages"] for q in p["questions"] if q["code"] == "barriers")
    barriers["choices"][1]["specify"] = "optional"  # a multiple-choice box too
    version, _ = survey_import(definition=definition_from_data(data))
    survey = version.survey
    for text in ("=HYPERLINK(1)", "two\nlines", "Très — 日本語", ""):
        submit_and_count(survey, demo_answers(seniority="other", barriers=["roi", "security"],
                                              **{"seniority.other.text": text, "barriers.roi.text": text + "!"}))
    submit_and_count(survey, demo_answers())

    def exported(copy: bool) -> str:
        record = export_record(user=None, survey=survey, kind=ExportRecord.Kind.RAW_CSV, parameters=None,
                               status=ExportRecord.Status.PENDING)
        with monkeypatch.context() as patch:
            patch.setattr(csv_stream, "USE_COPY", copy)
            if copy:
                patch.setattr(python_rows, "raw_row_chunks", None)
            return "".join(raw_csv_stream(record))

    by_python = exported(False)
    assert "barriers.roi.text" in by_python.splitlines()[0] and "'=HYPERLINK(1)" in by_python
    assert exported(True) == by_python
