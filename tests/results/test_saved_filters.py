"""Saved filters: a results viewer saves the page's condition under a name; the results pages
list them as links; their owner or a survey manager deletes them, nobody else."""

from html import escape
from urllib.parse import urlencode

import pytest
from django.test import Client

from results.models import SavedFilter
from tests.kit.users import make_user

pytestmark = pytest.mark.django_db

IT = "role = it"
PAGE = "/results/ddiq-2010/questions/?" + urlencode({"where": IT, "segment": "role:it"})


def _save(client, name: str = "IT leaders", where: str = IT, next_url: str = PAGE):
    return client.post("/results/ddiq-2010/filters/save/", {"name": name, "where": where, "next": next_url})


def test_it_saves_the_pages_condition_and_goes_back_to_the_page(results, viewer, demo_survey):
    response = _save(results)
    assert response.status_code == 302 and response["Location"] == PAGE
    saved = SavedFilter.objects.get()
    assert (saved.survey, saved.name, saved.condition, saved.created_by) == (demo_survey, "IT leaders", IT, viewer)
    page = results.get(response["Location"]).content.decode()
    assert "Saved the filter “IT leaders”." in page


def test_it_lists_saved_filters_as_links_keeping_the_other_filters(results, viewer, demo_survey):
    SavedFilter.objects.create(survey=demo_survey, name="Business", condition="role = business", created_by=viewer)
    for path in ("", "questions/", "questions/barriers/", "compare/", "crosstab/"):
        response = results.get(f"/results/ddiq-2010/{path}?segment=role:it")
        link = response.context["saved_filters"][0]
        assert link["query"] == "?segment=role%3Ait&where=role+%3D+business", path
        assert 'title="role = business"' in response.content.decode()


@pytest.mark.parametrize(("name", "where", "message"), [
    ("", IT, "Give the filter a name."),
    ("x" * 101, IT, "at most 100 characters"),
    ("Bad", "role = nobody", "'nobody' is not a choice of 'role'"),
    ("Empty", "", "Type a filter condition before saving it."),
])
def test_it_refuses_a_bad_filter_with_a_message(results, name, where, message):
    response = _save(results, name=name, where=where)
    assert response.status_code == 302 and not SavedFilter.objects.exists()
    assert escape(message) in results.get(response["Location"]).content.decode()


def test_it_refuses_a_name_the_survey_already_has(results):
    _save(results)
    response = _save(results, where="role = business")
    assert SavedFilter.objects.count() == 1
    assert "already has a filter named “IT leaders”" in results.get(response["Location"]).content.decode()


def test_it_goes_back_only_to_the_surveys_results(results):
    assert _save(results, next_url="https://evil.example/results/ddiq-2010/")["Location"] == "/results/ddiq-2010/"
    assert _save(results, name="2", next_url="/admin/")["Location"] == "/results/ddiq-2010/"


def test_its_owner_deletes_it(results, viewer, demo_survey):
    saved = SavedFilter.objects.create(survey=demo_survey, name="IT", condition=IT, created_by=viewer)
    assert results.get("/results/ddiq-2010/").context["saved_filters"][0]["deletable"]
    response = results.post(f"/results/ddiq-2010/filters/{saved.pk}/delete/", {"next": PAGE})
    assert response.status_code == 302 and not SavedFilter.objects.exists()


def test_another_viewer_sees_it_but_may_not_delete_it(client, demo_survey):
    dave = make_user("dave", group="Results viewers")
    saved = SavedFilter.objects.create(survey=demo_survey, name="IT", condition=IT, created_by=dave)
    erin = make_user("erin", group="Results viewers")
    demo_survey.viewers.add(erin)
    client.force_login(erin)
    assert not client.get("/results/ddiq-2010/").context["saved_filters"][0]["deletable"]
    assert client.post(f"/results/ddiq-2010/filters/{saved.pk}/delete/").status_code == 403
    assert SavedFilter.objects.exists()


def test_a_survey_manager_deletes_anyones(alice, viewer, demo_survey):
    saved = SavedFilter.objects.create(survey=demo_survey, name="IT", condition=IT, created_by=viewer)
    assert alice.get("/results/ddiq-2010/").context["saved_filters"][0]["deletable"]
    assert alice.post(f"/results/ddiq-2010/filters/{saved.pk}/delete/").status_code == 302
    assert not SavedFilter.objects.exists()


def test_an_outsider_neither_sees_nor_saves_nor_deletes(client, outsider, viewer, demo_survey):
    saved = SavedFilter.objects.create(survey=demo_survey, name="IT", condition=IT, created_by=viewer)
    client.force_login(outsider)
    assert _save(client, name="Mine").status_code == 403
    assert client.post(f"/results/ddiq-2010/filters/{saved.pk}/delete/").status_code == 403
    assert Client().post("/results/ddiq-2010/filters/save/", {"name": "x", "where": IT}).status_code == 302
    assert SavedFilter.objects.count() == 1


def test_a_saved_filter_of_another_survey_is_not_found(results, viewer, demo_survey):
    from surveys.models import Survey

    other = Survey.objects.create(slug="other", title="Other")
    saved = SavedFilter.objects.create(survey=other, name="IT", condition=IT, created_by=viewer)
    assert results.post(f"/results/ddiq-2010/filters/{saved.pk}/delete/").status_code == 404


def test_saving_needs_a_post(results):
    assert results.get("/results/ddiq-2010/filters/save/").status_code == 405
