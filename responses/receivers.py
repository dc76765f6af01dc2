"""Receivers of upstream signals (invitations), run inside the sender's transaction."""

from django.dispatch import receiver

from invitations.signals import invitations_erased
from responses.erasure import responses_erase_personal_data
from responses.models import Response


@receiver(invitations_erased)
def _on_invitations_erased(sender, invitation_ids, **kwargs):
    # The answers stay (anonymous, still counted); what identifies the person goes.
    responses_erase_personal_data(responses=Response.objects.filter(invitation_id__in=invitation_ids))
