"""The codebook and the SPSS .sav and Stata .dta exports, read back with pyreadstat
against a survey with known numbers (tests/kit/statfiles.py): variable names, labels,
value labels and missing values as the codebook says, multiple choice as 0/1, the
outcome variable, stable value codes across versions, and the variable name mapping."""

from __future__ import annotations

import math
from datetime import date

import pyreadstat
import pytest

from results.exports.codebook import NO_ANSWER, survey_codebook, variable_names
from results.exports.records import export_record
from results.exports.statfiles import stat_file_export_build
from results.exports.xlsx import xlsx_path
from results.models import ExportRecord
from tests.kit.data import bulk_responses
from tests.kit.statfiles import (
    LONG_A,
    LONG_A_NAME,
    LONG_B,
    LONG_B_NAME,
    ROLE_NUMBERS,
    stat_responses,
    stat_second_version,
    stat_survey,
)

SAV, DTA = ExportRecord.Kind.RAW_SAV, ExportRecord.Kind.RAW_DTA


def _build(survey, kind, **parameters) -> ExportRecord:
    record = export_record(user=None, survey=survey, kind=kind, parameters=parameters,
                           status=ExportRecord.Status.PENDING)
    record = stat_file_export_build(export_id=record.pk, kind=kind)
    assert record.status == ExportRecord.Status.READY, record.error
    return record


def _read(record: ExportRecord):
    reader = pyreadstat.read_sav if record.kind == SAV else pyreadstat.read_dta
    return reader(str(xlsx_path(record)), user_missing=True)


@pytest.fixture
def survey(db):
    return stat_survey()


@pytest.fixture
def answered(survey):
    """R1, R2 complete and R3 screened out (tests/kit/statfiles.py)."""
    return stat_responses(survey)


def _by_id(frame, response) -> dict:
    rows = frame[frame["response_id"] == str(response.pk)].to_dict("records")
    assert len(rows) == 1
    return rows[0]


# --- Names ------------------------------------------------------------------------------


def test_it_maps_codes_to_variable_names():
    names = variable_names(["personal_use.twitter", "1st", "é-x", "in", "str80", "Q1", "q1", "a" * 40, "a" * 40 + "b"])
    assert list(names.values()) == [
        "personal_use_twitter", "v1st", "v__x", "in_", "str80_", "Q1", "q1_2", "a" * 32, "a" * 30 + "_2",
    ]
    assert all(len(name) <= 32 for name in names.values())
    # Room for the counter pyreadstat appends to a Stata value-label set's name.
    assert variable_names(["b" * 40, "b" * 41], frozenset({"b" * 40, "b" * 41})) == {
        "b" * 40: "b" * 28, "b" * 41: "b" * 26 + "_2"}


@pytest.mark.django_db
def test_the_codebook_names_every_variable_once(survey):
    codebook = survey_codebook(survey)
    names = {v.source: v.name for v in codebook.variables}
    assert names["usage.mail"] == "usage_mail"
    assert names["places.mail.home"] == "places_mail_home"
    assert (names[LONG_A], names[LONG_B]) == (LONG_A_NAME, LONG_B_NAME)
    assert len({n.lower() for n in names.values()}) == len(names)


