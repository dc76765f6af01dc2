"""The Response admin for survey managers: read-only responses with their answers by code,
and exclude / restore / delete actions that keep the analytics counts exact."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest
from django.urls import reverse

from analytics.counting import response_count
from analytics.models import SurveyCounter
from analytics.recompute import _stored_counts
from responses.models import Response
from responses.moderation import response_exclude
from responses.services import response_submit
from tests.kit.counts import assert_counts_exact
from tests.kit.data import submit_and_count
from tests.kit.demo import leader_answers

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:responses_response_changelist"


def _counts(survey) -> dict[str, Counter]:
    # A cell taken down to 0 is the same as no cell.
    return {table: +counter for table, counter in _stored_counts(survey.pk).items()}


def _assert_exact(survey, responses_counted: int) -> None:
    """The count tables equal the full recompute, with this many responses counted."""
    assert_counts_exact(survey)
    assert SurveyCounter.objects.get(survey=survey).responses_counted == responses_counted


@pytest.fixture
def counted(demo_survey) -> list[Response]:
    return [
        submit_and_count(demo_survey, leader_answers(role="it", twitter="never", company_twitter="none")),
        submit_and_count(demo_survey, leader_answers(role="it", barriers=["roi", "policy"])),
        submit_and_count(demo_survey, leader_answers(role="business") | {"comments": "<script>alert(1)</script>"}),
    ]


def _action(client, action: str, responses: list[Response], **data):
    """Post an action from the change list (`index` set, as the list's form sends it) or,
    with post="yes", from its confirmation page (no `index`, as Django's own pages do)."""
    payload = {"action": action, "_selected_action": [str(r.pk) for r in responses], **data}
    if data.get("post") != "yes":
        payload["index"] = "0"
    return client.post(reverse(CHANGELIST), payload)


# --- Reading -------------------------------------------------------------------------


def test_it_lists_responses_with_filters(alice, demo_survey, counted):
    response_exclude(response=counted[0], reason="duplicate")

    page = alice.get(reverse(CHANGELIST))
    excluded = alice.get(reverse(CHANGELIST), {"excluded": "yes"})

    assert page.status_code == 200
    assert all(str(r.pk) in page.content.decode() for r in counted)
    assert excluded.status_code == 200
    assert [str(r.pk) in excluded.content.decode() for r in counted] == [True, False, False]


def test_it_shows_the_answers_by_code_escaped(alice, counted):
    page = alice.get(reverse("admin:responses_response_change", args=[counted[2].pk]))

    content = page.content.decode()
    assert page.status_code == 200
    assert "<td><code>company_usage.twitter</code></td><td>some</td>" in content
    assert "<td><code>role</code></td><td>business</td>" in content
    assert content.index("<code>role</code>") < content.index("<code>company_usage.twitter</code>") < content.index(
        "<code>company_usage.facebook</code>"
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<script>alert(1)</script>" not in content


def test_a_manager_cannot_edit_or_add_a_response(alice, counted):
    url = reverse("admin:responses_response_change", args=[counted[0].pk])

    page = alice.get(url)
    posted = alice.post(url, {"status": "partial", "is_test": "on", "exclusion_reason": "x"})

    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert posted.status_code == 403
    counted[0].refresh_from_db()
    assert (counted[0].status, counted[0].is_test, counted[0].exclusion_reason) == ("complete", False, "")
    assert alice.get(reverse("admin:responses_response_add")).status_code == 403


def test_staff_without_response_permissions_do_not_see_responses(client, outsider, viewer, counted):
    client.force_login(outsider)
    assert client.get(reverse(CHANGELIST)).status_code == 403
    client.force_login(viewer)  # not staff: the admin sends them to its login page
    assert client.get(reverse(CHANGELIST))["Location"].startswith(reverse("admin:login"))


# --- Exclude and restore -------------------------------------------------------------


def test_it_excludes_with_a_reason_through_a_confirmation_page(alice, demo_survey, counted):
    confirmation = _action(alice, "exclude_responses", counted[:2])

    assert confirmation.status_code == 200
    assert 'name="reason"' in confirmation.content.decode()
    assert Response.objects.filter(excluded_at__isnull=False).count() == 0

    refused = _action(alice, "exclude_responses", counted[:2], post="yes", reason="   ")
    assert refused.status_code == 200
    assert "Give a reason for excluding these responses." in refused.content.decode()
    assert Response.objects.filter(excluded_at__isnull=False).count() == 0

    done = _action(alice, "exclude_responses", counted[:2], post="yes", reason="straight-lined")

    assert done.status_code == 302
    assert sorted(Response.objects.filter(excluded_at__isnull=False).values_list("exclusion_reason", flat=True)) == [
        "straight-lined", "straight-lined"
    ]
    _assert_exact(demo_survey, responses_counted=1)


def test_it_restores_excluded_responses(alice, demo_survey, counted):
    before = _counts(demo_survey)
    response_exclude(response=counted[1], reason="duplicate")
    _assert_exact(demo_survey, responses_counted=2)

    done = _action(alice, "restore_responses", counted)

    assert done.status_code == 302
    counted[1].refresh_from_db()
    assert (counted[1].excluded_at, counted[1].exclusion_reason) == (None, "")
    # Restored responses are counted again by the counting task, as new ones are.
    _assert_exact(demo_survey, responses_counted=2)
    assert response_count(counted[1].pk)
    _assert_exact(demo_survey, responses_counted=3)
    assert _counts(demo_survey) == before


# --- Delete --------------------------------------------------------------------------


def test_it_replaces_the_default_delete_action(alice, counted):
    page = alice.get(reverse(CHANGELIST)).content.decode()

    assert "Delete (with counts)" in page
    assert "Delete selected responses" not in page
    assert "Exclude (with a reason)" in page and "Restore" in page


def test_it_deletes_with_counts_kept_exact(alice, demo_survey, counted):
    response_exclude(response=counted[0], reason="duplicate")  # an excluded one is not taken out twice

    confirmation = _action(alice, "delete_selected", counted[:2])
    assert confirmation.status_code == 200 and Response.objects.count() == 3

    done = _action(alice, "delete_selected", counted[:2], post="yes")

    assert done.status_code == 302
    assert list(Response.objects.values_list("pk", flat=True)) == [counted[2].pk]
    _assert_exact(demo_survey, responses_counted=1)


def test_it_deletes_from_the_response_page_with_counts_kept_exact(alice, demo_survey, counted):
    url = reverse("admin:responses_response_delete", args=[counted[1].pk])

    done = alice.post(url, {"post": "yes"})

    assert done.status_code == 302
    assert not Response.objects.filter(pk=counted[1].pk).exists()
    _assert_exact(demo_survey, responses_counted=2)


def test_it_deletes_the_test_responses_of_the_selected_surveys(alice, demo_survey, counted):
    version = demo_survey.open_version()
    tests = [
        response_submit(survey=demo_survey, version=version, submission_id=uuid.uuid4(),
                        answers=leader_answers(role="it"), is_test=True).response
        for _ in range(2)
    ]

    done = _action(alice, "delete_test_responses", counted[:1])

    assert done.status_code == 302
    assert not Response.objects.filter(pk__in=[t.pk for t in tests]).exists()
    assert Response.objects.count() == 3
    _assert_exact(demo_survey, responses_counted=3)
