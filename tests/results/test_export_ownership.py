"""An export is its requester's: another viewer of the survey neither sees it listed nor
opens or downloads it by its number (404); the survey's editors and superusers see all of
its exports."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.urls import reverse

from results.exports.records import export_record
from results.exports.xlsx import raw_xlsx_export_build
from results.models import ExportRecord
from tests.kit.data import submit_and_count
from tests.kit.demo import leader_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def dora(db) -> User:
    """A second results viewer the survey is shared with."""
    user = User.objects.create_user(username="dora", password="pw-dora")
    user.groups.add(Group.objects.get(name="Results viewers"))
    return user


@pytest.fixture
def bobs_export(demo_survey, viewer, dora):
    demo_survey.viewers.add(viewer, dora)
    submit_and_count(demo_survey, leader_answers(role="it"))
    record = export_record(user=viewer, survey=demo_survey, kind=ExportRecord.Kind.RAW_XLSX,
                           status=ExportRecord.Status.PENDING)
    record = raw_xlsx_export_build(export_id=record.pk)
    yield record
    for done in ExportRecord.objects.exclude(file_path=""):
        (Path(settings.MEDIA_ROOT) / done.file_path).unlink(missing_ok=True)


def _urls(record: ExportRecord) -> list[str]:
    slug = record.survey.slug
    return [reverse("exports:status", args=[slug, record.pk]), reverse("exports:download", args=[slug, record.pk])]


def _index(client, survey) -> str:
    return client.get(reverse("exports:index", args=[survey.slug])).content.decode()


def test_it_serves_an_export_to_the_user_who_asked_for_it(client, viewer, bobs_export):
    client.force_login(viewer)

    assert [client.get(url).status_code for url in _urls(bobs_export)] == [200, 200]
    assert reverse("exports:status", args=[bobs_export.survey.slug, bobs_export.pk]) in _index(
        client, bobs_export.survey
    )


def test_it_hides_another_viewer_s_export_from_the_list_and_by_number(client, dora, bobs_export):
    client.force_login(dora)

    assert [client.get(url).status_code for url in _urls(bobs_export)] == [404, 404]
    page = _index(client, bobs_export.survey)
    assert reverse("exports:status", args=[bobs_export.survey.slug, bobs_export.pk]) not in page
    assert "Your recent exports" not in page  # dora has none


def test_it_shows_every_export_of_the_survey_to_its_editor(client, manager, demo_survey, bobs_export):
    demo_survey.editors.add(manager)
    client.force_login(manager)

    assert [client.get(url).status_code for url in _urls(bobs_export)] == [200, 200]
    page = _index(client, demo_survey)
    assert reverse("exports:status", args=[demo_survey.slug, bobs_export.pk]) in page
    assert "<td>bob</td>" in page


def test_it_shows_every_export_to_an_editor_through_a_group(client, manager, demo_survey, bobs_export):
    editors = Group.objects.create(name="ddiq editors")
    manager.groups.add(editors)
    demo_survey.editor_groups.add(editors)
    client.force_login(manager)

    assert [client.get(url).status_code for url in _urls(bobs_export)] == [200, 200]


def test_it_shows_every_export_to_a_superuser(admin_client, bobs_export):
    assert [admin_client.get(url).status_code for url in _urls(bobs_export)] == [200, 200]


def test_it_hides_exports_from_a_manager_who_does_not_edit_the_survey(client, manager, demo_survey, bobs_export):
    demo_survey.editors.remove(manager)
    demo_survey.viewers.add(manager)  # shared with alice for results, but she does not edit it
    client.force_login(manager)

    assert [client.get(url).status_code for url in _urls(bobs_export)] == [404, 404]
