"""The text of invitation and reminder e-mails: templates, placeholders, links.

E-mails are plain text. Placeholders are replaced by plain substitution (never
`str.format`, whose `{name.attr}` syntax would let a template reach into objects); any
other braces are left as they are, and the template form refuses unknown placeholders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core import mail
from django.utils import dateformat, timezone

from invitations.models import EmailKind, EmailTemplate, Invitation
from surveys.models import Survey

PLACEHOLDERS = ("name", "link", "close_date", "opt_out_link")
_PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
NAME_FALLBACK = "there"  # "Hello {name}," for an invitee without a name

DEFAULTS: dict[str, tuple[str, str]] = {
    EmailKind.INVITATION: (
        "Invitation: {survey}",
        "Hello {name},\n\n"
        "You are invited to take part in our survey. This link is personal to you: please do not\n"
        "forward it. You can leave and come back to it at any time.\n\n"
        "{link}\n\n"
        "Thank you.\n",
    ),
    EmailKind.REMINDER: (
        "Reminder: {survey}",
        "Hello {name},\n\n"
        "A short reminder of our survey: we would value your answers. Your personal link:\n\n"
        "{link}\n\n"
        "Thank you.\n",
    ),
}
OPT_OUT_FOOTER = "\n--\nTo receive no more e-mail about this survey: {opt_out_link}\n"


@dataclass(frozen=True)
class Content:
    subject: str
    body: str


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in _PLACEHOLDER_RE.findall(text) if name not in PLACEHOLDERS})


def render(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def invitation_link(base_url: str, token: str) -> str:
    # Served by responses.urls ("responses:invitation"); this app may not import it.
    return f"{base_url.rstrip('/')}/i/{token}/"


def opt_out_link(base_url: str, token: str) -> str:
    return f"{invitation_link(base_url, token)}opt-out/"


def close_date(survey: Survey) -> str:
    if survey.closes_at is None:
        return ""
    return dateformat.format(timezone.localtime(survey.closes_at), "j F Y")


def template_for(survey: Survey, kind: str) -> Content:
    template = EmailTemplate.objects.filter(survey=survey, kind=kind).first()
    if template is not None:
        return Content(template.subject, template.body)
    subject, body = DEFAULTS[kind]
    return Content(subject.replace("{survey}", survey.title), body)


def content_for(template: Content, *, survey: Survey, name: str, token: str, base_url: str) -> Content:
    """The e-mail for one invitee. Subjects are one line (a newline in a name must not
    start a new header); the body always ends up with an opt-out link."""
    values = {
        "name": name.strip() or NAME_FALLBACK,
        "link": invitation_link(base_url, token),
        "close_date": close_date(survey),
        "opt_out_link": opt_out_link(base_url, token),
    }
    body = template.body if "{opt_out_link}" in template.body else template.body.rstrip("\n") + "\n" + OPT_OUT_FOOTER
    subject = " ".join(render(template.subject, values).split())
    return Content(subject, render(body, values))


def message_for(invitation: Invitation, template: Content, *, base_url: str, connection=None) -> mail.EmailMessage:
    token = invitation.token()
    content = content_for(template, survey=invitation.survey, name=invitation.name, token=token, base_url=base_url)
    return mail.EmailMessage(
        subject=content.subject,
        body=content.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email],
        headers={"List-Unsubscribe": f"<{opt_out_link(base_url, token)}>"},
        connection=connection,
    )
