"""Quotas with a condition (cells such as IT leaders): a completion falling in a full quota
ends as `quota_full`, kept with its answers and taking no place; test responses take no
place, excluding a response frees its place and restoring it takes the place back (over
the limit if need be); limits follow edits, and the reconciliation repairs the counters.
The race for the last places: tests/responses/test_quota_race.py."""

import json
import uuid

import pytest
from django.test import Client

from analytics.recompute import survey_reconcile
from responses.models import Answer, QuotaCounter, Response, UncountedResponse
from responses.moderation import response_delete, response_exclude, response_restore
from responses.services import response_submit
from surveys.definition_files import definition_from_data
from surveys.models import Quota
from surveys.services import survey_import
from tests.kit.api import URL
from tests.kit.demo import demo_answers, fieldwork_data
from tests.kit.form import FORM, PAGE1, PAGE2, PAGE3, complete, post_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def quota_survey(demo_survey):
    """The demo survey with the fieldwork copy's quotas: one IT leader, two business leaders."""
    data = fieldwork_data(it_leaders=1, business_leaders=2) | {"status": "open"}
    version, _ = survey_import(definition=definition_from_data(data))
    return version.survey


def _submit(role: str = "it", hidden=None, submission_id=None):
    payload = {"submission_id": str(submission_id or uuid.uuid4()), "answers": demo_answers(role=role),
               **({"hidden": hidden} if hidden else {})}
    return Client().post(URL, data=json.dumps(payload), content_type="application/json")


def _taken(survey, code: str = "it_leaders") -> tuple[int, int]:
    counter = QuotaCounter.objects.get(survey=survey, code=code)
    return counter.completes, counter.cap


def test_it_ends_a_completion_into_a_full_quota_as_quota_full_and_keeps_it(quota_survey):
    assert _submit().json()["outcome"] == "complete"

    refused = _submit(hidden={"rid": "p9"})

    assert refused.status_code == 201
    body = refused.json()
    assert (body["outcome"], body["redirect"]) == ("quota_full", "https://panel.example/quotafull?rid=p9")
    response = Response.objects.get(pk=body["id"])
    assert (response.status, response.ended_by) == ("quota_full", "it_leaders")
    assert Answer.objects.filter(response=response).exists()
    assert UncountedResponse.objects.count() == 1  # only the complete one is counted
    assert _taken(quota_survey) == (1, 1)


def test_it_completes_into_another_quota_with_room(quota_survey):
    assert _submit("it").json()["outcome"] == "complete"

    assert [_submit("business").json()["outcome"] for _ in range(3)] == ["complete", "complete", "quota_full"]
    assert _taken(quota_survey, "business_leaders") == (2, 2)


def test_it_ends_the_form_early_on_the_page_that_decides_a_full_quota_with_the_redirect(quota_survey):
    assert _submit().status_code == 201
    client = Client()
    client.get(f"{FORM}?rid=abc")

    ended = post_page(client, PAGE1)  # the role is asked on page 1: the rest is not asked for nothing

    assert ended["Location"] == "https://panel.example/quotafull?rid=abc"
    response = Response.objects.get(hidden={"rid": "abc"})
    assert (response.status, response.ended_by) == ("quota_full", "it_leaders")
    assert Answer.objects.filter(response=response).count() == 4  # page 1's answers kept
    assert _taken(quota_survey) == (1, 1)  # the early check reserves nothing, takes nothing


def test_it_lets_a_respondent_of_a_quota_with_room_go_on(quota_survey):
    assert _submit().status_code == 201
    client = Client()

    assert post_page(client, {**PAGE1, "role": "business"})["Location"] == f"{FORM}p/2/"
    assert Response.objects.filter(status="partial").count() == 1


def test_it_still_ends_at_the_last_page_when_the_quota_filled_meanwhile(quota_survey):
    client = Client()
    client.get(f"{FORM}?rid=abc")
    complete(client, pages=(PAGE1, PAGE2))  # a place was free on pages 1 and 2
    assert _submit().json()["outcome"] == "complete"  # taken by another meanwhile

    last = post_page(client, PAGE3)

    assert last["Location"] == "https://panel.example/quotafull?rid=abc"
    assert Response.objects.get(hidden={"rid": "abc"}).status == "quota_full"


