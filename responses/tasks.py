"""Celery tasks of the responses app: thin, the work lives in `responses.emails` and
`responses.quality`."""

import uuid

from celery import shared_task

from responses.emails import ResumeEmailFailed, resume_link_email
from responses.quality import surveys_speeders_update


@shared_task(
    bind=True,
    name="responses.send_resume_link",
    ignore_result=True,  # nothing about the e-mail is kept in a result backend
    autoretry_for=(ResumeEmailFailed,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=3,
)
def send_resume_link_task(self, response_id: str, token: str, address: str, base_url: str) -> None:
    """E-mail a partial response's resume link to the address its respondent typed (the
    only place the address lives: this message; `responses.resume` says what that means).
    Returns nothing, so that no result or log of a result carries it."""
    resume_link_email(response_id=response_id, token=token, address=address, base_url=base_url,
                      delivery=self.request.id or str(uuid.uuid4()))


@shared_task(name="responses.update_speeders", ignore_result=True)
def update_speeders_task() -> int:
    """Periodic (beat): set and clear speeder flags as each survey's median duration moves."""
    return surveys_speeders_update()
