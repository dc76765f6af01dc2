"""The write services of findings, NETs and saved views (surveys.reporting_editing):
codes made from labels and unique, positions kept dense through adds, moves and deletes,
the definition file's checks applied (nothing written on a refusal), and the versions'
compiled definitions told of every change."""

from __future__ import annotations

import pytest

from surveys import reporting_editing as editing
from surveys.models import Finding, Net, SavedView
from surveys.reporting_editing import ReportingInvalid
from surveys.selectors import compiled_version, survey_findings, survey_nets, survey_views

pytestmark = pytest.mark.django_db


def positions(model, survey) -> list[tuple[str, int]]:
    return list(model.objects.filter(survey=survey).order_by("position", "pk").values_list("code", "position"))


def add_finding(survey, statement: str, code: str = "", base: str = "role = it",
                target: str = "personal_use.twitter = never") -> Finding:
    return editing.finding_add(survey=survey, statement=statement, code=code, base_condition=base,
                               target_condition=target)


VIEW = {
    "label": "Paradox of the business side", "description": "", "row_variable": "personal_use.twitter",
    "column_variable": "company_usage.twitter", "segment": "role:business", "highlight_row": "never",
    "highlight_column_not": "none",
}


# --- Findings ---------------------------------------------------------------------------


def test_it_adds_a_finding_at_the_end_with_a_code_from_its_statement(demo_survey):
    finding = add_finding(demo_survey, "CIOs who use LinkedIn daily")
    assert finding.code == "cios_who_use_linkedin_daily"
    assert positions(Finding, demo_survey)[-1] == ("cios_who_use_linkedin_daily", 4)
    assert [f.code for f in survey_findings(demo_survey)][-1] == "cios_who_use_linkedin_daily"


def test_a_generated_code_steps_around_the_codes_taken(demo_survey):
    first = add_finding(demo_survey, "IT never Twitter")
    second = add_finding(demo_survey, "IT never Twitter")
    assert (first.code, second.code) == ("it_never_twitter_2", "it_never_twitter_3")  # the demo has the first


def test_it_refuses_a_code_another_finding_has_and_writes_nothing(demo_survey):
    with pytest.raises(ReportingInvalid) as refused:
        add_finding(demo_survey, "Another", code="it_never_twitter")
    assert refused.value.problems == {"code": "Another finding already has the code “it_never_twitter”."}
    assert Finding.objects.filter(survey=demo_survey).count() == 4


def test_it_refuses_conditions_that_do_not_fit_with_their_position(demo_survey):
    with pytest.raises(ReportingInvalid) as refused:
        add_finding(demo_survey, "Typo", base="rol = it", target="personal_use.twitter = sometimes")
    assert refused.value.problems == {
        "base_condition": "Unknown question 'rol' (at character 1).",
        "target_condition": "'sometimes' is not a choice of 'personal_use' (never, less_monthly, monthly, weekly, "
                            "daily) (at character 1).",
    }
    assert not Finding.objects.filter(survey=demo_survey, statement="Typo").exists()


def test_it_refuses_a_condition_that_does_not_parse(demo_survey):
    with pytest.raises(ReportingInvalid) as refused:
        add_finding(demo_survey, "Broken", base="role = it and")
    assert refused.value.problems["base_condition"].endswith("(at character 14).")


def test_it_updates_a_finding_keeping_its_place(demo_survey):
    finding = Finding.objects.get(survey=demo_survey, code="it_company_no_twitter")
    editing.finding_update(finding=finding, statement="Business leaders whose company does not use Twitter",
                           code="business_company_no_twitter", base_condition="role = business",
                           target_condition="company_usage.twitter = none")
    finding.refresh_from_db()
    assert (finding.code, finding.position, finding.base_condition) == (
        "business_company_no_twitter", 1, "role = business"
    )


def test_an_update_may_keep_its_own_code(demo_survey):
    finding = Finding.objects.get(survey=demo_survey, code="it_never_twitter")
    editing.finding_update(finding=finding, statement="Changed", code="it_never_twitter",
                           base_condition="role = it", target_condition="personal_use.twitter = never")
    assert Finding.objects.get(pk=finding.pk).statement == "Changed"


