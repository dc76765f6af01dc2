"""A rating's settings in the outline's question form: the scale (a select of the scales the
type has, stored as min and max, empty for the default 0–10), the display and the end labels;
a scale or display the type does not have is refused on its field with nothing saved; on a
published version only the end labels (wording) may change. The admin refuses the same
scales with the same words."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from surveys.models import Page, Question, SurveyVersion
from surveys.services import version_publish
from tests.kit.admin import form_data, survey_admin_url
from tests.kit.outline import small_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(manager) -> SurveyVersion:
    version = small_draft(editors=[manager])
    page = Page.objects.filter(version=version).order_by("position").first()
    Question.objects.create(version=version, page=page, position=99, code="service", type="rating",
                            label="How was our service?")
    return version


def _rating(version) -> Question:
    return Question.objects.get(version=version, code="service")


def _url(question: Question) -> str:
    return reverse("builder:question_edit", args=["small", question.pk])


def _post(client, question: Question, **changes):
    data = {"label": question.label, "help_text": "", "code": question.code, "condition": "", "op": "save",
            "scale": "0-10", "display": "numbers", "low_label": "", "high_label": "", **changes}
    return client.post(_url(question), data)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_it_offers_the_scales_displays_and_end_labels_of_the_type(alice, draft):
    text = _text(alice.get(reverse("builder:outline", args=["small"]) + f"?edit={_rating(draft).pk}"))
    assert '<option value="0-10" selected>0 to 10</option>' in text
    assert '<option value="1-5">1 to 5</option>' in text and '<option value="1-7">1 to 7</option>' in text
    assert '<option value="numbers" selected>Numbers</option> <option value="stars">Stars</option>' in text
    assert "Label of the lowest point" in text and "Label of the highest point" in text


def test_it_saves_a_1_to_5_star_scale_with_its_end_labels(alice, draft):
    question = _rating(draft)
    response = _post(alice, question, scale="1-5", display="stars", low_label="Very poor", high_label="Excellent")
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.min_value, question.max_value, question.display) == (1, 5, "stars")
    assert (question.low_label, question.high_label) == ("Very poor", "Excellent")
    card = _text(alice.get(reverse("builder:outline", args=["small"])))
    assert "1 to 5, as stars" in card


def test_it_stores_the_default_scale_and_display_as_none_set(alice, draft):
    question = _rating(draft)
    _post(alice, question, scale="1-7")
    assert _post(alice, question, scale="0-10", display="numbers").status_code == 302
    question.refresh_from_db()
    assert (question.min_value, question.max_value, question.display) == (None, None, "")


@pytest.mark.parametrize(("changes", "message"), [
    ({"scale": "1-10"}, "Select a valid choice. 1-10 is not one of the available choices."),
    ({"display": "smileys"}, "Select a valid choice. smileys is not one of the available choices."),
    ({"scale": "0-10", "display": "stars"},
     "Stars need a scale that starts at 1 (one star per point), not 0–10."),
])
def test_it_refuses_a_scale_the_type_does_not_have_and_saves_nothing(alice, draft, changes, message):
    question = _rating(draft)
    before = Question.objects.filter(pk=question.pk).values().get()
    response = _post(alice, question, low_label="Typed", **changes)
    assert response.status_code == 200
    text = _text(response)
    assert f'<div class="invalid-feedback d-block">{message}</div>' in text
    assert 'value="Typed"' in text  # what was typed stays
    assert Question.objects.filter(pk=question.pk).values().get() == before


def test_it_lets_the_end_labels_of_a_published_scale_be_corrected_but_not_its_scale(alice, draft):
    question = _rating(draft)
    _post(alice, question, scale="1-5", display="stars", low_label="Poor")
    version_publish(version=draft)
    text = _text(alice.get(reverse("builder:outline", args=["small"]) + f"?edit={question.pk}"))
    assert "1 to 5, shown as stars (fixed: the version is published)" in text
    assert 'name="scale"' not in text
    response = alice.post(_url(question), {"label": question.label, "help_text": "", "op": "save",
                                           "low_label": "Very poor", "high_label": "Excellent", "scale": "0-10"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.low_label, question.high_label, question.min_value, question.max_value) == (
        "Very poor", "Excellent", Decimal(1), Decimal(5))


def test_the_admin_refuses_a_scale_the_type_does_not_have(admin_client, draft):
    url = survey_admin_url("surveyversion", draft.pk)
    data = form_data(admin_client.get(url), "surveyversion_form")
    prefix = next(key[: -len("-code")] for key, value in data.items() if key.endswith("-code") and value == ["service"])
    data.update({f"{prefix}-min_value": ["1"], f"{prefix}-max_value": ["10"], f"{prefix}-display": ["stars"]})
    response = admin_client.post(url, {**data, "_continue": "Save"})
    assert response.status_code == 200
    text = _text(response)
    assert "A rating scale runs 0–10, 1–5, 1–7, not 1–10." in text
    assert _rating(draft).max_value is None
