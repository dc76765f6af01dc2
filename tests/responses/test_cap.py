"""The response cap held by a counter row (responses/quotas.py): a completion that finds
no place left is refused as a full survey is and writes nothing; replays, deletions,
exclusions, test responses and cap changes keep the counter equal to the places taken,
and the reconciliation repairs it. Runs on SQLite and PostgreSQL alike (the race itself:
tests/responses/test_cap_race.py)."""

import uuid

import pytest
from django.db import transaction
from django.test import Client

from analytics.models import Repair
from analytics.recompute import survey_reconcile
from responses import selectors
from responses.models import Answer, QuotaCounter, Response, UncountedResponse
from responses.moderation import response_delete, response_exclude, survey_test_responses_delete
from responses.quotas import CAP, Quota, QuotaFull, quota_claim
from responses.selectors import FULL
from responses.services import response_submit
from surveys.models import Survey
from tests.kit.admin import form_data, survey_admin_url
from tests.kit.api import stored_counts, submit
from tests.kit.demo import demo_answers
from tests.kit.form import FORM, PAGE1, PAGE2, PAGE3, complete, post_page
from tests.kit.invitations import invite

pytestmark = pytest.mark.django_db


def _capped(survey: Survey, cap: int | None) -> Survey:
    survey.response_cap = cap
    survey.save()
    return survey


def _places_taken(survey: Survey) -> int:
    return QuotaCounter.objects.get(survey=survey, code=CAP).completes


@pytest.fixture
def no_early_refusal(monkeypatch):
    """The availability check ran before another completion took the last place: only
    the claim in the completion's transaction is left to refuse."""
    monkeypatch.setattr(selectors, "survey_is_full", lambda survey: False)


# --- Refusal at the claim ------------------------------------------------------------------


def test_it_answers_410_and_writes_nothing_when_the_last_place_went_after_the_check(
    demo_survey, client, no_early_refusal
):
    _capped(demo_survey, 1)
    assert submit(client).status_code == 201
    before = stored_counts()

    r = submit(client)

    assert r.status_code == 410
    assert r.json() == {"errors": {"survey": [FULL]}}
    assert stored_counts() == before
    assert _places_taken(demo_survey) == 1


def test_it_shows_the_full_page_when_the_last_place_went_while_the_last_page_was_answered(
    demo_survey, client, no_early_refusal
):
    _capped(demo_survey, 1)
    for page in (PAGE1, PAGE2):
        post_page(client, page)
    complete(Client())  # another respondent takes the last place

    r = post_page(client, PAGE3)

    assert r.status_code == 410
    assert "This survey has all the responses it needs" in r.content.decode()
    mine = Response.objects.get(status=Response.Status.PARTIAL)
    assert not Answer.objects.filter(response=mine, text="Nothing to add.").exists()
    assert not UncountedResponse.objects.filter(response=mine).exists()
    assert _places_taken(demo_survey) == 1


def test_it_screens_out_a_panel_invitee_whose_last_page_finds_no_place(demo_survey, no_early_refusal):
    demo_survey.redirect_closed = "https://panel.example/screenout?rid={external_id}"
    _capped(demo_survey, 1)
    invitation, token = invite(demo_survey, external_id="panel-42")
    link = f"/i/{token}/"
    invitee = Client()
    for page in (PAGE1, PAGE2):
        post_page(invitee, page, url=link)
    complete(Client())

    r = post_page(invitee, PAGE3, url=link)

    assert r.status_code == 302
    assert r["Location"] == "https://panel.example/screenout?rid=panel-42"
    invitation.refresh_from_db()
    assert invitation.completed_at is None


# --- What takes a place and what gives it back ----------------------------------------------


def test_it_takes_no_second_place_for_a_replayed_submission(demo_survey, client):
    _capped(demo_survey, 2)
    submission_id = uuid.uuid4()
    assert submit(client, submission_id=submission_id).status_code == 201

    assert submit(client, submission_id=submission_id).status_code == 200

    assert _places_taken(demo_survey) == 1
    assert submit(client).status_code == 201


def test_it_frees_the_place_of_a_deleted_response(demo_survey, client):
    _capped(demo_survey, 1)
    assert submit(client).status_code == 201
    assert submit(client).status_code == 410

    response_delete(response=Response.objects.get())

    assert _places_taken(demo_survey) == 0
    assert submit(client).status_code == 201


def test_it_gives_back_no_place_for_a_deleted_partial_response(demo_survey, client):
    _capped(demo_survey, 2)
    post_page(Client(), PAGE1)
    assert submit(client).status_code == 201

    response_delete(response=Response.objects.get(status=Response.Status.PARTIAL))

    assert _places_taken(demo_survey) == 1


