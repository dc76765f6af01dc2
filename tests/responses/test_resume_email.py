"""E-mailing oneself the resume link (/s/<slug>/resume/email/): one e-mail by a task
queued after commit, with the link this browser holds; the address checked, never
stored, never in a URL; a double click sends once; limits per response and per client;
no e-mail form for invitees. The task runs here with Django's locmem backend
(tests/responses/test_resume_worker.py runs it through a real worker)."""

import logging
import re

import pytest
import redis
from django.apps import apps
from django.core import mail, serializers
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone
from kombu.exceptions import OperationalError

from responses import resume
from responses.emails import ResumeEmailFailed, resume_link_email
from responses.models import Response
from responses.tasks import send_resume_link_task
from responses.views.flow import Flow
from tests.kit.form import PAGE1, PAGE2, PAGE3, complete, form_state, html_of, post_page
from tests.kit.invitations import invitation_only, invite

pytestmark = pytest.mark.django_db

URL = "/s/ddiq-2010/resume/email/"
SENT = "/s/ddiq-2010/resume/email/sent/"
COOKIE = "resume-ddiq-2010"
ADDRESS = "ada.respondent@example.org"
LINK_RE = re.compile(r"http://testserver/r/([A-Za-z0-9_-]{22})/")


@pytest.fixture
def queued(monkeypatch) -> list[tuple]:
    """The resume e-mails queued: (task arguments, sending options)."""
    sent: list[tuple] = []
    monkeypatch.setattr(send_resume_link_task, "apply_async",
                        lambda args, kwargs=None, **options: sent.append((tuple(args), options)))
    return sent


@pytest.fixture
def respondent(demo_survey) -> Client:
    client = Client(REMOTE_ADDR="192.0.2.99")
    post_page(client, PAGE1)
    return client


def _ask(client: Client, address: str = ADDRESS, capture=None):
    with capture(execute=True):
        return client.post(URL, {"email": address})


def _run(queued) -> None:
    """Run the queued tasks here (the task's body: `apply` would close the test's
    database connection, as a worker closes an old one before each task)."""
    for args, _ in queued:
        send_resume_link_task(*args)
    queued.clear()


def test_it_offers_the_form_with_a_labelled_address_field_and_the_link(respondent):
    page = html_of(respondent.get(URL))
    token = respondent.cookies[COOKIE].value

    assert '<label for="resume-email-address" class="form-label">Your e-mail address</label>' in page
    assert 'type="email" name="email" id="resume-email-address"' in page
    assert "Send me the link</button>" in page
    assert f"http://testserver/r/{token}/" in page