# --- The files, read back --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [SAV, DTA])
def test_the_file_carries_the_codebook(survey, answered, kind, export_files):
    codebook = survey_codebook(survey)
    record = _build(survey, kind)
    frame, meta = _read(record)

    assert list(frame.columns) == [v.name for v in codebook.variables]
    limit = 256 if kind == SAV else 80
    assert meta.column_names_to_labels == {v.name: v.label[:limit] for v in codebook.variables}
    for v in codebook.variables:
        expected = dict(v.value_labels)
        if v.missing and kind == SAV:
            expected[NO_ANSWER] = "No answer"
        assert meta.variable_value_labels.get(v.name, {}) == expected, v.name
    coded = [v.name for v in codebook.variables if v.missing]
    assert coded  # choices, matrix rows, flags and the outcome
    if kind == SAV:
        assert meta.missing_ranges == {name: [{"lo": NO_ANSWER, "hi": NO_ANSWER}] for name in coded}
    else:
        # Stata's `.a` is a value, not a declaration: the reader reports it where it occurs.
        assert meta.missing_user_values == {name: ["a"] for name in ("usage_chat", "places_mail_work",
                                                                      "places_mail_home")}
    assert meta.variable_value_labels["role"] == {1: "IT", 2: "Business", 3: "Other"} | (
        {NO_ANSWER: "No answer"} if kind == SAV else {})
    assert meta.variable_value_labels["nps"] == {0: "Not at all", 10: "Certainly"}
    assert meta.variable_value_labels["status"] == {1: "Complete", 2: "Screened out", 3: "Quota full", 4: "Partial"} | (
        {NO_ANSWER: "No answer"} if kind == SAV else {})


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [SAV, DTA])
def test_the_file_holds_the_known_answers(survey, answered, kind, export_files):
    r1, r2, _ = answered
    record = _build(survey, kind)
    frame, _ = _read(record)

    assert record.rows == 2  # the screened-out response only on request
    one, two = _by_id(frame, r1), _by_id(frame, r2)
    no_answer = NO_ANSWER if kind == SAV else "a"
    assert (one["role"], one["status"], one["ended_by"], one["src"]) == (1, 1, "", "li")
    assert (one["channels_mail"], one["channels_chat"], one["channels_phone"]) == (1, 1, 0)
    assert (one["usage_mail"], one["usage_chat"]) == (2, 1)
    assert (one["places_mail_work"], one["places_mail_home"]) == (0, 1)
    assert (one["age"], one["nps"], one["born"], one["note"]) == (30, 9, date(1990, 1, 2), "=1+1")
    assert (one[LONG_A_NAME], one[LONG_B_NAME]) == (7, 8)
    assert (two["role"], two["channels_mail"], two["channels_phone"]) == (2, 0, 1)
    # Not answered: the coded "No answer", and system missing for numbers and dates.
    assert (two["usage_chat"], two["places_mail_work"], two["src"], two["note"]) == (no_answer, no_answer, "", "")
    assert math.isnan(two[LONG_A_NAME])
    assert two["born"] is None or two["born"] != two["born"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [SAV, DTA])
def test_ended_responses_come_on_request_with_their_outcome(survey, answered, kind, export_files):
    record = _build(survey, kind, ended=True)
    frame, _ = _read(record)

    assert record.rows == 3
    ended = frame[frame["status"] == 2].to_dict("records")
    assert [(row["role"], row["age"], row["ended_by"]) for row in ended] == [(3, 15, "too_young")]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [SAV, DTA])
def test_value_codes_stay_when_a_version_reorders_and_adds_choices(survey, answered, kind, export_files):
    stat_second_version(survey)
    v2 = survey.open_version()
    student, it = bulk_responses(survey, [{"role": "student"}, {"role": "it"}], version=v2, reconcile=False)

    frame, meta = _read(_build(survey, kind))
    only_v2, _ = _read(_build(survey, kind, version=2))

    labels = {1: "IT", 2: "Business", 3: "Other", 4: "Student"}
    assert {k: v for k, v in meta.variable_value_labels["role"].items() if k != NO_ANSWER} == labels
    assert (_by_id(frame, student)["role"], _by_id(frame, it)["role"]) == (ROLE_NUMBERS["student"], 1)
    assert (_by_id(only_v2, student)["role"], _by_id(only_v2, it)["role"]) == (4, 1)
    assert sorted(frame["role"].tolist()) == [1, 1, 2, 4]


@pytest.mark.django_db
def test_a_missing_export_is_a_clear_no(survey):
    record = export_record(user=None, survey=survey, kind=SAV, status=ExportRecord.Status.READY)
    assert stat_file_export_build(export_id=record.pk, kind=SAV) is None


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [SAV, DTA])
def test_the_demo_survey_exports(demo_survey, kind, export_files):
    """Long codes with value labels (`twitter_uses.thought_leadership`), specify texts,
    e-mail left out: what a real survey has."""
    from tests.kit.data import submit_and_count
    from tests.kit.demo import leader_answers

    submit_and_count(demo_survey, leader_answers(role="it"))
    frame, meta = _read(_build(demo_survey, kind))
    assert len(frame) == 1
    assert frame["twitter_uses_thought_leaders"].tolist() in ([0], [1])  # 28 characters: labelled
    assert meta.column_names_to_labels["role"]


@pytest.mark.django_db
def test_personal_data_only_on_request(every_type_survey, export_files):
    from tests.kit.surveys import every_type_answers

    bulk_responses(every_type_survey, [every_type_answers()], reconcile=False)

    without, _ = _read(_build(every_type_survey, SAV))
    with_it, meta = _read(_build(every_type_survey, SAV, personal_data=True))

    assert "email" not in without.columns
    assert with_it["email"].tolist() == ["ada@example.com"]
    assert meta.column_names_to_labels["email"] == "E-mail?"
    assert ExportRecord.objects.filter(parameters__personal_data=True).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [SAV, DTA])
def test_a_survey_without_responses_gives_an_empty_file(survey, kind, export_files):
    record = _build(survey, kind)
    frame, meta = _read(record)

    assert (record.rows, len(frame)) == (0, 0)
    assert list(frame.columns) == [v.name for v in survey_codebook(survey).variables]
