"""The preview beside the editor (/build/<slug>/preview/): test mode and the structure
preview may be framed by the app's own pages (X-Frame-Options SAMEORIGIN, CSP
frame-ancestors 'self'), every other page by none; the page frames the version being
edited at phone and desktop widths; who may open it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from surveys.models import Survey
from surveys.publishing import survey_draft_start

pytestmark = pytest.mark.django_db


def frame_ancestors(response) -> str:
    match = re.search(r"frame-ancestors ([^;]+)", response["Content-Security-Policy"])
    assert match, response["Content-Security-Policy"]
    return match[1].strip()


def assert_framable_by_the_app(response) -> None:
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert frame_ancestors(response) == "'self'"
    assert "script-src 'self'" in response["Content-Security-Policy"]  # the rest of the policy is kept


def assert_never_framed(response) -> None:
    assert response["X-Frame-Options"] == "DENY"
    assert frame_ancestors(response) == "'none'"


def preview_url(survey: Survey, name: str = "preview", *extra) -> str:
    return reverse(f"responses:{name}", args=[survey.slug, survey.open_version().pk, *extra])


# --- Which pages may be framed ------------------------------------------------------------------


def test_test_mode_may_be_framed_by_the_app(alice, demo_survey):
    response = alice.get(preview_url(demo_survey), follow=True)  # to the page's own URL
    assert response.status_code == 200
    assert_framable_by_the_app(response)


def test_test_modes_next_page_and_thanks_may_be_framed_by_the_app(alice, demo_survey):
    answered = alice.post(preview_url(demo_survey), {"nav": "next"})  # nothing answered: the page again
    assert answered.status_code in (200, 302)
    assert_framable_by_the_app(answered)
    thanks = alice.get(preview_url(demo_survey, "preview_thanks"))
    assert thanks.status_code == 200
    assert_framable_by_the_app(thanks)


def test_test_modes_restart_resume_and_delete_may_be_framed_by_the_app(alice, demo_survey):
    restart = alice.post(preview_url(demo_survey, "preview_restart"))
    assert restart.status_code == 302
    assert_framable_by_the_app(restart)
    resume = alice.get(preview_url(demo_survey, "preview_resume", "no-such-token"))
    assert resume.status_code == 404
    assert_framable_by_the_app(resume)
    delete = alice.post(preview_url(demo_survey, "delete_test_responses"))
    assert delete.status_code == 302
    assert_framable_by_the_app(delete)


def test_the_structure_preview_may_be_framed_by_the_app(alice, demo_survey):
    response = alice.get(reverse("surveys:preview", args=[demo_survey.open_version().pk]))
    assert response.status_code == 200
    assert_framable_by_the_app(response)


@pytest.mark.parametrize("path", [
    lambda survey: reverse("builder:preview", args=[survey.slug]),
    lambda survey: reverse("builder:yaml", args=[survey.slug]),
    lambda survey: reverse("builder:home"),
    lambda survey: reverse("responses:form", args=[survey.slug]),
    lambda survey: reverse("surveys:home"),
    lambda survey: reverse("results:overview", args=[survey.slug]),
])
def test_every_other_page_is_never_framed(alice, demo_survey, path):
    response = alice.get(path(demo_survey), follow=True)
    assert response.status_code == 200
    assert_never_framed(response)


def test_the_sign_in_page_is_never_framed(client):
    assert_never_framed(client.get(reverse("login")))


# --- The preview page ---------------------------------------------------------------------------

PAGE = reverse("builder:preview", args=["ddiq-2010"])


def iframes(response) -> list[str]:
    return re.findall(r"<iframe [^>]*>", response.content.decode())


def test_it_frames_the_open_version_in_test_mode_at_two_widths(alice, demo_survey):
    response = alice.get(PAGE)
    assert response.status_code == 200
    frames = iframes(response)
    assert len(frames) == 2
    test_mode = preview_url(demo_survey)
    assert all(f'src="{test_mode}"' in frame for frame in frames)
    assert 'width="375"' in frames[0] and "at a phone's width (375 pixels)" in frames[0]
    assert 'width="1280"' in frames[1] and "at a desktop's width (1280 pixels)" in frames[1]
    assert all('title="Digital IQ 2010 — social media, version 1 in test mode' in frame for frame in frames)
    html = response.content.decode()
    assert f'<a class="btn btn-sm btn-outline-primary" href="{test_mode}" target="_blank" rel="noopener">' \
           "Open test mode in a new tab</a>" in html
    assert f'href="{reverse("builder:outline", args=["ddiq-2010"])}"' in html
    assert ">Reload</button>" in html


def test_it_frames_the_draft_when_there_is_one(alice, demo_survey):
    draft, _ = survey_draft_start(survey=demo_survey)
    frames = iframes(alice.get(PAGE))
    draft_url = reverse("responses:preview", args=["ddiq-2010", draft.pk])
    assert [f'src="{draft_url}"' in frame for frame in frames] == [True, True]


def test_it_frames_every_question_on_one_page_on_request(alice, demo_survey):
    frames = iframes(alice.get(PAGE, {"show": "questions"}))
    structure = reverse("surveys:preview", args=[demo_survey.open_version().pk])
    assert [f'src="{structure}"' in frame for frame in frames] == [True, True]


def test_a_survey_without_a_version_has_nothing_to_preview(alice, manager):
    survey = Survey.objects.create(slug="empty", title="Empty")
    survey.editors.add(manager)
    response = alice.get(reverse("builder:preview", args=["empty"]))
    assert response.status_code == 200
    assert iframes(response) == []
    assert "“Empty” has no version to preview yet." in response.content.decode()


def test_a_read_only_user_may_not_open_the_preview(client, demo_survey):
    """Test mode is for a survey's editors: one who may only see the survey gets 403."""
    dave = User.objects.create_user("dave", password="pw-dave", is_staff=True)
    dave.groups.add(Group.objects.get(name="Survey managers"))
    demo_survey.viewers.add(dave)
    client.force_login(dave)
    assert client.get(PAGE).status_code == 403
    settings_page = client.get(reverse("builder:settings", args=["ddiq-2010"])).content.decode()
    assert f'href="{PAGE}"' not in settings_page


def test_a_results_viewer_never_reaches_the_preview(client, viewer, demo_survey):
    demo_survey.viewers.add(viewer)
    client.force_login(viewer)
    assert client.get(PAGE).status_code == 403


def test_a_manager_who_does_not_edit_the_survey_gets_404(client, demo_survey):
    dave = User.objects.create_user("dave", password="pw-dave", is_staff=True)
    dave.groups.add(Group.objects.get(name="Survey managers"))
    client.force_login(dave)
    assert client.get(PAGE).status_code == 404


def test_an_anonymous_user_is_sent_to_sign_in(client, demo_survey):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={PAGE}"