def test_it_ends_early_on_a_later_page_when_the_quota_filled_meanwhile(quota_survey):
    client = Client()
    client.get(f"{FORM}?rid=abc")
    assert post_page(client, PAGE1)["Location"] == f"{FORM}p/2/"
    assert _submit().json()["outcome"] == "complete"

    ended = post_page(client, PAGE2)

    assert ended["Location"] == "https://panel.example/quotafull?rid=abc"
    assert Answer.objects.filter(response__hidden={"rid": "abc"}).count() == 4 + len(PAGE2)


def test_it_ends_early_on_a_closed_quota_before_any_complete(quota_survey):
    Quota.objects.filter(survey=quota_survey, code="it_leaders").update(closed=True)
    quota = Quota.objects.get(survey=quota_survey, code="it_leaders")
    quota.save()  # recompiles the definition, as an edit in the builder does
    client = Client()

    post_page(client, PAGE1)

    assert Response.objects.get().status == "quota_full"


def test_it_lets_a_test_response_go_on_past_a_full_quota(quota_survey, admin_client):
    assert _submit().status_code == 201
    preview = f"/s/{quota_survey.slug}/preview/{quota_survey.open_version().pk}/"
    admin_client.get(preview)

    next_page = post_page(admin_client, PAGE1, url=preview)

    assert next_page.status_code == 302 and "quotafull" not in next_page["Location"]
    assert Response.objects.filter(is_test=True, status="partial").exists()


def test_it_shows_our_own_page_to_a_respondent_without_hidden_values(quota_survey):
    assert _submit().status_code == 201
    client = Client()

    assert post_page(client, PAGE1)["Location"] == FORM
    page = client.get(FORM, follow=True).content.decode()
    assert "all the answers we need" in page


def test_it_takes_no_place_for_a_test_response(quota_survey):
    response_submit(survey=quota_survey, version=quota_survey.open_version(), submission_id=uuid.uuid4(),
                    answers=demo_answers(role="it"), is_test=True)

    assert _taken(quota_survey) == (0, 1)
    assert _submit().json()["outcome"] == "complete"


def test_it_frees_the_place_of_an_excluded_response_and_retakes_it_on_restore(quota_survey):
    first = Response.objects.get(pk=_submit().json()["id"])

    response_exclude(response=first, reason="speeder")

    assert _taken(quota_survey) == (0, 1)
    assert _submit().json()["outcome"] == "complete"

    response_restore(response=first)

    assert _taken(quota_survey) == (2, 1)  # over the limit: the quota table shows it
    assert _submit().json()["outcome"] == "quota_full"


def test_it_frees_the_place_of_a_deleted_response(quota_survey):
    response_delete(response=Response.objects.get(pk=_submit().json()["id"]))

    assert _taken(quota_survey) == (0, 1)
    assert _submit().json()["outcome"] == "complete"


def test_it_follows_a_raised_limit_and_a_closed_quota(quota_survey):
    assert _submit().json()["outcome"] == "complete"
    quota = Quota.objects.get(survey=quota_survey, code="it_leaders")

    quota.limit = 2
    quota.save()

    assert _taken(quota_survey) == (1, 2)
    assert _submit().json()["outcome"] == "complete"

    business = Quota.objects.get(survey=quota_survey, code="business_leaders")
    business.closed = True
    business.save()

    assert _taken(quota_survey, "business_leaders") == (0, 0)
    assert _submit("business").json()["outcome"] == "quota_full"


def test_it_repairs_a_drifted_counter_from_the_answers(quota_survey):
    for role in ("it", "business"):
        assert _submit(role).json()["outcome"] == "complete"
    QuotaCounter.objects.filter(survey=quota_survey).update(completes=0)

    survey_reconcile(survey_id=quota_survey.pk)

    assert _taken(quota_survey) == (1, 1)
    assert _taken(quota_survey, "business_leaders") == (1, 2)


def test_it_makes_a_new_quota_s_counter_from_the_completes_so_far(demo_survey):
    for role in ("it", "it", "business"):
        assert _submit(role).json()["outcome"] == "complete"

    survey_import(definition=definition_from_data(fieldwork_data(it_leaders=5) | {"status": "open"}))

    assert _taken(demo_survey) == (2, 5)


def test_it_leaves_quota_full_responses_out_of_the_results(quota_survey):
    assert [_submit().json()["outcome"] for _ in range(2)] == ["complete", "quota_full"]

    assert [r.is_counted_kind for r in Response.objects.order_by("completed_at")] == [True, False]


def test_it_keeps_the_form_working_for_a_survey_without_quotas(demo_survey):
    client = Client()

    assert complete(client, pages=(PAGE1, PAGE2, PAGE3))["Location"] == f"{FORM}thanks/"
