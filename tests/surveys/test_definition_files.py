"""Survey definition files: `import_survey` and `export_survey`, the demo file's canonical
form, and the exact errors a broken file gets (with nothing written)."""

from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from surveys.definition_files import DefinitionError, definition_from_yaml, definition_to_yaml
from surveys.models import Choice, Finding, MatrixRow, Question, Survey, SurveyVersion
from tests.kit.demo import DEMO_FILE, demo_data, dump_yaml


def _question(data: dict, page: int, index: int) -> dict:
    return data["pages"][page]["questions"][index]


def _changed(mutate: Callable[[dict], object]) -> Callable[[], str]:
    """A file made from the demo with one change, as the text a user would import."""

    def text() -> str:
        data = demo_data()
        mutate(data)
        return dump_yaml(data)

    return text


def _import(path: Path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_survey", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _export(*args: str) -> str:
    out = StringIO()
    call_command("export_survey", *args, stdout=out)
    return out.getvalue()


def _row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Survey, SurveyVersion, Question, Choice, MatrixRow, Finding)
    }


def _write(tmp_path: Path, text: str, name: str = "survey.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


INVALID_YAML = "slug: ddiq-2010\n title: x\n"


def _comments_as_decimal(data: dict, **bounds) -> None:
    comments = _question(data, 2, 3)
    del comments["max_length"]
    comments.update(type="decimal", **bounds)


BROKEN_FILES = [
    pytest.param(
        _changed(lambda d: _question(d, 2, 3).update(code="barriers")),
        "pages[2].questions[3].code: duplicate code 'barriers' (also at pages[2].questions[2])",
        id="duplicate-question-code",
    ),
    pytest.param(
        _changed(lambda d: _question(d, 1, 0)["rows"][1].update(code="twitter")),
        "pages[1].questions[0].rows: duplicate code 'twitter'",
        id="duplicate-row-code",
    ),
    pytest.param(
        _changed(lambda d: _question(d, 0, 1)["choices"][1].update(code="c_level")),
        "pages[0].questions[1].choices: duplicate code 'c_level'",
        id="duplicate-choice-code",
    ),
    pytest.param(
        _changed(lambda d: _question(d, 2, 3).update(type="essay")),
        "pages[2].questions[3].type: unknown type 'essay' (expected one of single, dropdown, multiple, matrix, "
        "matrix_multiple, ranking, integer, decimal, rating, slider, constant_sum, short_text, long_text, email, "
        "date)",
        id="unknown-type",
    ),
    pytest.param(
        _changed(lambda d: _question(d, 0, 1).update(condition="industry = retail")),
        "pages[0].questions[1].condition: at position 0: 'industry' is not asked before this condition",
        id="condition-on-later-question",
    ),
    pytest.param(
        _changed(lambda d: _question(d, 0, 1).update(condition="department = sales")),
        "pages[0].questions[1].condition: at position 0: unknown question 'department'",
        id="condition-on-unknown-question",
    ),
    pytest.param(
        _changed(lambda d: _question(d, 0, 1).update(condition="role == it")),
        "pages[0].questions[1].condition: at position 5: unknown operator '=='",
        id="bad-operator",
    ),
    pytest.param(
        _changed(lambda d: _question(d, 2, 0).pop("rows")),
        "pages[2].questions[0]: missing 'rows'",
        id="matrix-without-rows",
    ),
    pytest.param(
        _changed(lambda d: d["findings"][0].update(target="personal_use.twitter = never and")),
        "findings[0].target: at position 32: expected a question code after 'and'",
        id="finding-does-not-parse",
    ),
    pytest.param(
        lambda: INVALID_YAML,
        "file: not valid YAML (mapping values are not allowed here\n"
        '  in "<unicode string>", line 2, column 7:\n'
        "     title: x\n"
        "          ^)",
        id="invalid-yaml",
    ),
    pytest.param(
        _changed(lambda d: _question(d, 0, 0).update(colour="blue")),
        "pages[0].questions[0]: unknown key 'colour'",
        id="unknown-key",
    ),
    pytest.param(
        # A bare `no` is false in YAML; taken as text it would silently become the code 'False'.
        _changed(lambda d: _question(d, 0, 1)["choices"][4].update(code=False)),
        "pages[0].questions[1].choices[4].code: expected a code, got false (put yes, no, on and off in quotes)",
        id="unquoted-no-as-code",
    ),
    pytest.param(
        # The column holds 6 decimals: a 7th would be rounded away and the file never match again.
        _changed(lambda d: _comments_as_decimal(d, min=0.1234567)),
        "pages[2].questions[3].min: expected at most 14 digits before the decimal point and 6 after",
        id="bound-too-precise",
    ),
    pytest.param(
        _changed(lambda d: _comments_as_decimal(d, max=10**14)),
        "pages[2].questions[3].max: expected at most 14 digits before the decimal point and 6 after",
        id="bound-too-large",
    ),
    pytest.param(
        _changed(lambda d: _question(d, 0, 0).update(personal_data=True)),
        "pages[0].questions[0].personal_data: only text and e-mail questions can be marked personal data, "
        "not single (its answers are not free text)",
        id="personal-data-on-a-single-choice-question",
    ),
    pytest.param(
        _changed(lambda d: _question(d, 2, 3).update(personal_data="yes please")),
        "pages[2].questions[3].personal_data: expected true or false",
        id="personal-data-not-a-flag",
    ),
]


# --- The demo file ---------------------------------------------------------------------


@pytest.mark.django_db
def test_it_imports_the_demo_file_open():
    out, _ = _import(DEMO_FILE)

    assert out == "Imported ddiq-2010 as version 1 (open)\n"
    version = Survey.objects.get(slug="ddiq-2010").open_version()
    assert version.number == 1
    assert version.published_at is not None


@pytest.mark.django_db
def test_it_imports_every_page_question_and_finding_of_the_demo_file():
    _import(DEMO_FILE)

    survey = Survey.objects.get(slug="ddiq-2010")
    version = survey.open_version()
    assert version.pages.count() == 3
    assert list(version.questions.values_list("code", flat=True)) == [
        "role", "seniority", "industry", "revenue", "company_usage",
        "personal_use", "twitter_uses", "barriers", "comments",
    ]
    assert list(survey.findings.values_list("code", flat=True)) == [
        "it_never_twitter", "it_company_no_twitter", "it_twitter_paradox", "business_never_twitter",
    ]


@pytest.mark.django_db
def test_it_exports_the_demo_file_byte_for_byte():
    _import(DEMO_FILE)

    assert _export("ddiq-2010").encode("utf-8") == DEMO_FILE.read_bytes()


@pytest.mark.django_db
def test_it_exports_to_a_file_byte_for_byte(tmp_path):
    _import(DEMO_FILE)
    output = tmp_path / "out.yaml"

    _export("ddiq-2010", "--output", str(output))

    assert output.read_bytes() == DEMO_FILE.read_bytes()


@pytest.mark.django_db
def test_it_leaves_the_survey_unchanged_when_the_export_is_imported_again(tmp_path):
    _import(DEMO_FILE)
    exported = _write(tmp_path, _export("ddiq-2010"))

    out, _ = _import(exported)

    assert out == "ddiq-2010 is unchanged (version 1 is open)\n"
    assert SurveyVersion.objects.count() == 1


def _with_personal_comments() -> str:
    """The demo file with `comments` marked personal data, in the canonical form: the flag
    after `label` (and `segment`), before `max_length`."""
    data = demo_data()
    page = data["pages"][2]["questions"]
    page[3] = {"code": "comments", "type": "long_text", "label": page[3]["label"], "personal_data": True,
               "max_length": page[3]["max_length"]}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


@pytest.mark.django_db
def test_it_round_trips_the_personal_data_flag(tmp_path):
    text = _with_personal_comments()
    assert "    personal_data: true\n" in text

    _import(_write(tmp_path, text))

    assert list(Question.objects.filter(personal_data=True).values_list("code", flat=True)) == ["comments"]
    assert _export("ddiq-2010") == text


def test_it_reads_the_personal_data_flag_of_text_and_e_mail_questions():
    data = demo_data()
    comments = _question(data, 2, 3)
    comments["personal_data"] = True
    contact = {"code": "contact", "type": "email", "label": "E-mail", "personal_data": True}
    data["pages"][2]["questions"].append(contact)

    questions = definition_from_yaml(dump_yaml(data)).questions

    assert (questions["comments"].personal_data, questions["contact"].personal_data) == (True, True)
    assert questions["role"].personal_data is False
    # E-mail answers are personal data whether or not the file says so.
    contact.pop("personal_data")
    assert definition_from_yaml(dump_yaml(data)).questions["contact"].holds_personal_data


# --- Broken files ----------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", BROKEN_FILES)
def test_it_reports_the_exact_error_of_a_broken_file(text, expected):
    with pytest.raises(DefinitionError) as caught:
        definition_from_yaml(text())

    assert expected in caught.value.errors


@pytest.mark.django_db
@pytest.mark.parametrize("text, expected", BROKEN_FILES)
def test_it_writes_nothing_when_importing_a_broken_file(demo_survey, tmp_path, text, expected):
    path = _write(tmp_path, text())
    before = _row_counts()
    err = StringIO()

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_survey", str(path), stdout=StringIO(), stderr=err)

    assert expected in err.getvalue()
    assert _row_counts() == before


def test_it_reports_every_error_in_one_file():
    data = demo_data()
    _question(data, 0, 0)["colour"] = "blue"
    _question(data, 1, 0)["rows"][1]["code"] = "twitter"
    _question(data, 2, 1)["condition"] = "personal_use.twitter == never"
    data["findings"][1]["base"] = "role = cio"

    with pytest.raises(DefinitionError) as caught:
        definition_from_yaml(dump_yaml(data))

    assert caught.value.errors == [
        "pages[0].questions[0]: unknown key 'colour'",
        "pages[1].questions[0].rows: duplicate code 'twitter'",
        "pages[2].questions[1].condition: at position 21: unknown operator '=='",
        "findings[1].base: at position 0: 'cio' is not a choice of 'role' (it, business)",
    ]


@pytest.mark.django_db
def test_it_prints_every_error_of_a_file_on_stderr(tmp_path):
    data = demo_data()
    _question(data, 0, 0)["colour"] = "blue"
    _question(data, 1, 0)["rows"][1]["code"] = "twitter"
    path = _write(tmp_path, dump_yaml(data))
    err = StringIO()

    with pytest.raises(CommandError, match="2 problems found, nothing was imported"):
        call_command("import_survey", str(path), stdout=StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "pages[0].questions[0]: unknown key 'colour'",
        "pages[1].questions[0].rows: duplicate code 'twitter'",
    ]


@pytest.mark.django_db
def test_it_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.yaml: No such file or directory"):
        _import(tmp_path / "missing.yaml")


# --- A changed file --------------------------------------------------------------------


def _with_new_barrier(data: dict) -> None:
    _question(data, 2, 2)["choices"].insert(-1, {"code": "cost", "label": "Too costly"})


@pytest.mark.django_db
def test_it_imports_a_changed_file_as_a_new_open_version(demo_survey, tmp_path):
    path = _write(tmp_path, _changed(_with_new_barrier)())

    out, _ = _import(path)

    assert out == "Imported ddiq-2010 as version 2 (open)\n"
    statuses = dict(demo_survey.versions.values_list("number", "status"))
    assert statuses == {1: SurveyVersion.Status.CLOSED, 2: SurveyVersion.Status.OPEN}


@pytest.mark.django_db
def test_it_leaves_the_old_versions_questions_untouched(demo_survey, tmp_path):
    old = demo_survey.open_version()
    questions_before = list(Question.objects.filter(version=old).order_by("pk").values())
    choices_before = list(Choice.objects.filter(question__version=old).order_by("pk").values())
    path = _write(tmp_path, _changed(_with_new_barrier)())

    _import(path)

    assert list(Question.objects.filter(version=old).order_by("pk").values()) == questions_before
    assert list(Choice.objects.filter(question__version=old).order_by("pk").values()) == choices_before


@pytest.mark.django_db
def test_it_imports_a_changed_draft_file_beside_the_open_version(demo_survey, tmp_path):
    path = _write(tmp_path, _changed(lambda d: (_with_new_barrier(d), d.pop("status")))())

    out, _ = _import(path)

    assert out == "Imported ddiq-2010 as version 2 (draft)\n"
    assert demo_survey.open_version().number == 1


# --- Export ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_exports_the_requested_version(demo_survey, tmp_path):
    _import(_write(tmp_path, _changed(_with_new_barrier)()))

    exported = _export("ddiq-2010", "--version", "1")

    # Version 1 is closed now, and a closed version exports without `status: open`.
    assert exported == DEMO_FILE.read_text(encoding="utf-8").replace("status: open\n", "")


@pytest.mark.django_db
def test_it_exports_the_open_version_by_default(demo_survey, tmp_path):
    changed = _changed(_with_new_barrier)()
    _import(_write(tmp_path, changed))

    assert _export("ddiq-2010") == definition_to_yaml(definition_from_yaml(changed))


@pytest.mark.django_db
def test_it_refuses_to_export_an_unknown_survey():
    with pytest.raises(CommandError, match="No survey with slug 'nope'"):
        _export("nope")


@pytest.mark.django_db
def test_it_refuses_to_export_an_unknown_version(demo_survey):
    with pytest.raises(CommandError, match=r"Survey 'ddiq-2010' has no version 7 \(versions: 1\)"):
        _export("ddiq-2010", "--version", "7")
