"""The results index /results/: the surveys a user may view results of, with their response
totals and links, in the same number of queries for any number of surveys."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from surveys.creation import survey_create
from surveys.models import Survey
from surveys.selectors import shared_surveys
from tests.kit.data import response_mix
from tests.kit.demo import leader_answers

URL = reverse("results:index")


def _slugs(response) -> list[str]:
    assert response.status_code == 200
    return [survey.slug for survey in response.context["surveys"]]


def test_it_sends_anonymous_users_to_the_sign_in_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={URL}"


def test_it_refuses_a_user_without_a_results_permission(client, outsider, demo_survey):
    client.force_login(outsider)
    assert client.get(URL).status_code == 403


def test_it_says_so_when_nothing_is_shared_yet(client, viewer, demo_survey):
    client.force_login(viewer)
    response = client.get(URL)
    assert _slugs(response) == []
    assert "No survey's results are shared with you yet." in response.content.decode()


def test_it_lists_the_surveys_shared_with_the_viewer_with_their_totals(results, demo_survey, every_type_survey):
    complete, partial = response_mix(demo_survey, leader_answers(role="business"))
    response = results.get(URL)
    assert _slugs(response) == [demo_survey.slug]
    (survey,) = response.context["surveys"]
    assert (survey.complete_count, survey.partial_count) == (complete, partial) == (3, 2)
    content = response.content.decode()
    assert f'href="{reverse("results:overview", args=[demo_survey.slug])}"' in content
    assert f'href="{reverse("exports:index", args=[demo_survey.slug])}"' in content
    assert every_type_survey.title not in content
    # A results viewer does not build surveys: no link to the builder.
    assert reverse("builder:home") not in content


def test_it_lists_a_survey_shared_with_one_of_the_viewer_s_groups(client, viewer, demo_survey):
    group = Group.objects.create(name="Research")
    viewer.groups.add(group)
    demo_survey.viewer_groups.add(group)
    client.force_login(viewer)
    assert _slugs(client.get(URL)) == [demo_survey.slug]


def test_it_lists_every_survey_for_the_global_permission(client, viewer, demo_survey, every_type_survey):
    viewer.user_permissions.add(Permission.objects.get(codename="view_all_results"))
    client.force_login(viewer)
    assert set(_slugs(client.get(URL))) == {demo_survey.slug, every_type_survey.slug}


def test_it_lists_the_surveys_a_manager_edits_and_links_back_to_them(alice, demo_survey, every_type_survey):
    response = alice.get(URL)
    assert _slugs(response) == [demo_survey.slug]
    assert f'href="{reverse("builder:home")}"' in response.content.decode()


def test_the_list_agrees_with_each_survey_s_own_rule(viewer, manager, outsider, demo_survey, every_type_survey):
    group = Group.objects.create(name="Research")
    outsider.groups.add(group)
    every_type_survey.viewer_groups.add(group)
    demo_survey.viewers.add(viewer)
    for user in (viewer, manager, outsider):
        assert set(shared_surveys(user)) == {s for s in Survey.objects.all() if s.is_shared_with(user)}, user


@pytest.mark.parametrize("count", [1, 5])
def test_it_lists_any_number_of_surveys_in_the_same_number_of_queries(
    client, viewer, manager, django_assert_num_queries, count
):
    for i in range(count):
        survey_create(title=f"Pulse {i}", slug=f"pulse-{i}", start=None, creator=manager).survey.viewers.add(viewer)
    client.force_login(viewer)
    # session, user, the user's and the groups' permissions, the surveys with their totals
    with django_assert_num_queries(5):
        response = client.get(URL)
    assert len(_slugs(response)) == count
