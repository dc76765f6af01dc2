"""A condition nested too deeply is a normal, positioned validation error wherever a
condition is written (the admin's finding form, an imported YAML file), not a crash."""

from html import unescape

import pytest

from surveys.conditions import MAX_DEPTH
from surveys.definition_files import DefinitionError, definition_from_yaml
from surveys.models import Finding
from tests.kit.admin import form_data, survey_admin_url
from tests.kit.demo import demo_data, dump_yaml

DEEP = "(" * 2000 + "role = it" + ")" * 2000
TOO_DEEP = "at position {}: too deeply nested: more than " + str(MAX_DEPTH) + " levels of parentheses and 'not'"


@pytest.mark.django_db
def test_it_refuses_a_deeply_nested_finding_in_the_admin_with_the_position(client, manager, demo_survey):
    client.force_login(manager)
    url = survey_admin_url("survey", demo_survey.pk)
    data = form_data(client.get(url), "survey_form")
    count = Finding.objects.filter(survey=demo_survey).count()
    new = f"findings-{count}"
    data.update({
        "findings-TOTAL_FORMS": [str(count + 1)],
        f"{new}-position": [str(count)],
        f"{new}-code": ["deep_finding"],
        f"{new}-statement": ["A finding nested 2,000 levels deep"],
        f"{new}-base_condition": [DEEP],
        f"{new}-target_condition": ["role = business"],
        f"{new}-survey": [str(demo_survey.pk)],
    })

    response = client.post(url, {**data, "_save": "Save"})

    assert response.status_code == 200
    assert TOO_DEEP.format(MAX_DEPTH) in unescape(response.content.decode())
    assert not Finding.objects.filter(code="deep_finding").exists()


def test_it_refuses_a_deeply_nested_condition_in_an_imported_file():
    data = demo_data()
    data["findings"][0]["target"] = DEEP
    data["pages"][1]["condition"] = "not " * 2000 + "role = it"

    with pytest.raises(DefinitionError) as caught:
        definition_from_yaml(dump_yaml(data))

    assert caught.value.errors == [
        "pages[1].condition: " + TOO_DEEP.format(4 * MAX_DEPTH),  # the 51st "not "
        "findings[0].target: " + TOO_DEEP.format(MAX_DEPTH),  # the 51st "("
    ]


@pytest.mark.parametrize("text", ["[" * 3000 + "]" * 3000, "slug: " + "{a: " * 3000 + "1" + "}" * 3000])
def test_it_refuses_a_file_nested_too_deeply_for_the_yaml_parser(text):
    with pytest.raises(DefinitionError) as caught:
        definition_from_yaml(text)

    assert caught.value.errors == ["file: lists or mappings nested too deeply"]
