"""Under a real beat: the periodic reconciliation repairs a corrupted count and records the
repair by code, and the periodic sweep counts a response whose task was never sent."""

import random
import time
from unittest import mock

import pytest
from django.db.models import F

from analytics.models import TOTAL, CellCount, Reconciliation, SurveyCounter
from surveys.selectors import compiled_version
from tests.kit.counts import assert_counts_exact, uncounted
from tests.kit.data import submit_answers
from tests.kit.demo import random_demo_answers
from tests.kit.waiting import wait_for
from tests.kit.workers import beat_process, celery_env, log_tail

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _first_reconciliation(survey) -> Reconciliation | None:
    return Reconciliation.objects.filter(survey=survey).order_by("started_at").first()


def test_it_repairs_a_corrupted_count_and_sweeps_a_forgotten_response_under_beat(demo_survey, tmp_path,
                                                                                 celery_worker_process):
    rng = random.Random(6)
    for i in range(8):
        submit_answers(demo_survey, random_demo_answers(rng, company_twitter="none" if i < 3 else "some"))
    wait_for(lambda: uncounted(demo_survey) == 0, timeout=30)
    assert_counts_exact(demo_survey)

    compiled = compiled_version(demo_survey.open_version())
    cell = CellCount.objects.filter(
        version_id=compiled.version_id,
        question_id=compiled.question_ids["company_usage"],
        row_id=compiled.row_ids[("company_usage", "twitter")],
        choice_id=compiled.choice_ids[("company_usage", "none")],
        segment_choice_id=TOTAL,
    )
    assert cell.get().n == 3
    cell.update(n=F("n") + 7)
    with mock.patch("responses.services.request_counting"):  # its count task is never sent
        submit_answers(demo_survey, random_demo_answers(rng, company_twitter="some"))

    started = time.monotonic()
    env = celery_env(RECONCILE_SECONDS="5", SWEEP_SECONDS="3")
    with beat_process(tmp_path, env=env):
        try:
            run = wait_for(lambda: _first_reconciliation(demo_survey), timeout=30)
            repaired = time.monotonic() - started
            wait_for(lambda: uncounted(demo_survey) == 0, timeout=30)
            swept = time.monotonic() - started
        except BaseException:
            print(log_tail(tmp_path / "beat.log"))
            raise
    print(f"\nbeat started; drift repaired after {repaired:.2f} s, forgotten response counted after {swept:.2f} s")

    assert list(run.repairs.values_list("table", "key", "found", "expected")) == [
        ("cells", "v1 company_usage.twitter=none", 10, 3)
    ]
    assert run.cells_repaired == 1 and run.finished_at is not None
    assert cell.get().n == 3
    counter = SurveyCounter.objects.get(survey=demo_survey)
    assert counter.responses_counted == 9 and counter.last_reconciled_at is not None
    assert_counts_exact(demo_survey)
