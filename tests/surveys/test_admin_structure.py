"""Building a version's structure in the admin (issue 13, "Fix first"): a new version with its
first page, then pages, questions of every registered type with their choices and rows, in
one save and in several, as a superuser and as alice the survey manager. On a published
version nothing structural can be added (refused clearly, nothing written) while a label can
still be corrected, and its page says that it is frozen and where to go instead. No page of
it answers 500."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from surveys.definition_files import definition_to_data
from surveys.models import Choice, MatrixRow, Page, Question, Survey, SurveyVersion
from surveys.selectors import version_definition
from surveys.services import version_duplicate, version_validate
from surveys.types import TYPES, QuestionType
from tests.kit.admin import form_data, inline_form_add, survey_admin_url

pytestmark = pytest.mark.django_db

FORM = "surveyversion_form"
ADD_URL = reverse("admin:surveys_surveyversion_add")
FROZEN = "is published and frozen"


@pytest.fixture(params=["superuser", "alice"])
def staff(request, client, manager) -> Client:
    """The admin as a superuser, and as alice, the survey manager (an editor of the surveys)."""
    if request.param == "superuser":
        return request.getfixturevalue("admin_client")
    client.force_login(manager)
    return client


@pytest.fixture
def survey(manager) -> Survey:
    survey = Survey.objects.create(slug="pulse", title="Pulse")
    survey.editors.add(manager)
    return survey


@pytest.fixture
def draft(survey) -> SurveyVersion:
    """A draft with one empty page, as "add a version with its first page" leaves it."""
    version = SurveyVersion.objects.create(survey=survey, number=1)
    Page.objects.create(version=version, position=0, title="Choices")
    return version


# --- The structure, in the definition format and as the admin's fields -----------------


def _question(kind: QuestionType) -> dict:
    """A question of this type in the definition format, with what its type's flags allow."""
    question: dict = {"code": f"q_{kind.name}", "type": kind.name, "label": f"{kind.label}?", "required": True}
    if kind.can_be_segment:
        question["segment"] = True
    if kind.can_be_personal:
        question["personal_data"] = True
    if kind.bounds:
        question["min"], question["max"] = 1, 10
    if kind.default_max_length is not None:
        question["max_length"] = 100
    if kind.has_rows:
        question["rows"] = [{"code": "mail", "label": "Mail"}, {"code": "chat", "label": "Chat"}]
    if kind.has_choices:
        question["choices"] = [{"code": "yes", "label": "Yes"}, {"code": "no", "label": "No"}]
        if kind.exclusive_choices:
            question["choices"].append({"code": "none", "label": "None of these", "exclusive": True})
    return question


def _pages() -> list[dict]:
    """Every registered type: those with choices on a first page, the others on a second."""
    questions = [_question(kind) for kind in TYPES.values()]
    return [
        {"title": "Choices", "questions": [q for q in questions if "choices" in q]},
        {"title": "Values", "questions": [q for q in questions if "choices" not in q]},
    ]


def _question_fields(question: dict, position: int) -> dict:
    return {
        "position": position, "code": question["code"], "type": question["type"], "label": question["label"],
        "help_text": "", "required": question.get("required", False), "is_segment": question.get("segment", False),
        "personal_data": question.get("personal_data", False), "condition": "", "min_value": question.get("min"),
        "max_value": question.get("max"), "max_length": question.get("max_length"),
    }


def _options_add(data: dict, question_prefix: str, question: dict) -> None:
    for name in ("rows", "choices"):
        for position, option in enumerate(question.get(name, ())):
            inline_form_add(data, f"{question_prefix}-{name}", {"position": position, **option})


def _page_add(data: dict, page: dict, position: int) -> None:
    """A new page with its questions, their choices and rows, into the form data."""
    prefix = inline_form_add(data, "pages", {"position": position, "title": page["title"], "condition": ""})
    _questions_add(data, prefix, page["questions"])


def _questions_add(data: dict, page_prefix: str, questions: list[dict]) -> None:
    for position, question in enumerate(questions):
        prefix = inline_form_add(data, f"{page_prefix}-questions", _question_fields(question, position))
        _options_add(data, prefix, question)


def _structure(version: SurveyVersion) -> list[dict]:
    return definition_to_data(version_definition(version))["pages"]


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (SurveyVersion, Page, Question, Choice, MatrixRow))


# --- Saving as a browser does ----------------------------------------------------------


