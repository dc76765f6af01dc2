"""Receivers of upstream signals (invitations), run inside the sender's transaction."""

from django.dispatch import receiver

from invitations.signals import invitations_erased
from responses.models import Response


@receiver(invitations_erased)
def _on_invitations_erased(sender, invitation_ids, **kwargs):
    # The answers stay (anonymous, still counted); the panel id copied from the invitation goes.
    Response.objects.filter(invitation_id__in=invitation_ids).update(external_id="")
