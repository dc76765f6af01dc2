"""TRUSTED_PROXIES: addresses or CIDR ranges; a malformed value stops start-up with one line
naming the variable, like every setting (config/env.py)."""

import pytest

from config.env import env_networks
from tests.kit.commands import manage


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", ()),
        ("127.0.0.1", ("127.0.0.1/32",)),
        ("10.0.0.0/8, 2001:db8::/32 ,::1", ("10.0.0.0/8", "2001:db8::/32", "::1/128")),
        ("10.1.2.3/8", ("10.0.0.0/8",)),
        ("unix,172.16.0.0/12", ("unix", "172.16.0.0/12")),
    ],
)
def test_it_reads_addresses_and_ranges(monkeypatch, value, expected):
    monkeypatch.setenv("TRUSTED_PROXIES", value)

    assert env_networks("TRUSTED_PROXIES", keywords=("unix",)) == expected


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TRUSTED_PROXIES", "10.0.0.0/33", "TRUSTED_PROXIES: expected addresses or CIDR ranges"),
        ("TRUSTED_PROXIES", "proxy.internal", "TRUSTED_PROXIES: expected addresses or CIDR ranges"),
        ("TRUSTED_PROXIES", "10.0.0.1,,10.0.0.2", "TRUSTED_PROXIES: expected a comma-separated list"),
        ("LOGIN_FAILURE_LIMIT", "0", "LOGIN_FAILURE_LIMIT: expected a positive integer"),
        ("LOGIN_COOLOFF_MINUTES", "soon", "LOGIN_COOLOFF_MINUTES: expected an integer"),
    ],
)
def test_it_stops_with_one_line_naming_a_malformed_variable(name, value, message):
    result = manage("check", **{name: value})

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]


def test_it_passes_the_deployment_checks_behind_a_proxy():
    import secrets

    result = manage(
        "check", "--deploy", DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="survey.example.org",
        TRUSTED_PROXIES="10.0.0.0/8", EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
