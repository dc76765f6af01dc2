"""With the real session worker: a submission reaches the findings API within seconds, and
a finding added in the admin shows its value recomputed from the raw answers."""

import random
import time
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from analytics.models import FindingCount
from analytics.recompute import expected_finding
from surveys.models import Finding
from tests.analytics.checks import assert_counts_exact, uncounted
from tests.analytics.factories import demo_answers, submit_answers
from tests.analytics.workers import wait_until_worker_idle
from tests.helpers import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _findings(client, survey) -> dict:
    response = client.get(reverse("results_api:findings", args=[survey.slug]))
    assert response.status_code == 200, response.content
    return response.json()


def _values(body: dict) -> dict[str, tuple[int, int]]:
    return {f["code"]: (f["count"], f["base"]) for f in body["findings"]}


def test_it_shows_a_submission_in_the_findings_api_within_seconds(client, admin_user, demo_survey,
                                                                  celery_worker_process):
    client.force_login(admin_user)
    assert _findings(client, demo_survey)["as_of"]["responses_counted"] == 0
    answers = demo_answers(random.Random(1), role="it", twitter="never", company_twitter="some")
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


class _FormFields(HTMLParser):
    """The fields a browser would submit from the form with `form_id` (enough of HTML for
    the admin's change form: inputs, checked boxes, selects and textareas)."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.in_form = form_id, False
        self.data: dict[str, list[str]] = {}
        self._select: tuple[str, bool, list[tuple[str, bool]]] | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def _add(self, name: str, value: str) -> None:
        if "__prefix__" not in name:  # the empty template of an inline
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
        if not self.in_form or "disabled" in attrs or not (attrs.get("name") or tag == "option"):
            return
        name = attrs.get("name")
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._add(name, attrs.get("value") or ("on" if kind in ("checkbox", "radio") else ""))
        elif tag == "select":
            self._select = (name, "multiple" in attrs, [])
        elif tag == "option" and self._select:
            self._select[2].append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea":
            self._textarea = (name, [])

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self._select:
            name, multiple, options = self._select
            chosen = [value for value, selected in options if selected]
            if not chosen and options and not multiple:
                chosen = [options[0][0]]
            for value in chosen:
                self._add(name, value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the newline that Django puts right after <textarea>.
            name, text = self._textarea
            self._add(name, "".join(text).removeprefix("\r\n").removeprefix("\n"))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)


def test_it_shows_a_finding_added_in_the_admin_with_its_recomputed_value(client, admin_user, demo_survey,
                                                                        celery_worker_process):
    client.force_login(admin_user)
    rng = random.Random(2)
    for i in range(6):
        answers = demo_answers(rng, role="business", company_twitter="none" if i < 3 else "some")
        submit_answers(demo_survey, answers, client=client)
    for _ in range(3):
        submit_answers(demo_survey, demo_answers(rng, role="it"), client=client)
    wait_for(lambda: uncounted(demo_survey) == 0, timeout=30)

    url = reverse("admin:surveys_survey_change", args=[demo_survey.pk])
    parser = _FormFields("survey_form")
    parser.feed(client.get(url).content.decode())
    data = parser.data
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
