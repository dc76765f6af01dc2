"""Keep invitation tokens out of logs.

A personal link's token is a password: Django logs the path of every 4xx answer ("Not
Found: /i/<token>/"), runserver and gunicorn log every request line, and a referer can
carry the link too. The filter (on the console handler in settings.LOGGING) and the
gunicorn logger class (`--logger-class`) replace what follows `/i/` in any message, and
a public respondent's resume token too (`/r/<token>/`, `/s/<slug>/resume/<token>/`): it
finds their partial response. Words shorter than 8 characters (`/resume/email/`) stay.
This module imports no Django models: logging is configured before apps are ready.
"""

from __future__ import annotations

import logging
import re

_TOKEN_IN_PATH = re.compile(r"(/i/|/r/|/resume/)[A-Za-z0-9_\-%]{8,}")
REDACTED = r"\1[token]"


def redact(text: str) -> str:
    return _TOKEN_IN_PATH.sub(REDACTED, text)


class RedactInvitationTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is not ours to fix
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover - gunicorn is a dependency, but only the web server needs it
    _GunicornLogger = object  # type: ignore[assignment,misc]


class RedactingGunicornLogger(_GunicornLogger):  # type: ignore[misc,valid-type]
    """gunicorn's logger with tokens removed from access-log atoms (request line, path,
    referer) and from its error log."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms = {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}
        for key in ("{x-invitation-token}i", "{http_x_invitation_token}e"):
            if key in atoms:
                atoms[key] = "[token]"
        return atoms

    def setup(self, cfg):
        super().setup(cfg)
        self.error_log.addFilter(RedactInvitationTokens())
