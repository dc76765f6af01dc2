"""The outline editor (/build/<slug>/): who sees it how, every action without JavaScript
(plain POST and redirect) and with htmx (the outline part answered in place), bad input
shown where it is with what was typed, ids of another survey, published versions."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from surveys.models import Page, Question, Survey, SurveyChange, SurveyVersion
from surveys.services import version_publish
from surveys.types import TYPES
from tests.kit.outline import layout, positions_dense, small_draft

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
# Session, user, the user's and groups' permissions, survey, the editor check, the edited
# version, its pages, questions, choices and rows.
OUTLINE_QUERIES = 11


@pytest.fixture
def draft(manager) -> SurveyVersion:
    return small_draft(editors=[manager])


@pytest.fixture
def other_draft(db) -> SurveyVersion:
    """Another survey, which alice does not edit."""
    return small_draft(slug="other")


def _url(name: str, *args) -> str:
    return reverse(f"builder:{name}", args=["small", *args])


def _q(version, code: str) -> Question:
    return Question.objects.get(version=version, code=code)


def _pages(version) -> list[Page]:
    return list(Page.objects.filter(version=version).order_by("position"))


def _form_data(question: Question, **changes) -> dict:
    """What the question's edit form posts unchanged (as a browser would), with changes."""
    data = {
        "label": question.label, "help_text": question.help_text, "code": question.code,
        "condition": question.condition, "op": "save",
    }
    if question.required:
        data["required"] = "on"
    for name in ("min_value", "max_value", "max_length"):
        value = getattr(question, name)
        data[name] = "" if value is None else str(value)
    for kind, options in (("choices", question.choices), ("rows", question.rows)):
        entries = list(options.order_by("position"))
        data[f"{kind}-count"] = str(len(entries))
        for i, entry in enumerate(entries):
            data.update({f"{kind}-{i}-id": str(entry.pk), f"{kind}-{i}-label": entry.label,
                         f"{kind}-{i}-code": entry.code})
            if getattr(entry, "exclusive", False):
                data[f"{kind}-{i}-exclusive"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- Who sees what ---------------------------------------------------------------------------------


def test_it_shows_the_outline_to_an_editor(alice, draft):
    response = alice.get(_url("outline"))

    assert response.status_code == 200
    text = _text(response)
    for label in ("Your role?", "How often do you use...", "Pets?", "Age?", "Anything else?"):
        assert label in text
    assert f'id="page-{_pages(draft)[0].pk}"' in text
    assert f'id="question-{_q(draft, "role").pk}"' in text
    assert "Shown only if <code>role = it</code>" in text
    assert "IT · Business" in text and "2 rows × 2 choices" in text
    for kind in TYPES.values():
        assert f'value="{kind.name}"' in text
    for link in (reverse("builder:home"), reverse("builder:publish", args=["small"]),
                 reverse("builder:preview", args=["small"]), reverse("responses:preview", args=["small", draft.pk]),
                 reverse("builder:yaml", args=["small"])):
        assert f'href="{link}"' in text
    assert "is a draft" in text
    assert f'href="{reverse("builder:condition_question", args=["small", _q(draft, "age").pk])}"' in text
    assert f'href="{reverse("builder:condition_page", args=["small", _pages(draft)[1].pk])}"' in text


def test_it_shows_a_shared_survey_read_only(client, draft):
    dave = User.objects.create_user("dave", password="pw", is_staff=True)
    dave.groups.add(Group.objects.get(name="Survey managers"))
    draft.survey.viewers.add(dave)
    client.force_login(dave)

    response = client.get(_url("outline"))

    assert response.status_code == 200
    text = _text(response)
    assert "Your role?" in text and "not change it" in text
    forms = re.findall(r'<form[^>]*action="([^"]*)"', text)
    assert forms == [reverse("logout")]
    assert "?edit=" not in text
    assert client.post(_url("page_add")).status_code == 403


def test_it_refuses_a_results_viewer(client, viewer, draft):
    draft.survey.viewers.add(viewer)
    client.force_login(viewer)

    assert client.get(_url("outline")).status_code == 403
    assert client.post(_url("page_add")).status_code == 403


def test_it_sends_anonymous_users_to_sign_in(client, draft):
    response = client.get(_url("outline"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_hides_a_survey_alice_does_not_edit(alice, other_draft):
    assert alice.get(reverse("builder:outline", args=["other"])).status_code == 404


def test_it_pins_the_outline_queries_whatever_the_number_of_questions(alice, draft, django_assert_num_queries):
    alice.get(_url("outline"))  # warm up what is cached per process (content types, permissions)
    with django_assert_num_queries(OUTLINE_QUERIES):
        assert alice.get(_url("outline")).status_code == 200
    page = _pages(draft)[1]
    for _ in range(6):
        alice.post(_url("question_add", page.pk), {"type": "single"})
        alice.post(_url("question_add", page.pk), {"type": "matrix"})

    with django_assert_num_queries(OUTLINE_QUERIES):
        assert alice.get(_url("outline")).status_code == 200


# --- Pages ---------------------------------------------------------------------------------------------


def test_it_adds_a_page(alice, draft):
    response = alice.post(_url("page_add"))

    page = _pages(draft)[-1]
    assert page.position == 2
    assert response.status_code == 302
    assert response["Location"].endswith(f"#page-{page.pk}")


def test_it_saves_a_page_title_and_condition(alice, draft):
    page = _pages(draft)[1]

    response = alice.post(_url("page_update", page.pk), {"title": "The rest", "condition": "role = biz"})

    assert response.status_code == 302
    page.refresh_from_db()
    assert (page.title, page.condition) == ("The rest", "role = biz")


def test_it_refuses_a_page_condition_on_a_later_question(alice, draft):
    page = _pages(draft)[0]

    response = alice.post(_url("page_update", page.pk), {"title": "Renamed", "condition": "age > 20"})

    assert response.status_code == 200
    text = _text(response)
    assert "&#x27;age&#x27; is not asked before this condition (at character 1)" in text
    assert 'value="age &gt; 20"' in text and 'value="Renamed"' in text
    page.refresh_from_db()
    assert (page.title, page.condition) == ("About you", "")


def test_it_moves_a_page(alice, draft):
    second = _pages(draft)[1]

    alice.post(_url("page_move", second.pk), {"position": "0"})

    assert [p.title for p in _pages(draft)] == ["More", "About you"]


def test_it_deletes_a_page_and_undoes_it(alice, draft):
    first = _pages(draft)[0]
    before = layout(draft)

    response = alice.post(_url("page_delete", first.pk))

    assert layout(draft) == [["age", "note"]]
    page = alice.get(response["Location"])
    assert "Page “About you” and its 3 questions deleted." in _text(page)
    token = re.search(r'name="token" value="([0-9a-f]+)"', _text(page))[1]
    alice.post(_url("deleted_restore"), {"token": token})
    assert layout(draft) == before


# --- Questions -----------------------------------------------------------------------------------------


def test_it_adds_a_question_and_opens_its_form(alice, draft):
    page = _pages(draft)[1]

    response = alice.post(_url("question_add", page.pk), {"type": "multiple"})

    question = Question.objects.get(version=draft, code="question")
    assert (question.type, question.page_id, question.position) == ("multiple", page.pk, 2)
    assert response["Location"] == _url("outline") + f"?edit={question.pk}#question-{question.pk}"
    form = _text(alice.get(response["Location"]))
    assert f'id="q{question.pk}-form"' in form
    assert "Exclusive" in form and "Paste a block of lines" in form.replace("paste", "Paste")


def test_it_shows_the_fields_each_type_has(alice, draft):
    cases = {"age": ("Smallest answer", "Longest answer"), "note": ("Longest answer", "Smallest answer"),
             "role": ("Segment", "Longest answer"), "tools": ("Rows", "Segment")}
    for code, (present, absent) in cases.items():
        question = _q(draft, code)
        text = _text(alice.get(_url("outline") + f"?edit={question.pk}"))
        assert present in text, code
        assert absent not in text, code


def test_it_adds_a_slider_with_its_scale_and_step(alice, draft):
    page = _pages(draft)[1]
    alice.post(_url("question_add", page.pk), {"type": "slider"})
    slider = Question.objects.get(version=draft, code="question")
    assert "Step" in _text(alice.get(_url("outline") + f"?edit={slider.pk}"))

    refused = alice.post(_url("question_edit", slider.pk), _form_data(slider, label="How sure?"))
    assert "A slider needs both ends of its scale." in _text(refused)

    alice.post(_url("question_edit", slider.pk), _form_data(
        slider, label="How sure?", min_value="0", max_value="10", step="0.5"))
    slider.refresh_from_db()
    assert (slider.min_value, slider.max_value, slider.step) == (0, 10, Decimal("0.5"))


def test_it_adds_a_constant_sum_with_its_rows_and_total(alice, draft):
    page = _pages(draft)[1]
    alice.post(_url("question_add", page.pk), {"type": "constant_sum"})
    budget = Question.objects.get(version=draft, code="question")
    text = _text(alice.get(_url("outline") + f"?edit={budget.pk}"))
    assert "Total" in text and "Empty: 100." in text and "Rows" in text
    assert "Smallest answer" not in text and "Choices" not in text

    refused = alice.post(_url("question_edit", budget.pk), _form_data(budget, label="Share", max_value="2.5"))
    assert "Enter a whole number." in _text(refused)

    alice.post(_url("question_edit", budget.pk), _form_data(
        budget, label="Share 10 points", max_value="10", **{"rows-paste": "E-mail\nChat"}))
    budget.refresh_from_db()
    assert budget.max_value == 10
    assert list(budget.rows.order_by("position").values_list("code", flat=True)) == ["e_mail", "chat"]
    assert "2 rows adding up to 10" in _text(alice.get(_url("outline")))
    change = SurveyChange.objects.filter(action="question_changed").latest("pk")
    assert change.summary.endswith(": question, code, total, rows")
    assert {"name": "max_value", "label": "Total", "before": "", "after": "10"} in change.details["fields"]


def test_it_adds_a_ranking_from_the_palette_with_its_top_n(alice, draft):
    page = _pages(draft)[1]
    assert 'value="ranking"' in _text(alice.get(_url("outline")))  # the palette offers it
    alice.post(_url("question_add", page.pk), {"type": "ranking"})
    ranking = Question.objects.get(version=draft, code="question")
    assert "Rank the top" in _text(alice.get(_url("outline") + f"?edit={ranking.pk}"))
    choices = {"choices-count": "3"}
    for i, label in enumerate(("Price", "Speed", "Looks")):
        choices.update({f"choices-{i}-id": "", f"choices-{i}-label": label, f"choices-{i}-code": label.lower()})

    alice.post(_url("question_edit", ranking.pk), _form_data(ranking, label="Your top 2?", max_value="2", **choices))
    ranking.refresh_from_db()
    assert (ranking.max_value, ranking.choices.count()) == (2, 3)
    refused = alice.post(_url("question_edit", ranking.pk), _form_data(ranking, max_value="4"))
    assert "At most 3: the question has 3 answers to rank." in _text(refused)


def test_it_saves_a_question(alice, draft):
    age = _q(draft, "age")

    response = alice.post(_url("question_edit", age.pk), _form_data(
        age, label="How old are you?", help_text="In years.", required="on", code="years", min_value="21",
        max_value="", condition="role in (it, biz)"))

    assert response.status_code == 302
    assert response["Location"].endswith(f"#question-{age.pk}")
    age.refresh_from_db()
    assert (age.label, age.help_text, age.required, age.code) == ("How old are you?", "In years.", True, "years")
    assert (age.min_value, age.max_value, age.condition) == (21, None, "role in (it, biz)")


def test_it_makes_the_code_follow_the_label_until_it_is_changed(alice, draft):
    page = _pages(draft)[1]
    alice.post(_url("question_add", page.pk), {"type": "short_text"})
    question = Question.objects.get(version=draft, code="question")

    alice.post(_url("question_edit", question.pk), _form_data(question, label="Your city?"))
    question.refresh_from_db()
    assert question.code == "your_city"
    alice.post(_url("question_edit", question.pk), _form_data(question, label="Your town?"))
    question.refresh_from_db()
    assert question.code == "your_town"
    alice.post(_url("question_edit", question.pk), _form_data(question, code="town"))
    alice.post(_url("question_edit", question.pk), _form_data(Question.objects.get(pk=question.pk),
                                                              label="Which town?"))
    question.refresh_from_db()
    assert (question.label, question.code) == ("Which town?", "town")


def test_it_makes_an_empty_code_from_the_label(alice, draft):
    note = _q(draft, "note")

    alice.post(_url("question_edit", note.pk), _form_data(note, code="", label="Role"))

    note.refresh_from_db()
    assert note.code == "role_2"


@pytest.mark.parametrize(("changes", "message"), [
    ({"label": "  "}, "Write the question."),
    ({"code": "role"}, "Another question already has the code “role”."),
    ({"code": "no spaces"}, "“no spaces” is not a valid code."),
    ({"condition": "role = manager"},
     "&#x27;manager&#x27; is not a choice of &#x27;role&#x27; (it, biz) (at character 1)."),
    ({"condition": "role = "}, "(at character 7)"),
    ({"condition": "note = x"}, "&#x27;note&#x27; is not asked before this condition"),
    ({"min_value": "50", "max_value": "20"}, "The largest answer must not be smaller than the smallest."),
    ({"min_value": "1.5"}, "Enter a whole number."),
])
def test_it_shows_bad_input_where_it_is_and_keeps_it(alice, draft, changes, message):
    age = _q(draft, "age")
    before = (age.label, age.code, age.condition, age.min_value, age.max_value)

    response = alice.post(_url("question_edit", age.pk), _form_data(age, help_text="Typed help.", **changes))

    assert response.status_code == 200
    text = _text(response)
    assert message in text
    assert f'id="q{age.pk}-form"' in text and "Typed help." in text
    for value in changes.values():
        assert value.strip() in text
    age.refresh_from_db()
    assert (age.label, age.code, age.condition, age.min_value, age.max_value) == before
    assert age.help_text == ""


def test_it_saves_choices_with_codes_made_from_pasted_lines(alice, draft):
    role = _q(draft, "role")

    alice.post(_url("question_edit", role.pk), _form_data(role, **{"choices-paste": "Sales\n\n  Marketing  \nIT\n"}))

    assert list(role.choices.order_by("position").values_list("code", "label")) == [
        ("it", "IT"), ("biz", "Business"), ("sales", "Sales"), ("marketing", "Marketing"), ("it_2", "IT")]
    assert positions_dense(draft)


def test_it_edits_the_list_without_saving(alice, draft):
    role = _q(draft, "role")

    added = alice.post(_url("question_edit", role.pk), _form_data(role, op="choices-add", label="Changed?"))
    pasted = alice.post(_url("question_edit", role.pk), _form_data(role, op="choices-paste",
                                                                   **{"choices-paste": "Sales\nLegal"}))
    moved = alice.post(_url("question_edit", role.pk), _form_data(role, op="choices-down-0"))
    removed = alice.post(_url("question_edit", role.pk), _form_data(role, op="choices-remove-0"))

    assert 'name="choices-count" value="3"' in _text(added) and "Changed?" in _text(added)
    assert 'value="sales"' in _text(pasted) and 'value="legal"' in _text(pasted)
    assert re.search(r'value="Business".*value="IT"', _text(moved))
    assert 'value="IT"' not in _text(removed) and 'name="choices-count" value="1"' in _text(removed)
    role.refresh_from_db()
    assert role.label == "Your role?"
    assert list(role.choices.order_by("position").values_list("code", flat=True)) == ["it", "biz"]


def test_it_focuses_the_last_pasted_line(alice, draft):
    role = _q(draft, "role")  # two choices already

    pasted = alice.post(_url("question_edit", role.pk), _form_data(role, op="choices-paste",
                                                                   **{"choices-paste": "Sales\nLegal"}), **HTMX)

    assert f'data-focus="q{role.pk}-choices-3-label"' in _text(pasted)


@pytest.mark.parametrize(("changes", "message"), [
    ({"choices-count": "0"}, "Add at least one choice."),
    ({"choices-1-code": "it"}, "Another choice already has the code “it”."),
    ({"choices-1-label": ""}, "Write the choice&#x27;s label."),
    ({"choices-1-code": "-x"}, "“-x” is not a valid code."),
])
def test_it_refuses_a_bad_list(alice, draft, changes, message):
    role = _q(draft, "role")

    response = alice.post(_url("question_edit", role.pk), _form_data(role, label="New label", **changes))

    assert response.status_code == 200
    assert message in _text(response)
    role.refresh_from_db()
    assert role.label == "Your role?"


def test_it_saves_matrix_rows_and_choices(alice, draft):
    tools = _q(draft, "tools")

    alice.post(_url("question_edit", tools.pk), _form_data(
        tools, **{"rows-paste": "Video calls", "choices-count": "3", "choices-2-label": "Daily", "choices-2-code": ""}))

    assert list(tools.rows.order_by("position").values_list("code", flat=True)) == ["mail", "chat", "video_calls"]
    assert list(tools.choices.order_by("position").values_list("code", flat=True)) == ["never", "often", "daily"]


def test_it_moves_a_question_up_down_and_to_another_page(alice, draft):
    pets, first, second = _q(draft, "pets"), *_pages(draft)

    alice.post(_url("question_move", pets.pk), {"page": first.pk, "position": 1, "button": "up"})
    assert layout(draft)[0] == ["role", "pets", "tools"]
    alice.post(_url("question_move", pets.pk), {"page": second.pk})
    assert layout(draft) == [["role", "tools"], ["age", "note", "pets"]]
    alice.post(_url("question_move", pets.pk), {"page": second.pk, "position": 0})
    assert layout(draft)[1] == ["pets", "age", "note"]
    assert positions_dense(draft)


def test_it_offers_the_move_buttons_across_pages(alice, draft):
    """The last question of a page moves down to the top of the next one, and back up."""
    pets, second = _q(draft, "pets"), _pages(draft)[1]
    text = _text(alice.get(_url("outline")))

    form = re.search(rf'<input type="hidden" name="button" value="down">(.*?)id="question-{pets.pk}-down"', text)[1]
    assert f'name="page" value="{second.pk}"' in form and 'name="position" value="0"' in form


def test_it_duplicates_a_question(alice, draft):
    alice.post(_url("question_duplicate", _q(draft, "pets").pk))

    assert layout(draft)[0] == ["role", "tools", "pets", "pets_2"]


def test_it_deletes_a_question_and_undoes_it_exactly(alice, draft):
    tools = _q(draft, "tools")
    rows = list(tools.rows.order_by("position").values_list("code", "label"))

    response = alice.post(_url("question_delete", tools.pk))

    assert layout(draft)[0] == ["role", "pets"]
    assert "?deleted=" in response["Location"]
    page = _text(alice.get(response["Location"]))
    assert "Question “How often do you use...” deleted." in page
    token = re.search(r'name="token" value="([0-9a-f]+)"', page)[1]
    alice.post(_url("deleted_restore"), {"token": token})
    assert layout(draft)[0] == ["role", "tools", "pets"]
    assert list(_q(draft, "tools").rows.order_by("position").values_list("code", "label")) == rows
    response = alice.post(_url("deleted_restore"), {"token": token}, follow=True)
    assert "nothing to undo" in _text(response)
    assert layout(draft)[0] == ["role", "tools", "pets"]


def test_it_saves_the_intro_and_the_thank_you_text(alice, draft):
    alice.post(_url("texts_update"), {"intro": "Welcome."})
    alice.post(_url("texts_update"), {"thank_you": "Thanks."})

    draft.refresh_from_db()
    assert (draft.intro, draft.thank_you) == ("Welcome.", "Thanks.")


def test_it_shows_the_saved_text_in_the_outline_part_it_answers_htmx_with(alice, draft):
    response = alice.post(_url("texts_update"), {"intro": "  Welcome.  "}, **HTMX)

    assert response.status_code == 200
    assert re.search(r'<textarea name="intro"[^>]*>\s*Welcome\.</textarea>', _text(response))


def test_it_checks_a_condition_as_it_is_typed(alice, draft):
    age = _q(draft, "age")

    good = alice.get(_url("condition_check"), {"condition": "role = it", "question": age.pk}, **HTMX)
    bad = alice.get(_url("condition_check"), {"condition": "role = it and", "question": age.pk}, **HTMX)
    later = alice.get(_url("condition_check"), {"condition": "note = x", "page": _pages(draft)[1].pk}, **HTMX)

    assert "The condition fits" in _text(good)
    assert "(at character 14)" in _text(bad)
    assert "&#x27;note&#x27; is not asked before this condition" in _text(later)


# --- Double submits, htmx ----------------------------------------------------------------------------


def test_it_adds_one_question_when_the_form_is_sent_twice(alice, draft):
    page = _pages(draft)[1]

    for _ in range(2):
        alice.post(_url("question_add", page.pk), {"type": "single", "once": "f00d"})

    assert layout(draft)[1] == ["age", "note", "question"]


def test_it_answers_htmx_with_the_outline_part_and_where_to_focus(alice, draft):
    pets = _q(draft, "pets")

    response = alice.post(_url("question_move", pets.pk), {"page": pets.page_id, "position": 1, "button": "up"},
                          **HTMX)

    assert response.status_code == 200
    text = _text(response)
    assert text.lstrip().startswith("<div id=\"outline\"")
    assert f'data-focus="question-{pets.pk}-up question-{pets.pk}-heading"' in text
    assert "<html" not in text
    assert "HX-Request" in response["Vary"]


def test_it_opens_a_new_question_in_place_with_htmx(alice, draft):
    response = alice.post(_url("question_add", _pages(draft)[0].pk), {"type": "rating"}, **HTMX)

    question = Question.objects.get(version=draft, code="question")
    assert f'id="q{question.pk}-form"' in _text(response)
    assert f'data-focus="q{question.pk}-label"' in _text(response)


def test_it_tells_the_preview_to_reload_after_a_saved_change_only(alice, draft):
    page = _pages(draft)[1]

    added = alice.post(_url("question_add", page.pk), {"type": "single", "once": "c0ffee"}, **HTMX)
    again = alice.post(_url("question_add", page.pk), {"type": "single", "once": "c0ffee"}, **HTMX)
    refused = alice.post(_url("question_add", page.pk), {"type": "no-such-type"}, **HTMX)

    assert added["HX-Trigger"] == "outline-saved"
    assert "HX-Trigger" not in again and "HX-Trigger" not in refused


# --- The preview beside the outline, the condition picker in it ------------------------------------------


def test_it_offers_the_preview_beside_the_outline_without_loading_it(alice, draft):
    text = _text(alice.get(_url("outline")))

    panel = text.split('id="outline-preview"', 1)[1].split("</aside>", 1)[0]
    assert "hidden" in panel.split(">", 1)[0]
    frame = reverse("responses:preview", args=["small", draft.pk])
    assert panel.count(f'data-src="{frame}"') == 2 and " src=" not in panel  # loaded only when shown
    assert f'data-questions-url="{reverse("surveys:preview", args=[draft.pk])}"' in panel
    assert 'name="preview" value="1" aria-controls="outline-preview" aria-expanded="false"' in text


def test_it_shows_the_preview_when_asked_without_javascript(alice, draft):
    text = _text(alice.get(_url("outline") + "?preview=1&show=questions"))

    panel = text.split('id="outline-preview"', 1)[1].split("</aside>", 1)[0]
    assert "hidden" not in panel.split(">", 1)[0]
    assert panel.count(f'<iframe src="{reverse("surveys:preview", args=[draft.pk])}"') == 2
    assert 'name="preview" value="0" aria-controls="outline-preview" aria-expanded="true"' in text
    assert 'class="outline-layout outline-with-preview"' in text


def test_it_opens_a_condition_in_place_and_keeps_the_link_to_its_page(alice, draft):
    age, page = _q(draft, "age"), _pages(draft)[1]
    text = _text(alice.get(_url("outline")))

    for url in (reverse("builder:condition_question", args=["small", age.pk]),
                reverse("builder:condition_page", args=["small", page.pk])):
        assert f'href="{url}" hx-get="{url}"' in text


def test_it_shows_no_preview_or_picker_to_a_reader(client, draft):
    reader = User.objects.create_user("dora", password="pw", is_staff=True)
    reader.groups.add(Group.objects.get(name="Survey managers"))
    Survey.objects.get(slug="small").viewers.add(reader)
    client.force_login(reader)

    text = _text(client.get(_url("outline")))

    assert 'id="outline-preview"' not in text and "condition-picker.js" not in text


# --- Ids of another survey -------------------------------------------------------------------------------


def test_it_answers_404_to_an_id_of_another_survey_and_writes_nothing(alice, draft, other_draft):
    page, question = _pages(other_draft)[0], _q(other_draft, "pets")
    before = (layout(other_draft), layout(draft))

    posts = [
        (_url("page_update", page.pk), {"title": "Mine"}),
        (_url("page_move", page.pk), {"position": "1"}),
        (_url("page_delete", page.pk), {}),
        (_url("question_add", page.pk), {"type": "single"}),
        (_url("question_edit", question.pk), _form_data(question, label="Mine")),
        (_url("question_move", question.pk), {"position": "0"}),
        (_url("question_move", _q(draft, "pets").pk), {"page": page.pk, "position": "0"}),
        (_url("question_duplicate", question.pk), {}),
        (_url("question_delete", question.pk), {}),
    ]
    for url, data in posts:
        assert alice.post(url, data).status_code == 404, url

    assert (layout(other_draft), layout(draft)) == before
    assert _pages(other_draft)[0].title == "About you"
    assert _q(other_draft, "pets").label == "Pets?"
    assert alice.get(_url("condition_check"), {"condition": "x", "page": page.pk}).status_code == 404


# --- A published version: wording only ----------------------------------------------------------------------


@pytest.fixture
def published(draft) -> SurveyVersion:
    return version_publish(version=draft)


def test_it_shows_a_published_version_frozen(alice, published):
    text = _text(alice.get(_url("outline")))

    assert "Version 1 is published and frozen." in text
    assert f'action="{reverse("builder:new_draft", args=["small"])}"' in text
    for action in ("page_add", "question_add", "question_move", "question_delete", "question_duplicate", "page_move",
                   "page_delete"):
        assert re.search(rf'action="/build/small/[^"]*{action.split("_")[1]}/"', text) is None, action
    assert "Fix the wording" in text and "Drag" not in text


def test_it_refuses_structure_on_a_published_version(alice, published):
    page = _pages(published)[0]
    before = layout(published)

    response = alice.post(_url("question_add", page.pk), {"type": "single"}, follow=True)

    assert "is published and frozen" in _text(response)
    role = _q(published, "role")
    alice.post(_url("question_edit", role.pk), _form_data(role, op="choices-add", **{"choices-count": "3"}))
    assert role.choices.count() == 2
    alice.post(_url("question_move", role.pk), {"position": "2"})
    alice.post(_url("question_delete", role.pk))
    alice.post(_url("page_update", page.pk), {"title": "Renamed", "condition": "role = it"})
    assert layout(published) == before
    page.refresh_from_db()
    assert (page.title, page.condition) == ("Renamed", "")


def test_it_saves_a_label_fix_on_a_published_version(alice, published):
    role = _q(published, "role")
    data = _form_data(role, label="What is your role?", **{"choices-0-label": "IT staff", "code": "ignored"})

    response = alice.post(_url("question_edit", role.pk), data)

    assert response.status_code == 302
    role.refresh_from_db()
    assert (role.label, role.code) == ("What is your role?", "role")
    assert list(role.choices.order_by("position").values_list("code", "label")) == [("it", "IT staff"),
                                                                                     ("biz", "Business")]


def test_it_refuses_a_choice_code_change_on_a_published_version(alice, published):
    role = _q(published, "role")

    response = alice.post(_url("question_edit", role.pk), _form_data(role, **{"choices-0-code": "tech"}))

    assert response.status_code == 200
    assert "is published and frozen" in _text(response)
    assert sorted(role.choices.values_list("code", flat=True)) == ["biz", "it"]


def test_it_offers_a_draft_for_a_survey_without_a_version(alice, manager):
    survey = Survey.objects.create(slug="bare", title="Bare")
    survey.editors.add(manager)

    response = alice.get(reverse("builder:outline", args=["bare"]))

    assert response.status_code == 200
    assert f'action="{reverse("builder:new_draft", args=["bare"])}"' in _text(response)
