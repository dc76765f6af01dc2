"""Keeps counts exact when a respondent starts, moves through (page by page) or completes a
partial response and when an admin excludes, restores or deletes a response. The receivers
run inside the transaction of the change (see responses.signals)."""

import logging

from django.db.models.signals import post_save
from django.dispatch import receiver

from analytics.counting import (
    page_move,
    response_recount_on_restore,
    response_status,
    response_uncount_on_exclusion,
    status_move,
)
from analytics.models import StatusCount
from analytics.recompute import finding_recompute
from core.tasks import enqueue_on_commit
from responses.signals import (
    answers_erased,
    hidden_values_changed,
    hidden_values_changing,
    response_completed,
    response_deleting,
    response_excluded,
    response_moved,
    response_restored,
    response_started,
)
from surveys import conditions
from surveys.models import Finding, Question

logger = logging.getLogger(__name__)


@receiver(response_started)
def _on_started(sender, response, **kwargs):
    status_move(response, None, response_status(response))


@receiver(response_moved)
def _on_moved(sender, response, from_page, **kwargs):
    page_move(response, from_page)


@receiver(response_completed)
def _on_completed(sender, response, **kwargs):
    status_move(response, None if response.is_test else StatusCount.PARTIAL, response_status(response))


@receiver(response_excluded)
def _on_excluded(sender, response, **kwargs):
    response_uncount_on_exclusion(response)
    status_move(response, response_status(response, excluded=False), response_status(response))


@receiver(response_deleting)
def _on_deleting(sender, response, **kwargs):
    if response.excluded_at is None:
        response_uncount_on_exclusion(response)
    status_move(response, response_status(response), None)


@receiver(response_restored)
def _on_restored(sender, response, **kwargs):
    response_recount_on_restore(response)
    status_move(response, response_status(response, excluded=True), response_status(response))


@receiver(hidden_values_changing)
def _on_hidden_changing(sender, response, **kwargs):
    """Its hidden values may be segments: out of the counts with the old ones..."""
    if response.excluded_at is None:
        response_uncount_on_exclusion(response)


@receiver(hidden_values_changed)
def _on_hidden_changed(sender, response, **kwargs):
    """...and counted again (by the counting task, as a restored response) with the new."""
    if response.excluded_at is None:
        response_recount_on_restore(response)


@receiver(answers_erased)
def _on_answers_erased(sender, survey_ids, question_ids, **kwargs):
    """Erased answers keep their rows, so no count moves, except a finding that compares
    one of those text answers with a value: it is recomputed now, in the erasure's
    transaction, so that it never reports a count of what was erased."""
    codes = set(Question.objects.filter(pk__in=question_ids).values_list("code", flat=True))
    for finding in Finding.objects.filter(survey_id__in=survey_ids):
        referenced = set()
        for text in (finding.base_condition, finding.target_condition):
            try:
                referenced |= {ref.question for ref in conditions.references(conditions.parse(text))}
            except conditions.ConditionError:  # an empty or broken condition counts nobody anyway
                continue
        if referenced & codes:
            finding_recompute(finding_id=finding.pk)


@receiver(post_save, sender=Finding)
def _on_finding_saved(sender, instance, **kwargs):
    """A new or edited finding definition is recomputed from the raw answers."""
    from analytics.tasks import recompute_finding_task

    finding_id = instance.pk

    def not_enqueued(exc: Exception) -> None:  # the hourly reconciliation recomputes it anyway
        logger.warning("could not enqueue the recompute of finding %s: %s", finding_id, exc)

    enqueue_on_commit(recompute_finding_task, finding_id, options={"retry": False}, on_error=not_enqueued)
