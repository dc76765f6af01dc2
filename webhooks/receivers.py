"""Outbox rows written inside the completion's transaction (see responses.sequence)."""

from django.dispatch import receiver

from responses.signals import response_ended
from webhooks.services import deliveries_write


@receiver(response_ended)
def _response_ended(sender, response, **kwargs) -> None:
    deliveries_write(response)
