"""Sixteen submissions for one invitation at the same moment, each with its own
submission id, against a real server and PostgreSQL: the database's unique constraint
lets exactly one in (201); the others are told the invitation was answered (409), never
a server error. SQLite serialises writers, so only PostgreSQL shows the race."""

import json
import threading
import urllib.error
import urllib.request
import uuid

import pytest

from invitations.models import InvitationStatus
from responses import services
from responses.models import Response, UncountedResponse
from tests.kit.api import URL
from tests.kit.demo import demo_answers
from tests.kit.invitations import invitation_only, invite

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 16


def _post(url: str, token: str) -> tuple[int, dict]:
    body = json.dumps({"submission_id": str(uuid.uuid4()), "answers": demo_answers()}).encode()
    headers = {"Content-Type": "application/json", "X-Invitation-Token": token}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_it_stores_one_response_for_sixteen_concurrent_submits_of_one_invitation(
    demo_survey, live_server, monkeypatch
):
    counting: list = []
    monkeypatch.setattr(services, "request_counting", counting.append)
    invitation, token = invite(invitation_only(demo_survey))
    barrier = threading.Barrier(THREADS)
    results: list = [None] * THREADS

    def run(i: int) -> None:
        barrier.wait(timeout=30)
        results[i] = _post(live_server.url + URL, token)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(status for status, _ in results) == [201] + [409] * (THREADS - 1), results
    assert all(body == {"errors": {"invitation": ["This invitation has already been answered."]}}
               for status, body in results if status == 409)
    assert Response.objects.filter(invitation=invitation).count() == 1
    assert UncountedResponse.objects.count() == 1 and len(counting) == 1
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.COMPLETED
