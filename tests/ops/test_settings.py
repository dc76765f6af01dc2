"""Settings come from the environment; a bad value stops start-up with one line."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "DEBUG")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True,
        timeout=60,
    )


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
    result = _manage("check", **{name: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]


@pytest.mark.parametrize("value", ["true", "TRUE", "True", "1", "false", "False", "0"])
def test_it_accepts_debug_in_any_case_and_as_digits(value):
    env = {"DEBUG": value, "SECRET_KEY": secrets.token_urlsafe(50)}
    assert _manage("check", **env).returncode == 0


def test_it_needs_a_secret_key_when_debug_is_off():
    result = _manage("check", DEBUG="false")
    assert result.returncode == 2
    assert "SECRET_KEY" in result.stderr


def test_it_passes_the_deployment_checks_with_production_values():
    result = _manage(
        "check", "--deploy", DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="survey.example.org"
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
