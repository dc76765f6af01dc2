"""Hidden fields in the definition file: declared per version (frozen with it), sharing the
question codes' namespace, usable in conditions; and the survey's four outcome redirects,
whose placeholders must name a hidden field."""

import importlib

import pytest

from surveys.definition_files import DefinitionError, definition_from_data, definition_from_yaml, definition_to_yaml
from surveys.models import FrozenVersionError, HiddenField
from surveys.selectors import version_definition
from surveys.services import survey_import
from tests.kit.demo import demo_data, dump_yaml

PANEL_FIELDS = [{"code": "rid"}, {"code": "src", "values": ["li", "tw"]}]
REDIRECTS = {
    "complete": "https://panel.example/complete?rid={rid}",
    "screened_out": "https://panel.example/screenout?rid={rid}",
    "quota_full": "https://panel.example/quotafull?rid={rid}",
    "closed": "https://panel.example/closed?rid={rid}&id={external_id}",
}


def panel_data(**changes) -> dict:
    """The demo file with the panel's hidden fields and redirects (keys in the file's order)."""
    data = demo_data()
    head = {k: data.pop(k) for k in ("slug", "title", "description", "status")}
    return {**head, "hidden_fields": PANEL_FIELDS, "redirects": REDIRECTS, **data} | changes


def errors_of(data: dict) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        definition_from_data(data)
    return caught.value.errors


def test_it_reads_hidden_fields_and_redirects():
    definition = definition_from_data(panel_data())

    assert [(h.code, h.values) for h in definition.hidden_fields] == [("rid", ()), ("src", ("li", "tw"))]
    assert definition.redirects.complete == REDIRECTS["complete"]
    assert set(definition.hidden) == {"external_id", "rid", "src"}


@pytest.mark.django_db
def test_it_round_trips_hidden_fields_and_redirects_through_the_database():
    text = dump_yaml(panel_data())

    version, _ = survey_import(definition=definition_from_yaml(text))

    assert definition_to_yaml(version_definition(version)) == definition_to_yaml(definition_from_yaml(text))
    assert "hidden_fields:\n- code: rid\n- code: src\n  values:\n  - li\n  - tw\n" in definition_to_yaml(
        version_definition(version)
    )
    assert version.survey.redirect_closed == REDIRECTS["closed"]


@pytest.mark.django_db
def test_it_makes_a_new_version_when_only_the_hidden_fields_change(demo_survey):
    first = demo_survey.open_version()

    version, created = survey_import(definition=definition_from_data(panel_data()))

    assert created and version.number == first.number + 1
    assert list(version.hidden_fields.values_list("code", flat=True)) == ["rid", "src"]


def test_it_refuses_a_hidden_field_named_like_a_question():
    errors = errors_of(panel_data(hidden_fields=[{"code": "role"}], redirects={}))

    assert errors == ["hidden_fields[0].code: code 'role' is also a question's code"]


def test_it_refuses_duplicate_and_built_in_hidden_codes():
    errors = errors_of(panel_data(hidden_fields=[{"code": "rid"}, {"code": "rid"}, {"code": "external_id"}]))

    assert errors == [
        "hidden_fields[1].code: duplicate code 'rid'",
        "hidden_fields[2].code: 'external_id' is built in (filled from the invitee): leave it out",
    ]


def test_it_refuses_bad_values_lists():
    errors = errors_of(panel_data(hidden_fields=[{"code": "src", "values": ["li", "li", "a b"]}], redirects={}))

    assert errors == [
        "hidden_fields[0].values: duplicate value 'li'",
        "hidden_fields[0].values[2]: expected a code, got 'a b'",
    ]


def test_it_refuses_a_redirect_placeholder_that_names_no_hidden_field():
    errors = errors_of(panel_data(redirects={"complete": "https://panel.example/done?rid={respondent}"}))

    assert errors == [
        "redirects.complete: unknown placeholder {respondent} (expected a hidden field: external_id, rid, src)"
    ]


def test_it_refuses_an_unknown_outcome_and_a_non_http_redirect():
    errors = errors_of(panel_data(redirects={"finished": "https://x.example/", "closed": "ftp://x.example/"}))

    assert errors == [
        "redirects: unknown key 'finished'",
        "redirects.closed: expected an http:// or https:// URL",
    ]


def test_it_lets_conditions_name_hidden_fields_like_questions():
    data = panel_data()
    data["pages"][1]["condition"] = "src = li and rid != ''"

    assert definition_from_data(data).pages[1].condition == "src = li and rid != ''"


def test_it_checks_a_condition_on_a_hidden_field_against_its_values():
    data = panel_data()
    data["pages"][1]["condition"] = "src = facebook"

    assert errors_of(data) == ["pages[1].condition: at position 0: 'facebook' is not a choice of 'src' (li, tw)"]


@pytest.mark.django_db
def test_it_freezes_hidden_fields_with_their_version():
    version, _ = survey_import(definition=definition_from_data(panel_data()))
    field = version.hidden_fields.get(code="src")

    field.values = ["li"]
    with pytest.raises(FrozenVersionError):
        field.save()
    with pytest.raises(FrozenVersionError):
        HiddenField.objects.create(version=version, code="extra")


def test_it_maps_the_old_redirect_fields_to_complete_and_closed():
    migration = importlib.import_module("surveys.migrations.0015_hidden_fields")

    mapped = migration.redirects_from_old("https://p.example/done?id={external_id}", "https://p.example/full")

    assert mapped == {
        "redirect_complete": "https://p.example/done?id={external_id}",
        "redirect_closed": "https://p.example/full",
    }