def _errors(response) -> str:
    html = unescape(response.content.decode())
    return " | ".join(re.sub(r"<[^>]+>", " ", error).strip() for error in re.findall(
        r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S))


def _change_form(client: Client, version: SurveyVersion) -> dict:
    return form_data(client.get(survey_admin_url("surveyversion", version.pk)), FORM)


def _save(client: Client, version: SurveyVersion, data: dict):
    return client.post(survey_admin_url("surveyversion", version.pk), {**data, "_continue": "Save"})


def _saved(response) -> None:
    assert response.status_code == 302, _errors(response) or response.status_code


# --- A draft: in one save, in several --------------------------------------------------


def test_it_adds_a_version_with_its_first_page_in_one_save(staff, survey):
    data = form_data(staff.get(ADD_URL), FORM)
    data.update(survey=[str(survey.pk)], number=["1"], intro=["Welcome."])
    inline_form_add(data, "pages", {"position": 0, "title": "About you", "condition": ""})

    _saved(staff.post(ADD_URL, {**data, "_save": "Save"}))

    version = survey.versions.get()
    assert (version.number, version.status, version.intro) == (1, SurveyVersion.Status.DRAFT, "Welcome.")
    assert _structure(version) == [{"title": "About you", "questions": []}]


def test_it_adds_a_version_with_its_whole_structure_in_one_save(staff, survey):
    data = form_data(staff.get(ADD_URL), FORM)
    data.update(survey=[str(survey.pk)], number=["1"])
    for position, page in enumerate(_pages()):
        _page_add(data, page, position)

    _saved(staff.post(ADD_URL, {**data, "_save": "Save"}))

    version = survey.versions.get()
    assert _structure(version) == _pages()
    assert version_validate(version=version) == []


def test_it_adds_pages_and_questions_of_every_type_with_their_choices_and_rows_in_one_save(staff, draft):
    first, second = _pages()
    data = _change_form(staff, draft)
    _questions_add(data, "pages-0", first["questions"])
    _page_add(data, second, 1)

    _saved(_save(staff, draft, data))

    assert _structure(draft) == [first, second]
    assert version_validate(version=draft) == []


def test_it_adds_pages_then_questions_then_their_choices_and_rows_in_several_saves(staff, draft):
    first, second = _pages()
    data = _change_form(staff, draft)
    inline_form_add(data, "pages", {"position": 1, "title": second["title"], "condition": ""})
    _saved(_save(staff, draft, data))
    assert _structure(draft) == [{"title": "Choices", "questions": []}, {"title": "Values", "questions": []}]

    for page_index, page in enumerate((first, second)):
        for position, question in enumerate(page["questions"]):
            data = _change_form(staff, draft)
            inline_form_add(data, f"pages-{page_index}-questions", _question_fields(question, position))
            _saved(_save(staff, draft, data))
            if "choices" in question or "rows" in question:
                # A question of a type with choices (or rows) is incomplete until it has them.
                place = f"pages[{page_index}].questions[{position}]"
                missing = "choices" if "choices" in question else "rows"
                assert f"{place}: missing '{missing}'" in version_validate(version=draft)
                data = _change_form(staff, draft)
                _options_add(data, f"pages-{page_index}-questions-{position}", question)
                _saved(_save(staff, draft, data))

    assert _structure(draft) == [first, second]
    assert version_validate(version=draft) == []


def test_it_keeps_a_page_left_blank_that_holds_a_new_question(staff, survey):
    """nested_admin posts a new page's position only: it is saved for its question's sake."""
    question = _question(next(kind for kind in TYPES.values() if kind.has_choices))
    data = form_data(staff.get(ADD_URL), FORM)
    data.update(survey=[str(survey.pk)], number=["1"])
    prefix = inline_form_add(data, "pages", {"position": 0})
    _questions_add(data, prefix, [question])

    _saved(staff.post(ADD_URL, {**data, "_save": "Save"}))

    assert _structure(survey.versions.get()) == [{"questions": [question]}]


def test_it_refuses_a_second_draft_of_a_survey(staff, draft):
    data = form_data(staff.get(ADD_URL), FORM)
    data.update(survey=[str(draft.survey.pk)], number=["2"])
    inline_form_add(data, "pages", {"position": 0, "title": "Other"})
    before = _counts()

    response = staff.post(ADD_URL, {**data, "_save": "Save"})

    assert response.status_code == 200
    assert "'pulse' already has a draft, version 1: edit it, or publish it first." in _errors(response)
    assert _counts() == before


