"""The findings API: exact counts, bases, half-up percentages and Wilson intervals that
equal statsmodels' to 1e-9, and who may read it."""

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from statsmodels.stats.proportion import proportion_confint

from analytics.counting import response_count
from tests.kit.data import build_it_population, submit_and_count
from tests.kit.demo import leader_answers

pytestmark = pytest.mark.django_db
URL = "/api/v1/surveys/ddiq-2010/findings/"


def _findings(client) -> dict:
    response = client.get(URL)
    assert response.status_code == 200, response.content
    return {f["code"]: f for f in response.json()["findings"]}


def _assert_wilson(finding: dict) -> None:
    low, high = proportion_confint(finding["count"], finding["base"], alpha=0.05, method="wilson")
    assert finding["ci_low"] == pytest.approx(low, abs=1e-9)
    assert finding["ci_high"] == pytest.approx(high, abs=1e-9)


def test_it_shows_the_published_findings_of_the_2010_survey(results, demo_survey):
    build_it_population(demo_survey, it=288, it_never=181, it_company_none=124, business=304)
    body = results.get(URL).json()
    findings = {f["code"]: f for f in body["findings"]}
    assert body["as_of"]["responses_counted"] == 592

    never = findings["it_never_twitter"]
    assert (never["count"], never["base"], never["percent_display"]) == (181, 288, "63%")
    assert never["percent"] == pytest.approx(100 * 181 / 288, abs=1e-12)
    _assert_wilson(never)

    company = findings["it_company_no_twitter"]
    assert (company["count"], company["base"], company["percent_display"]) == (124, 288, "43%")
    _assert_wilson(company)

    # Twitter never (first 181) and company uses it (the first 164): all of the first 164.
    paradox = findings["it_twitter_paradox"]
    assert (paradox["count"], paradox["base"]) == (164, 288)
    _assert_wilson(paradox)

    business = findings["business_never_twitter"]
    assert (business["count"], business["base"]) == (152, 304)
    _assert_wilson(business)


@pytest.mark.parametrize(
    ("count", "base", "shown"),
    [(4, 5, "80%"), (29, 30, "97%"), (99, 100, "99%"), (0, 7, "0%"), (7, 7, "100%")],
)
def test_it_gives_exact_intervals_at_small_bases_and_extremes(results, demo_survey, count, base, shown):
    build_it_population(demo_survey, it=base, it_never=count, it_company_none=0)
    finding = _findings(results)["it_never_twitter"]
    assert (finding["count"], finding["base"], finding["percent_display"]) == (count, base, shown)
    _assert_wilson(finding)
    assert 0.0 <= finding["ci_low"] <= finding["ci_high"] <= 1.0


def test_it_rounds_halves_up_for_display(results, demo_survey):
    # 5 of 8 is 62.5%: Python's round() would show 62%.
    build_it_population(demo_survey, it=8, it_never=5, it_company_none=0)
    assert _findings(results)["it_never_twitter"]["percent_display"] == "63%"


def test_it_shows_a_dash_and_no_interval_for_an_empty_base(results, demo_survey):
    submit_and_count(demo_survey, leader_answers(role="business"))
    finding = _findings(results)["it_never_twitter"]
    assert (finding["count"], finding["base"], finding["percent_display"]) == (0, 0, "—")
    assert finding["percent"] is None and finding["ci_low"] is None and finding["ci_high"] is None


def test_it_counts_only_counted_responses_in_as_of(results, demo_survey):
    submit_and_count(demo_survey, leader_answers(role="it"))
    import uuid

    from responses.services import response_submit

    response_submit(survey=demo_survey, version=demo_survey.open_version(), submission_id=uuid.uuid4(),
                    answers=leader_answers(role="it"))  # not yet counted
    assert results.get(URL).json()["as_of"]["responses_counted"] == 1


def test_it_answers_401_to_anonymous_requests(client, demo_survey):
    response = client.get(URL)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Token")


def test_it_answers_403_without_the_results_permission(client, outsider, demo_survey):
    demo_survey.viewers.add(outsider)
    client.force_login(outsider)
    assert client.get(URL).status_code == 403


def test_it_answers_404_for_a_survey_not_shared_with_the_user(client, viewer, demo_survey):
    client.force_login(viewer)
    assert client.get(URL).status_code == 404


def test_it_answers_to_a_group_the_survey_is_shared_with(client, viewer, demo_survey):
    demo_survey.viewer_groups.add(viewer.groups.get())
    client.force_login(viewer)
    assert client.get(URL).status_code == 200


def test_it_answers_404_for_an_unknown_survey(results):
    assert results.get("/api/v1/surveys/nope/findings/").status_code == 404


def test_it_accepts_an_api_token(client, demo_survey):
    from io import StringIO

    from django.core.management import call_command

    user = User.objects.create_user("reporter")
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="view_all_results"))
    out = StringIO()
    call_command("create_api_token", "reporter", stdout=out)
    key = out.getvalue().strip()
    assert Token.objects.get(user=user).key == key
    assert client.get(URL, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert client.get(URL, HTTP_AUTHORIZATION="Token wrong").status_code == 401


def test_it_reads_findings_in_a_fixed_number_of_queries(results, demo_survey, django_assert_max_num_queries):
    build_it_population(demo_survey, it=3, it_never=1, it_company_none=1)
    with django_assert_max_num_queries(8) as small:
        assert results.get(URL).status_code == 200
    build_it_population(demo_survey, it=40, it_never=10, it_company_none=5)
    with django_assert_max_num_queries(8) as large:
        assert results.get(URL).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)


def test_it_never_counts_a_response_twice(results, demo_survey):
    response = submit_and_count(demo_survey, leader_answers(role="it", twitter="never"))
    assert not response_count(response.pk)
    # One IT leader: the base says it was counted once (the count itself is suppressed at a base of 1).
    assert _findings(results)["it_never_twitter"]["base"] == 1


@pytest.mark.parametrize(("base", "suppressed"), [(4, True), (5, False)])
def test_it_suppresses_a_finding_under_the_minimum_base_but_keeps_the_base(results, demo_survey, base, suppressed):
    build_it_population(demo_survey, it=base, it_never=3, it_company_none=0)
    finding = _findings(results)["it_never_twitter"]
    assert (finding["base"], finding["suppressed"]) == (base, suppressed)
    values = [finding[key] for key in ("count", "percent", "percent_display", "ci_low", "ci_high")]
    if suppressed:
        assert values == [None] * 5
    else:
        assert finding["count"] == 3 and finding["percent_display"] == "60%" and None not in values
