"""Counting in-process: exactly once, moderation in and out, reconciliation, and a
property test that any interleaving leaves the tables equal to the full recompute."""

import uuid

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.counting import response_count
from analytics.models import BaseCount, CellCount, FindingCount, NumberCount, SurveyCounter
from analytics.recompute import _stored_counts, expected_counts, expected_finding, survey_reconcile
from analytics.tasks import sweep_uncounted_task
from responses.models import Response, UncountedResponse
from responses.moderation import response_delete, response_exclude, response_restore
from responses.services import response_submit
from surveys.models import Finding
from tests.kit.data import submit_and_count
from tests.kit.demo import leader_answers

pytestmark = pytest.mark.django_db


def assert_exact(survey) -> None:
    expected, total = expected_counts(survey.pk)
    stored = _stored_counts(survey.pk)
    for table in ("cells", "bases", "numbers"):
        assert +stored[table] == +expected[table], table
    for finding in Finding.objects.filter(survey=survey):
        row = FindingCount.objects.filter(finding=finding).first()
        assert ((row.base, row.target) if row else (0, 0)) == expected_finding(finding), finding.code
    counter = SurveyCounter.objects.filter(survey=survey).first()
    assert (counter.responses_counted if counter else 0) == total


def _submit(survey, data, **kwargs):
    result = response_submit(
        survey=survey, version=survey.open_version(), submission_id=uuid.uuid4(), answers=data, **kwargs
    )
    assert result.ok, result.errors
    return result.response


def test_it_counts_cells_bases_and_segments(demo_survey):
    submit_and_count(demo_survey, leader_answers(role="it", company_twitter="none", barriers=["roi", "security"]))
    submit_and_count(demo_survey, leader_answers(role="business", company_twitter="none", barriers=[]))
    version = demo_survey.open_version()
    q = {x.code: x for x in version.questions.all()}
    none = q["company_usage"].choices.get(code="none")
    twitter = q["company_usage"].rows.get(code="twitter")
    it = q["role"].choices.get(code="it")
    assert CellCount.objects.get(question_id=q["company_usage"].pk, row_id=twitter.pk, choice_id=none.pk,
                                 segment_choice_id=0).n == 2
    assert CellCount.objects.get(question_id=q["company_usage"].pk, row_id=twitter.pk, choice_id=none.pk,
                                 segment_choice_id=it.pk).n == 1
    # An optional multiple-choice question left empty is outside its base.
    assert BaseCount.objects.get(question_id=q["barriers"].pk, row_id=0, segment_choice_id=0).n == 1
    assert_exact(demo_survey)


def test_it_counts_a_response_once_however_often_asked(demo_survey):
    response = _submit(demo_survey, leader_answers(role="it"))
    assert response_count(response.pk)
    assert not response_count(response.pk)
    assert not response_count(response.pk)
    assert SurveyCounter.objects.get(survey=demo_survey).responses_counted == 1
    assert_exact(demo_survey)


def test_it_never_counts_test_responses(demo_survey):
    response = _submit(demo_survey, leader_answers(role="it"), is_test=True)
    assert not UncountedResponse.objects.filter(response=response).exists()
    assert not response_count(response.pk)
    assert not CellCount.objects.exists()
    assert_exact(demo_survey)


def test_it_takes_an_excluded_response_out_and_puts_it_back_on_restore(demo_survey):
    keep = submit_and_count(demo_survey, leader_answers(role="it", twitter="never"))
    drop = submit_and_count(demo_survey, leader_answers(role="it", twitter="never"))
    response_exclude(response=drop, reason="speeder: 40 seconds")
    finding = FindingCount.objects.get(finding__code="it_never_twitter")
    assert (finding.base, finding.target) == (1, 1)
    assert_exact(demo_survey)
    response_restore(response=drop)
    assert UncountedResponse.objects.filter(response=drop).exists()
    assert response_count(drop.pk)
    finding.refresh_from_db()
    assert (finding.base, finding.target) == (2, 2)
    assert_exact(demo_survey)
    assert Response.objects.get(pk=keep.pk).excluded_at is None  # the other one was never touched


def test_it_excludes_a_response_not_yet_counted_without_counting_it(demo_survey):
    response = _submit(demo_survey, leader_answers(role="it"))
    response_exclude(response=response, reason="duplicate person")
    assert not response_count(response.pk)
    assert SurveyCounter.objects.filter(survey=demo_survey, responses_counted__gt=0).count() == 0
    assert_exact(demo_survey)


def test_it_takes_a_deleted_response_out(demo_survey):
    response = submit_and_count(demo_survey, leader_answers(role="business"))
    submit_and_count(demo_survey, leader_answers(role="it"))
    response_delete(response=response)
    assert SurveyCounter.objects.get(survey=demo_survey).responses_counted == 1
    assert_exact(demo_survey)


