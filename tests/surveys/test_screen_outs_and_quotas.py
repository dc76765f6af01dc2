"""Screen-outs (per version, frozen with it) and quotas (survey-level, editable while the
survey runs) in the definition file: read, validated with positioned errors at import and
at publish, written back; and the example fieldwork copy of the demo, which imports."""

import pytest
import yaml

from surveys.definition_files import DefinitionError, definition_from_data, definition_from_yaml, definition_to_data
from surveys.models import FrozenVersionError, Page, Quota, ScreenOut
from surveys.selectors import version_definition
from surveys.services import VersionStateError, survey_import, version_duplicate, version_publish
from tests.kit.demo import FIELDWORK_FILE, fieldwork_data


def errors_of(data: dict) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        definition_from_data(data)
    return caught.value.errors


def test_it_reads_the_screen_out_and_the_quotas_of_the_fieldwork_copy():
    definition = definition_from_yaml(FIELDWORK_FILE.read_text(encoding="utf-8"))

    assert [(s.code, s.condition) for s in definition.screen_outs] == [("not_leader", "seniority = other")]
    assert [(q.code, q.condition, q.limit, q.closed) for q in definition.quotas] == [
        ("it_leaders", "role = it", 300, False), ("business_leaders", "role = business", 300, False),
    ]


@pytest.mark.django_db
def test_it_imports_the_fieldwork_copy_open_and_writes_it_back_the_same():
    text = FIELDWORK_FILE.read_text(encoding="utf-8")

    version, _ = survey_import(definition=definition_from_yaml(text))

    assert version.status == "open" and version.survey.slug == "ddiq-2010-fieldwork"
    assert ScreenOut.objects.filter(version=version).count() == 1
    assert Quota.objects.filter(survey=version.survey).count() == 2
    assert definition_to_data(version_definition(version)) == yaml.safe_load(text)


def test_it_places_an_unknown_question_in_a_screen_out_condition():
    data = fieldwork_data()
    data["screen_outs"][0]["condition"] = "seniorty = other"

    expected = "screen_outs[0].condition: at position 0: unknown question 'seniorty'"
    assert any(e.startswith(expected) for e in errors_of(data))


def test_it_places_a_quota_s_bad_limit_and_duplicate_code():
    data = fieldwork_data()
    data["quotas"][0]["limit"] = "many"
    data["quotas"][1]["code"] = "it_leaders"

    errors = errors_of(data)

    assert "quotas[0].limit: expected a whole number of completes (0 or more), got 'many'" in errors
    assert "quotas[1].code: duplicate code 'it_leaders'" in errors


def test_it_refuses_a_screen_out_without_a_message_and_a_reserved_quota_code():
    data = fieldwork_data()
    del data["screen_outs"][0]["message"]
    data["quotas"][0]["code"] = "_cap"

    errors = errors_of(data)

    assert "screen_outs[0]: missing 'message'" in errors
    assert "quotas[0].code: codes starting with _ are reserved for built-in quotas" in errors


@pytest.mark.django_db
def test_it_freezes_a_screen_out_with_its_published_version():
    version, _ = survey_import(definition=definition_from_data(fieldwork_data() | {"status": "open"}))
    screen_out = ScreenOut.objects.get(version=version)

    screen_out.condition = "seniority = manager"
    with pytest.raises(FrozenVersionError):
        screen_out.save()


@pytest.mark.django_db
def test_it_refuses_to_publish_a_draft_whose_screen_out_names_a_removed_question():
    version, _ = survey_import(definition=definition_from_data(fieldwork_data() | {"status": "open"}))
    draft = version_duplicate(version=version)
    page = Page.objects.get(version=draft, position=0)
    page.questions.get(code="seniority").delete()

    with pytest.raises(VersionStateError) as refused:
        version_publish(version=draft)

    assert "screen_outs[0].condition: at position 0: unknown question 'seniority'" in str(refused.value)


@pytest.mark.django_db
def test_it_keeps_a_quota_s_row_when_a_file_changes_its_limit():
    version, _ = survey_import(definition=definition_from_data(fieldwork_data() | {"status": "open"}))
    before = Quota.objects.get(survey=version.survey, code="it_leaders")

    survey_import(definition=definition_from_data(fieldwork_data(it_leaders=250) | {"status": "open"}))

    after = Quota.objects.get(survey=version.survey, code="it_leaders")
    assert (after.pk, after.limit) == (before.pk, 250)