def test_moving_swaps_neighbours_and_stops_at_the_ends(demo_survey):
    first, second = Finding.objects.filter(survey=demo_survey).order_by("position")[:2]
    assert editing.finding_move(finding=second, offset=-1)
    assert [code for code, _ in positions(Finding, demo_survey)][:2] == [second.code, first.code]
    assert not editing.finding_move(finding=Finding.objects.get(pk=second.pk), offset=-1)
    last = Finding.objects.filter(survey=demo_survey).order_by("position").last()
    assert not editing.finding_move(finding=last, offset=1)
    assert [p for _, p in positions(Finding, demo_survey)] == [0, 1, 2, 3]


def test_deleting_renumbers_the_rest(demo_survey):
    second = Finding.objects.get(survey=demo_survey, position=1)
    editing.finding_delete(finding=second)
    assert positions(Finding, demo_survey) == [
        ("it_never_twitter", 0), ("it_twitter_paradox", 1), ("business_never_twitter", 2),
    ]


def test_positions_stay_dense_after_gaps_left_by_others(demo_survey):
    # The admin's inline may store any positions: the next write here closes the gaps.
    Finding.objects.filter(survey=demo_survey, code="business_never_twitter").update(position=40)
    Finding.objects.filter(survey=demo_survey, code="it_never_twitter").update(position=7)
    editing.finding_move(finding=Finding.objects.get(survey=demo_survey, code="it_twitter_paradox"), offset=1)
    assert [p for _, p in positions(Finding, demo_survey)] == [0, 1, 2, 3]


def test_a_finding_write_tells_the_compiled_definitions(demo_survey):
    version = demo_survey.open_version()
    before = compiled_version(version)
    add_finding(demo_survey, "Fresh one")
    version.refresh_from_db()
    after = compiled_version(version)
    assert after is not before
    assert "fresh_one" in [f.code for f in after.definition.findings]


# --- NETs -------------------------------------------------------------------------------


def test_it_adds_a_net_with_a_code_from_its_label(demo_survey):
    net = editing.net_add(survey=demo_survey, question_code="seniority", label="Top management", code="",
                          choices=["c_level", "vp"], all_but=False)
    assert (net.code, net.position, net.choices) == ("net_top_management", 3, ["c_level", "vp"])
    assert survey_nets(demo_survey)[-1].code == "net_top_management"


def test_a_net_code_never_takes_a_choice_code(demo_survey):
    # "NET: Never" would give net_never; a choice called net_never would push it along.
    net = editing.net_add(survey=demo_survey, question_code="personal_use", label="Ever", code="",
                          choices=["never"], all_but=True)
    assert net.code == "net_ever_2"  # the demo's own net_ever is taken


def test_net_codes_are_unique_per_question_only(demo_survey):
    net = editing.net_add(survey=demo_survey, question_code="revenue", label="Any", code="net_any",
                          choices=["gt_10b"], all_but=True)
    assert net.code == "net_any"  # company_usage has a net_any too
    with pytest.raises(ReportingInvalid) as refused:
        editing.net_add(survey=demo_survey, question_code="revenue", label="Any", code="net_any",
                        choices=["gt_10b"], all_but=True)
    assert refused.value.problems == {"code": "Another NET of this question already has the code “net_any”."}


@pytest.mark.parametrize(("question", "choices", "all_but", "problems"), [
    ("personal_use", ["often"], False, {"choices": "'often' is not a choice of 'personal_use' (never, less_monthly, "
                                                   "monthly, weekly, daily)."}),
    ("personal_use", ["never", "less_monthly", "monthly", "weekly", "daily"], True,
     {"choices": "Leaves out every choice."}),
    ("personal_use", [], False, {"choices": "Tick at least one choice."}),
    ("twitter_uses", ["news"], False, {"question_code": "'twitter_uses' is a multiple question: NETs apply to "
                                                        "single, dropdown, matrix questions."}),
])
def test_it_refuses_nets_that_do_not_fit(demo_survey, question, choices, all_but, problems):
    with pytest.raises(ReportingInvalid) as refused:
        editing.net_add(survey=demo_survey, question_code=question, label="X", code="net_x", choices=choices,
                        all_but=all_but)
    assert refused.value.problems == problems
    assert Net.objects.filter(survey=demo_survey).count() == 3