@pytest.mark.parametrize("ticked", ["the question", "the question and its choices"])
def test_it_deletes_a_question_with_its_choices_from_a_draft(staff, draft, ticked):
    questions = [_question(kind) for kind in TYPES.values() if kind.has_choices][:2]
    data = _change_form(staff, draft)
    _questions_add(data, "pages-0", questions)
    _saved(_save(staff, draft, data))
    data = _change_form(staff, draft)
    data["pages-0-questions-0-DELETE"] = ["on"]
    if ticked == "the question and its choices":  # as nested_admin's script does
        data.update({f"pages-0-questions-0-choices-{i}-DELETE": ["on"] for i in range(2)})

    _saved(_save(staff, draft, data))

    assert _structure(draft) == [{"title": "Choices", "questions": questions[1:]}]
    assert not Choice.objects.filter(question__code=questions[0]["code"]).exists()


def test_it_deletes_a_page_with_its_questions_from_a_draft(staff, draft):
    first, second = _pages()
    data = _change_form(staff, draft)
    _questions_add(data, "pages-0", first["questions"])
    _page_add(data, second, 1)
    _saved(_save(staff, draft, data))
    data = _change_form(staff, draft)
    data["pages-0-DELETE"] = ["on"]

    _saved(_save(staff, draft, data))

    assert _structure(draft) == [second]


def test_it_refuses_a_question_code_used_twice_in_one_save(staff, draft):
    question = _question(next(iter(TYPES.values())))
    data = _change_form(staff, draft)
    _questions_add(data, "pages-0", [question])
    _page_add(data, {"title": "Again", "questions": [question]}, 1)
    before = _counts()

    response = _save(staff, draft, data)

    assert response.status_code == 200
    assert f"Another question of this version has the code '{question['code']}'" in _errors(response)
    assert _counts() == before


def test_it_refuses_a_question_code_the_version_already_has(staff, draft):
    question = _question(next(iter(TYPES.values())))
    data = _change_form(staff, draft)
    _questions_add(data, "pages-0", [question])
    _saved(_save(staff, draft, data))
    data = _change_form(staff, draft)
    _page_add(data, {"title": "Again", "questions": [question]}, 1)
    before = _counts()

    response = _save(staff, draft, data)

    assert response.status_code == 200
    assert f"Another question of this version has the code '{question['code']}'" in _errors(response)
    assert _counts() == before


def test_it_refuses_a_choice_code_used_twice_in_one_question(staff, draft):
    question = _question(next(kind for kind in TYPES.values() if kind.has_choices))
    question["choices"] = [{"code": "yes", "label": "Yes"}, {"code": "yes", "label": "Yes again"}]
    data = _change_form(staff, draft)
    _questions_add(data, "pages-0", [question])
    before = _counts()

    response = _save(staff, draft, data)

    assert response.status_code == 200
    assert "duplicate" in _errors(response).lower()
    assert _counts() == before


# --- A published version ---------------------------------------------------------------


def _matrix_prefix(data: dict) -> str:
    """The prefix of a question that has rows (the demo's matrix questions)."""
    return next(key.removesuffix("-rows-TOTAL_FORMS") for key, value in data.items()
                if key.endswith("-rows-TOTAL_FORMS") and value != ["0"])


ADDITIONS = {
    "page": lambda data: _page_add(data, {"title": "More", "questions": []}, 3),
    "page with a question": lambda data: _page_add(
        data, {"title": "More", "questions": [_question(next(iter(TYPES.values())))]}, 3),
    "question": lambda data: _questions_add(data, "pages-0", [{"code": "extra", "type": "short_text",
                                                                "label": "Anything else?"}]),
    "choice": lambda data: inline_form_add(data, "pages-0-questions-0-choices",
                                           {"position": 2, "code": "other", "label": "Other"}),
    "row": lambda data: inline_form_add(data, f"{_matrix_prefix(data)}-rows",
                                        {"position": 9, "code": "mastodon", "label": "Mastodon"}),
}


@pytest.mark.parametrize("addition", ADDITIONS)
def test_it_refuses_to_add_structure_to_a_published_version(staff, open_version, addition):
    before, counts = _structure(open_version), _counts()
    data = _change_form(staff, open_version)
    data["pages-0-questions-0-label"] = ["A label fix posted with it"]
    ADDITIONS[addition](data)

    response = _save(staff, open_version, data)

    assert response.status_code == 200
    assert f"Version {open_version.number} is published and frozen" in _errors(response)
    assert "Create a new draft to change its structure." in _errors(response)
    assert _structure(open_version) == before
    assert _counts() == counts


