"""The surveys home /build/: who reaches it, which surveys it lists, what it says of each
(state, responses) and where it links to; its query count does not grow with the surveys."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from responses.models import QuotaCounter
from responses.quotas import CAP
from surveys.creation import starter, survey_create
from surveys.lifecycle import survey_archive
from surveys.models import Survey
from surveys.services import version_close, version_duplicate, version_publish
from tests.kit.data import response_mix
from tests.kit.demo import leader_answers

URL = reverse("builder:home")


def _card(response, survey: Survey):
    return next(card for card in response.context["cards"] if card.survey.pk == survey.pk)


def _surveys(n: int, creator) -> list[Survey]:
    return [
        survey_create(title=f"Pulse {i}", slug=f"pulse-{i}", start=None, creator=creator).survey for i in range(n)
    ]


# --- who reaches it --------------------------------------------------------------------------


def test_it_sends_anonymous_users_to_the_sign_in_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={URL}"


@pytest.mark.parametrize("actor", ["viewer", "outsider"])
def test_it_refuses_users_who_do_not_build_surveys(client, request, actor):
    client.force_login(request.getfixturevalue(actor))
    assert client.get(URL).status_code == 403


def test_it_shows_an_empty_home_with_the_way_to_start(alice):
    response = alice.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "You have no surveys yet" in content
    assert content.count(f'href="{reverse("builder:create")}"') == 1


def test_it_offers_a_new_survey_above_the_list(alice, demo_survey):
    content = alice.get(URL).content.decode()
    assert content.count(f'href="{reverse("builder:create")}"') == 1


def test_it_hides_new_survey_from_a_user_who_may_not_create(client, manager, demo_survey):
    manager.groups.clear()
    manager.user_permissions.add(*Group.objects.get(name="Survey managers").permissions.exclude(codename="add_survey"))
    client.force_login(manager)
    response = client.get(URL)
    assert response.status_code == 200
    assert reverse("builder:create") not in response.content.decode()


# --- which surveys -----------------------------------------------------------------------------


def test_it_lists_only_the_surveys_the_user_edits_newest_first(alice, manager, demo_survey, every_type_survey):
    older, newer = _surveys(2, manager)
    Survey.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=2))
    response = alice.get(URL)
    assert response.status_code == 200
    assert [card.survey.slug for card in response.context["cards"]] == ["pulse-1", "ddiq-2010", "pulse-0"]
    assert every_type_survey.title not in response.content.decode()


def test_it_lists_surveys_shared_for_results_read_only(alice, manager, every_type_survey):
    every_type_survey.viewers.add(manager)
    response = alice.get(URL)
    assert response.status_code == 200
    card = _card(response, every_type_survey)
    assert not card.editable
    content = response.content.decode()
    assert "Read-only: shared with you for results" in content
    assert f'href="{reverse("builder:outline", args=[every_type_survey.slug])}">View</a>' in content
    version = every_type_survey.open_version()
    # Previews and test mode are for editors: not offered on a survey only shared.
    assert reverse("surveys:preview", args=[version.pk]) not in content
    assert reverse("responses:preview", args=[every_type_survey.slug, version.pk]) not in content
    assert reverse("results:overview", args=[every_type_survey.slug]) in content


def test_it_lists_every_survey_for_a_superuser(client, django_user_model, demo_survey, every_type_survey):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "pw"))
    response = client.get(URL)
    assert response.status_code == 200
    assert {card.survey.slug for card in response.context["cards"] if card.editable} == {
        demo_survey.slug, every_type_survey.slug,
    }


# --- what it says of each survey --------------------------------------------------------------


def _state(alice, survey) -> str:
    response = alice.get(URL)
    assert response.status_code == 200
    return _card(response, survey).state.sentence


def test_it_says_a_new_survey_is_a_draft_only(alice, manager):
    (survey,) = _surveys(1, manager)
    assert _state(alice, survey) == "Draft only — not yet published"


def test_it_says_which_version_is_open_and_when_changes_wait_in_a_draft(alice, demo_survey):
    assert _state(alice, demo_survey) == "Open — version 1 taking responses"
    version_duplicate(version=demo_survey.open_version())
    assert _state(alice, demo_survey) == "Open — version 1 taking responses; changes in a draft"
    content = alice.get(URL).content.decode()
    assert "changes in a draft</strong> (version 2)" in content


def test_it_says_when_an_open_survey_closes_or_opens(alice, demo_survey):
    demo_survey.closes_at = timezone.now() + timedelta(days=3)
    demo_survey.save()
    assert _state(alice, demo_survey).startswith("Open — version 1 taking responses; closes on ")
    demo_survey.opens_at, demo_survey.closes_at = timezone.now() + timedelta(days=1), None
    demo_survey.save()
    assert _state(alice, demo_survey).startswith("Open — version 1 published; opens on ")
    demo_survey.opens_at, demo_survey.closes_at = None, timezone.now() - timedelta(days=1)
    demo_survey.save()
    assert _state(alice, demo_survey).startswith("Closed — version 1; closed on ")


def test_it_says_when_an_open_survey_is_at_its_cap(alice, demo_survey):
    demo_survey.response_cap = 2
    demo_survey.save()
    QuotaCounter.objects.update_or_create(survey=demo_survey, code=CAP, defaults={"cap": 2, "completes": 2})
    assert _state(alice, demo_survey) == "Open — version 1 published; at its cap of 2 responses"


def test_it_says_a_survey_without_an_open_version_is_closed(alice, demo_survey):
    version_close(version=demo_survey.open_version())
    assert _state(alice, demo_survey) == "Closed — version 1 no longer takes responses"


def test_it_says_an_archived_survey_is_archived(alice, demo_survey):
    survey_archive(survey=demo_survey)
    assert _state(alice, demo_survey).startswith("Archived — since ")


def test_it_counts_complete_and_partial_real_responses_only(alice, demo_survey):
    complete, partial = response_mix(demo_survey, leader_answers(role="it"))
    response = alice.get(URL)
    assert response.status_code == 200
    card = _card(response, demo_survey)
    assert (card.complete, card.partial) == (complete, partial) == (3, 2)
    assert "<strong>3</strong> complete responses" in response.content.decode()


# --- where it links to -------------------------------------------------------------------------


def test_it_links_an_open_public_survey_to_everything_but_invitations(alice, demo_survey):
    response = alice.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    version = demo_survey.open_version()
    public = "http://testserver" + reverse("responses:form", args=[demo_survey.slug])
    assert f'data-public-link>{public}</a>' in content
    assert f'data-copy-link="{public}"' in content
    for url in (
        reverse("surveys:preview", args=[version.pk]),
        reverse("responses:preview", args=[demo_survey.slug, version.pk]),
        reverse("results:overview", args=[demo_survey.slug]),
        reverse("exports:index", args=[demo_survey.slug]),
        reverse("builder:outline", args=[demo_survey.slug]),
    ):
        assert f'href="{url}"' in content, url
    assert reverse("admin:invitations_invitation_changelist") not in content


def test_it_gives_the_public_link_at_the_site_address(alice, demo_survey, settings):
    settings.SITE_URL = "https://surveys.example.org"
    content = alice.get(URL).content.decode()
    assert 'data-copy-link="https://surveys.example.org/s/ddiq-2010/"' in content


def test_it_links_an_invitation_survey_to_its_invitations_and_not_to_a_public_link(alice, demo_survey):
    demo_survey.access = Survey.Access.INVITATION
    demo_survey.save()
    response = alice.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    invitations = f'{reverse("admin:invitations_invitation_changelist")}?survey__id__exact={demo_survey.pk}'
    assert f'href="{invitations}"' in content
    assert "data-copy-link" not in content
    # The link leads to the list filtered to this survey.
    listing = alice.get(invitations)
    assert listing.status_code == 200
    assert listing.context["cl"].has_filters


def test_it_offers_no_public_link_before_a_version_is_published(alice, manager):
    (survey,) = _surveys(1, manager)
    response = alice.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "data-copy-link" not in content
    draft = survey.draft_version()
    assert f'href="{reverse("surveys:preview", args=[draft.pk])}"' in content


def test_it_previews_the_draft_when_there_is_one(alice, demo_survey):
    draft = version_duplicate(version=demo_survey.open_version())
    content = alice.get(URL).content.decode()
    assert f'href="{reverse("surveys:preview", args=[draft.pk])}"' in content
    assert f'href="{reverse("responses:preview", args=[demo_survey.slug, draft.pk])}"' in content


# --- cost ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 5])
def test_it_lists_any_number_of_surveys_in_the_same_number_of_queries(
    alice, manager, django_assert_num_queries, count
):
    pulse = starter("nps-pulse").definition()
    for i in range(count):
        version = survey_create(title=f"Pulse {i}", slug=f"pulse-{i}", start=pulse, creator=manager)
        if i % 2 == 0:  # some open, with a new draft beside, some draft only
            version_duplicate(version=version_publish(version=version))
    # session, user, the user's and the groups' permissions, the surveys with their totals,
    # their versions
    with django_assert_num_queries(6):
        response = alice.get(URL)
    assert response.status_code == 200
    assert len(response.context["cards"]) == count


def test_the_public_home_page_leads_staff_to_their_surveys(client, db):
    response = client.get(reverse("surveys:home"))
    assert response.status_code == 200
    assert f'<a href="{URL}">Staff: your surveys</a>' in response.content.decode()
