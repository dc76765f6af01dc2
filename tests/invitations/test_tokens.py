"""Personal tokens: 256 bits from an HMAC over a random nonce, never stored in clear, and
every token that does not work answered exactly like an unknown one."""

import base64
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.tokens import hash_token
from invitations import tokens
from invitations.models import Invitation
from invitations.selectors import invitation_by_token
from invitations.services import invitations_erase, invitations_revoke
from surveys.models import Survey
from tests.kit.api import submit
from tests.kit.invitations import invite

pytestmark = pytest.mark.django_db


def _bits(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=")


def test_it_derives_256_bit_tokens_from_a_16_byte_random_nonce(demo_survey):
    invitation, token = invite(demo_survey)

    assert tokens.is_well_formed(token)
    assert len(_bits(token)) == 32
    assert len(bytes.fromhex(invitation.token_nonce)) == 16
    assert token == tokens.derive_token(invitation.pk, invitation.token_nonce)


def test_it_gives_every_invitation_a_different_evenly_random_token(demo_survey):
    invitations = [Invitation(survey=demo_survey, email=f"p{i}@example.org") for i in range(1000)]
    for invitation in invitations:
        invitation.assign_token()
    found = [invitation.token() for invitation in invitations]

    assert len(set(found)) == len(found)
    assert len({i.token_nonce for i in invitations}) == len(invitations)
    ones = sum(bin(byte).count("1") for token in found for byte in _bits(token))
    # 256,000 bits: a fair source gives 50% ones within a few tenths of a percent.
    assert 0.495 < ones / (256 * len(found)) < 0.505


def test_it_stores_only_the_sha256_of_the_token(demo_survey):
    invitation, token = invite(demo_survey)

    assert invitation.token_hash == hash_token(token)
    assert invitation_by_token(token) == invitation


def _table_dump(table: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            return "\n".join(connection.connection.iterdump())  # the whole database, every table
        with cursor.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT") as copy:
            return b"".join(bytes(block) for block in copy).decode()


def test_it_never_holds_a_token_in_clear_in_the_database(demo_survey):
    invitation, token = invite(demo_survey, name="Ada", external_id="panel-1")
    raw = _bits(token)
    spellings = [token, raw.hex(), base64.b64encode(raw).decode().rstrip("=")]

    row = Invitation.objects.filter(pk=invitation.pk).values().get()
    dump = _table_dump(Invitation._meta.db_table)

    assert invitation.token_nonce in dump  # the dump does hold the row
    for spelling in spellings:
        assert all(spelling not in str(value) for value in row.values())
        assert spelling not in dump


def test_it_invalidates_links_when_the_secret_key_rotates(demo_survey, settings):
    invitation, token = invite(demo_survey)

    settings.SECRET_KEY = "a-new-secret-key-" + uuid.uuid4().hex

    assert invitation_by_token(token) is None
    assert invitation.token() != token


def _not_working_tokens(survey: Survey, other_survey: Survey) -> dict[str, str]:
    expired, expired_token = invite(survey, "expired@example.org", expires_at=timezone.now() - timedelta(seconds=1))
    revoked, revoked_token = invite(survey, "revoked@example.org")
    invitations_revoke(invitations=Invitation.objects.filter(pk=revoked.pk))
    erased, erased_token = invite(survey, "erased@example.org")
    invitations_erase(invitations=Invitation.objects.filter(pk=erased.pk))
    _, other_token = invite(other_survey, "other@example.org")
    _, valid = invite(survey, "valid@example.org")
    guessed = valid[:-1] + ("A" if valid[-1] != "A" else "B")
    return {
        "unknown": tokens.derive_token(uuid.uuid4(), tokens.new_nonce()),
        "guessed": guessed,
        "malformed": "not-a-token",
        "expired": expired_token,
        "revoked": revoked_token,
        "erased": erased_token,
        "other survey": other_token,
    }


@pytest.fixture
def other_survey(db) -> Survey:
    return Survey.objects.create(slug="other", title="Other")


def test_it_answers_every_token_that_does_not_work_with_the_same_404_page(client, demo_survey, other_survey):
    answers = {}
    not_working = _not_working_tokens(demo_survey, other_survey)
    del not_working["other survey"]  # valid for its own survey: the form is that survey's
    for reason, token in not_working.items():
        response = client.get(f"/i/{token}/", REMOTE_ADDR=f"10.0.0.{len(answers) + 1}")
        answers[reason] = (response.status_code, response.content)

    assert {status for status, _ in answers.values()} == {404}
    assert len({content for _, content in answers.values()}) == 1, answers.keys()


def test_it_answers_every_token_that_does_not_work_with_the_same_api_refusal(client, demo_survey, other_survey):
    demo_survey.access = Survey.Access.INVITATION
    demo_survey.save()
    answers = {}
    for reason, token in [*_not_working_tokens(demo_survey, other_survey).items(), ("missing", "")]:
        headers = {"X-Invitation-Token": token} if token else {}
        response = submit(client, headers=headers, REMOTE_ADDR=f"10.0.1.{len(answers) + 1}")
        answers[reason] = (response.status_code, response.content)

    assert {status for status, _ in answers.values()} == {403}
    assert len({content for _, content in answers.values()}) == 1, answers


def test_it_keeps_tokens_out_of_the_request_log(client, demo_survey, caplog):
    from django.conf import settings

    from invitations.log_filters import RedactInvitationTokens

    _, token = invite(demo_survey)
    token = token[:-1] + ("A" if token[-1] != "A" else "B")  # a 404, which Django logs with its path
    with caplog.at_level("WARNING", logger="django.request"):
        client.get(f"/i/{token}/")
    record = next(r for r in caplog.records if r.name == "django.request")
    RedactInvitationTokens().filter(record)

    assert token not in record.getMessage()
    assert record.getMessage() == "Not Found: /i/[token]/"
    assert "redact_invitation_tokens" in settings.LOGGING["handlers"]["console"]["filters"]


def test_it_keeps_tokens_out_of_the_gunicorn_access_log(demo_survey):
    from datetime import timedelta as duration
    from types import SimpleNamespace

    from invitations.log_filters import RedactingGunicornLogger

    _, token = invite(demo_survey)
    environ = {
        "REQUEST_METHOD": "GET", "RAW_URI": f"/i/{token}/", "PATH_INFO": f"/i/{token}/", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://surveys.example.org/i/{token}/", "HTTP_X_INVITATION_TOKEN": token,
    }
    request = SimpleNamespace(headers=[("X-INVITATION-TOKEN", token)])
    response = SimpleNamespace(status="200 OK", headers=[], sent=10)
    logger = RedactingGunicornLogger.__new__(RedactingGunicornLogger)

    atoms = logger.atoms(response, request, environ, duration(seconds=1))

    assert atoms["r"] == "GET /i/[token]/ HTTP/1.1"
    assert all(token not in str(value) for value in atoms.values())


@pytest.mark.parametrize(
    ("line", "logged"),
    [
        ("Not Found: /r/AbCdEfGhIjKlMnOpQrStUv/", "Not Found: /r/[token]/"),
        ("GET /s/a-survey/resume/AbCdEfGhIjKlMnOpQrStUv/ HTTP/1.1", "GET /s/a-survey/resume/[token]/ HTTP/1.1"),
        ("POST /s/a-survey/resume/email/ HTTP/1.1", "POST /s/a-survey/resume/email/ HTTP/1.1"),
        ("GET /i/AbCdEfGhIjKlMnOpQrStUv/p/2/ HTTP/1.1", "GET /i/[token]/p/2/ HTTP/1.1"),
    ],
)
def test_it_keeps_resume_tokens_out_of_logs_too(line, logged):
    from invitations.log_filters import redact

    assert redact(line) == logged
