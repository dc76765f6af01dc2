"""With the real session worker: a submission reaches the findings API within seconds, and
a finding added in the admin shows its value recomputed from the raw answers."""

import random
import time

import pytest
from django.urls import reverse

from analytics.models import FindingCount
from analytics.recompute import expected_finding
from surveys.models import Finding
from tests.kit.admin import form_data
from tests.kit.counts import assert_counts_exact, uncounted
from tests.kit.data import submit_answers
from tests.kit.demo import random_demo_answers
from tests.kit.waiting import wait_for
from tests.kit.workers import wait_until_worker_idle

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _findings_unsuppressed(settings):
    """These tests compare the findings API's counts with the recompute at bases of 1 and
    up: no suppression under the minimum base here (the API's own tests check it)."""
    settings.MIN_BASE_FOR_PERCENT = 1


def _findings(client, survey) -> dict:
    response = client.get(reverse("results_api:findings", args=[survey.slug]))
    assert response.status_code == 200, response.content
    return response.json()


def _values(body: dict) -> dict[str, tuple[int, int]]:
    return {f["code"]: (f["count"], f["base"]) for f in body["findings"]}


@pytest.mark.timing
def test_it_shows_a_submission_in_the_findings_api_within_seconds(client, admin_user, demo_survey,
                                                                  celery_worker_process):
    client.force_login(admin_user)
    assert _findings(client, demo_survey)["as_of"]["responses_counted"] == 0
    answers = random_demo_answers(random.Random(1), role="it", twitter="never", company_twitter="some")
    wait_until_worker_idle()  # past the recomputes that importing the survey's findings asked for

    started = time.monotonic()
    submit_answers(demo_survey, answers, client=client)
    body = wait_for(lambda: (b := _findings(client, demo_survey))["as_of"]["responses_counted"] == 1 and b,
                    timeout=15, interval=0.05)
    delay = time.monotonic() - started

    print(f"\nsubmission to findings API: {delay:.2f} s")
    assert delay < 5
    assert _values(body) == {
        "it_never_twitter": (1, 1),
        "it_company_no_twitter": (0, 1),
        "it_twitter_paradox": (1, 1),
        "business_never_twitter": (0, 0),
    }
    assert_counts_exact(demo_survey)


def test_it_shows_a_finding_added_in_the_admin_with_its_recomputed_value(client, admin_user, demo_survey,
                                                                        celery_worker_process):
    client.force_login(admin_user)
    rng = random.Random(2)
    for i in range(6):
        answers = random_demo_answers(rng, role="business", company_twitter="none" if i < 3 else "some")
        submit_answers(demo_survey, answers, client=client)
    for _ in range(3):
        submit_answers(demo_survey, random_demo_answers(rng, role="it"), client=client)
    wait_for(lambda: uncounted(demo_survey) == 0, timeout=30)

    url = reverse("admin:surveys_survey_change", args=[demo_survey.pk])
    data = form_data(client.get(url), "survey_form")
    count = int(data["findings-TOTAL_FORMS"][0])
    assert count == 4
    new = f"findings-{count}"
    data.update({
        "findings-TOTAL_FORMS": [str(count + 1)],
        f"{new}-position": [str(count)],
        f"{new}-code": ["business_company_no_twitter"],
        f"{new}-statement": ["Business leaders whose company does not use Twitter at all"],
        f"{new}-base_condition": ["role = business"],
        f"{new}-target_condition": ["company_usage.twitter = none"],
        f"{new}-survey": [str(demo_survey.pk)],
    })
    started = time.monotonic()
    response = client.post(url, {**data, "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[:3000]

    finding = Finding.objects.get(survey=demo_survey, code="business_company_no_twitter")
    base, target = expected_finding(finding)
    assert (base, target) == (6, 3)
    wait_for(lambda: _values(_findings(client, demo_survey)).get(finding.code) == (target, base), timeout=30)
    print(f"\nadmin save to recomputed finding in the API: {time.monotonic() - started:.2f} s")
    assert FindingCount.objects.get(finding=finding).recomputed_at is not None
    assert_counts_exact(demo_survey)
