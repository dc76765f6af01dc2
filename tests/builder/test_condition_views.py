"""The condition picker's pages: a question's or a page's display condition (GET, save,
picker buttons without JavaScript), the htmx preview, and who may do what."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from builder.condition_picker import form_data, form_from_node
from surveys.conditions import parse
from surveys.models import Page, Question
from surveys.services import version_duplicate

P = "condition"
CONDITION = "role = it and (company_usage.twitter in (some, widespread) or not seniority = other)"


@pytest.fixture
def draft(demo_survey):
    return version_duplicate(version=demo_survey.open_version())


@pytest.fixture
def barriers(draft) -> Question:
    return Question.objects.get(version=draft, code="barriers")


def _url(question: Question) -> str:
    return reverse("builder:condition_question", args=[question.version.survey.slug, question.pk])


def _post_data(text: str, place: str, **extra) -> dict:
    data = form_data(form_from_node(parse(text) if text else None), P)
    return {**data, f"{P}-place": place, **extra}


@pytest.fixture
def reader(db, demo_survey) -> User:
    """dora, a survey manager with whom the demo survey is shared but who does not edit it."""
    user = User.objects.create_user("dora", password="pw-dora", is_staff=True)
    user.groups.add(Group.objects.get(name="Survey managers"))
    demo_survey.viewers.add(user)
    return user


# --- Who may come ----------------------------------------------------------------------


def test_it_sends_anonymous_users_to_sign_in(client, barriers):
    response = client.get(_url(barriers))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("actor", ["viewer", "outsider"])
def test_it_refuses_results_viewers_and_outsiders(client, barriers, actor, request):
    client.force_login(request.getfixturevalue(actor))
    assert client.get(_url(barriers)).status_code == 403
    assert client.post(_url(barriers), _post_data("role = it", f"question:{barriers.pk}")).status_code == 403
    preview = client.post(reverse("builder:condition_preview", args=["ddiq-2010"]), {"picker": P})
    assert preview.status_code == 403


def test_it_shows_a_read_only_user_the_text_only(client, reader, barriers):
    barriers.condition = "role = it"
    barriers.save()
    client.force_login(reader)
    response = client.get(_url(barriers))
    assert response.status_code == 200
    html = response.content.decode()
    assert "role = it" in html
    assert "data-condition-picker" not in html
    assert "<form" not in html.split('id="condition-editor"')[1]
    assert "You may look at this survey but not change it." in html
    assert client.post(_url(barriers), _post_data("role = business", f"question:{barriers.pk}")).status_code == 403
    barriers.refresh_from_db()
    assert barriers.condition == "role = it"
    preview = client.post(reverse("builder:condition_preview", args=["ddiq-2010"]),
                          {"picker": P, f"{P}-place": f"question:{barriers.pk}"})
    assert preview.status_code == 403


def test_it_answers_404_for_another_surveys_question(alice, barriers, every_type_survey):
    other = Question.objects.filter(version__survey=every_type_survey).first()
    url = reverse("builder:condition_question", args=["ddiq-2010", other.pk])
    assert alice.get(url).status_code == 404
    page = Page.objects.filter(version__survey=every_type_survey).first()
    assert alice.get(reverse("builder:condition_page", args=["ddiq-2010", page.pk])).status_code == 404
    preview = alice.post(reverse("builder:condition_preview", args=["ddiq-2010"]),
                         {"picker": P, f"{P}-place": f"question:{other.pk}"})
    assert preview.status_code == 404


# --- The question's page -----------------------------------------------------------------


def test_it_offers_only_the_questions_asked_before(alice, barriers, django_assert_num_queries):
    url = _url(barriers)
    # The session, the user and their permissions, the survey and its editors, the question,
    # the version's structure (pages, questions, choices, rows, hidden fields, screen-outs,
    # findings, NETs, views, quotas) and its pages' order.
    with django_assert_num_queries(18):
        response = alice.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-condition-picker' in html
    assert "<html" in html
    assert "Always shown: no condition." in html
    # Not the question itself nor the ones after it.
    assert 'add:1' in html
    picker = response.context["picker"]
    assert picker.place.available == {"role", "seniority", "industry", "revenue", "company_usage", "personal_use",
                                      "twitter_uses"}


def test_it_opens_the_picker_inside_the_outline_with_htmx(alice, barriers, django_assert_num_queries):
    url = _url(barriers)
    alice.get(url, HTTP_HX_REQUEST="true")  # warm up what is cached per process
    # As the page (18), less its own lookups, plus the edited version and the outline's
    # pages, questions, choices and rows.
    with django_assert_num_queries(22):
        response = alice.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="outline"')
    # The picker in place of the question's card, posting back here and swapped as the outline.
    card = html.split(f'id="question-{barriers.pk}"', 1)[1].split("</li>", 1)[0]
    assert 'id="condition-editor"' in card and f'hx-post="{url}"' in card and "data-condition-picker" in card
    assert f"Display condition of the question “{barriers.label}”" in card
    assert 'data-focus="stale-edit condition-editor-heading"' in html
    cancel = reverse("builder:outline", args=["ddiq-2010"]) + f"?focus=question-{barriers.pk}-condition"
    assert f'hx-get="{cancel}"' in card
    assert "HX-Request" in response["Vary"]


def test_it_saves_the_picked_condition_and_returns_to_the_outline(alice, barriers):
    response = alice.post(_url(barriers), _post_data(CONDITION, f"question:{barriers.pk}"))
    assert response.status_code == 302
    assert response["Location"] == reverse("builder:outline", args=["ddiq-2010"]) + f"#question-{barriers.pk}"
    barriers.refresh_from_db()
    assert barriers.condition == CONDITION
    page = alice.get(_url(barriers)).content.decode()
    assert f"Display condition of the question “{barriers.label}” saved: {CONDITION}" in page.replace("&quot;", '"')


def test_it_answers_an_inline_save_with_the_outline_at_the_question(alice, barriers):
    response = alice.post(_url(barriers), _post_data("role = it", f"question:{barriers.pk}"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    barriers.refresh_from_db()
    assert barriers.condition == "role = it"
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="outline"')
    assert f'data-focus="question-{barriers.pk}-heading"' in html
    card = html.split(f'id="question-{barriers.pk}"', 1)[1].split("</li>", 1)[0]
    assert "Shown only if <code>role = it</code>" in card and "data-condition-picker" not in card
    assert f"Display condition of the question “{barriers.label}” saved: role = it" in html
    assert response["HX-Trigger"] == "outline-saved"  # the preview beside the outline reloads


def test_it_keeps_an_inline_picker_open_with_the_parsers_message(alice, barriers):
    data = {"stamp": "", f"{P}-place": f"question:{barriers.pk}", f"{P}-mode": "text", f"{P}-text": "role = "}
    response = alice.post(_url(barriers), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    card = html.split(f'id="question-{barriers.pk}"', 1)[1].split("</li>", 1)[0]
    assert "at position 7: expected a value after &#x27;=&#x27;" in card
    assert ">role = </textarea>" in card  # what was typed stays
    assert "HX-Trigger" not in response
    barriers.refresh_from_db()
    assert barriers.condition == ""


def test_it_refuses_a_stale_inline_save_in_place(alice, barriers):
    shown = alice.get(_url(barriers), HTTP_HX_REQUEST="true").content.decode()
    condition_form = shown.split('id="condition-editor"', 1)[1]  # the outline has other stamped forms
    stamp = condition_form.split('name="stamp" value="', 1)[1].split('"', 1)[0]
    assert alice.post(_url(barriers), {**_post_data("seniority = c_level", f"question:{barriers.pk}"),
                                       "stamp": stamp}).status_code == 302

    response = alice.post(_url(barriers), {**_post_data("role = it", f"question:{barriers.pk}"), "stamp": stamp},
                          HTTP_HX_REQUEST="true")

    assert response.status_code == 200  # htmx swaps in only successful answers
    html = response.content.decode()
    assert 'id="stale-edit"' in html and "You changed this question in another tab or window" in html
    assert "<code>seniority = c_level</code>" in html
    barriers.refresh_from_db()
    assert barriers.condition == "seniority = c_level"


def test_it_opens_a_published_versions_condition_as_its_page(alice, demo_survey):
    question = Question.objects.get(version=demo_survey.open_version(), code="barriers")
    response = alice.get(_url(question), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == _url(question)


def test_it_saves_an_empty_picker_as_no_condition(alice, barriers):
    barriers.condition = "role = it"
    barriers.save()
    response = alice.post(_url(barriers), _post_data("", f"question:{barriers.pk}"))
    assert response.status_code == 302
    barriers.refresh_from_db()
    assert barriers.condition == ""


def test_it_saves_typed_text_in_canonical_form(alice, barriers):
    data = {f"{P}-mode": "text", f"{P}-text": "role = it AND NOT(seniority = other)", f"{P}-place": "x"}
    assert alice.post(_url(barriers), data).status_code == 302
    barriers.refresh_from_db()
    assert barriers.condition == "role = it and not seniority = other"


def test_it_applies_a_picker_button_without_saving(alice, barriers):
    data = _post_data("role = it", f"question:{barriers.pk}", **{f"{P}-action": "add:1"})
    response = alice.post(_url(barriers), data)
    assert response.status_code == 200
    assert 'id="condition-3-ref"' in response.content.decode()
    barriers.refresh_from_db()
    assert barriers.condition == ""


@pytest.mark.parametrize(("text", "changes", "message"), [
    ("role = ceo", {}, "&#x27;ceo&#x27; is not a choice of “Which best describes your role?”"),
    ("role = it", {f"{P}-2-ref": "nope", f"{P}-2-shown": "nope ="}, "There is no question &#x27;nope&#x27;"),
    ("role = it", {f"{P}-2-op": "<"}, "“is less than” does not apply"),
])
def test_it_keeps_what_was_posted_and_places_the_error(alice, barriers, text, changes, message):
    response = alice.post(_url(barriers), _post_data(text, f"question:{barriers.pk}") | changes)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'id="condition-2-errors"' in html
    barriers.refresh_from_db()
    assert barriers.condition == ""


def test_it_refuses_a_question_asked_later(alice, draft):
    revenue = Question.objects.get(version=draft, code="revenue")
    response = alice.post(_url(revenue), _post_data("industry = retail or role = it", f"question:{revenue.pk}")
                          | {f"{P}-3-ref": "barriers", f"{P}-3-op": "has", f"{P}-3-value": "cost",
                             f"{P}-3-shown": "barriers has"})
    assert response.status_code == 200
    assert "is not asked before this point" in response.content.decode()
    revenue.refresh_from_db()
    assert revenue.condition == ""


def test_it_shows_a_typed_texts_error_with_its_position(alice, barriers):
    data = {f"{P}-mode": "text", f"{P}-text": "role = it and rol = x"}
    response = alice.post(_url(barriers), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "at position 14: unknown question &#x27;rol&#x27;" in html
    assert "role = it and rol = x\n<span class=\"picker-caret-mark\">              ^</span>" in html


def test_it_refuses_to_change_a_published_version(alice, demo_survey, barriers):
    published = Question.objects.get(version=demo_survey.open_version(), code="barriers")
    page = alice.get(_url(published)).content.decode()
    assert "published and frozen" in page
    assert "data-condition-picker" not in page
    response = alice.post(_url(published), _post_data("role = it", f"question:{published.pk}"))
    assert response.status_code == 200
    assert "is published and frozen: its conditions cannot change" in response.content.decode()
    published.refresh_from_db()
    assert published.condition == ""


def test_it_offers_a_new_draft_from_a_published_version_without_one(alice, demo_survey):
    published = Question.objects.get(version=demo_survey.open_version(), code="barriers")
    page = alice.get(_url(published)).content.decode()
    assert reverse("builder:new_draft", args=["ddiq-2010"]) in page


# --- A page's condition ----------------------------------------------------------------------


def test_it_saves_a_pages_condition_from_the_questions_of_earlier_pages(alice, draft):
    page = Page.objects.filter(version=draft).order_by("position")[2]
    url = reverse("builder:condition_page", args=["ddiq-2010", page.pk])
    response = alice.get(url)
    assert response.status_code == 200
    assert response.context["picker"].place.available == {"role", "seniority", "industry", "revenue",
                                                          "company_usage"}
    assert "personal_use.twitter" not in response.content.decode()
    response = alice.post(url, _post_data("company_usage.twitter != none", f"page:{page.pk}"))
    assert response["Location"].endswith(f"#page-{page.pk}")
    page.refresh_from_db()
    assert page.condition == "company_usage.twitter != none"


def test_it_opens_and_saves_a_pages_condition_inside_the_outline(alice, draft):
    page = Page.objects.filter(version=draft).order_by("position")[2]
    url = reverse("builder:condition_page", args=["ddiq-2010", page.pk])
    html = alice.get(url, HTTP_HX_REQUEST="true").content.decode()
    section = html.split(f'id="page-{page.pk}"', 1)[1].split("</section>", 1)[0]
    assert 'id="condition-editor"' in section and f'hx-post="{url}"' in section

    response = alice.post(url, _post_data("company_usage.twitter != none", f"page:{page.pk}"), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert f'data-focus="page-{page.pk}-heading"' in html
    section = html.split(f'id="page-{page.pk}"', 1)[1]
    assert "Shown only if <code>company_usage.twitter != none</code>" in section.split("outline-questions", 1)[0]
    page.refresh_from_db()
    assert page.condition == "company_usage.twitter != none"


# --- The preview -----------------------------------------------------------------------------


def test_it_previews_the_picker_without_saving(alice, barriers):
    url = reverse("builder:condition_preview", args=["ddiq-2010"])
    data = _post_data(CONDITION, f"question:{barriers.pk}", picker=P)
    response = alice.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="condition-picker"')
    assert CONDITION in html
    barriers.refresh_from_db()
    assert barriers.condition == ""


def test_it_previews_typed_text_with_its_message(alice, barriers):
    url = reverse("builder:condition_preview", args=["ddiq-2010"])
    data = {"picker": P, f"{P}-place": f"question:{barriers.pk}", f"{P}-mode": "text", f"{P}-text": "role = "}
    html = alice.post(url, data).content.decode()
    assert "at position 7: expected a value after &#x27;=&#x27;" in html


@pytest.mark.parametrize(("data", "status"), [
    ({"picker": "<x>"}, 400),
    ({"picker": P, f"{P}-place": "question:abc"}, 404),
    ({"picker": P, f"{P}-place": "survey:1"}, 404),
    ({"picker": P}, 404),
])
def test_it_refuses_a_preview_it_cannot_place(alice, barriers, data, status):
    assert alice.post(reverse("builder:condition_preview", args=["ddiq-2010"]), data).status_code == status


def test_it_previews_only_by_post(alice, barriers):
    assert alice.get(reverse("builder:condition_preview", args=["ddiq-2010"])).status_code == 405


def test_it_offers_a_rankings_choices_and_compares_their_rank_as_a_number(alice, manager):
    from tests.kit.ranking import ranking_survey

    survey = ranking_survey()
    survey.editors.add(manager)
    draft = version_duplicate(version=survey.open_version())
    page = Page.objects.filter(version=draft).order_by("position")[1]  # shown when priorities.price <= 2

    html = alice.get(reverse("builder:condition_page", args=[survey.slug, page.pk])).content.decode()

    assert "picker-has-errors" not in html
    assert '<option value="priorities.price" selected>Rank of Price — Put these in order' in html
    assert '<option value="channels.wiki">Rank of Wiki' in html
    assert 'type="number"' in html and 'value="2"' in html
