"""Drop-off by page under concurrency, on PostgreSQL: tabs of the same responses moving
them to different pages at the same moment, completions and reconciliations among them,
leave the partial counts by page equal to the recompute, with no deadlock and nothing for
a last reconciliation to repair."""

import threading
import uuid

import pytest

from analytics import recompute
from analytics.models import StatusCount
from analytics.recompute import survey_reconcile
from responses.models import Response
from responses.services import ResponseLocked, response_save_page, response_submit
from tests.kit.counts import assert_counts_exact
from tests.kit.demo import demo_answers
from tests.kit.races import together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _move(survey, response_id, page: int):
    def job():
        tab = Response.objects.select_related("version").get(pk=response_id)  # as a request reads it
        try:
            response_save_page(survey=survey, version=tab.version, submission_id=tab.submission_id, page_index=0,
                               cleaned_page={}, page_codes=[], next_page=page, response=tab)
        except ResponseLocked:
            return "ended"
        return "moved"
    return job


def _complete(survey, response_id):
    def job():
        tab = Response.objects.select_related("version").get(pk=response_id)
        return response_submit(survey=survey, version=tab.version, submission_id=tab.submission_id,
                               answers=demo_answers(), response=tab).response.status
    return job


def _reconcile(survey):
    return lambda: survey_reconcile(survey_id=survey.pk, record=False)


def test_concurrent_tabs_moves_completions_and_reconciliations_keep_the_pages_exact(demo_survey):
    version = demo_survey.open_version()
    ids = [
        response_save_page(survey=demo_survey, version=version, submission_id=uuid.uuid4(), page_index=0,
                           cleaned_page={}, page_codes=[], next_page=1, response=None)[0].pk
        for _ in range(4)
    ]
    for round_ in range(3):
        jobs = [_move(demo_survey, pk, (tab + round_) % 3) for pk in ids for tab in range(3)]
        jobs += [_reconcile(demo_survey), _reconcile(demo_survey)]
        if round_ == 2:
            jobs.append(_complete(demo_survey, ids[0]))
        results = together(jobs)
        errors = [r for r in results if isinstance(r, BaseException)]
        assert not errors, errors
    assert Response.objects.get(pk=ids[0]).status == "complete"
    partial = StatusCount.objects.filter(status=StatusCount.PARTIAL)
    assert sum(partial.values_list("n", flat=True)) == 3
    assert_counts_exact(demo_survey)
    assert survey_reconcile(survey_id=demo_survey.pk).cells_repaired == 0


def test_a_page_move_waits_for_a_reconciliation_under_way(demo_survey, monkeypatch):
    """A move that commits between the reconciliation's recompute and its reading of the
    stored counts would be "repaired" back: the move's statement takes the survey's
    counting lock, which the reconciliation holds, so it waits for it instead."""
    version = demo_survey.open_version()
    response = response_save_page(survey=demo_survey, version=version, submission_id=uuid.uuid4(), page_index=0,
                                  cleaned_page={}, page_codes=[], next_page=1, response=None)[0]
    recomputed, moved = threading.Event(), threading.Event()
    read_stored = recompute._stored_counts

    def stored_after_a_move(survey_id):
        recomputed.set()
        moved.wait(timeout=2)  # a move that can commit meanwhile does so now
        return read_stored(survey_id)

    monkeypatch.setattr(recompute, "_stored_counts", stored_after_a_move)

    def move():
        assert recomputed.wait(timeout=30)
        _move(demo_survey, response.pk, 2)()
        moved.set()

    results = together([_reconcile(demo_survey), move])
    assert not [r for r in results if isinstance(r, BaseException)], results
    monkeypatch.undo()
    assert_counts_exact(demo_survey)
