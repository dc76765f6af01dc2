"""Data-quality flags (responses/quality.py): the form's observed timing (signed page
stamps), each flag at completion, the speeder as the median moves, auto-exclusion rules and
the admin's "Exclude responses with these flags", with counts kept equal to the recompute."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from analytics.counting import response_count
from invitations.models import Invitation
from invitations.services import invitations_erase
from responses.erasure import responses_erase_personal_data
from responses.models import Response
from responses.moderation import response_restore
from responses.quality import SPEEDER, STAMP_FIELD, page_stamp, survey_speeders_update, surveys_speeders_update
from surveys.definition_files import DefinitionError, definition_from_data, definition_to_data
from surveys.selectors import version_definition
from surveys.services import survey_import
from tests.kit.api import URL, submit
from tests.kit.counts import assert_counts_exact
from tests.kit.data import submit_and_count
from tests.kit.demo import demo_answers, demo_data
from tests.kit.form import PAGE1, PAGE2, PAGE3, complete, form_state, post_page
from tests.kit.invitations import invite, token_header
from tests.kit.quality import complete_timed, page_state, post_timed, timed_completes

pytestmark = pytest.mark.django_db

STRAIGHT = demo_answers()  # personal_use: "weekly" on all seven rows
NOT_STRAIGHT = demo_answers(personal_use=dict.fromkeys(("twitter", "facebook", "linkedin", "blogs", "video", "wikis",
                                                        "communities"), "weekly") | {"twitter": "daily"})


def _answered(client: Client, **changes) -> Response:
    answer = submit(client, changes.pop("answers", NOT_STRAIGHT))
    assert answer.status_code == 201, answer.content
    return Response.objects.get(pk=answer.json()["id"])


def _with_checks(demo_survey, **marks):
    """A new open version of the demo with attention checks: `industry` (a single choice)
    and/or the `wikis` row of `personal_use`."""
    data = demo_data() | {"status": "open"}
    for page in data["pages"]:
        for question in page["questions"]:
            if question["code"] == "industry" and "industry" in marks:
                question["attention_check"] = marks["industry"]
            if question["code"] == "personal_use" and "wikis" in marks:
                next(r for r in question["rows"] if r["code"] == "wikis")["attention_check"] = marks["wikis"]
    survey_import(definition=definition_from_data(data))
    return demo_survey


# --- Observed timing --------------------------------------------------------------------


def test_it_times_a_form_response_from_when_page_one_was_shown(client, demo_survey):
    complete_timed(client, seconds=100)

    response = Response.objects.get()
    assert response.timed
    # Page 1 was shown 100 s before it was posted: the clock started then, not at its save.
    assert response.duration_seconds >= 100
    assert response.fastest_page_seconds >= 100
    assert response.flags == []


def test_it_leaves_api_submissions_untimed_and_free_of_timing_flags(client, demo_survey):
    demo_survey.page_time_floor = 3600
    demo_survey.save()

    response = _answered(client)

    assert not response.timed and response.fastest_page_seconds is None
    assert response.flags == []


@pytest.mark.parametrize("stamp", ["", "forged", "x" * 300, "eyJh:1:2"])
def test_it_ignores_a_missing_or_forged_stamp(client, demo_survey, stamp):
    submission_id, page = form_state(client)

    answer = post_page(client, {**PAGE1, STAMP_FIELD: stamp}, state=(submission_id, page))

    assert answer.status_code == 302
    response = Response.objects.get()
    assert response.timed and response.fastest_page_seconds is None


def test_it_ignores_a_stamp_of_another_response_or_page(client, demo_survey):
    submission_id, page, _ = page_state(client)
    shown = 1_000_000_000.0  # long ago: it would show if it were taken
    for other in (page_stamp("00000000-0000-0000-0000-000000000000", 0, shown=shown),
                  page_stamp(submission_id, 2, shown=shown)):
        assert post_page(client, {**PAGE1, STAMP_FIELD: other}, action="save",
                         state=(submission_id, page)).status_code == 302

    response = Response.objects.get()
    assert response.fastest_page_seconds is None
    assert response.started_at.timestamp() > shown + 3600


def test_it_does_not_time_going_back_or_saving_for_later(client, demo_survey):
    post_timed(client, PAGE1, seconds=50)
    post_timed(client, PAGE2, seconds=0, action="back")

    assert Response.objects.get().fastest_page_seconds >= 50


# --- Flags at completion ----------------------------------------------------------------


def test_it_flags_a_page_faster_than_the_floor_as_a_bot(client, demo_survey):
    demo_survey.page_time_floor = 600
    demo_survey.save()

    post_timed(client, PAGE1, seconds=700)
    post_timed(client, PAGE2, seconds=0)
    post_timed(client, PAGE3, seconds=700)

    assert Response.objects.get().flags == ["bot"]


def test_it_flags_a_last_page_faster_than_the_floor(client, demo_survey):
    demo_survey.page_time_floor = 600
    demo_survey.save()

    complete_timed(client, seconds=700, pages=(PAGE1, PAGE2))
    post_timed(client, PAGE3, seconds=0)

    assert Response.objects.get().flags == ["bot"]


def test_it_flags_a_filled_in_trap_field_as_a_bot(client, demo_survey):
    complete_timed(client, seconds=30, pages=(PAGE1,), website="https://spam.example")
    complete_timed(client, seconds=30, pages=(PAGE2, PAGE3))

    response = Response.objects.get()
    assert response.honeypot and response.flags == ["bot"]


def test_it_flags_the_same_answer_on_every_row_of_a_five_row_matrix(client, demo_survey):
    assert _answered(client, answers=STRAIGHT).flags == ["straight_liner"]
    assert _answered(Client(), answers=NOT_STRAIGHT).flags == []


def test_it_flags_a_failed_attention_check_on_a_question(client, demo_survey):
    _with_checks(demo_survey, industry="technology")

    assert _answered(client, answers=demo_answers(industry="financial") | {
        "personal_use": NOT_STRAIGHT["personal_use"]}).flags == ["attention_failed"]
    assert _answered(Client(), answers=NOT_STRAIGHT | {"industry": "technology"}).flags == []


def test_it_flags_a_failed_attention_check_on_a_matrix_row(client, demo_survey):
    _with_checks(demo_survey, wikis="never")
    careful = NOT_STRAIGHT["personal_use"] | {"wikis": "never"}

    assert _answered(client).flags == ["attention_failed"]
    assert _answered(Client(), answers=NOT_STRAIGHT | {"personal_use": careful}).flags == []


def test_it_keeps_attention_checks_through_export_and_import(demo_survey):
    survey = _with_checks(demo_survey, industry="technology", wikis="never")
    data = definition_to_data(version_definition(survey.open_version()))
    questions = {q["code"]: q for page in data["pages"] for q in page["questions"]}
    assert questions["industry"]["attention_check"] == "technology"
    assert {r["code"]: r.get("attention_check") for r in questions["personal_use"]["rows"]}["wikis"] == "never"


@pytest.mark.parametrize(("code", "value", "message"), [
    ("industry", "nowhere", "'nowhere' is not one of its choices"),
    ("barriers", "roi", "not multiple"),
    ("personal_use", "never", "(mark its rows)"),
    ("comments", "x", "not long_text"),
])
def test_it_refuses_an_attention_check_that_cannot_be_answered(code, value, message):
    data = demo_data()
    question = next(q for page in data["pages"] for q in page["questions"] if q["code"] == code)
    question["attention_check"] = value

    with pytest.raises(DefinitionError) as error:
        definition_from_data(data)

    assert message in str(error.value) and "attention_check" in str(error.value)


def test_it_flags_a_second_complete_from_the_same_client_within_the_window(demo_survey):
    demo_survey.duplicate_window_hours = 24
    demo_survey.save()
    first, second, other = Client(), Client(), Client(HTTP_USER_AGENT="Another browser")
    for client in (first, second, other):
        complete(client)

    flags = list(Response.objects.order_by("completed_at").values_list("flags", flat=True))
    assert flags == [[], ["duplicate"], []]
    keys = set(Response.objects.values_list("client_key", flat=True))
    assert len(keys) == 2 and "127.0.0.1" not in "".join(keys)


def test_it_checks_no_duplicates_without_a_window(demo_survey):
    for _ in range(2):
        complete(Client())

    assert list(Response.objects.values_list("flags", "client_key")) == [([], ""), ([], "")]


def test_erasure_clears_the_client_key(demo_survey):
    demo_survey.duplicate_window_hours = 1
    demo_survey.save()
    complete(Client())
    responses_erase_personal_data(responses=Response.objects.all())

    assert Response.objects.get().client_key == ""


# --- The speeder, as the median moves ---------------------------------------------------


def test_it_flags_no_speeder_before_thirty_timed_completes(demo_survey):
    fast, *_ = timed_completes(demo_survey, [10] + [300] * 28)

    assert survey_speeders_update(survey=demo_survey) == (0, 0)
    assert Response.objects.get(pk=fast.pk).flags == []


def test_it_flags_speeders_and_clears_them_as_the_median_moves(demo_survey):
    fast, *_ = timed_completes(demo_survey, [60] + [300] * 29)  # median 300: under 100 s is a speeder

    assert survey_speeders_update(survey=demo_survey) == (1, 0)
    assert Response.objects.get(pk=fast.pk).flags == [SPEEDER]
    assert survey_speeders_update(survey=demo_survey) == (0, 0)  # once

    timed_completes(demo_survey, [100] * 40)  # median 100: only under 33 s is
    assert survey_speeders_update(survey=demo_survey) == (0, 1)
    assert Response.objects.get(pk=fast.pk).flags == []


def test_it_leaves_untimed_completes_out_of_the_median(client, demo_survey):
    timed_completes(demo_survey, [300] * 29)
    untimed = _answered(client)  # an API complete, however fast

    survey_speeders_update(survey=demo_survey)

    assert Response.objects.get(pk=untimed.pk).flags == []


# --- Acting on flags --------------------------------------------------------------------


def test_it_excludes_by_a_survey_rule_at_completion_reversibly_with_exact_counts(client, demo_survey):
    demo_survey.auto_exclude_flags = ["straight_liner"]
    demo_survey.save()
    kept = submit_and_count(demo_survey, NOT_STRAIGHT)
    ruled = _answered(client, answers=STRAIGHT)

    assert ruled.excluded_at is not None and ruled.exclusion_reason == "auto: straight_liner"
    assert Response.objects.get(pk=kept.pk).excluded_at is None
    assert_counts_exact(demo_survey)

    response_restore(response=ruled)
    assert response_count(ruled.pk)
    assert_counts_exact(demo_survey)


def test_it_excludes_speeders_found_later_by_a_survey_rule(demo_survey):
    demo_survey.auto_exclude_flags = [SPEEDER]
    demo_survey.save()
    fast, *_ = timed_completes(demo_survey, [60] + [300] * 29)

    survey_speeders_update(survey=demo_survey)

    fast.refresh_from_db()
    assert fast.exclusion_reason == "auto: speeder" and fast.flags == [SPEEDER]


def test_the_admin_excludes_the_responses_with_chosen_flags(alice, demo_survey):
    straight = [submit_and_count(demo_survey, STRAIGHT) for _ in range(2)]
    clean = submit_and_count(demo_survey, NOT_STRAIGHT)
    selected = [str(r.pk) for r in (*straight, clean)]
    changelist = reverse("admin:responses_response_changelist")

    confirmation = alice.post(changelist, {"action": "exclude_flagged_responses", "_selected_action": selected,
                                           "index": "0"})
    assert confirmation.status_code == 200 and b"Exclude flagged responses" in confirmation.content
    done = alice.post(changelist, {"action": "exclude_flagged_responses", "_selected_action": selected,
                                   "post": "yes", "flags": ["straight_liner"], "reason": "straight-lined"})

    assert done.status_code == 302
    reasons = dict(Response.objects.values_list("pk", "exclusion_reason"))
    assert [reasons[r.pk] for r in straight] == ["straight-lined"] * 2 and reasons[clean.pk] == ""
    assert_counts_exact(demo_survey)


def test_the_admin_lists_and_filters_by_flag(alice, demo_survey):
    submit_and_count(demo_survey, STRAIGHT)
    submit_and_count(demo_survey, NOT_STRAIGHT)
    changelist = reverse("admin:responses_response_changelist")

    page = alice.get(changelist, {"flag": "straight_liner"}).content.decode()

    assert "Straight-liner" in page
    assert page.count('name="_selected_action"') == 1


def test_erasure_clears_the_hidden_values_that_came_from_the_invitee_list(client, demo_survey):
    data = demo_data() | {"hidden_fields": [{"code": "rid"}, {"code": "src", "values": ["li", "tw"]}]}
    survey_import(definition=definition_from_data(data))
    invitation, token = invite(demo_survey, external_id="p-2", hidden={"rid": "r-2"})
    sent = {"submission_id": str(uuid.uuid4()), "answers": NOT_STRAIGHT, "hidden": {"src": "li"}}
    assert client.post(URL, json.dumps(sent), content_type="application/json",
                       **token_header(token)).status_code == 201

    invitations_erase(invitations=Invitation.objects.filter(pk=invitation.pk))

    assert Response.objects.get().hidden_values == {"src": "li"}  # the payload's value stays
    invitation.refresh_from_db()
    assert invitation.hidden == {}


def test_the_speeder_task_runs_on_the_beat(settings):
    from config.celery import app

    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "responses.update_speeders")
    assert entry["task"] in app.tasks and entry["schedule"] > 0


def test_the_periodic_update_flags_the_speeders_of_open_surveys(demo_survey):
    fast, *_ = timed_completes(demo_survey, [60] + [300] * 29)

    assert surveys_speeders_update() == 1
    assert Response.objects.get(pk=fast.pk).flags == [SPEEDER]