def test_it_keeps_the_place_of_an_excluded_response(demo_survey, client):
    _capped(demo_survey, 1)
    assert submit(client).status_code == 201

    response_exclude(response=Response.objects.get(), reason="straight-lined")

    assert _places_taken(demo_survey) == 1
    assert submit(client).status_code == 410


def test_it_takes_no_place_for_test_responses_nor_gives_one_back_when_they_go(demo_survey, client):
    _capped(demo_survey, 1)
    response_submit(
        survey=demo_survey, version=demo_survey.open_version(), submission_id=uuid.uuid4(),
        answers=demo_answers(), is_test=True,
    )
    assert submit(client).status_code == 201

    survey_test_responses_delete(survey_id=demo_survey.pk)

    assert not Response.objects.filter(is_test=True).exists()
    assert _places_taken(demo_survey) == 1
    assert submit(client).status_code == 410


# --- Changing the cap ---------------------------------------------------------------------------


def _set_cap_in_admin(client, survey: Survey, cap: int | str) -> None:
    url = survey_admin_url("survey", survey.pk)
    data = form_data(client.get(url), "survey_form")
    data["response_cap"] = [str(cap)]
    assert client.post(url, {**data, "_save": "Save"}).status_code == 302


def test_it_follows_the_cap_raised_and_lowered_in_the_admin(demo_survey, client, manager):
    _capped(demo_survey, 1)
    respondent = Client()
    assert submit(respondent).status_code == 201
    assert submit(respondent).status_code == 410
    client.force_login(manager)

    _set_cap_in_admin(client, demo_survey, 3)

    assert QuotaCounter.objects.get(survey=demo_survey, code=CAP).cap == 3
    assert [submit(respondent).status_code for _ in range(3)] == [201, 201, 410]

    _set_cap_in_admin(client, demo_survey, 2)

    assert QuotaCounter.objects.get(survey=demo_survey).cap == 2
    assert submit(respondent).status_code == 410
    assert respondent.get(FORM).status_code == 410
    assert _places_taken(demo_survey) == 3


def test_it_counts_afresh_when_a_cap_is_removed_and_set_again(demo_survey, client, manager):
    _capped(demo_survey, 5)
    assert submit(client).status_code == 201
    client.force_login(manager)

    _set_cap_in_admin(client, demo_survey, "")

    assert not QuotaCounter.objects.exists()
    assert submit(client).status_code == 201  # taken while no cap was set: no counter to claim

    _set_cap_in_admin(client, demo_survey, 2)

    assert _places_taken(demo_survey) == 2
    assert submit(client).status_code == 410


def test_it_makes_the_counter_on_first_use_from_the_completed_responses(demo_survey, client):
    assert submit(client).status_code == 201
    Survey.objects.filter(pk=demo_survey.pk).update(response_cap=2)  # no signal: no counter made

    assert submit(client).status_code == 201

    assert _places_taken(demo_survey) == 2
    assert submit(client).status_code == 410


def test_it_never_over_fills_one_quota_when_another_has_room(demo_survey, client):
    """The mechanism quotas will reuse: a completion in several quotas takes all its
    places or none (the failed claim rolls the completion's transaction back)."""
    assert submit(client).status_code == 201
    response = Response.objects.get()
    roomy, full = Quota(code="role.it", cap=5), Quota(code="size.large", cap=1)
    QuotaCounter.objects.create(survey=demo_survey, code="role.it", cap=5, completes=0)
    QuotaCounter.objects.create(survey=demo_survey, code="size.large", cap=1, completes=1)

    with pytest.raises(QuotaFull) as refused, transaction.atomic():
        quota_claim(response=response, quotas=[roomy, full])

    assert refused.value.codes == ["size.large"]
    assert dict(QuotaCounter.objects.values_list("code", "completes")) == {"role.it": 0, "size.large": 1}


# --- Reconciliation -----------------------------------------------------------------------------


def test_it_repairs_a_drifted_counter_and_records_the_repair(demo_survey, client):
    _capped(demo_survey, 5)
    for _ in range(3):
        assert submit(client).status_code == 201
    QuotaCounter.objects.filter(survey=demo_survey).update(completes=5, cap=9)
    assert submit(client).status_code == 410

    run = survey_reconcile(survey_id=demo_survey.pk)

    assert _places_taken(demo_survey) == 3
    assert QuotaCounter.objects.get(survey=demo_survey).cap == 5
    repairs = Repair.objects.filter(reconciliation=run, table="quotas")
    assert sorted(repairs.values_list("key", "found", "expected")) == [("_cap", 5, 3), ("_cap.cap", 9, 5)]
    assert submit(client).status_code == 201
    assert survey_reconcile(survey_id=demo_survey.pk).cells_repaired == 0