def test_it_queues_one_email_after_commit_and_says_it_was_sent(respondent, queued,
                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answer = respondent.post(URL, {"email": ADDRESS})
        assert queued == []  # nothing before commit
    for callback in callbacks:
        callback()

    assert answer.status_code == 302 and answer["Location"] == SENT
    assert ADDRESS not in answer["Location"]
    assert len(queued) == 1
    sent_page = html_of(respondent.get(SENT))
    assert "We sent the link to the address you typed" in sent_page
    assert ADDRESS not in sent_page


def test_it_sends_one_email_with_the_link_that_resumes(respondent, queued, django_capture_on_commit_callbacks):
    token = respondent.cookies[COOKIE].value

    _ask(respondent, capture=django_capture_on_commit_callbacks)
    _run(queued)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [ADDRESS]
    assert message.subject == "Your link to continue: " + Response.objects.get().survey.title
    (emailed,) = LINK_RE.findall(message.body)
    assert emailed == token  # the browser's own token: no new one, the cookie stays as it is
    assert respondent.cookies[COOKIE].value == token
    other = Client()
    assert other.get(f"/r/{emailed}/").status_code == 302
    assert form_state(other)[1] == "1"


def test_it_hides_the_address_and_the_token_from_celery_events_and_logs(respondent, queued,
                                                                         django_capture_on_commit_callbacks):
    token = respondent.cookies[COOKIE].value

    _ask(respondent, capture=django_capture_on_commit_callbacks)

    (args, options), = queued
    assert ADDRESS in args and token in args  # the message itself must carry them
    assert ADDRESS not in options["argsrepr"] and token not in options["argsrepr"]


def test_it_never_stores_the_address(respondent, queued, django_capture_on_commit_callbacks, caplog, settings):
    caplog.set_level(logging.DEBUG)

    _ask(respondent, capture=django_capture_on_commit_callbacks)
    _ask(respondent, capture=django_capture_on_commit_callbacks)  # the double click
    _run(queued)

    rows = serializers.serialize("json", [obj for model in apps.get_models() for obj in model.objects.all()])
    assert ADDRESS not in rows
    assert ADDRESS not in caplog.text
    assert len(mail.outbox) == 1
    location = settings.CACHES["default"].get("LOCATION")
    if location:  # Redis (always under CI): neither a key nor a value names the address
        server = redis.Redis.from_url(location)
        keys = server.keys("*")
        assert any(b"resume-email" in key for key in keys)
        for key in keys:
            assert ADDRESS.encode() not in key and ADDRESS.encode() not in (server.get(key) or b"")


def test_it_sends_once_on_a_double_click(respondent, queued, django_capture_on_commit_callbacks):
    first = _ask(respondent, capture=django_capture_on_commit_callbacks)
    second = _ask(respondent, capture=django_capture_on_commit_callbacks)

    assert first.status_code == second.status_code == 302
    assert second["Location"] == SENT
    assert len(queued) == 1


def test_it_sends_again_to_a_corrected_address(respondent, queued, django_capture_on_commit_callbacks):
    _ask(respondent, "ada@exmaple.org", capture=django_capture_on_commit_callbacks)
    _ask(respondent, ADDRESS, capture=django_capture_on_commit_callbacks)

    assert [args[2] for args, _ in queued] == ["ada@exmaple.org", ADDRESS]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter your e-mail address, for example name@example.org."),
        ("ada at example", "Enter an e-mail address in the form name@example.org."),
        ("ada@example.org\nBcc: all@example.org", "Enter an e-mail address in the form name@example.org."),
    ],
)
def test_it_refuses_a_bad_address_clearly_and_keeps_it(respondent, queued, django_capture_on_commit_callbacks,
                                                       typed, message):
    answer = _ask(respondent, typed, capture=django_capture_on_commit_callbacks)
    page = html_of(answer)

    assert answer.status_code == 200
    assert message in page and 'aria-invalid="true"' in page
    assert page.count("<title>Error: ") == 1
    if typed.strip() and "\n" not in typed:
        assert f'value="{typed}"' in page
    assert queued == []


def test_it_limits_emails_per_response(respondent, queued, django_capture_on_commit_callbacks):
    statuses = [
        _ask(respondent, f"p{i}@example.org", capture=django_capture_on_commit_callbacks).status_code
        for i in range(resume.RESUME_EMAILS_PER_RESPONSE + 1)
    ]
    refused = _ask(respondent, "last@example.org", capture=django_capture_on_commit_callbacks)

    assert statuses == [302] * resume.RESUME_EMAILS_PER_RESPONSE + [429]
    assert refused.status_code == 429
    assert "Too many e-mails with this link, or from your network" in html_of(refused)
    assert 'value="last@example.org"' in html_of(refused)  # nothing typed is lost
    assert len(queued) == resume.RESUME_EMAILS_PER_RESPONSE


def test_it_limits_emails_per_client_across_responses(demo_survey, queued, django_capture_on_commit_callbacks):
    statuses = []
    for i in range(resume.RESUME_EMAILS_PER_CLIENT + 1):
        client = Client(REMOTE_ADDR="198.51.100.7")
        post_page(client, PAGE1)
        statuses.append(_ask(client, f"p{i}@example.org", capture=django_capture_on_commit_callbacks).status_code)

    assert statuses == [302] * resume.RESUME_EMAILS_PER_CLIENT + [429]
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    post_page(elsewhere, PAGE1)
    assert _ask(elsewhere, capture=django_capture_on_commit_callbacks).status_code == 302


