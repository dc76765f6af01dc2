"""Sending through a real Celery worker (on the configured broker: Redis in CI): the
e-mails leave through Django's file backend or an SMTP server, each once, even when the
same task is delivered twice; a failing SMTP send is recorded and retried by the task.

Each test starts its own worker on a private queue, with the e-mail settings in its
environment (the session worker keeps the console backend)."""

import socketserver
import threading
import uuid

import pytest

from config.celery import app
from invitations.models import EmailKind, EmailMessage, Invitation, InvitationStatus
from invitations.tasks import send_batch_task
from tests.kit.commands import free_port
from tests.kit.invitations import invite
from tests.kit.waiting import wait_for
from tests.kit.workers import broker_forget, celery_env, drain, file_mail_env, file_mails, log_tail, worker_process

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BASE = "https://surveys.example.org"


@pytest.fixture
def queue():
    name = f"invitations-{uuid.uuid4().hex[:8]}"
    yield name
    broker_forget(app, name)





def test_it_sends_a_batch_once_through_a_worker_even_when_delivered_twice(demo_survey, tmp_path, queue):
    invitations = [invite(demo_survey, f"p{i}@example.org", name=f"P{i}")[0] for i in range(3)]
    ids = [str(i.pk) for i in invitations]
    assert {i.status for i in invitations} == {InvitationStatus.NOT_SENT}

    with worker_process("mail", tmp_path, queues=(queue,), env=file_mail_env(tmp_path / "mail")):
        for _ in range(2):  # a duplicated delivery, or a retry of a batch that went through
            send_batch_task.apply_async(args=[ids, EmailKind.INVITATION, "invitation", BASE], queue=queue)
        drain(queue)

    mails = file_mails(tmp_path / "mail")
    assert sorted(m["To"] for m in mails) == ["p0@example.org", "p1@example.org", "p2@example.org"]
    for message in mails:
        invitation = Invitation.objects.get(email=message["To"])
        assert f"{BASE}/i/{invitation.token()}/" in message.get_payload(decode=True).decode()
    assert {i.status for i in Invitation.objects.all()} == {InvitationStatus.SENT}
    assert set(EmailMessage.objects.values_list("status", "attempts")) == {("sent", 1)}
    assert EmailMessage.objects.count() == 3


def test_it_sends_a_reminder_once_and_only_to_those_who_have_not_answered(demo_survey, tmp_path, queue):
    waiting, _ = invite(demo_survey, "waiting@example.org")
    answered, _ = invite(demo_survey, "answered@example.org")
    Invitation.objects.filter(pk=answered.pk).update(started_at=answered.created_at, completed_at=answered.created_at)
    args = [[str(waiting.pk), str(answered.pk)], EmailKind.REMINDER, "reminder-1", BASE]

    with worker_process("mail", tmp_path, queues=(queue,), env=file_mail_env(tmp_path / "mail")):
        send_batch_task.apply_async(args=args, queue=queue)
        send_batch_task.apply_async(args=args, queue=queue)
        drain(queue)

    assert [m["To"] for m in file_mails(tmp_path / "mail")] == ["waiting@example.org"]


def test_it_records_a_failing_smtp_send_and_retries_it_three_times(demo_survey, tmp_path, queue):
    invitation, _ = invite(demo_survey)
    closed = free_port()
    env = celery_env(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
                     EMAIL_PORT=str(closed), EMAIL_TIMEOUT="2")
    log = tmp_path / "worker-smtp.log"

    with worker_process("smtp", tmp_path, queues=(queue,), env=env):
        send_batch_task.apply_async(args=[[str(invitation.pk)], EmailKind.INVITATION, "invitation", BASE],
                                    queue=queue)
        try:
            # 1 + 3 retries, with exponential back-off (at most 1 + 2 + 4 s).
            wait_for(lambda: "raised unexpected: BatchSendFailed" in log.read_text(errors="replace"), timeout=60)
        except BaseException:
            print(log_tail(log))
            raise

    message = EmailMessage.objects.get()
    invitation.refresh_from_db()
    assert (message.status, message.attempts) == (EmailMessage.Status.FAILED, 4)
    assert "Connection refused" in message.error
    assert invitation.status == InvitationStatus.SEND_FAILED and invitation.send_error == message.error
    assert log.read_text().count("Retry in") == 3


class _SMTPServer(socketserver.ThreadingTCPServer):
    """A minimal SMTP server that answers "421 try again later" to its first
    `refuse_first` connections, then takes every message."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, refuse_first: int):
        super().__init__(("127.0.0.1", 0), _SMTPHandler)
        self.refuse_first = refuse_first
        self.connections = 0
        self.messages: list[bytes] = []
        self.lock = threading.Lock()


class _SMTPHandler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        server: _SMTPServer = self.server  # type: ignore[assignment]
        with server.lock:
            server.connections += 1
            refuse = server.connections <= server.refuse_first
        if refuse:
            self.wfile.write(b"421 test server busy, try again later\r\n")
            return
        self.wfile.write(b"220 test ESMTP\r\n")
        data: list[bytes] | None = None
        while line := self.rfile.readline():
            if data is not None:
                if line.rstrip(b"\r\n") == b".":
                    with server.lock:
                        server.messages.append(b"".join(data))
                    data = None
                    self.wfile.write(b"250 queued\r\n")
                else:
                    data.append(line)
                continue
            command = line[:4].upper()
            if command == b"DATA":
                data = []
                self.wfile.write(b"354 end with .\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # EHLO, HELO, MAIL, RCPT, RSET, NOOP
                self.wfile.write(b"250 ok\r\n")


def test_it_sends_a_failed_e_mail_once_when_a_retry_gets_through(demo_survey, tmp_path, queue):
    invitation, token = invite(demo_survey)
    # The first attempt opens two connections (one for the batch, one for the message).
    server = _SMTPServer(refuse_first=2)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    env = celery_env(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
                     EMAIL_PORT=str(server.server_address[1]), EMAIL_TIMEOUT="5")
    try:
        with worker_process("smtp", tmp_path, queues=(queue,), env=env):
            send_batch_task.apply_async(args=[[str(invitation.pk)], EmailKind.INVITATION, "invitation", BASE],
                                        queue=queue)
            wait_for(lambda: EmailMessage.objects.filter(status=EmailMessage.Status.SENT).exists(), timeout=30)
            drain(queue)
    finally:
        server.shutdown()
        server.server_close()

    message = EmailMessage.objects.get()
    invitation.refresh_from_db()
    assert (message.status, message.attempts, message.error) == (EmailMessage.Status.SENT, 2, "")
    assert (invitation.status, invitation.send_error) == (InvitationStatus.SENT, "")
    assert len(server.messages) == 1
    assert f"{BASE}/i/{token}/".encode() in server.messages[0]