def test_a_net_moves_among_its_questions_nets_only(demo_survey):
    # The demo: company_usage.net_any, personal_use.net_ever, personal_use.net_weekly.
    any_net = Net.objects.get(survey=demo_survey, code="net_any")
    assert not editing.net_move(net=any_net, offset=1)  # the only NET of company_usage
    weekly = Net.objects.get(survey=demo_survey, code="net_weekly")
    assert editing.net_move(net=weekly, offset=-1)
    assert positions(Net, demo_survey) == [("net_any", 0), ("net_weekly", 1), ("net_ever", 2)]


def test_updating_and_deleting_a_net(demo_survey):
    ever = Net.objects.get(survey=demo_survey, code="net_ever")
    editing.net_update(net=ever, label="Ever at all", code="net_ever", choices=["never", "less_monthly"],
                       all_but=True)
    assert survey_nets(demo_survey)[1].choices == ("never", "less_monthly")
    editing.net_delete(net=Net.objects.get(survey=demo_survey, code="net_any"))
    assert positions(Net, demo_survey) == [("net_ever", 0), ("net_weekly", 1)]


# --- Saved views ------------------------------------------------------------------------


def test_it_adds_a_view_with_a_code_from_its_label(demo_survey):
    view = editing.view_add(survey=demo_survey, code="", values=VIEW)
    assert (view.code, view.position, view.segment) == ("paradox_of_the_business_side", 1, "role:business")
    assert survey_views(demo_survey)[-1].highlight_column_not == "none"


@pytest.mark.parametrize(("changes", "problems"), [
    ({"row_variable": "personal_use"}, {"row_variable": "'personal_use' is a matrix: name one of its rows, e.g. "
                                                        "personal_use.twitter."}),
    ({"segment": "role:ceo"}, {"segment": "Expected role:<choice>, one of it, business."}),
    ({"highlight_column_not": ""}, {"highlight_column_not": "Choose both the row's choice and the column's, "
                                                            "or neither."}),
    ({"highlight_row": "sometimes"}, {"highlight_row": "'sometimes' is not a choice of 'personal_use' (never, "
                                                        "less_monthly, monthly, weekly, daily)."}),
    ({"label": " "}, {"label": "Give the view a label: it is the link's text on the results overview."}),
])
def test_it_refuses_views_that_do_not_fit(demo_survey, changes, problems):
    with pytest.raises(ReportingInvalid) as refused:
        editing.view_add(survey=demo_survey, code="x", values={**VIEW, **changes})
    assert refused.value.problems == problems
    assert SavedView.objects.filter(survey=demo_survey).count() == 1


def test_a_view_code_must_be_unique(demo_survey):
    with pytest.raises(ReportingInvalid) as refused:
        editing.view_add(survey=demo_survey, code="it_twitter_paradox", values=VIEW)
    assert refused.value.problems == {"code": "Another saved view already has the code “it_twitter_paradox”."}


def test_views_move_update_and_delete(demo_survey):
    added = editing.view_add(survey=demo_survey, code="", values=VIEW)
    assert editing.view_move(view=added, offset=-1)
    assert [code for code, _ in positions(SavedView, demo_survey)] == [added.code, "it_twitter_paradox"]
    editing.view_update(view=SavedView.objects.get(pk=added.pk), code="business_paradox",
                        values={**VIEW, "segment": ""})
    assert survey_views(demo_survey)[0].code == "business_paradox"
    assert survey_views(demo_survey)[0].segment == ""
    editing.view_delete(view=SavedView.objects.get(survey=demo_survey, code="it_twitter_paradox"))
    assert positions(SavedView, demo_survey) == [("business_paradox", 0)]


def test_a_survey_without_a_version_takes_findings_but_no_nets_or_views(db):
    from surveys.models import Survey

    survey = Survey.objects.create(slug="empty", title="Empty")
    finding = add_finding(survey, "Anyone", base="role = it", target="role = it")  # nothing to check against
    assert finding.code == "anyone"
    with pytest.raises(ReportingInvalid) as refused:
        editing.net_add(survey=survey, question_code="role", label="X", code="", choices=["it"], all_but=False)
    assert list(refused.value.problems) == ["question_code"]
