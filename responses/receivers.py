"""Receivers of upstream signals (invitations, surveys), run inside the sender's transaction."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from invitations.signals import invitations_erased
from responses.erasure import responses_erase_personal_data
from responses.models import Response
from responses.quotas import quota_counter_sync, response_cap_sync
from surveys.models import Quota, Survey


@receiver(invitations_erased)
def _on_invitations_erased(sender, invitation_ids, **kwargs):
    # The answers stay (anonymous, still counted); what identifies the person goes.
    responses_erase_personal_data(responses=Response.objects.filter(invitation_id__in=invitation_ids))


@receiver(post_save, sender=Survey)
def _on_survey_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    # The cap set, raised, lowered or removed (in the admin): its counter follows in the
    # same transaction. Fixtures (raw) are left to the counter's first use.
    if raw or (update_fields is not None and "response_cap" not in update_fields):
        return
    response_cap_sync(survey=instance)


@receiver(post_save, sender=Quota)
@receiver(post_delete, sender=Quota)
def _on_quota_changed(sender, instance, raw=False, **kwargs):
    # A limit raised or lowered, a quota closed, added or removed (import, builder, admin):
    # its counter follows in the same transaction.
    if not raw:
        quota_counter_sync(survey=instance.survey, code=instance.code)