def test_it_sends_nothing_while_the_cache_is_down(respondent, queued, django_capture_on_commit_callbacks,
                                                  monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(cache, "add", down)
    monkeypatch.setattr(cache, "incr", down)

    answer = _ask(respondent, capture=django_capture_on_commit_callbacks)

    assert answer.status_code == 503
    assert "We cannot send e-mail just now" in html_of(answer)
    assert f'value="{ADDRESS}"' in html_of(answer)
    assert queued == []


def test_it_finds_nothing_to_send_without_saved_answers(demo_survey, queued, django_capture_on_commit_callbacks):
    answer = _ask(Client(), capture=django_capture_on_commit_callbacks)

    assert answer.status_code == 404
    assert "There are no saved answers in this browser" in html_of(answer)
    assert queued == []


def test_it_sends_nothing_for_a_completed_response(respondent, queued, django_capture_on_commit_callbacks,
                                                   counting_requests):
    complete(respondent, pages=[PAGE2, PAGE3])

    answer = _ask(respondent, capture=django_capture_on_commit_callbacks)

    assert answer.status_code == 404
    assert "already been submitted" in html_of(answer)
    assert queued == []


def test_the_task_sends_nothing_once_the_link_no_longer_works(respondent, queued, django_capture_on_commit_callbacks):
    _ask(respondent, capture=django_capture_on_commit_callbacks)
    Response.objects.update(status=Response.Status.COMPLETE, completed_at=timezone.now())

    _run(queued)

    assert mail.outbox == []


def test_the_task_sends_once_when_its_message_is_delivered_twice(respondent, queued,
                                                                   django_capture_on_commit_callbacks):
    _ask(respondent, capture=django_capture_on_commit_callbacks)
    (args, _), = queued

    for _ in range(2):
        resume_link_email(response_id=args[0], token=args[1], address=args[2], base_url=args[3], delivery="once")

    assert len(mail.outbox) == 1


class _RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError(f"550 <{messages[0].to[0]}>: recipient rejected")


def test_a_failed_send_names_no_address_and_is_sent_by_the_retry(respondent, queued, settings,
                                                                  django_capture_on_commit_callbacks):
    _ask(respondent, capture=django_capture_on_commit_callbacks)
    (args, _), = queued
    token = args[1]
    settings.EMAIL_BACKEND = "tests.responses.test_resume_email._RefusingBackend"

    with pytest.raises(ResumeEmailFailed) as failed:
        resume_link_email(response_id=args[0], token=token, address=ADDRESS, base_url=args[3], delivery="d1")
    assert str(failed.value) == "OSError" and failed.value.__cause__ is None and failed.value.__suppress_context__

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert resume_link_email(response_id=args[0], token=token, address=ADDRESS, base_url=args[3], delivery="d1")
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_it_says_so_when_the_broker_is_down(demo_survey, monkeypatch):
    respondent = Client(REMOTE_ADDR="192.0.2.99")
    post_page(respondent, PAGE1)

    def down(*args, **kwargs):
        raise OperationalError("broker unreachable")

    monkeypatch.setattr(send_resume_link_task, "apply_async", down)

    answer = respondent.post(URL, {"email": ADDRESS})

    assert answer.status_code == 503
    assert "We cannot send e-mail just now" in html_of(answer)
    assert f'value="{ADDRESS}"' in html_of(answer)


def test_the_form_is_not_offered_to_invitees_nor_in_test_mode(demo_survey):
    request = RequestFactory().get("/")
    invitation, personal = invite(demo_survey)
    flows = {
        "public": Flow(survey=demo_survey),
        "invitee": Flow(survey=demo_survey, invitation=invitation, invitation_token=personal),
        "test": Flow(survey=demo_survey, preview_version=demo_survey.open_version()),
    }

    shown = {
        name: "Send me the link" in render_to_string(
            "responses/_resume_email.html", {"flow": flow, "resume_email_url": URL}, request=request
        )
        for name, flow in flows.items()
    }

    assert shown == {"public": True, "invitee": False, "test": False}


def test_an_invitee_finds_nothing_to_send_through_the_public_form(demo_survey, queued,
                                                                   django_capture_on_commit_callbacks):
    _, personal = invite(demo_survey)
    invitee = Client()
    post_page(invitee, PAGE1, url=f"/i/{personal}/")

    assert _ask(invitee, capture=django_capture_on_commit_callbacks).status_code == 404
    assert queued == []


def test_the_form_page_is_the_form_of_the_respondents_survey_only(respondent, demo_survey):
    assert respondent.get("/s/no-such-survey/resume/email/").status_code == 404
    invitation_only(demo_survey)
    assert respondent.get(URL).status_code == 404  # not even its title
    assert respondent.get(SENT).status_code == 404
