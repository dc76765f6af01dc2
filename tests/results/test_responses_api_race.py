"""The responses API's cursor under concurrent completions, on PostgreSQL: writers in
threads complete responses, each holding its transaction open a moment after taking its
number (a response that commits late), while a reader pages with `since`. The reader sees
every response exactly once, in number order: a number is only handed out once the
previous one has committed. A timestamp, a uuid or a database SEQUENCE cursor would let
the reader pass over a response that commits after a later-numbered one."""

import random
import threading
import time
import uuid

import pytest
from django.db import connection, transaction

from responses import services
from responses.models import Response
from responses.services import response_submit
from results.response_feed import FeedQuery, responses_feed
from tests.kit.demo import demo_answers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WRITERS = 4
EACH = 10


def _complete_slowly(survey, rng: random.Random) -> None:
    try:
        for _ in range(EACH):
            with transaction.atomic():
                result = response_submit(survey=survey, version=survey.open_version(), submission_id=uuid.uuid4(),
                                         answers=demo_answers())
                assert result.created
                # Committing late, after the number is taken: the window a reader could skip through.
                time.sleep(rng.uniform(0, 0.02))
    finally:
        connection.close()


def test_a_reader_paging_during_completions_sees_each_response_once_in_order(demo_survey, monkeypatch):
    monkeypatch.setattr(services, "request_counting", lambda response_id: None)  # no broker here
    writers = [
        threading.Thread(target=_complete_slowly, args=(demo_survey, random.Random(seed))) for seed in range(WRITERS)
    ]
    for writer in writers:
        writer.start()
    seen, since, reads = [], 0, 0
    while any(w.is_alive() for w in writers) or reads == 0:
        page = responses_feed(demo_survey, FeedQuery(since=since, limit=3))
        seen += page.responses
        since, reads = page.next, reads + 1
    for writer in writers:
        writer.join(timeout=60)
    while (page := responses_feed(demo_survey, FeedQuery(since=since, limit=3))).responses:
        seen += page.responses
        since = page.next

    stored = list(Response.objects.filter(survey=demo_survey).order_by("completed_seq").values_list("id", flat=True))
    assert len(stored) == WRITERS * EACH
    assert [r["id"] for r in seen] == [str(pk) for pk in stored]
    assert [r["cursor"] for r in seen] == list(range(1, WRITERS * EACH + 1))
    assert reads > 1  # the reader really paged while the writers wrote
