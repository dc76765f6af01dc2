"""The live quota table on the settings page (completes, limit, remaining, read from the
counters) and editing a quota's limit and closed state there: the counter follows at once,
the change is in the history, a bad limit stays in its box with its message. Adding a quota
(its condition checked as the import checks it, its counter from the true count) and removing
one after a confirmation that says how many completes it holds, with undo."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from responses.models import QuotaCounter
from surveys.definition_files import definition_from_data
from surveys.models import Quota, Survey, SurveyChange
from surveys.services import survey_import
from tests.kit.api import URL
from tests.kit.demo import demo_answers, fieldwork_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def quota_survey(demo_survey, manager):
    version, _ = survey_import(
        definition=definition_from_data(fieldwork_data(it_leaders=2, business_leaders=5) | {"status": "open"})
    )
    return version.survey


def settings_url(survey: Survey) -> str:
    return reverse("builder:settings", args=[survey.slug])


def quota_url(survey: Survey, code: str) -> str:
    return reverse("builder:settings_quota", args=[survey.slug, code])


def _complete(role: str) -> str:
    payload = {"submission_id": str(uuid.uuid4()), "answers": demo_answers(role=role)}
    return Client().post(URL, data=json.dumps(payload), content_type="application/json").json()["outcome"]


def _row(html: str, code: str) -> str:
    start = html.index(f'data-quota="{code}"')
    return html[start:html.index("</tr>", start)]


def test_it_shows_each_quota_s_completes_limit_and_remaining(alice, quota_survey):
    for role in ("it", "it", "it", "business"):
        _complete(role)

    html = alice.get(settings_url(quota_survey)).content.decode()

    it_row = _row(html, "it_leaders")
    assert 'quota-completes">2<' in it_row and 'quota-limit">2<' in it_row and 'quota-remaining">0<' in it_row
    assert "Full" in it_row
    business_row = _row(html, "business_leaders")
    assert 'quota-completes">1<' in business_row and 'quota-remaining">4<' in business_row


def test_it_raises_a_limit_and_the_counter_follows(alice, quota_survey):
    for _ in range(2):
        _complete("it")
    assert _complete("it") == "quota_full"

    saved = alice.post(quota_url(quota_survey, "it_leaders"), {"quota-it_leaders-limit": "3"})

    assert saved.status_code == 302 and saved["Location"].endswith("#quotas")
    assert QuotaCounter.objects.get(survey=quota_survey, code="it_leaders").cap == 3
    assert _complete("it") == "complete"
    change = SurveyChange.objects.get(action="quota_changed")
    assert change.summary == "Changed the quota IT leaders: limit"


def test_it_closes_a_quota(alice, quota_survey):
    alice.post(quota_url(quota_survey, "business_leaders"),
               {"quota-business_leaders-limit": "5", "quota-business_leaders-closed": "on"})

    assert Quota.objects.get(survey=quota_survey, code="business_leaders").closed
    assert _complete("business") == "quota_full"


def test_it_keeps_a_bad_limit_in_its_box_with_its_message(alice, quota_survey):
    refused = alice.post(quota_url(quota_survey, "it_leaders"), {"quota-it_leaders-limit": "-4"})

    assert refused.status_code == 400
    row = _row(refused.content.decode(), "it_leaders")
    assert 'value="-4"' in row and "is-invalid" in row
    assert Quota.objects.get(survey=quota_survey, code="it_leaders").limit == 2


def test_it_says_so_when_the_quota_is_gone(alice, quota_survey):
    page = alice.post(quota_url(quota_survey, "nope"), {"quota-nope-limit": "3"}, follow=True)

    assert "This survey has no quota &#x27;nope&#x27; (any more). Nothing was changed." in page.content.decode()


def test_a_results_viewer_cannot_change_a_limit(client, quota_survey, viewer):
    client.force_login(viewer)

    assert client.post(quota_url(quota_survey, "it_leaders"), {"quota-it_leaders-limit": "100"}).status_code in (
        403, 404)
    assert Quota.objects.get(survey=quota_survey, code="it_leaders").limit == 2


# --- Adding and removing a quota ------------------------------------------------------------


def _add(client, survey, code="young", condition="role = it", limit="10", label="IT, again"):
    return client.post(reverse("builder:settings_quota_add", args=[survey.slug]), {
        "quota-new-code": code, "quota-new-label": label, "quota-new-condition": condition, "quota-new-limit": limit})


def _remove_url(survey, code):
    return reverse("builder:settings_quota_remove", args=[survey.slug, code])


def _codes(survey) -> list[str]:
    return list(Quota.objects.filter(survey=survey).order_by("position").values_list("code", flat=True))


def test_an_added_quota_counts_the_completes_it_already_holds(alice, quota_survey):
    _complete("it")
    _complete("business")

    response = _add(alice, quota_survey)

    assert response.status_code == 302 and response["Location"].endswith("#quotas")
    assert _codes(quota_survey) == ["it_leaders", "business_leaders", "young"]
    counter = QuotaCounter.objects.get(survey=quota_survey, code="young")
    assert (counter.completes, counter.cap) == (1, 10)
    change = SurveyChange.objects.get(survey=quota_survey, action="quota_added")
    assert change.summary == "Added the quota IT, again"
    html = alice.get(settings_url(quota_survey)).content.decode()
    assert "Added the quota IT, again: it takes up to 10 completes." in html and 'data-quota="young"' in html


@pytest.mark.parametrize("fields, message", [
    ({"condition": "role = nobody"}, "&#x27;nobody&#x27; is not a choice of &#x27;role&#x27;"),
    ({"condition": "role ="}, "(at character"),
    ({"code": "it_leaders"}, "is already a quota of this survey"),
    ({"code": "_cap"}, "reserved for built-in quotas"),
    ({"limit": "-1"}, "greater than or equal to 0"),
])
def test_a_bad_quota_is_refused_at_its_field_and_nothing_is_added(alice, quota_survey, fields, message):
    response = _add(alice, quota_survey, **fields)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was added" in html and message in html
    assert _codes(quota_survey) == ["it_leaders", "business_leaders"]


def test_removing_asks_first_saying_how_many_completes_it_holds(alice, quota_survey):
    _complete("it")
    _complete("it")

    page = alice.get(_remove_url(quota_survey, "it_leaders")).content.decode()
    assert "It holds 2 completes." in page
    assert _codes(quota_survey) == ["it_leaders", "business_leaders"]

    response = alice.post(_remove_url(quota_survey, "it_leaders"), follow=True)

    html = response.content.decode()
    assert "Removed the quota IT leaders." in html and 'id="quota-undo"' in html
    assert _codes(quota_survey) == ["business_leaders"]
    assert not QuotaCounter.objects.filter(survey=quota_survey, code="it_leaders").exists()


def test_a_removal_is_undone_from_the_history_with_a_fresh_count(alice, quota_survey):
    _complete("it")
    alice.post(_remove_url(quota_survey, "it_leaders"))
    _complete("it")  # no quota to stop it now
    change = SurveyChange.objects.get(survey=quota_survey, action="quota_deleted")

    response = alice.post(reverse("builder:history_undo", args=[quota_survey.slug, change.pk]), follow=True)

    assert "Undid: Removed the quota IT leaders" in response.content.decode()
    assert _codes(quota_survey) == ["it_leaders", "business_leaders"]
    counter = QuotaCounter.objects.get(survey=quota_survey, code="it_leaders")
    assert (counter.completes, counter.cap) == (2, 2)


def test_an_added_quota_is_undone_from_the_history(alice, quota_survey):
    _add(alice, quota_survey)
    change = SurveyChange.objects.get(survey=quota_survey, action="quota_added")
    alice.post(reverse("builder:history_undo", args=[quota_survey.slug, change.pk]))
    assert _codes(quota_survey) == ["it_leaders", "business_leaders"]


def test_removing_a_quota_removed_already_says_so(alice, quota_survey):
    alice.post(_remove_url(quota_survey, "it_leaders"))
    response = alice.post(_remove_url(quota_survey, "it_leaders"), follow=True)
    assert "no quota “it_leaders” (any more). Nothing was removed." in response.content.decode()
    assert alice.get(_remove_url(quota_survey, "it_leaders")).status_code == 404


def test_a_results_viewer_can_neither_add_nor_remove(client, quota_survey, viewer):
    client.force_login(viewer)
    assert _add(client, quota_survey).status_code in (403, 404)
    assert client.get(_remove_url(quota_survey, "it_leaders")).status_code in (403, 404)
    assert client.post(_remove_url(quota_survey, "it_leaders")).status_code in (403, 404)
    assert _codes(quota_survey) == ["it_leaders", "business_leaders"]