def test_it_offers_no_way_to_add_or_delete_structure_on_a_published_version(staff, open_version):
    response = staff.get(survey_admin_url("surveyversion", open_version.pk))
    html = response.content.decode()
    assert response.status_code == 200
    # The forms "Add another" would copy, and the boxes that delete, are not there.
    assert "djn-empty-form" not in html and "__prefix__" not in html
    assert "-DELETE" not in html


def test_it_still_saves_a_label_fix_on_a_published_version(staff, open_version):
    before = _structure(open_version)
    data = _change_form(staff, open_version)
    data["pages-0-questions-0-label"] = ["Your role?"]
    data["pages-0-questions-0-choices-0-label"] = ["IT leader"]

    _saved(_save(staff, open_version, data))

    before[0]["questions"][0]["label"] = "Your role?"
    before[0]["questions"][0]["choices"][0]["label"] = "IT leader"
    assert _structure(open_version) == before
    assert open_version.survey.open_version() == open_version


# --- What each page says and links to --------------------------------------------------


def test_it_says_at_the_top_that_a_published_version_is_frozen(staff, open_version):
    html = unescape(staff.get(survey_admin_url("surveyversion", open_version.pk)).content.decode())
    top = html[:html.index('id="surveyversion_form"')]
    assert f"Version {open_version.number} {FROZEN}" in top
    assert "only labels, help texts and the personal-data flag can be changed" in top
    assert f'href="{reverse("builder:outline", args=[open_version.survey.slug])}"' in top
    assert 'name="action" value="duplicate"' in top
    assert f'name="_selected_action" value="{open_version.pk}"' in top


def test_it_creates_a_new_draft_from_the_published_version_and_opens_it(staff, open_version):
    data = form_data(staff.get(survey_admin_url("surveyversion", open_version.pk)), "new-draft")

    response = staff.post(reverse("admin:surveys_surveyversion_changelist"), data)

    draft = open_version.survey.draft_version()
    assert draft is not None and draft.number == open_version.number + 1
    assert response.status_code == 302
    assert response["Location"] == survey_admin_url("surveyversion", draft.pk)
    assert _structure(draft) == _structure(open_version)


def test_it_links_a_published_version_to_the_draft_there_is(staff, open_version):
    draft = version_duplicate(version=open_version)
    html = staff.get(survey_admin_url("surveyversion", open_version.pk)).content.decode()
    top = html[:html.index('id="surveyversion_form"')]
    assert f'href="{survey_admin_url("surveyversion", draft.pk)}"' in top
    assert 'value="duplicate"' not in top


def test_it_says_a_draft_can_be_changed_and_links_to_the_builder(staff, draft):
    html = unescape(staff.get(survey_admin_url("surveyversion", draft.pk)).content.decode())
    top = html[:html.index('id="surveyversion_form"')]
    assert "Version 1 is a draft" in top and FROZEN not in top
    assert f'href="{reverse("builder:outline", args=["pulse"])}"' in top


def test_it_links_the_survey_page_to_the_builder(staff, survey):
    html = staff.get(survey_admin_url("survey", survey.pk)).content.decode()
    assert f'href="{reverse("builder:outline", args=["pulse"])}"' in html


def test_it_points_the_survey_add_page_to_the_builder(staff):
    html = staff.get(reverse("admin:surveys_survey_add")).content.decode()
    assert f'href="{reverse("builder:create")}"' in html


# --- No 500 anywhere -------------------------------------------------------------------


@pytest.mark.parametrize("page", [
    "version add", "draft change", "published change", "closed change", "survey add", "survey change",
    "version list", "survey list",
])
def test_it_opens_every_page_of_the_structure(staff, demo_survey, draft, page):
    published = demo_survey.open_version()
    closed = SurveyVersion.objects.create(survey=draft.survey, number=2, status=SurveyVersion.Status.CLOSED)
    url = {
        "version add": ADD_URL,
        "draft change": survey_admin_url("surveyversion", version_duplicate(version=published).pk),
        "published change": survey_admin_url("surveyversion", published.pk),
        "closed change": survey_admin_url("surveyversion", closed.pk),
        "survey add": reverse("admin:surveys_survey_add"),
        "survey change": survey_admin_url("survey", demo_survey.pk),
        "version list": reverse("admin:surveys_surveyversion_changelist"),
        "survey list": reverse("admin:surveys_survey_changelist"),
    }[page]
    assert staff.get(url).status_code == 200
