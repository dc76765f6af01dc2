"""Piping (surveys.piping): the syntax read and shown (escaped, with its fallback, for
each kind of answer, literal brackets), and the definition's checks that a text only
names what is answered before its page, each refusal at its place."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest

from surveys import piping
from surveys.definition_files import DefinitionError, definition_from_data, definition_from_yaml, definition_to_yaml
from surveys.types.choices import Specified
from tests.kit.piping import PIPED


@pytest.fixture(scope="module")
def survey():
    return definition_from_data(PIPED)


def _with_label(page: int, question: int, label: str) -> dict:
    data = copy.deepcopy(PIPED)
    data["pages"][page]["questions"][question]["label"] = label
    return data


def _errors(data: dict) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        definition_from_data(data)
    return caught.value.errors


# --- Reading and showing -------------------------------------------------------------


def test_it_reads_references_with_and_without_fallback():
    assert piping.parse("a [[x]] b [[ y | the y ]]") == ("a ", piping.Ref("x"), " b ", piping.Ref("y", " the y "))


def test_it_shows_the_chosen_label_escaped(survey):
    label = "Your <script>alert(1)</script> [[industry]]?"

    shown = piping.render(label, {"industry": "tech"}, survey)

    assert shown == "Your &lt;script&gt;alert(1)&lt;/script&gt; Technology?"


def test_it_escapes_a_typed_answer(survey):
    shown = piping.render("Hi [[nickname]]", {"nickname": "<script>x</script>"}, survey)

    assert "<script>" not in shown and "&lt;script&gt;x&lt;/script&gt;" in shown


def test_it_shows_the_fallback_without_an_answer(survey):
    assert piping.render_text("your [[industry|own]] company", {}, survey) == "your own company"
    assert piping.render_text("your [[industry]] company", {"industry": ""}, survey) == "your  company"


def test_it_joins_the_labels_of_several_choices_in_the_choices_order(survey):
    answers = {"channels": frozenset({"wikis", "twitter", "linkedin"})}

    assert piping.render_text("[[channels]]", answers, survey) == "Twitter, LinkedIn and Wikis"
    assert piping.render_text("[[channels]]", {"channels": frozenset({"wikis"})}, survey) == "Wikis"


def test_it_shows_numbers_and_dates_as_entered(survey):
    assert piping.render_text("[[staff]]", {"staff": 250}, survey) == "250"
    assert piping.render_text("[[staff]]", {"staff": Decimal("1.50")}, survey) == "1.50"
    assert piping.render_text("[[staff]]", {"staff": date(2010, 5, 1)}, survey) == "2010-05-01"


def test_it_shows_a_hidden_fields_value(survey):
    assert piping.render_text("from [[src|the web]]", {"src": "newsletter"}, survey) == "from newsletter"
    assert piping.render_text("from [[src|the web]]", {}, survey) == "from the web"


def test_a_backslash_writes_brackets_literally(survey):
    assert piping.render_text("\\[[industry]] is [[industry]]", {"industry": "retail"}, survey) == (
        "[[industry]] is Retail"
    )
    assert piping.references("\\[[industry]]") == []


def test_a_malformed_text_the_checks_never_saw_shows_as_written(survey):
    # A label corrected in place on a published version is not checked again.
    assert piping.render_text("Unclosed [[industry", {"industry": "tech"}, survey) == "Unclosed [[industry"
    assert piping.readable("Unclosed [[industry") == "Unclosed [[industry"
    page = piping.pipe_page([survey.questions["usage"]], {}, survey)
    assert piping.pipe_page([piping.retexted(survey.questions["usage"], lambda t: t + " [[")], {}, survey).values == ()
    assert page.values == ("own", "none of them", "the web", "")


def test_results_show_a_reference_as_its_code_in_brackets():
    assert piping.readable("How often does your [[industry|own]] company use \\[[it]]?") == (
        "How often does your [industry] company use [[it]]?"
    )


def test_only_earlier_pages_and_hidden_fields_count_as_asked_before(survey):
    order = piping.asked_order(survey.pages, ["src"])

    assert piping.asked_before(order, "industry", "usage")
    assert piping.asked_before(order, "src", "industry")
    assert not piping.asked_before(order, "budget", "usage")  # the same page
    assert not piping.asked_before(order, "usage", "industry")  # a later page
    assert not piping.asked_before(order, "usage", "usage")


# --- Checked at import -----------------------------------------------------------------------


def test_the_example_survey_is_valid_and_round_trips_through_its_file(survey):
    assert survey.questions["usage"].label.startswith("How often does your [[industry|own]]")
    assert definition_from_yaml(definition_to_yaml(survey)) == survey


def test_it_refuses_a_question_on_the_same_page_at_its_place():
    errors = _errors(_with_label(1, 1, "Budget ([[usage]])?"))

    assert errors == ["pages[1].questions[1].label: [[usage]] names a question on the same page: its answer"
                      " is not known when this page is shown (move it to an earlier page)"]


def test_it_refuses_a_later_page():
    errors = _errors(_with_label(0, 0, "Your industry ([[budget]])?"))

    assert errors == ["pages[0].questions[0].label: [[budget]] names a question on a later page: its answer"
                      " is not known when this page is shown (move it to an earlier page)"]


def test_it_refuses_the_question_itself():
    errors = _errors(_with_label(1, 1, "Budget ([[budget]])?"))

    assert errors == ["pages[1].questions[1].label: [[budget]] names this question itself: its answer is not"
                      " known when it is asked"]


def test_it_refuses_an_unknown_code_in_a_choice_label():
    data = copy.deepcopy(PIPED)
    data["pages"][1]["questions"][0]["choices"][1]["label"] = "Never, [[nobody]]"

    assert _errors(data) == ["pages[1].questions[0].choices[1].label: [[nobody]] names no question or hidden field"]


def test_it_refuses_a_matrix_answer_and_malformed_brackets():
    data = copy.deepcopy(PIPED)
    data["pages"].append({"questions": [{"code": "late", "type": "short_text", "label": "About [[peers]]?",
                                         "help_text": "Unclosed [[industry"}]})

    errors = _errors(data)

    assert errors[0] == ("pages[2].questions[0].label: [[peers]] names a question answered row by row: its"
                         " answer cannot be shown in a text")
    assert errors[1].startswith("pages[2].questions[0].help_text: '[[' without a well-formed")
    assert len(errors) == 2


# --- Checked at publish ------------------------------------------------------------------------


@pytest.fixture
def draft(manager):
    from surveys.models import Question
    from surveys.services import survey_import

    version, _ = survey_import(definition=definition_from_data({**PIPED, "status": "draft"}), editors=[manager])
    # As the builder's outline would store it: the editor moved the reference onto its own page.
    Question.objects.filter(version=version, code="budget").update(label="Budget ([[usage]])?")
    return version


@pytest.mark.django_db
def test_publishing_refuses_a_reference_to_the_same_page(draft):
    from surveys.services import VersionStateError, version_publish

    with pytest.raises(VersionStateError, match=r"pages\[1\]\.questions\[1\]\.label: \[\[usage\]\] names a question"):
        version_publish(version=draft)


@pytest.mark.django_db
def test_the_publish_checklist_shows_the_reference_at_its_question(alice, draft):
    from surveys.models import Question

    html = alice.get("/build/piped/publish/").content.decode()

    budget = Question.objects.get(version=draft, code="budget")
    assert "Page 2, question 2 “Budget ([[usage]])?”" in html
    assert "its text: [[usage]] names a question on the same page" in html
    assert f"?edit={budget.pk}#question-{budget.pk}" in html


# --- Corrected in place on a published version -------------------------------------------------


@pytest.mark.django_db
def test_a_wording_fix_on_a_published_version_refuses_a_later_answer(manager):
    from surveys.editing import EditError, question_update
    from surveys.models import Question
    from surveys.services import survey_import

    version, _ = survey_import(definition=definition_from_data(PIPED), editors=[manager])
    industry = Question.objects.get(version=version, code="industry")

    with pytest.raises(EditError, match=r"\[\[usage\]\] names a question on a later page"):
        question_update(question=industry, label="Your industry ([[usage]])?")
    assert Question.objects.get(pk=industry.pk).label == "Your industry?"

    question_update(question=industry, label="Your industry, [[src|friend]]?")  # a hidden field: fine
    assert Question.objects.get(pk=industry.pk).label == "Your industry, [[src|friend]]?"


def test_a_ranking_shows_its_labels_in_rank_order_and_other_shows_its_label():
    survey = definition_from_data({"slug": "r", "title": "R", "pages": [{"questions": [
        {"code": "rank", "type": "ranking", "label": "Rank", "choices": [
            {"code": "a", "label": "Alpha"}, {"code": "b", "label": "Beta"}, {"code": "c", "label": "Gamma"}]},
        {"code": "pick", "type": "single", "label": "Pick", "choices": [
            {"code": "x", "label": "X"}, {"code": "other", "label": "Other", "specify": "optional"}]},
    ]}]})
    assert piping.render_text("[[rank]]", {"rank": ("c", "a", "b")}, survey) == "Gamma, Alpha and Beta"
    assert piping.render_text("[[pick]]", {"pick": Specified("other", {"other": "Mine"})}, survey) == "Other"


@pytest.mark.django_db
def test_the_structure_preview_shows_where_answers_go(alice, manager):
    from surveys.services import survey_import

    version, _ = survey_import(definition=definition_from_data(PIPED), editors=[manager])

    html = alice.get(f"/preview/{version.pk}/").content.decode()

    assert "How often does your [industry] company use Twitter?" in html
    assert "In [industry]" in html and "[[industry" not in html
