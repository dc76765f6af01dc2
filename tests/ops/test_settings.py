"""Settings come from the environment; a bad value stops start-up with one line."""

import secrets

import pytest

from tests.kit.commands import manage


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG: expected true/false or 1/0, got 'maybe'"),
        ("DATABASE_URL", "mysql://db/x", "DATABASE_URL: unsupported scheme 'mysql'"),
        ("DATABASE_URL", "postgres://host:port/db", "DATABASE_URL: bad port"),
        ("ALLOWED_HOSTS", "a.example,,b.example", "ALLOWED_HOSTS: expected a comma-separated list"),
        ("CELERY_BROKER_URL", "kafka://x", "CELERY_BROKER_URL: unsupported scheme"),
        ("SUBMIT_RATE_LIMIT", "fast", "SUBMIT_RATE_LIMIT: expected a rate such as '60/m'"),
    ],
)
def test_it_stops_with_one_line_naming_a_malformed_variable(name, value, message):
    result = manage("check", **{name: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]


SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"


@pytest.mark.parametrize("value", ["true", "TRUE", "True", "1", "false", "False", "0"])
def test_it_accepts_debug_in_any_case_and_as_digits(value):
    env = {"DEBUG": value, "SECRET_KEY": secrets.token_urlsafe(50), "EMAIL_BACKEND": SMTP}
    assert manage("check", **env).returncode == 0


def test_it_needs_a_secret_key_when_debug_is_off():
    result = manage("check", DEBUG="false")
    assert result.returncode == 2
    assert "SECRET_KEY" in result.stderr


PRODUCTION = {"DEBUG": "false", "ALLOWED_HOSTS": "survey.example.org"}


def test_it_passes_the_deployment_checks_with_production_values():
    result = manage("check", "--deploy", **PRODUCTION, SECRET_KEY=secrets.token_urlsafe(50), EMAIL_BACKEND=SMTP)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_it_refuses_to_start_with_debug_off_and_no_email_backend():
    # The console backend (the default while DEBUG is on) would print invitation tokens into the log.
    result = manage("check", **PRODUCTION, SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error: EMAIL_BACKEND: must be set when DEBUG is off")


def test_it_keeps_the_console_backend_as_the_default_while_debug_is_on():
    result = manage("shell", "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)", DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == CONSOLE


def test_it_warns_in_the_deployment_checks_of_a_console_backend_set_explicitly():
    result = manage("check", "--deploy", **PRODUCTION, SECRET_KEY=secrets.token_urlsafe(50), EMAIL_BACKEND=CONSOLE)
    assert result.returncode == 0, result.stderr
    assert "invitations.W001" in result.stderr
    assert "full token" in result.stderr
