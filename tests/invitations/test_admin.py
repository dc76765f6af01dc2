"""Invitations in the admin, as a survey manager (alice) uses them: the list with
statuses, adding one invitee, the send, revoke, erase and export actions, e-mail
templates with a preview; charlie (staff, no permissions) sees none of it."""

import csv
import io

import pytest
from django.core import mail
from django.test import Client

from invitations.models import EmailKind, EmailMessage, EmailTemplate, Invitation, InvitationStatus
from invitations.sending import invitation_batch_send
from invitations.services import invitation_opt_out
from invitations.tasks import send_batch_task
from tests.kit.form import PAGE1, complete, post_page
from tests.kit.invitations import invite

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/invitations/invitation/"
ADD_URL = "/admin/invitations/invitation/add/"


def _action(client, action: str, invitations, **extra):
    data = {"action": action, "_selected_action": [str(i.pk) for i in invitations], **extra}
    return client.post(LIST_URL, data)


def _run(queued: list[tuple]) -> None:
    """What the worker does with the queued batches (tests/invitations/test_worker.py does it for real)."""
    for ids, kind, campaign, base_url in queued:
        invitation_batch_send(invitation_ids=ids, kind=kind, campaign=campaign, base_url=base_url)
    queued.clear()


def test_it_lists_invitations_with_their_status(alice, demo_survey):
    sent, _ = invite(demo_survey, "sent@example.org")
    sent.sent_at = sent.created_at
    sent.save()
    invite(demo_survey, "new@example.org")

    html = alice.get(LIST_URL).content.decode()

    assert "sent@example.org" in html and "new@example.org" in html
    assert "<td class=\"field-status_label\">Sent</td>" in html
    assert "<td class=\"field-status_label\">Not sent</td>" in html


def test_it_filters_invitations_by_status(alice, demo_survey):
    invitation, _ = invite(demo_survey, "out@example.org")
    invitation_opt_out(invitation=invitation)
    invite(demo_survey, "new@example.org")

    html = alice.get(LIST_URL, {"status": InvitationStatus.OPTED_OUT}).content.decode()

    assert "out@example.org" in html and "new@example.org" not in html


def test_it_lists_invitations_in_a_fixed_number_of_queries(alice, demo_survey, django_assert_max_num_queries):
    for i in range(5):
        invite(demo_survey, f"p{i}@example.org")
    alice.get(LIST_URL)  # warm the session and the content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert alice.get(LIST_URL).status_code == 200
    for i in range(5, 60):
        invite(demo_survey, f"p{i}@example.org")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = alice.get(LIST_URL)
    assert page.status_code == 200 and "p59@example.org" in page.content.decode()


def test_it_adds_one_invitation(alice, demo_survey):
    response = alice.post(ADD_URL, {"survey": demo_survey.pk, "email": "ada@example.org", "name": "Ada",
                                    "external_id": "p-1", "messages-TOTAL_FORMS": 0, "messages-INITIAL_FORMS": 0})

    assert response.status_code == 302, response.content.decode()[:2000]
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.name, invitation.external_id) == ("ada@example.org", "Ada", "p-1")
    assert len(invitation.token_hash) == 64


def test_it_refuses_to_invite_the_same_address_twice(alice, demo_survey):
    invite(demo_survey, "ada@example.org")

    response = alice.post(ADD_URL, {"survey": demo_survey.pk, "email": "ADA@example.org",
                                    "messages-TOTAL_FORMS": 0, "messages-INITIAL_FORMS": 0})

    assert response.status_code == 200
    assert "This address is already invited to this survey." in response.content.decode()
    assert Invitation.objects.count() == 1


