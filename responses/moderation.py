"""Admin actions on completed responses: exclude (with a reason), restore, delete.

Each runs in one transaction with the response row locked, and sends a signal inside it
so that analytics takes the response's counts out (or puts them back) atomically with
the change. A deleted response also gives its places in the quotas back; an excluded one
keeps its place under the cap (the cap counts fieldwork done, excluded responses
included) and frees those of the quotas with a condition, which a restore takes back.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from responses.models import Response
from responses.quotas import quota_release, quota_retake
from responses.signals import response_deleting, response_excluded, response_restored


class ModerationError(ValueError):
    pass


@transaction.atomic
def response_exclude(*, response: Response, reason: str) -> Response:
    if not reason.strip():
        raise ModerationError("Give a reason for excluding this response.")
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.excluded_at is not None:
        raise ModerationError("This response is already excluded.")
    quota_release(response=response, excluding=True)
    response.excluded_at = timezone.now()
    response.exclusion_reason = reason.strip()
    response.save(update_fields=["excluded_at", "exclusion_reason", "updated_at"])
    response_excluded.send(sender=Response, response=response)
    return response


@transaction.atomic
def response_restore(*, response: Response) -> Response:
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.excluded_at is None:
        raise ModerationError("This response is not excluded.")
    response.excluded_at = None
    response.exclusion_reason = ""
    response.save(update_fields=["excluded_at", "exclusion_reason", "updated_at"])
    quota_retake(response=response)
    response_restored.send(sender=Response, response=response)
    return response


@transaction.atomic
def response_delete(*, response: Response) -> None:
    response = Response.objects.select_for_update().get(pk=response.pk)
    response_deleting.send(sender=Response, response=response)
    quota_release(response=response)
    response.delete()


@transaction.atomic
def survey_test_responses_delete(*, survey_id: int) -> int:
    """Test responses are never counted and take no place under the cap, so they go
    without touching any count."""
    deleted, _ = Response.objects.filter(survey_id=survey_id, is_test=True).delete()
    return deleted
