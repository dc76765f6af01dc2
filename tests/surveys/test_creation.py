"""surveys.creation: a new survey with its draft at once, never another survey touched."""

import threading
import time
from dataclasses import replace

import pytest
from django.db import connection

from surveys import creation
from surveys.creation import STARTERS, SlugInvalid, SlugTaken, copy_definition, starter, survey_create
from surveys.definition_files import definition_to_yaml
from surveys.models import Survey
from surveys.selectors import version_definition
from surveys.services import version_publish
from surveys.types import question_type


def test_it_creates_a_blank_survey_with_one_empty_page_in_a_draft(manager):
    version = survey_create(title="Blank", slug="blank", start=None, creator=manager)
    assert (version.number, version.status, version.survey.slug, version.survey.title) == (1, "draft", "blank", "Blank")
    definition = version_definition(version)
    assert [(p.title, p.questions) for p in definition.pages] == [("", ())]
    assert list(version.survey.editors.all()) == [manager]


def test_every_starter_file_is_a_valid_definition_that_round_trips():
    assert STARTERS
    for item in STARTERS:
        definition = item.definition()
        assert definition.pages, item.name
        assert definition_to_yaml(definition) == item.path.read_text(encoding="utf-8"), item.name


def test_the_nps_pulse_asks_a_score_a_reason_and_an_optional_role():
    score, reason, role = starter("nps-pulse").definition().questions.values()
    assert question_type(score.type).nps and score.required
    assert question_type(reason.type).default_max_length and not reason.required
    assert question_type(role.type).has_choices and not question_type(role.type).exclusive_choices
    assert not role.required


def test_a_starter_s_survey_can_be_published_as_it_is(manager):
    for i, item in enumerate(STARTERS):
        version = survey_create(title=item.label, slug=f"s{i}", start=item.definition(), creator=manager)
        assert version_publish(version=version).status == "open"


def test_it_replaces_the_slug_title_and_status_of_the_start(manager, demo_survey, demo_definition):
    version = survey_create(title="Again", slug="again", start=demo_definition, creator=manager)
    assert version.status == "draft"
    assert version_definition(version) == replace(demo_definition, slug="again", title="Again", status="draft")
    assert demo_survey.versions.count() == 1


def test_a_copy_starts_from_the_open_version_and_the_survey_s_findings(demo_survey, demo_definition):
    assert copy_definition(demo_survey) == replace(demo_definition, status="open")


def test_a_copy_of_a_survey_without_versions_keeps_its_title_and_findings():
    survey = Survey.objects.create(slug="empty", title="Empty", description="About nothing")
    definition = copy_definition(survey)
    assert (definition.title, definition.description, len(definition.pages)) == ("Empty", "About nothing", 1)


def test_it_refuses_a_taken_slug_and_leaves_that_survey_alone(outsider, demo_survey):
    before = version_definition(demo_survey.open_version())
    with pytest.raises(SlugTaken):
        survey_create(title="Hijack", slug=demo_survey.slug, start=None, creator=outsider)
    demo_survey.refresh_from_db()
    assert demo_survey.title != "Hijack"
    assert demo_survey.versions.count() == 1
    assert version_definition(demo_survey.open_version()) == before
    assert not demo_survey.editors.exists()


@pytest.mark.parametrize("slug", ["methods", "new", "Upper", "", "-x"])
def test_it_refuses_a_slug_the_app_cannot_use(manager, slug):
    with pytest.raises(SlugInvalid):
        survey_create(title="X", slug=slug, start=None, creator=manager)
    assert not Survey.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_creations_racing_for_one_slug_make_one_survey(manager, monkeypatch):
    """The second INSERT waits on the unique index for the first transaction, then fails:
    one survey, and the other request hears that the slug is taken."""
    import_survey = creation.survey_import
    first_inside = threading.Event()

    def slow_import(**kwargs):
        first_inside.set()
        time.sleep(0.5)  # the first creation holds its new row while the second tries
        return import_survey(**kwargs)

    monkeypatch.setattr(creation, "survey_import", slow_import)
    outcomes: list[str] = []

    def create() -> None:
        try:
            survey_create(title="Race", slug="race", start=None, creator=manager)
            outcomes.append("created")
        except SlugTaken:
            outcomes.append("taken")
        finally:
            connection.close()

    first = threading.Thread(target=create)
    first.start()
    assert first_inside.wait(5)
    second = threading.Thread(target=create)
    second.start()
    first.join(10)
    second.join(10)
    assert sorted(outcomes) == ["created", "taken"]
    assert Survey.objects.filter(slug="race").count() == 1
    assert Survey.objects.get(slug="race").versions.count() == 1
