"""A hidden field declared with `values` is a segment of the count tables: the counting
engine keys a response's counts by its value as by a segment question's choice, the full
recompute (and so the reconciliation) agrees, and an exclusion takes them out again."""

import random

import pytest

from analytics.counting import pending_count
from analytics.models import DailyCount
from analytics.tables import survey_counts
from responses.erasure import responses_erase_personal_data
from responses.models import Response
from responses.moderation import response_exclude
from surveys.selectors import HIDDEN_SEGMENT_SPAN, compiled_version, hidden_segment_key
from tests.kit.api import submit
from tests.kit.counts import assert_counts_exact
from tests.kit.demo import demo_answers, panel_version
from tests.kit.invitations import invite

pytestmark = pytest.mark.django_db

SOURCES = ["li", "tw", "li", None, "mail", "li", "web"]  # "web" is no declared value: in no segment


def _submissions(client, n: int = 21, seed: int = 4) -> list[tuple[str, str | None]]:
    """`n` API completes: (role, declared source or None) of each."""
    rng = random.Random(seed)
    given = []
    for i in range(n):
        role = rng.choice(("it", "business"))
        source = SOURCES[i % len(SOURCES)]
        declared = source if source != "web" else None
        hidden = {"rid": f"r{i}"} | ({"src": declared} if declared else {})
        response = submit(client, demo_answers(role=role), hidden=hidden)
        assert response.status_code == 201, response.content
        if source == "web":  # intake refuses it; stored all the same (as an older version's free text would be)
            Response.objects.filter(pk=response.json()["id"]).update(hidden=hidden | {"src": "web"})
        given.append((role, declared))
    return given


def test_the_engine_keys_counts_by_a_hidden_fields_value_as_the_recompute_does(client, demo_survey):
    version = panel_version()
    given = _submissions(client)
    assert pending_count() == len(given)

    assert_counts_exact(demo_survey)
    counts = survey_counts(demo_survey)
    for source in ("li", "tw", "mail"):
        segment = ("src", source)
        assert counts.base("role", segment=segment) == sum(1 for _, s in given if s == source)
        assert counts.cell("role", "it", segment=segment) == sum(1 for r, s in given if (r, s) == ("it", source))
    key = compiled_version(version).hidden_segment_ids[("src", "li")]
    assert sum(DailyCount.objects.filter(segment_choice_id=key).values_list("n", flat=True)) == sum(
        1 for _, s in given if s == "li"
    )


def test_an_exclusion_takes_the_response_out_of_its_hidden_segment(client, demo_survey):
    panel_version()
    given = _submissions(client, n=7)
    pending_count()
    excluded = Response.objects.filter(hidden__src="li").order_by("pk").first()
    response_exclude(response=excluded, reason="test")

    assert_counts_exact(demo_survey)
    assert survey_counts(demo_survey).base("role", segment=("src", "li")) == sum(1 for _, s in given if s == "li") - 1


def test_an_erasure_takes_the_response_out_of_the_segment_the_invitee_list_gave(client, demo_survey):
    panel_version()
    given = _submissions(client, n=7)
    pending_count()
    listed = Response.objects.filter(hidden__src="li").order_by("pk").first()
    invitation, _ = invite(demo_survey, hidden={"src": "li"})
    Response.objects.filter(pk=listed.pk).update(invitation=invitation)

    responses_erase_personal_data(responses=Response.objects.filter(pk=listed.pk))
    pending_count()  # the counting task counts it again, without the erased value

    assert Response.objects.get(pk=listed.pk).hidden == {"rid": listed.hidden["rid"]}
    assert_counts_exact(demo_survey)
    counts = survey_counts(demo_survey)
    assert counts.base("role", segment=("src", "li")) == sum(1 for _, s in given if s == "li") - 1
    assert counts.base("role") == len(given)


def test_hidden_segment_keys_meet_no_choice_and_no_other_field():
    keys = {hidden_segment_key(pk, i) for pk in (1, 2, 3) for i in range(HIDDEN_SEGMENT_SPAN)}
    assert len(keys) == 3 * HIDDEN_SEGMENT_SPAN and max(keys) < 0


def test_a_field_without_values_is_no_segment(demo_survey):
    compiled = compiled_version(panel_version())
    assert {code for code, _ in compiled.hidden_segment_ids} == {"src"}
    assert compiled.segment_key(("src", "tw")) == compiled.hidden_segment_ids[("src", "tw")]
    assert compiled.segment_key(("role", "it")) == compiled.choice_ids[("role", "it")]
    assert compiled.segment_key(("src", "web")) is None
