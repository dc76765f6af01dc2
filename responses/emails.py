"""The e-mail that carries a resume link to the address a respondent typed: its link, its
text, and the sending behind `responses.tasks.send_resume_link_task`.

The address is never stored: it is an argument of the task (see `responses.resume` for
what the broker message holds) and goes only into the message handed to the e-mail
backend. No log line, error or task result here names it: an SMTP error can quote the
recipient, so a failure is re-raised as `ResumeEmailFailed` naming only the error's type.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse

from core.tokens import hash_token
from responses.models import Response

logger = logging.getLogger(__name__)

# How long a delivery is remembered as sent: longer than any redelivery of its message.
DELIVERY_MEMORY = 24 * 3600


class ResumeEmailFailed(Exception):
    """The backend refused or failed the e-mail; the task retries it. Its message names the
    error's type only (an SMTP error can quote the address)."""


def short_link(base_url: str, token: str) -> str:
    """The short resume link (`responses:resume_short`) under `base_url`."""
    return base_url.rstrip("/") + reverse("responses:resume_short", args=[token])


def resume_link_message(response: Response, *, address: str, link: str) -> mail.EmailMessage:
    context = {"survey": response.survey, "link": link}
    # One line: a survey title may not start another header.
    subject = " ".join(render_to_string("emails/resume_link_subject.txt", context).split())
    body = render_to_string("emails/resume_link.txt", context)
    return mail.EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[address])


def resume_link_email(*, response_id: str, token: str, address: str, base_url: str, delivery: str) -> bool:
    """Send the resume link of a partial response to `address`, once per `delivery` (the
    task's id: a message delivered twice sends once). Returns whether an e-mail went out.

    Nothing is sent for a response that completed, was erased, or whose token changed
    since the request (a link that no longer works is no help)."""
    response = (
        Response.objects.select_related("survey")
        .filter(pk=response_id, resume_token_hash=hash_token(token), status=Response.Status.PARTIAL)
        .first()
    )
    if response is None:
        logger.info("resume link e-mail for response %s not sent: its link no longer works", response_id)
        return False
    claim = f"resume-email:delivery:{delivery}"
    try:
        if not cache.add(claim, 1, timeout=DELIVERY_MEMORY):
            return False  # sent by an earlier delivery of the same message
    except Exception as exc:  # the cache is down: send (a lost e-mail is worse than two)
        logger.warning("resume link e-mail: cannot claim the delivery, sending anyway: %s", type(exc).__name__)
        claim = ""
    message = resume_link_message(response, address=address, link=short_link(base_url, token))
    try:
        message.send()
    except Exception as exc:  # SMTP refusal, connection refused, timeout...
        if claim:
            try:
                cache.delete(claim)  # the retry may send it
            except Exception:
                pass
        raise ResumeEmailFailed(type(exc).__name__) from None
    return True