def test_it_sweeps_responses_whose_task_never_ran(demo_survey, monkeypatch):
    from analytics import tasks

    monkeypatch.setattr(tasks, "SWEEP_GRACE", tasks.SWEEP_GRACE * 0)
    for _ in range(3):
        _submit(demo_survey, leader_answers(role="it"))
    assert sweep_uncounted_task() == 3
    assert not UncountedResponse.objects.exists()
    assert_exact(demo_survey)


def test_it_repairs_and_records_drift(demo_survey):
    for role in ("it", "business", "it"):
        submit_and_count(demo_survey, leader_answers(role=role))
    cell = CellCount.objects.filter(segment_choice_id=0).order_by("pk").first()
    cell.n += 7
    cell.save()
    BaseCount.objects.filter(row_id=0).order_by("pk").first().delete()
    run = survey_reconcile(survey_id=demo_survey.pk)
    assert run.cells_repaired == 2
    repairs = {r.table: r for r in run.repairs.all()}
    assert repairs["cells"].found == repairs["cells"].expected + 7
    assert repairs["cells"].key.startswith("v1 ")
    assert repairs["bases"].found == 0
    assert SurveyCounter.objects.get(survey=demo_survey).last_reconciled_at is not None
    assert_exact(demo_survey)
    assert survey_reconcile(survey_id=demo_survey.pk).cells_repaired == 0


def test_it_recomputes_from_the_command_line(demo_survey, capsys):
    submit_and_count(demo_survey, leader_answers(role="it"))
    CellCount.objects.all().delete()
    call_command("recompute_analytics", "ddiq-2010")
    out = capsys.readouterr().out
    assert "ddiq-2010:" in out and "repaired" in out
    assert_exact(demo_survey)


def test_it_recomputes_an_edited_finding(demo_survey):
    from analytics.recompute import finding_recompute

    submit_and_count(demo_survey, leader_answers(role="it", barriers=["roi"]))
    submit_and_count(demo_survey, leader_answers(role="it", barriers=["security"]))
    finding = Finding.objects.create(
        survey=demo_survey, code="it_roi", statement="IT leaders held back by ROI", base_condition="role = it",
        target_condition="barriers has roi",
    )
    row = finding_recompute(finding_id=finding.pk)
    assert (row.base, row.target) == (2, 1)
    assert_exact(demo_survey)


def test_it_counts_numbers_for_numeric_questions(db):
    from surveys.definition_files import definition_from_data
    from surveys.services import survey_import

    version, _ = survey_import(definition=definition_from_data({
        "slug": "nps", "title": "NPS", "status": "open",
        "pages": [{"questions": [
            {"code": "team", "type": "single", "label": "Team", "segment": True, "required": True,
             "choices": [{"code": "a", "label": "A"}, {"code": "b", "label": "B"}]},
            {"code": "score", "type": "rating", "label": "Score"},
            {"code": "age", "type": "integer", "label": "Age", "min": 18, "max": 99},
        ]}],
        "findings": [{"code": "promoters", "statement": "Promoters", "base": "score >= 0", "target": "score >= 9"}],
    }))
    survey = version.survey
    for team, score, age in (("a", 10, 30), ("a", 6, 40), ("b", 9, 30)):
        submit_and_count(survey, {"team": team, "score": score, "age": age})
    assert NumberCount.objects.get(value=30, segment_choice_id=0).n == 2
    assert FindingCount.objects.get(finding__code="promoters").target == 2
    assert_exact(survey)


# --- any interleaving equals the full recompute --------------------------------------
#
# Each survey below gets random sequences of submissions (its own kind), counts, redelivered
# counts, exclusions, restores and deletions; the count tables must then equal the full
# recompute, and again once what is left has been counted.

_OPERATIONS = (
    st.tuples(st.just("count"), st.integers(0, 30)),
    st.tuples(st.just("duplicate"), st.integers(0, 30)),
    st.tuples(st.just("exclude"), st.integers(0, 30)),
    st.tuples(st.just("restore"), st.integers(0, 30)),
    st.tuples(st.just("delete"), st.integers(0, 30)),
)


def _steps(*submits, max_size: int = 20):
    return st.lists(st.one_of(*submits, *_OPERATIONS), max_size=max_size)


def _interleave(survey, steps, answers_of) -> None:
    """Play `steps` on `survey` (a submit step's answers from `answers_of(step)`; a "test"
    step submits a test response) and check exactness twice."""
    Response.objects.filter(survey=survey).delete()
    for model in (CellCount, BaseCount, NumberCount, FindingCount, SurveyCounter):
        model.objects.all().delete()
    made: list[Response] = []
    for step in steps:
        kind = step[0]
        pick = made[step[1] % len(made)] if made and isinstance(step[1], int) else None
        if kind == "submit":
            made.append(_submit(survey, answers_of(step)))
        elif kind == "test":
            _submit(survey, answers_of(step), is_test=True)
        elif pick is None:
            continue
        elif kind in ("count", "duplicate"):
            response_count(pick.pk)
            if kind == "duplicate":  # a redelivered task
                response_count(pick.pk)
        elif kind == "exclude" and Response.objects.filter(pk=pick.pk, excluded_at__isnull=True).exists():
            response_exclude(response=pick, reason="property test")
        elif kind == "restore" and Response.objects.filter(pk=pick.pk, excluded_at__isnull=False).exists():
            response_restore(response=pick)
        elif kind == "delete" and Response.objects.filter(pk=pick.pk).exists():
            response_delete(response=pick)
            made.remove(pick)
    assert_exact(survey)
    # Counting what is left changes nothing about exactness either.
    for response_id in list(UncountedResponse.objects.values_list("response_id", flat=True)):
        response_count(response_id)
    assert_exact(survey)


_PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                           HealthCheck.too_slow])

_roles = st.sampled_from(["it", "business"])
_demo_steps = _steps(
    st.tuples(st.just("submit"), _roles, st.sampled_from(["never", "daily"]), st.sampled_from(["none", "some"]),
              st.lists(st.sampled_from(["roi", "security", "policy"]), unique=True, max_size=2)),
    st.tuples(st.just("test"), _roles),
    max_size=25,
)


def _demo_answers(step) -> dict:
    if step[0] == "test":
        return leader_answers(role=step[1])
    return leader_answers(role=step[1], twitter=step[2], company_twitter=step[3], barriers=step[4])


@settings(_PROPERTY, max_examples=40)
@given(steps=_demo_steps)
def test_it_stays_equal_to_the_full_recompute_under_any_interleaving(demo_survey, steps):
    _interleave(demo_survey, steps, _demo_answers)


# --- the new question types under any interleaving (tests.kit.new_types) -----------------

_teams = st.sampled_from(["ops", "dev"])
_picks = st.lists(st.sampled_from(["work", "home", "phone"]), unique=True, min_size=1)
_usage = st.fixed_dictionaries({}, optional=dict.fromkeys(("mail", "chat", "wiki"), _picks))
_sure = st.one_of(st.none(), st.sampled_from([0, 2.5, 9, 10]))
_new_steps = _steps(st.tuples(st.just("submit"), _teams, _usage, _sure))


@pytest.fixture
def new_types(db):
    from surveys.models import Question
    from tests.kit.new_types import new_types_survey

    survey = new_types_survey()
    # Optional here, so that rows left out are outside their base.
    Question.objects.filter(version__survey=survey, code="usage").update(required=False)
    return survey


@_PROPERTY
@given(steps=_new_steps)
def test_the_new_types_stay_equal_to_the_full_recompute_under_any_interleaving(new_types, steps):
    _interleave(new_types, steps, lambda step: {
        "team": step[1], **({"usage": step[2]} if step[2] else {}),
        **({"sure": step[3]} if step[3] is not None else {}),
    })


# --- the constant sum under any interleaving (tests.kit.constant_sum) ---------------------

# A split of 100 among e-mail, chat and wiki, a row of 0 sometimes left out (it counts as 0).
_split = st.tuples(st.integers(0, 100), st.integers(0, 100), st.booleans()).map(
    lambda t: {row: n for row, n in (("mail", t[0]), ("chat", min(t[1], 100 - t[0])),
                                     ("wiki", 100 - t[0] - min(t[1], 100 - t[0])))
               if n or not t[2]}
)
_sum_steps = _steps(st.tuples(st.just("submit"), _teams, st.one_of(st.none(), _split)))


@pytest.fixture
def budget_split(db):
    from surveys.models import Question
    from tests.kit.constant_sum import constant_sum_survey

    survey = constant_sum_survey()
    # Optional here, so that a response without it is outside its base.
    Question.objects.filter(version__survey=survey, code="budget").update(required=False)
    return survey


@_PROPERTY
@given(steps=_sum_steps)
def test_the_constant_sum_stays_equal_to_the_full_recompute_under_any_interleaving(budget_split, steps):
    _interleave(budget_split, steps, lambda step: {"team": step[1], **({"budget": step[2]} if step[2] else {})})


# --- rankings under any interleaving (tests.kit.ranking) --------------------------------------

_orders = st.permutations(["price", "speed", "support", "looks"])
_tops = st.one_of(st.none(), st.lists(st.sampled_from(["mail", "chat", "phone", "wiki"]), unique=True,
                                      min_size=2, max_size=2))
_ranking_steps = _steps(st.tuples(st.just("submit"), _teams, _orders, _tops))


@pytest.fixture
def rankings(db):
    from tests.kit.ranking import ranking_survey

    return ranking_survey()


@_PROPERTY
@given(steps=_ranking_steps)
def test_rankings_stay_equal_to_the_full_recompute_under_any_interleaving(rankings, steps):
    _interleave(rankings, steps, lambda step: {
        "team": step[1], "priorities": list(step[2]), **({"channels": step[3]} if step[3] else {}),
    })
