"""The overview's median duration (from the duration histogram) and data-quality flag counts."""

from __future__ import annotations

import re

import pytest

from analytics.counting import pending_count
from responses.models import Response
from tests.kit.quality import timed_completes

pytestmark = pytest.mark.django_db


def test_the_overview_shows_the_median_and_the_flag_counts(results, demo_survey):
    timed_completes(demo_survey, [60, 65, 70], uncounted=True)
    pending_count()
    Response.objects.filter(pk__in=Response.objects.order_by("pk").values("pk")[:2]).update(flags=["speeder"])

    page = results.get("/results/ddiq-2010/").content.decode()

    assert "Median duration 1:00–1:10 (minutes:seconds) of 3 timed completes" in page
    flags = re.search(r'<p class="small mb-1" id="quality-flags">(.*?)</p>', page).group(1)
    assert re.sub(r"<[^>]+>", "", flags).startswith("2 completes flagged for data quality: Speeder 2.")


def test_the_overview_says_when_nothing_is_timed_or_flagged(results, demo_survey):
    page = results.get("/results/ddiq-2010/").content.decode()

    assert "No timed completes yet" in page and "No completes flagged for data quality." in page