def test_it_queues_invitations_and_reports_how_many(alice, demo_survey, queued, django_capture_on_commit_callbacks):
    invitations = [invite(demo_survey, f"p{i}@example.org")[0] for i in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        response = _action(alice, "send_invitations", invitations)

    assert response.status_code == 302
    assert [len(ids) for ids, *_ in queued] == [3]
    assert queued[0][3] == "http://testserver/"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Queued 3 invitation(s) in 1 batch(es). Statuses change as they are sent."]


@pytest.mark.django_db(transaction=True)  # outside a transaction the queueing happens at once, as in a request
def test_it_says_so_when_the_task_queue_is_unreachable(alice, demo_survey, monkeypatch):
    def down(*args):
        raise OSError("broker unreachable")

    monkeypatch.setattr(send_batch_task, "delay", down)
    invitation, _ = invite(demo_survey)

    response = _action(alice, "send_invitations", [invitation])

    assert [str(m) for m in response.wsgi_request._messages] == [
        "Could not queue the e-mails (the task queue is unreachable): broker unreachable"
    ]


def test_it_revokes_links(alice, demo_survey):
    invitation, token = invite(demo_survey)

    _action(alice, "revoke", [invitation])

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED
    assert Client().get(f"/i/{token}/").status_code == 404


def test_it_asks_before_erasing(alice, demo_survey):
    invitation, _ = invite(demo_survey, "ada@example.org")

    asked = _action(alice, "erase", [invitation])
    invitation.refresh_from_db()
    assert "This cannot be undone" in asked.content.decode() and invitation.email == "ada@example.org"

    _action(alice, "erase", [invitation], post="yes")
    invitation.refresh_from_db()
    assert (invitation.email, invitation.status) == ("", InvitationStatus.ERASED)


def test_it_exports_the_invitee_list_without_tokens(alice, demo_survey):
    invitation, token = invite(demo_survey, "ada@example.org", name="=HYPERLINK(\"x\")", external_id="p-1")

    response = _action(alice, "export_csv", [invitation])

    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert [(r["email"], r["name"], r["external_id"], r["status"]) for r in rows] == [
        ("ada@example.org", "'=HYPERLINK(\"x\")", "p-1", "not_sent")
    ]
    for secret in (token, invitation.token_hash, invitation.token_nonce):
        assert secret not in text


def test_it_hides_invitations_from_staff_without_permissions(client, outsider, demo_survey):
    invite(demo_survey)
    client.force_login(outsider)

    assert client.get(LIST_URL).status_code == 403


# --- E-mail templates --------------------------------------------------------------------

TEMPLATE_ADD = "/admin/invitations/emailtemplate/add/"


def test_it_previews_a_template_escaped_with_a_sample_invitee(alice, demo_survey):
    template = EmailTemplate.objects.create(
        survey=demo_survey, kind=EmailKind.INVITATION, subject="Hi {name}",
        body="<script>alert(1)</script> Dear {name}, {link}",
    )

    html = alice.get(f"/admin/invitations/emailtemplate/{template.pk}/change/").content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt; Dear Ada Lovelace, https://surveys.example.org/i/" in html
    assert "<script>alert(1)</script>" not in html
    assert "<strong>Subject:</strong> Hi Ada Lovelace" in html
    assert "To receive no more e-mail about this survey" in html


def test_it_refuses_a_template_with_an_unknown_placeholder_or_no_link(alice, demo_survey):
    response = alice.post(TEMPLATE_ADD, {"survey": demo_survey.pk, "kind": "invitation",
                                         "subject": "Hi {first_name}", "body": "No link here."})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Unknown placeholder(s): {first_name}." in html
    assert "The body must contain the invitee&#x27;s {link}." in html
    assert not EmailTemplate.objects.exists()


def test_it_starts_a_new_template_from_the_built_in_text(alice, demo_survey):
    html = alice.get(TEMPLATE_ADD).content.decode()

    assert "You are invited to take part in our survey." in html


def test_it_shows_access_and_panel_redirects_on_the_survey(alice, demo_survey):
    html = alice.get(f"/admin/surveys/survey/{demo_survey.pk}/change/").content.decode()

    for field in ("access", "redirect_complete", "redirect_closed"):
        assert f'name="{field}"' in html


# --- The whole round, as in the "done when" ---------------------------------------


def test_it_lets_an_admin_upload_send_remind_and_watch_statuses(alice, demo_survey, queued,
                                                                 django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("list.csv", b"email,name\nada@example.org,Ada\nbob@example.org,Bob\n"
                                            b"cy@example.org,Cy\n")
    alice.post("/admin/invitations/invitation/import/", {"survey": demo_survey.pk, "file": upload})
    invitations = {i.email: i for i in Invitation.objects.all()}
    assert {i.status for i in invitations.values()} == {InvitationStatus.NOT_SENT}

    with django_capture_on_commit_callbacks(execute=True):
        _action(alice, "send_invitations", invitations.values())
    _run(queued)
    links = {m.to[0]: next(line for line in m.body.splitlines() if "/i/" in line) for m in mail.outbox}
    assert len(links) == 3

    ada, bob = Client(), Client()
    complete(ada, url=links["ada@example.org"].replace("http://testserver", ""))
    post_page(bob, PAGE1, url=links["bob@example.org"].replace("http://testserver", ""))

    with django_capture_on_commit_callbacks(execute=True):
        _action(alice, "send_reminder", invitations.values())
    _run(queued)

    reminded = sorted(m.to[0] for m in mail.outbox[3:])
    assert reminded == ["bob@example.org", "cy@example.org"]
    html = alice.get(LIST_URL).content.decode()
    statuses = {i.email: i.status for i in Invitation.objects.all()}
    assert statuses == {
        "ada@example.org": InvitationStatus.COMPLETED,
        "bob@example.org": InvitationStatus.STARTED,
        "cy@example.org": InvitationStatus.SENT,
    }
    assert html.count("field-status_label\">Completed<") == 1 and html.count("field-status_label\">Started<") == 1
    assert EmailMessage.objects.filter(kind=EmailKind.REMINDER).count() == 2
