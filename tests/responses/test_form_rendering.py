"""The page skeleton (responses/rendering.py) gives exactly the HTML of crispy-forms' full
render: ~300 seeded random pages of questions of every registered type and of the demo
survey, each with random values (empty, several, invalid, texts with markup), both ways."""

import random

from responses import rendering
from responses.forms import SurveyPageForm
from surveys.definition import QuestionDef
from surveys.types import TYPES
from tests.kit.rendering import full, question_of

TEXTS = ["plain", 'quo"te & <b>tag</b>', "line\nbreak\n", "  spaced  ", "é ü ß €", "'single'", "0", "42",
         "3.25", "-1", "2026-02-28", "a&b@example.org", "{{ not_a_variable }}", "x" * 300]


def random_initial(rng: random.Random, form: SurveyPageForm) -> dict:
    """Values as stored answers give them, and some no valid answer gives."""
    initial = {}
    for name, field in form.fields.items():
        if rng.random() < 0.25:
            continue
        values = [str(v) for v, _ in getattr(field, "choices", [])]
        if values and getattr(field.widget, "allow_multiple_selected", False):
            initial[name] = rng.sample(values, rng.randint(0, len(values))) + (["nope"] if rng.random() < 0.1 else [])
        elif values:
            initial[name] = rng.choice([*values, "nope", ""])
        else:
            initial[name] = rng.choice([*TEXTS, ""])
    return initial


def pages_of_every_type(rng: random.Random) -> list[tuple[list[QuestionDef], dict]]:
    """A page per registered type, and pages mixing types, each with or without display
    conditions (as the form gives them: a JSON tree, or a truth known from other pages)."""
    pages = [[question_of(rng, kind, 0)] for kind in TYPES]
    for n in range(1, 12):
        pages.append([question_of(rng, rng.choice(list(TYPES)), n * 10 + i) for i in range(rng.randint(2, 5))])
    with_conditions = []
    for questions in pages:
        conditions = {}
        if rng.random() < 0.5:
            conditions[questions[-1].code] = rng.choice([{"q": questions[0].code, "op": "=", "v": "a"}, False])
        with_conditions.append((questions, conditions))
    return with_conditions


def test_it_renders_random_pages_of_every_type_as_crispy_does(fresh_skeletons):
    rng = random.Random(14)
    pages = pages_of_every_type(rng)
    for i in range(300):
        questions, conditions = pages[i % len(pages)] if i < len(pages) else rng.choice(pages)
        probe = SurveyPageForm(questions=questions, conditions_json=conditions)
        initial = random_initial(rng, probe)
        fast = rendering.render_questions(SurveyPageForm(questions=questions, conditions_json=conditions,
                                                         initial=initial))
        expected = full(SurveyPageForm(questions=questions, conditions_json=conditions, initial=initial))
        assert fast == expected, f"page {i} ({[q.code for q in questions]}, initial {initial!r})"


def test_every_registered_type_is_filled_from_a_skeleton(fresh_skeletons):
    # Not a page rendered in full each time: the speed of the respondent's path depends on it.
    rng = random.Random(7)
    for kind in TYPES:
        questions = [question_of(rng, kind, 0)]
        rendering.render_questions(SurveyPageForm(questions=questions))
        skeleton = fresh_skeletons[rendering._key(SurveyPageForm(questions=questions))]
        assert skeleton is not rendering._FULL, f"type {kind!r}: its page is rendered in full on every request"


def test_it_renders_the_demo_pages_as_crispy_does(fresh_skeletons, demo_definition):
    rng = random.Random(2010)
    for _ in range(20):
        for page in demo_definition.pages:
            questions = list(page.questions)
            probe = SurveyPageForm(questions=questions)
            initial = random_initial(rng, probe)
            fast = rendering.render_questions(SurveyPageForm(questions=questions, initial=initial))
            assert fast == full(SurveyPageForm(questions=questions, initial=initial))
    assert all(s is not rendering._FULL for s in fresh_skeletons.values())


def test_a_page_with_errors_is_rendered_in_full(fresh_skeletons):
    questions = [question_of(random.Random(1), kind, 0) for kind in TYPES]
    form = SurveyPageForm({"junk": "1"}, questions=questions)
    for name in form.fields:
        form.add_error(name, "Choose an answer.")
    assert rendering.render_questions(form) == full(form)
    assert "Choose an answer." in rendering.render_questions(form)
    assert not fresh_skeletons


def test_a_page_whose_html_depends_on_its_values_otherwise_is_rendered_in_full(fresh_skeletons, monkeypatch):
    # A widget that shows something beside its value (here: a class on a ticked box) cannot
    # be filled from the skeleton: the skeleton refuses itself and the page stays right.
    from django.forms import CheckboxSelectMultiple

    create_option = CheckboxSelectMultiple.create_option

    def marked(self, *args, **kwargs):
        option = create_option(self, *args, **kwargs)
        if option["selected"]:
            option["attrs"] = {**option["attrs"], "class": "ticked"}
            option["label"] = f"{option['label']} (ticked)"
        return option

    monkeypatch.setattr(CheckboxSelectMultiple, "create_option", marked)
    questions = [question_of(random.Random(3), "multiple", 0)]
    value = [questions[0].choices[0].code]
    html = rendering.render_questions(SurveyPageForm(questions=questions, initial={questions[0].code: value}))
    assert "(ticked)" in html
    assert html == full(SurveyPageForm(questions=questions, initial={questions[0].code: value}))
    assert list(fresh_skeletons.values()) == [rendering._FULL]
