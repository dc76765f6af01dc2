"""NETs and saved crosstab views in the survey definition: the file round-trips them, each
problem is reported at its place, an import replaces them without a new version, the admin
checks them (tests/surveys/test_admin.py), and a database filled before they existed migrates
and gets them on import."""

import random
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from responses.models import Response
from surveys.definition_files import DefinitionError, definition_from_data, definition_to_yaml
from surveys.models import Finding, Net, SavedView, Survey, SurveyVersion
from tests.kit.data import bulk_responses
from tests.kit.demo import random_demo_answers
from tests.kit.habits import habits

DEMO_FILE = Path(__file__).resolve().parents[2] / "surveys" / "demo" / "ddiq-2010.yaml"

def _import_text(tmp_path: Path, text: str) -> str:
    path = tmp_path / "survey.yaml"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("import_survey", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def _export(slug: str) -> str:
    out = StringIO()
    call_command("export_survey", slug, stdout=out)
    return out.getvalue()


# --- The definition file ---------------------------------------------------------------


def test_it_reads_nets_and_views():
    definition = definition_from_data(habits())

    often, any_use = definition.nets
    assert (often.question, often.code, often.label, often.choices, often.all_but) == (
        "exercise", "often_plus", "Often or more", ("often", "always"), False,
    )
    assert (any_use.choices, any_use.all_but, any_use.zero_point) == (("no",), True, "no")
    assert any_use.members(("no", "some", "lots")) == ("some", "lots")
    (view,) = definition.views
    assert (view.row, view.column, view.segment, view.highlight_row, view.highlight_column_not) == (
        "exercise", "tools.chat", "team:sales", "rarely", "no",
    )


@pytest.mark.django_db
def test_it_round_trips_nets_and_views_through_import_and_export(tmp_path):
    text = definition_to_yaml(definition_from_data(habits()))
    assert "nets:\n- question: exercise\n" in text and "  all_but:\n  - 'no'\n" in text
    assert "  highlight:\n    row: rarely\n    column_not: 'no'\n" in text

    assert _import_text(tmp_path, text) == "Imported habits as version 1 (open)\n"

    assert _export("habits") == text
    survey = Survey.objects.get(slug="habits")
    assert list(survey.nets.values_list("question_code", "code", "choices", "all_but")) == [
        ("exercise", "often_plus", ["often", "always"], False), ("tools", "any_use", ["no"], True),
    ]
    assert list(survey.saved_views.values_list("code", "row_variable", "column_variable")) == [
        ("fit_chatters", "exercise", "tools.chat"),
    ]


def test_it_leaves_nets_and_views_out_of_a_file_without_them():
    text = definition_to_yaml(definition_from_data(habits(nets=[], views=[])))
    assert "nets:" not in text and "views:" not in text


def _net(**changes) -> dict:
    return {"question": "exercise", "code": "often_plus", "label": "Often or more", "choices": ["often"]} | changes


def _view(**changes) -> dict:
    return {"code": "v", "label": "V", "row": "exercise", "column": "tools.chat"} | changes


BROKEN = [
    pytest.param({"nets": [_net(question="sleep")]}, "nets[0].question: unknown question 'sleep'",
                 id="net-unknown-question"),
    pytest.param({"nets": [_net(question="perks")]},
                 "nets[0].question: 'perks' is a multiple question: NETs apply to single, dropdown, matrix questions",
                 id="net-on-multiple-choice"),
    pytest.param({"nets": [_net(question="notes")]},
                 "nets[0].question: 'notes' is a long_text question: NETs apply to single, dropdown, matrix questions",
                 id="net-on-text"),
    pytest.param({"nets": [_net(choices=["often", "daily"])]},
                 "nets[0].choices: 'daily' is not a choice of 'exercise' (rarely, sometimes, often, always)",
                 id="net-unknown-choice"),
    pytest.param({"nets": [{**_net(), "choices": None, "all_but": ["never"]}]},
                 "nets[0]: give either 'choices' or 'all_but' (the choices it leaves out)", id="net-both-forms"),
    pytest.param({"nets": [{"question": "tools", "code": "x", "label": "X", "all_but": ["none"]}]},
                 "nets[0].all_but: 'none' is not a choice of 'tools' (no, some, lots)", id="net-unknown-excluded"),
    pytest.param({"nets": [{"question": "tools", "code": "x", "label": "X", "all_but": ["no", "some", "lots"]}]},
                 "nets[0].all_but: leaves out every choice", id="net-of-nothing"),
    pytest.param({"nets": [_net(choices=["often", "often"])]}, "nets[0].choices: 'often' is listed twice",
                 id="net-choice-twice"),
    pytest.param({"nets": [_net(), _net(label="Again")]},
                 "nets[1].code: duplicate code 'often_plus' for 'exercise' (also at nets[0])", id="net-duplicate-code"),
    pytest.param({"nets": [_net(code="always")]},
                 "nets[0].code: 'always' is a choice of 'exercise': a NET needs a code of its own",
                 id="net-code-of-a-choice"),
    pytest.param({"nets": [_net(choices=[])]}, "nets[0].choices: must not be empty", id="net-without-choices"),
    pytest.param({"nets": [_net(choices=[False])]}, "nets[0].choices[0]: expected a choice code, got false",
                 id="net-unquoted-no"),
    pytest.param({"nets": [_net(colour="red")]}, "nets[0]: unknown key 'colour'", id="net-unknown-key"),
    pytest.param({"views": [_view(row="sleep")]}, "views[0].row: unknown question 'sleep'", id="view-unknown-question"),
    pytest.param({"views": [_view(column="tools")]},
                 "views[0].column: 'tools' is a matrix: name one of its rows, e.g. tools.mail",
                 id="view-matrix-no-row"),
    pytest.param({"views": [_view(column="tools.fax")]},
                 "views[0].column: 'fax' is not a row of 'tools' (mail, chat)", id="view-unknown-row"),
    pytest.param({"views": [_view(row="exercise.daily")]}, "views[0].row: 'exercise' has no rows",
                 id="view-row-of-a-single"),
    pytest.param({"views": [_view(row="perks")]},
                 "views[0].row: 'perks' is a multiple question: a crosstab crosses single, dropdown, matrix questions "
                 "(a matrix by its rows)", id="view-multiple-choice"),
    pytest.param({"views": [_view(segment="exercise:often")]}, "views[0].segment: 'exercise' is not a segment question",
                 id="view-segment-not-a-segment"),
    pytest.param({"views": [_view(segment="team:hr")]}, "views[0].segment: expected team:<choice>, one of sales, ops",
                 id="view-segment-unknown-choice"),
    pytest.param({"views": [_view(highlight={"row": "daily", "column_not": "no"})]},
                 "views[0].highlight.row: 'daily' is not a choice of 'exercise' (rarely, sometimes, often, always)",
                 id="view-highlight-unknown-choice"),
    pytest.param({"views": [_view(highlight={"row": "often", "column_not": "never"})]},
                 "views[0].highlight.column_not: 'never' is not a choice of 'tools' (no, some, lots)",
                 id="view-highlight-unknown-column-choice"),
    pytest.param({"views": [_view(highlight={"row": "often"})]}, "views[0].highlight: give both 'row' and 'column_not'",
                 id="view-half-a-highlight"),
    pytest.param({"views": [_view(), _view()]}, "views[1].code: duplicate code 'v'", id="view-duplicate-code"),
    pytest.param({"views": [_view(label="")]}, "views[0].label: must not be empty", id="view-without-label"),
]


@pytest.mark.parametrize("changes, expected", BROKEN)
def test_it_reports_the_place_of_a_broken_net_or_view(changes, expected):
    with pytest.raises(DefinitionError) as caught:
        definition_from_data(habits(**changes))

    assert expected in caught.value.errors


def test_it_reports_every_problem_of_nets_and_views_at_once():
    with pytest.raises(DefinitionError) as caught:
        definition_from_data(habits(nets=[_net(question="sleep"), _net(choices=["daily"])],
                                    views=[_view(row="sleep", column="tools")]))

    assert caught.value.errors == [
        "nets[0].question: unknown question 'sleep'",
        "nets[1].choices: 'daily' is not a choice of 'exercise' (rarely, sometimes, often, always)",
        "views[0].row: unknown question 'sleep'",
        "views[0].column: 'tools' is a matrix: name one of its rows, e.g. tools.mail",
    ]


# --- Import ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_replaces_nets_and_views_on_import_without_a_new_version(tmp_path):
    _import_text(tmp_path, definition_to_yaml(definition_from_data(habits())))
    survey = Survey.objects.get(slug="habits")
    stamp = survey.open_version().updated_at
    changed = habits(nets=[_net(label="Often, at least")], views=[])

    out = _import_text(tmp_path, definition_to_yaml(definition_from_data(changed)))

    assert out == "habits is unchanged (version 1 is open)\n"
    assert list(survey.nets.values_list("code", "label")) == [("often_plus", "Often, at least")]
    assert not survey.saved_views.exists()
    # The versions' stamp moved: every process recompiles the definition, NETs included.
    assert survey.open_version().updated_at > stamp


@pytest.mark.django_db
def test_it_recompiles_nothing_when_an_unchanged_file_is_imported(tmp_path):
    text = definition_to_yaml(definition_from_data(habits()))
    _import_text(tmp_path, text)
    stamp = SurveyVersion.objects.get().updated_at

    _import_text(tmp_path, text)

    assert SurveyVersion.objects.get().updated_at == stamp


@pytest.mark.django_db
def test_it_gives_an_existing_demo_install_its_nets_and_view_when_the_demo_is_imported_again():
    # What an install has right after the migration: the demo survey, no NETs, no views.
    call_command("import_survey", str(DEMO_FILE), stdout=StringIO())
    Net.objects.all().delete()
    SavedView.objects.all().delete()

    out = StringIO()
    call_command("import_survey", str(DEMO_FILE), stdout=out)  # what `make run` does on every start

    assert out.getvalue() == "ddiq-2010 is unchanged (version 1 is open)\n"
    assert list(Net.objects.values_list("question_code", "code")) == [
        ("company_usage", "net_any"), ("personal_use", "net_ever"), ("personal_use", "net_weekly"),
    ]
    assert list(SavedView.objects.values_list("code", flat=True)) == ["it_twitter_paradox"]
    assert SurveyVersion.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_migrates_a_database_filled_before_nets_and_views(demo_survey):
    bulk_responses(demo_survey, [random_demo_answers(random.Random(i)) for i in range(5)])
    executor = MigrationExecutor(connection)
    leaf = executor.loader.graph.leaf_nodes("surveys")
    before = ("surveys", "0006_survey_editors_listed")
    try:
        executor.migrate([before])
        executor.loader.build_graph()
        with connection.cursor() as cursor:
            assert "surveys_net" not in connection.introspection.table_names(cursor)
        executor.migrate(leaf)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    survey = Survey.objects.get(slug="ddiq-2010")
    assert (survey.versions.count(), Finding.objects.filter(survey=survey).count()) == (1, 4)
    assert Response.objects.filter(survey=survey).count() == 5
    assert not Net.objects.exists() and not SavedView.objects.exists()
    managers = set(Group.objects.get(name="Survey managers").permissions.values_list("codename", flat=True))
    assert {"add_net", "change_net", "delete_net", "view_savedview", "change_savedview"} <= managers


@pytest.mark.django_db
def test_it_recompiles_the_definition_when_a_net_is_saved_or_deleted(tmp_path):
    _import_text(tmp_path, definition_to_yaml(definition_from_data(habits(nets=[], views=[]))))
    survey = Survey.objects.get(slug="habits")
    stamp = survey.open_version().updated_at

    net = Net.objects.create(survey=survey, question_code="exercise", code="top", label="Top", choices=["always"])
    saved = survey.open_version().updated_at
    net.delete()

    assert stamp < saved < survey.open_version().updated_at


def test_it_keeps_the_demo_yaml_in_its_canonical_form():
    text = DEMO_FILE.read_text(encoding="utf-8")
    assert definition_to_yaml(definition_from_data(yaml.safe_load(text))) == text
