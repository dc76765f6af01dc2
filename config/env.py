"""Small readers for environment variables that fail loudly on bad values.

A malformed value stops start-up with one line that names the variable, instead of a
traceback from deep inside Django or Celery.
"""

import ipaddress
import os
import sys
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


class EnvError(ImproperlyConfigured):
    pass


def _fail(name: str, reason: str) -> None:
    raise EnvError(f"{name}: {reason}")


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in ("true", "1", "yes", "on"):
        return True
    if value in ("false", "0", "no", "off"):
        return False
    _fail(name, f"expected true/false or 1/0, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        _fail(name, f"expected an integer, got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items):
        _fail(name, f"expected a comma-separated list without empty items, got {raw!r}")
    return items


def env_networks(name: str, *, keywords: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Comma-separated addresses or CIDR ranges ('10.0.0.0/8, 2001:db8::1'), normalised
    ('10.0.0.0/8', '2001:db8::1/128'); empty by default. `keywords` are taken as they are."""
    items = env_list(name, [])
    networks = []
    for item in items:
        if item.lower() in keywords:
            networks.append(item.lower())
            continue
        try:
            # strict=False: '10.1.2.3/8' means the range that address is in, as nginx reads it.
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            _fail(name, f"expected addresses or CIDR ranges such as '10.0.0.0/8', got {item!r}")
    return tuple(networks)


def env_rate(name: str, default: str) -> tuple[int, int]:
    """A rate such as '60/m' as (count, seconds); '0' turns the limit off: (0, 0)."""
    raw = os.environ.get(name, default).strip()
    if raw == "0":
        return (0, 0)
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    count, _, unit = raw.partition("/")
    if not count.isdigit() or unit not in units or int(count) <= 0:
        _fail(name, f"expected a rate such as '60/m' (or 0 to turn it off), got {raw!r}")
    return (int(count), units[unit])


def database_from_url(name: str, url: str) -> dict:
    """A DATABASES entry from postgres://user:pass@host:port/db or sqlite:///path."""
    parts = urlsplit(url)
    if parts.scheme in ("postgres", "postgresql", "pgsql"):
        if not parts.path.strip("/"):
            _fail(name, "a PostgreSQL URL needs a database name, e.g. postgres://user@host:5432/db")
        try:
            port = parts.port
        except ValueError:
            _fail(name, f"bad port in {url!r}")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            # JIT compilation costs ~100 ms on each of the results pages' GROUP BYs over
            # the answers (measured at 100k responses) and saves less than that.
            "OPTIONS": {"options": "-c jit=off"},
        }
    if parts.scheme == "sqlite":
        path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else ""
        if not path:
            _fail(name, "a SQLite URL looks like sqlite:///path/to/db.sqlite3")
        return sqlite_database(path)
    _fail(name, f"unsupported scheme {parts.scheme!r} (use postgres:// or sqlite:///)")


def sqlite_database(path: str) -> dict:
    # The test database is a file, not memory, so that a real worker process can share it.
    # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock at the
    # start of a transaction so that web, worker and beat wait for each other (up to the
    # timeout) instead of failing with "database is locked" when a read turns into a write.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
        "TEST": {"NAME": path.removesuffix(".sqlite3") + "-test.sqlite3"},
    }


def exit_on_env_error(exc: EnvError) -> None:
    sys.stderr.write(f"Configuration error: {exc}\n")
    sys.exit(2)
