"""The survey settings page (/build/<slug>/settings/): each section saves only its own
fields, errors stay at the field with the typed values, sharing and editors offer the
people that exist, the status buttons survive double clicks and stale pages, and who may
see or change what."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from responses.models import QuotaCounter
from surveys.models import Quota, Survey, SurveyVersion
from tests.kit.data import submit_answers
from tests.kit.demo import demo_answers
from tests.kit.settings_page import messages_of
from tests.kit.settings_page import settings_url as url

pytestmark = pytest.mark.django_db


def access_data(survey: Survey, **changes) -> dict:
    """The access section as the page shows it for `survey`, with `changes`."""
    data = {
        "section": "access",
        "access-access": survey.access,
        "access-opens_at": "",
        "access-closes_at": "",
        "access-response_cap": "" if survey.response_cap is None else str(survey.response_cap),
        "access-redirect_complete": survey.redirect_complete,
        "access-redirect_closed": survey.redirect_closed,
    }
    if survey.listed:
        data["access-listed"] = "on"
    data.update({f"access-{name}": value for name, value in changes.items()})
    return {name: value for name, value in data.items() if value is not None}


def manager_named(username: str, *, editor_of: Survey | None = None) -> User:
    user = User.objects.create_user(username, password="pw-" + username, is_staff=True)
    user.groups.add(Group.objects.get(name="Survey managers"))
    if editor_of is not None:
        editor_of.editors.add(user)
    return user


# --- Title and description ------------------------------------------------------------


def test_it_saves_the_title_and_the_description(alice, demo_survey):
    response = alice.post(url(demo_survey), {
        "section": "about", "about-title": "  Digital IQ, again ", "about-description": "Social media.\n",
    }, follow=True)
    assert messages_of(response) == ["Title and description are saved."]
    demo_survey.refresh_from_db()
    assert (demo_survey.slug, demo_survey.title, demo_survey.description) == (
        "ddiq-2010", "Digital IQ, again", "Social media.")


def test_it_refuses_an_empty_title_at_the_field_keeping_what_was_typed(alice, demo_survey):
    response = alice.post(url(demo_survey), {"section": "about", "about-title": "  ", "about-description": "Kept"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the survey a title." in html and re.search(r">\s*Kept</textarea>", html)
    demo_survey.refresh_from_db()
    assert demo_survey.title == "Digital IQ 2010 — social media"
    assert demo_survey.description.startswith("A survey of business and IT leaders")


def test_saving_the_title_leaves_access_alone(alice, demo_survey):
    Survey.objects.filter(pk=demo_survey.pk).update(access="both")
    alice.post(url(demo_survey), {"section": "about", "about-title": "New", "about-description": ""})
    demo_survey.refresh_from_db()
    assert (demo_survey.title, demo_survey.description, demo_survey.access) == ("New", "", "both")


# --- Access ---------------------------------------------------------------------------


def test_it_shows_each_section_to_an_editor(alice, demo_survey):
    response = alice.get(url(demo_survey))
    assert response.status_code == 200
    html = response.content.decode()
    for anchor in ('id="about"', 'id="access"', 'id="sharing"', 'id="editors"', 'id="status"'):
        assert anchor in html
    assert 'name="section" value="access"' in html
    assert reverse("builder:outline", args=[demo_survey.slug]) in html
    assert reverse("results:overview", args=[demo_survey.slug]) in html


def test_it_saves_access_and_dates_in_the_site_time_zone(alice, demo_survey, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    response = alice.post(url(demo_survey), access_data(
        demo_survey, access="both", listed="on", opens_at="2030-03-01T09:00", closes_at="2030-04-01T18:30",
        response_cap="500",
    ))
    assert response.status_code == 302
    assert response["Location"] == url(demo_survey)
    demo_survey.refresh_from_db()
    berlin = ZoneInfo("Europe/Berlin")
    assert (demo_survey.access, demo_survey.listed, demo_survey.response_cap) == ("both", True, 500)
    assert demo_survey.opens_at == datetime(2030, 3, 1, 9, 0, tzinfo=berlin)
    assert demo_survey.closes_at == datetime(2030, 4, 1, 18, 30, tzinfo=berlin)
    page = alice.get(url(demo_survey)).content.decode()
    assert 'value="2030-03-01T09:00"' in page
    assert "Time zone: Europe/Berlin" in page


def test_it_refuses_listing_an_invitation_only_survey_at_the_field(alice, demo_survey):
    response = alice.post(url(demo_survey), access_data(
        demo_survey, access="invitation", listed="on", response_cap="77",
    ))
    assert response.status_code == 400
    form = response.context["forms"]["access"]
    assert form.errors["listed"] == ["Only a survey with a public link can be listed on the home page."]
    assert not form.non_field_errors()
    html = response.content.decode()
    assert 'value="77"' in html  # the typed values are kept
    assert "survey__id__exact" not in html  # the rest of the page shows the stored access
    assert "Nothing was saved" in html
    demo_survey.refresh_from_db()
    assert (demo_survey.access, demo_survey.listed, demo_survey.response_cap) == ("public", False, None)


def test_it_refuses_a_closing_time_before_the_opening_time(alice, demo_survey):
    response = alice.post(url(demo_survey), access_data(
        demo_survey, opens_at="2030-03-01T09:00", closes_at="2030-03-01T09:00",
    ))
    assert response.status_code == 400
    assert response.context["forms"]["access"].errors == {
        "closes_at": ["The closing time must be after the opening time."]
    }
    assert 'value="2030-03-01T09:00"' in response.content.decode()
    demo_survey.refresh_from_db()
    assert demo_survey.opens_at is None and demo_survey.closes_at is None


@pytest.mark.parametrize(("typed", "error"), [
    ("0", "A cap is at least 1; leave it empty for no cap."),
    ("-3", "A cap is at least 1; leave it empty for no cap."),
    ("lots", "Enter a whole number."),
])
def test_it_refuses_a_cap_that_is_not_a_positive_number(alice, demo_survey, typed, error):
    response = alice.post(url(demo_survey), access_data(demo_survey, response_cap=typed))
    assert response.status_code == 400
    assert response.context["forms"]["access"].errors["response_cap"][0] == error
    demo_survey.refresh_from_db()
    assert demo_survey.response_cap is None


def test_it_removes_the_cap_when_the_field_is_emptied(alice, demo_survey):
    Survey.objects.filter(pk=demo_survey.pk).update(response_cap=10)
    demo_survey.refresh_from_db()
    alice.post(url(demo_survey), access_data(demo_survey, response_cap=""))
    demo_survey.refresh_from_db()
    assert demo_survey.response_cap is None


def test_it_allows_a_cap_below_todays_completes_and_says_so(alice, demo_survey):
    for _ in range(3):
        submit_answers(demo_survey, demo_answers())
    response = alice.post(url(demo_survey), access_data(demo_survey, response_cap="2"), follow=True)
    demo_survey.refresh_from_db()
    assert demo_survey.response_cap == 2
    assert any("The cap (2) is reached: 3 responses are complete" in m for m in messages_of(response))
    # The cap's counter follows in the same save: the public form now says it is full.
    assert QuotaCounter.objects.get(survey=demo_survey, code="_cap").cap == 2
    assert alice.get(reverse("responses:form", args=[demo_survey.slug])).status_code == 410


def test_it_warns_of_no_cap_reached_when_there_is_room(alice, demo_survey):
    submit_answers(demo_survey, demo_answers())
    response = alice.post(url(demo_survey), access_data(demo_survey, response_cap="5"), follow=True)
    assert messages_of(response) == ["Access and dates are saved."]


def test_it_refuses_a_redirect_that_is_not_a_link(alice, demo_survey):
    response = alice.post(url(demo_survey), access_data(demo_survey, redirect_complete="not a link"))
    assert response.status_code == 400
    assert response.context["forms"]["access"].errors == {"redirect_complete": ["Enter a valid URL."]}
    assert 'value="not a link"' in response.content.decode()


def test_it_keeps_the_external_id_placeholder_in_a_redirect(alice, demo_survey):
    alice.post(url(demo_survey), access_data(
        demo_survey, redirect_complete="https://panel.example.com/done?id={external_id}",
    ))
    demo_survey.refresh_from_db()
    assert demo_survey.redirect_complete == "https://panel.example.com/done?id={external_id}"


def test_saving_access_leaves_sharing_and_editors_alone(alice, demo_survey, viewer, manager):
    # Another editor shared the survey after alice's page was loaded: her access save
    # carries no sharing or editor fields, so it cannot undo that.
    demo_survey.viewers.add(viewer)
    alice.post(url(demo_survey), access_data(demo_survey, access="both"))
    assert list(demo_survey.viewers.all()) == [viewer]
    assert list(demo_survey.editors.all()) == [manager]


def test_saving_access_leaves_the_title_and_archive_alone(alice, demo_survey):
    data = access_data(demo_survey, access="both")
    Survey.objects.filter(pk=demo_survey.pk).update(title="Renamed meanwhile")
    alice.post(url(demo_survey), data)
    demo_survey.refresh_from_db()
    assert demo_survey.title == "Renamed meanwhile"
    assert demo_survey.access == "both"


def test_it_answers_an_unknown_section_without_saving(alice, demo_survey):
    response = alice.post(url(demo_survey), {"section": "title", "title": "x"}, follow=True)
    assert response.status_code == 200
    assert "Nothing was saved" in messages_of(response)[0]


# --- Results sharing ------------------------------------------------------------------


def test_it_offers_users_with_the_results_permission_and_all_groups(alice, demo_survey, viewer, outsider):
    inactive = User.objects.create_user("gone", is_active=False)
    inactive.groups.add(Group.objects.get(name="Results viewers"))
    direct = User.objects.create_user("erin", first_name="Erin", last_name="Ng")
    direct.user_permissions.add(Permission.objects.get(codename="view_results"))
    Group.objects.create(name="Field team")
    form = alice.get(url(demo_survey)).context["forms"]["sharing"]
    offered = [label for _, label in form.fields["viewers"].choices]
    assert offered == ["alice", "bob", "Erin Ng (erin)"]  # not charlie, not the inactive one
    groups = [label for _, label in form.fields["viewer_groups"].choices]
    assert groups == ["Field team", "Results viewers", "Survey managers"]


def test_it_shares_results_with_a_user_and_a_group(alice, demo_survey, viewer):
    group = Group.objects.get(name="Results viewers")
    response = alice.post(url(demo_survey), {
        "section": "sharing", "sharing-viewers": [viewer.pk], "sharing-viewer_groups": [group.pk],
    })
    assert response.status_code == 302
    assert list(demo_survey.viewers.all()) == [viewer]
    assert list(demo_survey.viewer_groups.all()) == [group]
    assert demo_survey.is_shared_with(viewer)


def test_it_unshares_with_everyone_when_nothing_is_ticked(alice, demo_survey, viewer):
    demo_survey.viewers.add(viewer)
    alice.post(url(demo_survey), {"section": "sharing"})
    assert not demo_survey.viewers.exists()


def test_it_refuses_sharing_with_a_user_who_does_not_exist(alice, demo_survey, viewer):
    response = alice.post(url(demo_survey), {"section": "sharing", "sharing-viewers": [viewer.pk, 99999]})
    assert response.status_code == 400
    assert response.context["forms"]["sharing"].errors == {
        "viewers": ["There is no such user to choose (99999)."]
    }
    assert not demo_survey.viewers.exists()


def test_it_refuses_sharing_with_a_user_without_the_results_permission(alice, demo_survey, outsider):
    response = alice.post(url(demo_survey), {"section": "sharing", "sharing-viewers": [outsider.pk]})
    assert response.status_code == 400
    assert not demo_survey.viewers.exists()


def test_it_keeps_offering_a_viewer_who_lost_the_permission(alice, demo_survey, outsider):
    # Unticked boxes unshare: a viewer left out of the list would be dropped by any save.
    demo_survey.viewers.add(outsider)
    form = alice.get(url(demo_survey)).context["forms"]["sharing"]
    assert outsider.pk in [value.value for value, _ in form.fields["viewers"].choices]
    alice.post(url(demo_survey), {"section": "sharing", "sharing-viewers": [outsider.pk]})
    assert list(demo_survey.viewers.all()) == [outsider]


# --- Editors --------------------------------------------------------------------------


def test_it_offers_staff_users_who_may_change_surveys(alice, demo_survey, viewer, outsider):
    manager_named("dave")
    User.objects.create_user("eve", is_staff=False).groups.add(Group.objects.get(name="Survey managers"))
    form = alice.get(url(demo_survey)).context["forms"]["editors"]
    assert [label for _, label in form.fields["editors"].choices] == ["alice", "dave"]


def test_it_adds_an_editor_who_can_then_edit(alice, demo_survey, manager):
    dave = manager_named("dave")
    response = alice.post(url(demo_survey), {"section": "editors", "editors-editors": [manager.pk, dave.pk]})
    assert response.status_code == 302
    assert set(demo_survey.editors.all()) == {manager, dave}
    assert demo_survey.is_editable_by(dave)


def test_it_refuses_an_editor_who_does_not_exist(alice, demo_survey, manager):
    response = alice.post(url(demo_survey), {"section": "editors", "editors-editors": [manager.pk, "x"]})
    assert response.status_code == 400
    assert response.context["forms"]["editors"].errors["editors"] == ["“x” is not a valid value."]


def test_it_warns_before_the_user_removes_their_own_access(alice, demo_survey, manager):
    dave = manager_named("dave", editor_of=demo_survey)
    response = alice.post(url(demo_survey), {"section": "editors", "editors-editors": [dave.pk]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "You would lose access" in html
    assert 'name="editors-confirm_lose_access"' in html
    assert set(demo_survey.editors.all()) == {manager, dave}


def test_it_removes_the_users_own_access_once_confirmed(alice, demo_survey, manager):
    dave = manager_named("dave", editor_of=demo_survey)
    response = alice.post(url(demo_survey), {
        "section": "editors", "editors-editors": [dave.pk], "editors-confirm_lose_access": "on",
    })
    assert response.status_code == 302
    assert response["Location"] == reverse("builder:home")
    assert list(demo_survey.editors.all()) == [dave]


def test_it_lets_the_user_stay_an_editor_through_a_group(alice, demo_survey, manager):
    managers = Group.objects.get(name="Survey managers")
    response = alice.post(url(demo_survey), {"section": "editors", "editors-editor_groups": [managers.pk]})
    assert response.status_code == 302
    assert not demo_survey.editors.exists()
    assert demo_survey.is_editable_by(manager)


def test_it_warns_when_the_user_unticks_the_group_they_edit_through(alice, demo_survey, manager):
    demo_survey.editors.clear()
    demo_survey.editor_groups.add(Group.objects.get(name="Survey managers"))
    response = alice.post(url(demo_survey), {"section": "editors"})
    assert response.status_code == 400
    assert response.context["forms"]["editors"].asks_confirmation


def test_a_superuser_removes_every_editor_without_a_warning(client, demo_survey, manager):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    response = client.post(url(demo_survey), {"section": "editors"})
    assert response.status_code == 302
    assert not demo_survey.editors.exists()


# --- Status ---------------------------------------------------------------------------


def test_it_lists_the_versions_with_their_responses(alice, demo_survey):
    submit_answers(demo_survey, demo_answers())
    response = alice.get(url(demo_survey))
    [version] = response.context["versions"]
    assert (version.number, version.status, version.completes, version.partials) == (1, "open", 1, 0)
    html = response.content.decode()
    assert "Close version 1" in html and "Reopen" not in html and "Archive" in html


def test_it_closes_the_open_version(alice, demo_survey):
    version = demo_survey.open_version()
    response = alice.post(url(demo_survey, "settings_close"), {"version": version.pk}, follow=True)
    assert response.redirect_chain[-1][0] == url(demo_survey)
    version.refresh_from_db()
    assert version.status == SurveyVersion.Status.CLOSED
    assert messages_of(response) == [
        "Version 1 is closed: the survey takes no responses until a version is reopened or published."
    ]
    assert "Reopen version 1" in response.content.decode()


def test_a_second_close_says_it_is_already_closed(alice, demo_survey):
    version = demo_survey.open_version()
    alice.post(url(demo_survey, "settings_close"), {"version": version.pk}, follow=True)
    response = alice.post(url(demo_survey, "settings_close"), {"version": version.pk}, follow=True)
    assert response.status_code == 200
    assert messages_of(response) == ["Version 1 is already closed. Nothing was changed."]


def test_a_stale_close_does_not_close_the_version_opened_since(alice, demo_survey):
    v1 = demo_survey.open_version()
    alice.post(url(demo_survey, "settings_close"), {"version": v1.pk}, follow=True)
    v2 = SurveyVersion.objects.create(survey=demo_survey, number=2, status=SurveyVersion.Status.OPEN)
    response = alice.post(url(demo_survey, "settings_close"), {"version": v1.pk}, follow=True)
    assert messages_of(response) == ["Version 1 is already closed. Nothing was changed."]
    v2.refresh_from_db()
    assert v2.status == SurveyVersion.Status.OPEN


@pytest.mark.parametrize("posted", [{}, {"version": "abc"}, {"version": "99999"}])
def test_it_answers_a_close_of_no_such_version(alice, demo_survey, posted):
    response = alice.post(url(demo_survey, "settings_close"), posted, follow=True)
    assert response.status_code == 200
    assert "Nothing was changed." in messages_of(response)[0]
    assert demo_survey.open_version() is not None


def test_it_does_not_close_another_surveys_version(alice, demo_survey, every_type_survey):
    other = every_type_survey.open_version()
    alice.post(url(demo_survey, "settings_close"), {"version": other.pk})
    other.refresh_from_db()
    assert other.status == SurveyVersion.Status.OPEN


def test_it_reopens_the_latest_closed_version_once(alice, demo_survey):
    version = demo_survey.open_version()
    alice.post(url(demo_survey, "settings_close"), {"version": version.pk}, follow=True)
    first = alice.post(url(demo_survey, "settings_reopen"), {"version": version.pk}, follow=True)
    second = alice.post(url(demo_survey, "settings_reopen"), {"version": version.pk}, follow=True)
    version.refresh_from_db()
    assert version.status == SurveyVersion.Status.OPEN
    assert messages_of(first) == ["Version 1 is open again and takes responses."]
    assert messages_of(second) == ["Version 1 is already open. Nothing was changed."]


def test_the_buttons_refuse_get(alice, demo_survey):
    assert alice.get(url(demo_survey, "settings_archive")).status_code == 405
    assert demo_survey.open_version() is not None


def test_archiving_closes_the_open_version_and_hides_the_survey(alice, demo_survey, client):
    Survey.objects.filter(pk=demo_survey.pk).update(listed=True)
    form_url = reverse("responses:form", args=[demo_survey.slug])
    assert demo_survey.title in client.get(reverse("surveys:home")).content.decode()
    response = alice.post(url(demo_survey, "settings_archive"), follow=True)
    assert messages_of(response) == [
        "The survey is archived: version 1 is closed, it takes no responses and is not listed on the home page."
    ]
    demo_survey.refresh_from_db()
    assert demo_survey.archived_at is not None
    assert demo_survey.open_version() is None
    html = response.content.decode()
    assert "Unarchive" in html and "Reopen" not in html
    client.logout()
    assert demo_survey.title not in client.get(reverse("surveys:home")).content.decode()
    closed = client.get(form_url)
    assert closed.status_code == 410
    assert "This survey is closed" in closed.content.decode()


def test_a_second_archive_says_it_is_already_archived(alice, demo_survey):
    alice.post(url(demo_survey, "settings_archive"), follow=True)
    archived_at = Survey.objects.get(pk=demo_survey.pk).archived_at
    response = alice.post(url(demo_survey, "settings_archive"), follow=True)
    assert messages_of(response) == ["This survey is already archived. Nothing was changed."]
    assert Survey.objects.get(pk=demo_survey.pk).archived_at == archived_at


def test_unarchiving_then_reopening_takes_responses_again(alice, demo_survey):
    version = demo_survey.open_version()
    alice.post(url(demo_survey, "settings_archive"), follow=True)
    refused = alice.post(url(demo_survey, "settings_reopen"), {"version": version.pk}, follow=True)
    assert messages_of(refused) == [
        "This survey is archived: unarchive it before reopening a version. Nothing was changed."
    ]
    unarchived = alice.post(url(demo_survey, "settings_unarchive"), follow=True)
    assert "no longer archived" in messages_of(unarchived)[0]
    again = alice.post(url(demo_survey, "settings_unarchive"), follow=True)
    assert messages_of(again) == ["This survey is not archived. Nothing was changed."]
    alice.post(url(demo_survey, "settings_reopen"), {"version": version.pk})
    assert alice.get(reverse("responses:form", args=[demo_survey.slug]), follow=True).status_code == 200


# --- Who may see and change what --------------------------------------------------------


def test_a_shared_manager_sees_the_settings_without_any_form(client, demo_survey, viewer):
    dave = manager_named("dave")
    demo_survey.viewers.add(dave, viewer)
    client.force_login(dave)
    response = client.get(url(demo_survey))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<form" not in html.split('id="main"')[1].replace(
        f'<form method="post" action="{reverse("logout")}"', ""
    )
    assert "You can see these settings but not change them" in html
    assert "Public link only" in html and "bob" in html
    assert "A survey of business and IT leaders" in html


@pytest.mark.parametrize("name", [
    "settings", "settings_close", "settings_reopen", "settings_archive", "settings_unarchive",
])
def test_a_shared_manager_cannot_post(client, demo_survey, name):
    dave = manager_named("dave")
    demo_survey.viewers.add(dave)
    client.force_login(dave)
    response = client.post(url(demo_survey, name), {**access_data(demo_survey, access="both"),
                                                     "version": demo_survey.open_version().pk})
    assert response.status_code == 403
    demo_survey.refresh_from_db()
    assert demo_survey.access == "public" and demo_survey.open_version() is not None


def test_a_manager_who_does_not_edit_the_survey_gets_404(client, demo_survey):
    client.force_login(manager_named("dave"))
    assert client.get(url(demo_survey)).status_code == 404
    assert client.post(url(demo_survey, "settings_archive")).status_code == 404


def test_a_results_viewer_never_reaches_the_settings(client, demo_survey, viewer):
    demo_survey.viewers.add(viewer)
    client.force_login(viewer)
    assert client.get(url(demo_survey)).status_code == 403
    assert client.post(url(demo_survey, "settings_archive")).status_code == 403
    assert Survey.objects.get(pk=demo_survey.pk).archived_at is None


def test_an_anonymous_user_is_sent_to_sign_in(client, demo_survey):
    for name in ("settings", "settings_archive"):
        response = client.post(url(demo_survey, name)) if name != "settings" else client.get(url(demo_survey))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    assert Survey.objects.get(pk=demo_survey.pk).archived_at is None


def test_the_settings_page_takes_a_fixed_number_of_queries(alice, demo_survey, manager, django_assert_num_queries):
    for name in ("dave", "erin", "frank"):
        manager_named(name, editor_of=demo_survey)
        demo_survey.viewers.add(User.objects.get(username=name))
    for number in (2, 3):
        SurveyVersion.objects.create(survey=demo_survey, number=number, status=SurveyVersion.Status.CLOSED)
    for group in ("A", "B", "C"):
        Group.objects.create(name=group)
    for code in ("it_leaders", "business_leaders"):
        Quota.objects.create(survey=demo_survey, code=code, label=code, condition="role = it", limit=5)
    alice.get(url(demo_survey))  # the session and permissions warm up as on any page
    with django_assert_num_queries(QUERIES):
        assert alice.get(url(demo_survey)).status_code == 200


QUERIES = 19  # with the hidden fields a redirect may name, and the quota table (its quotas, its counters)
