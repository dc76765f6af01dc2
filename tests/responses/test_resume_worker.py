"""E-mailing the resume link through a real Celery worker (on the configured broker:
Redis in CI): the form's request sends exactly one e-mail, to the address typed, with
the link that resumes; a message delivered twice sends once; the worker's log never
names the address.

Each test starts its own worker on a private queue with Django's file backend in its
environment (the session worker keeps the console backend)."""

import uuid

import pytest
from django.test import Client

from config.celery import app
from responses.models import Response
from responses.tasks import send_resume_link_task
from tests.kit.form import PAGE1, PAGE2, form_state, post_page
from tests.kit.workers import broker_forget, drain, file_mail_env, file_mails, log_tail, worker_process

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ADDRESS = "grace.respondent@example.org"
COOKIE = "resume-ddiq-2010"


@pytest.fixture
def queue(monkeypatch):
    """A private queue, which the resume e-mails the app sends go to."""
    name = f"resume-{uuid.uuid4().hex[:8]}"
    publish = send_resume_link_task.apply_async
    monkeypatch.setattr(send_resume_link_task, "apply_async",
                        lambda args, kwargs=None, **options: publish(args, kwargs, **{"queue": name, **options}))
    yield name
    broker_forget(app, name)





def test_it_sends_exactly_one_email_with_the_link_that_resumes(demo_survey, tmp_path, queue):
    respondent = Client(REMOTE_ADDR="192.0.2.99")
    post_page(respondent, PAGE1)
    post_page(respondent, PAGE2)
    token = respondent.cookies[COOKIE].value

    with worker_process("resume", tmp_path, queues=(queue,), env=file_mail_env(tmp_path / "mail")):
        assert respondent.post("/s/ddiq-2010/resume/email/", {"email": ADDRESS}).status_code == 302
        assert respondent.post("/s/ddiq-2010/resume/email/", {"email": ADDRESS}).status_code == 302  # double click
        drain(queue)

    mails = file_mails(tmp_path / "mail")
    assert [m["To"] for m in mails] == [ADDRESS]
    body = mails[0].get_payload(decode=True).decode()
    link = f"http://testserver/r/{token}/"
    assert link in body
    other = Client()
    assert other.get(link.removeprefix("http://testserver")).status_code == 302
    assert form_state(other)[1] == "2"
    log = log_tail(tmp_path / "worker-resume.log", 400)
    assert "responses.send_resume_link" in log  # the worker logged the task...
    assert ADDRESS not in log and token not in log  # ...without the address or the token


def test_it_sends_once_when_the_same_message_is_delivered_twice(demo_survey, tmp_path, queue):
    respondent = Client(REMOTE_ADDR="192.0.2.99")
    post_page(respondent, PAGE1)
    token = respondent.cookies[COOKIE].value

    args = [str(Response.objects.get().pk), token, ADDRESS, "https://surveys.example.org"]
    task_id = f"twice-{uuid.uuid4()}"
    with worker_process("resume", tmp_path, queues=(queue,), env=file_mail_env(tmp_path / "mail")):
        for _ in range(2):  # a redelivery after a worker died before acknowledging
            send_resume_link_task.apply_async(args=args, task_id=task_id, queue=queue)
        drain(queue)

    mails = file_mails(tmp_path / "mail")
    assert len(mails) == 1
    assert f"https://surveys.example.org/r/{token}/" in mails[0].get_payload(decode=True).decode()
