"""A deploy check: invitation e-mails must not go to the log in production.

With DEBUG off the settings refuse to start without an explicit EMAIL_BACKEND; one set
explicitly to the console backend is taken (a staging box may want it), and
`manage.py check --deploy` says what that costs.
"""

from django.conf import settings
from django.core.checks import Tags, Warning, register

CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"


@register(Tags.security, deploy=True)
def console_email_backend_check(app_configs, **kwargs) -> list[Warning]:
    if settings.DEBUG or settings.EMAIL_BACKEND != CONSOLE_BACKEND:
        return []
    return [
        Warning(
            "EMAIL_BACKEND is the console backend while DEBUG is off: every invitation and reminder, with the "
            "invitee's personal link (its full token), is printed into the worker's log.",
            hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and the EMAIL_HOST settings.",
            id="invitations.W001",
        )
    ]
