"""The way back to a partial response: the short resume link, and sending it by e-mail to
the address the respondent types.

**The link.** `/r/<token>/` (`responses:resume_short`) with a 22-character token (132 bits,
`services.new_resume_token`) finds a public partial response, sets its resume cookie and
goes on to the form. Its lookups share the throttle of `/s/<slug>/resume/<token>/` and of
the cookie (one scope, "resume": failed lookups per client). Links issued before, of
either form, keep working: only the token's hash is stored.

**The e-mail holds the token this browser already holds** (its resume cookie), not a
fresh one. A fresh token would end the link the respondent may have copied a moment
before, and a double click would leave the browser with the cookie of the request whose
answer it dropped, unable to resume. The cost: the one link goes to every address typed
for it, a mistyped one included (the page shown after sending says to ask again if the
e-mail does not come; the link dies when the response is submitted).

**The address is never stored**: not in the database, not in a log line, not in the
cache, not in a task result (the task ignores results and returns nothing). It travels
in one place: the task's broker message (JSON: response id, token, address, base URL),
readable by whoever can read the broker, until a worker has run the task and
acknowledged it, when the broker deletes it (a retry after a failed send re-publishes
it for at most three retries). `argsrepr`/`kwargsrepr` keep it out of Celery's events and
`inspect` output. The message also carries the token, a secret of the same weight as the
link in the e-mail itself.

**Not a mail relay**: at most RESUME_EMAILS_PER_RESPONSE e-mails per response and
RESUME_EMAILS_PER_CLIENT per client (`core.clients`) in an hour (fixed windows,
`core.counters`); only a respondent holding a partial response's cookie can ask; the
e-mail's text is fixed. A double click (the same address for the same response within
DUPLICATE_WINDOW seconds) sends once and counts once. With the cache down no e-mail is
sent (failing closed: the link is on the page to copy).
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from core.counters import window_count_add
from core.tasks import enqueue_on_commit
from responses.emails import short_link
from responses.models import Response
from responses.tasks import send_resume_link_task

logger = logging.getLogger(__name__)

RESUME_EMAILS_PER_RESPONSE = 3
RESUME_EMAILS_PER_CLIENT = 10
RESUME_EMAIL_WINDOW = 3600  # seconds
DUPLICATE_WINDOW = 120  # seconds


class ResumeEmailLimited(Exception):
    """Too many e-mails asked for this response or from this client in the window."""


class ResumeEmailUnavailable(Exception):
    """E-mail cannot be sent now (the cache that limits it, or the broker, is down)."""


class ResumeEmailForm(forms.Form):
    email = forms.EmailField(
        label="Your e-mail address",
        max_length=254,
        error_messages={
            "required": "Enter your e-mail address, for example name@example.org.",
            "invalid": "Enter an e-mail address in the form name@example.org.",
        },
    )


def base_url(request: HttpRequest) -> str:
    """The base of links given out: SITE_URL, or the address the respondent is using."""
    return (settings.SITE_URL or request.build_absolute_uri("/")).rstrip("/")


def resume_link(request: HttpRequest, flow_or_survey: Any, token: str) -> str:
    """The absolute link that resumes: for a survey or its public flow the short link
    `/r/<token>/`; for an invitee their personal link (it resumes; the token is not
    theirs to hand out); in test mode the preview's own resume link (the short link
    finds no test response)."""
    if getattr(flow_or_survey, "invitation", None) is not None:
        return request.build_absolute_uri(flow_or_survey.form_url)
    if getattr(flow_or_survey, "is_test", False):
        return request.build_absolute_uri(flow_or_survey.url("resume", token))
    return short_link(base_url(request), token)


def _duplicate_key(response: Response, address: str) -> str:
    # A keyed hash, not the address: the cache holds nothing that names the respondent.
    digest = salted_hmac("responses.resume.duplicate", f"{response.pk}:{address.lower()}").hexdigest()
    return f"resume-email:asked:{digest}"


def resume_link_send(*, response: Response, token: str, address: str, base_url: str, client: str) -> bool:
    """Ask for one e-mail of the resume link to `address`, sent by a task after commit.
    Returns False for a repeat of the same request (a double click): nothing more is sent.
    Raises ResumeEmailLimited over a limit, ResumeEmailUnavailable when the cache or the
    broker is down."""
    duplicate = _duplicate_key(response, address)
    try:
        if not cache.add(duplicate, 1, timeout=DUPLICATE_WINDOW):
            return False
        # INCR and compare: concurrent requests never both take the last place.
        over = (
            window_count_add("ratelimit:resume-email:client", client, RESUME_EMAIL_WINDOW) > RESUME_EMAILS_PER_CLIENT
            or window_count_add("ratelimit:resume-email:response", str(response.pk), RESUME_EMAIL_WINDOW)
            > RESUME_EMAILS_PER_RESPONSE
        )
    except Exception as exc:
        logger.warning("resume link e-mail refused, the cache is unavailable: %s", type(exc).__name__)
        raise ResumeEmailUnavailable from None
    if over:
        _forget(duplicate)  # asking again later is not a repeat
        raise ResumeEmailLimited
    try:
        enqueue_on_commit(
            send_resume_link_task, str(response.pk), token, address, base_url,
            options={"argsrepr": f"('{response.pk}', '[token]', '[address]', '{base_url}')", "kwargsrepr": "{}"},
        )
    except Exception as exc:  # the broker is down (in autocommit the publish happens here)
        logger.warning("resume link e-mail for response %s not queued: %s", response.pk, type(exc).__name__)
        _forget(duplicate)
        raise ResumeEmailUnavailable from None
    return True


def _forget(key: str) -> None:
    try:
        cache.delete(key)
    except Exception:
        pass
