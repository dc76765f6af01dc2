"""The duration histogram (analytics DurationCount): timed completes counted into bins as
they are counted, taken out when excluded, equal to the recompute and repaired by the
reconciliation; the overview's median read from it."""

from __future__ import annotations

import pytest
from django.test import Client

from analytics.counting import pending_count
from analytics.models import DurationCount, duration_bin, duration_bin_end
from analytics.recompute import survey_reconcile
from responses.models import Response
from responses.moderation import response_exclude
from results.report.overview import median_duration
from tests.kit.counts import assert_counts_exact, count_differences
from tests.kit.form import PAGE1, PAGE2, PAGE3
from tests.kit.quality import complete_timed, timed_completes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("seconds", "start", "end"), [
    (0, 0, 10), (9.99, 0, 10), (10, 10, 20), (599, 590, 600), (600, 600, 660), (659, 600, 660),
    (7199, 7140, 7200), (7200, 7200, None), (10**6, 7200, None), (-3, 0, 10),
])
def test_it_bins_durations_by_10_s_then_1_min_then_one_open_bin(seconds, start, end):
    assert duration_bin(seconds) == start
    assert duration_bin_end(start) == end


def test_it_counts_timed_form_completes_into_the_histogram_as_the_recompute_does(demo_survey):
    for seconds in (20, 400, 4000):
        complete_timed(Client(), seconds=seconds, pages=(PAGE1, PAGE2, PAGE3))
    pending_count()

    assert DurationCount.objects.filter(n__gt=0).count() == 3
    assert_counts_exact(demo_survey)


def test_it_takes_an_excluded_complete_out_of_the_histogram(demo_survey):
    timed_completes(demo_survey, [30, 300, 3000], uncounted=True)
    pending_count()

    response_exclude(response=Response.objects.order_by("started_at").first(), reason="too slow")  # the 3000 s one

    assert not DurationCount.objects.filter(bin=duration_bin(3000), n__gt=0).exists()
    assert_counts_exact(demo_survey)


def test_the_reconciliation_repairs_the_histogram(demo_survey):
    timed_completes(demo_survey, [30, 300], uncounted=True)
    pending_count()
    DurationCount.objects.filter(bin=duration_bin(30)).delete()
    DurationCount.objects.create(version_id=demo_survey.open_version().pk, bin=duration_bin(5000), n=2)
    assert len(count_differences(demo_survey)) == 2

    survey_reconcile(survey_id=demo_survey.pk)

    assert_counts_exact(demo_survey)


def test_the_median_is_the_bin_of_the_middle_complete(demo_survey):
    timed_completes(demo_survey, [30, 305, 307, 4000, 9000], uncounted=True)
    pending_count()

    median = median_duration([demo_survey.open_version().pk])

    assert (median.low, median.high, median.timed) == (300, 310, 5)
    assert median.display == "5:00–5:10"
