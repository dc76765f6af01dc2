"""The findings page's NETs and saved views: NETs per choice question with their choices
ticked by label, saved views chosen from selects of questions and matrix rows, the
highlighted cell's choices following the variables chosen, errors placed at their
fields, reordering and deleting, and who may change them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from surveys.creation import survey_create
from surveys.models import Net, SavedView, Survey
from surveys.selectors import survey_nets, survey_views

pytestmark = pytest.mark.django_db


def url(survey: Survey, name: str = "findings", *args) -> str:
    return reverse(f"builder:{name}", args=[survey.slug, *args])


def main(response) -> str:
    return response.content.decode().split('id="main"')[1]


def section(html: str, anchor: str) -> str:
    return html.split(f'id="{anchor}"')[1].split("</section>")[0]


def net_data(prefix: str, label: str = "Top box", code: str = "", choices=("daily",), holds: str = "chosen") -> dict:
    return {f"{prefix}-label": label, f"{prefix}-code": code, f"{prefix}-choices": list(choices),
            f"{prefix}-holds": holds}


def view_data(prefix: str = "view-new", **values) -> dict:
    data = {"label": "Business paradox", "code": "", "description": "business leaders this time",
            "row_variable": "personal_use.twitter", "column_variable": "company_usage.twitter",
            "segment": "role:business", "highlight_row": "never", "highlight_column_not": "none"} | values
    return {f"{prefix}-{name}": value for name, value in data.items()}


# --- NETs -------------------------------------------------------------------------------


def test_it_groups_nets_under_each_question_that_takes_them(alice, demo_survey):
    html = section(main(alice.get(url(demo_survey))), "nets")
    for code in ("role", "seniority", "industry", "revenue", "company_usage", "personal_use"):
        assert f'id="nets-{code}"' in html
    for code in ("twitter_uses", "barriers", "comments"):  # multiple choice and text: no NETs
        assert f'id="nets-{code}"' not in html
    personal = html.split('id="nets-personal_use"')[1].split('class="net-question"')[0]
    assert "NET: Ever</strong> — every choice but “Never”" in personal
    assert "NET: Weekly or more</strong> — “About once a week”, “Daily”" in personal
    assert "the NETs apply to each of its 7 rows" in personal


def test_the_net_form_offers_the_question_s_choices_by_label(alice, demo_survey):
    html = section(main(alice.get(url(demo_survey))), "nets")
    form = html.split('id="nets-revenue"')[1].split('class="net-question"')[0]
    assert 'name="net-new-revenue-choices" value="lt_100m"' in form
    assert "Under $100 million" in form
    assert f'action="{url(demo_survey, "nets_add", "revenue")}#nets-revenue"' in form


def test_it_adds_a_net_with_a_code_from_its_label(alice, demo_survey):
    response = alice.post(url(demo_survey, "nets_add", "revenue"),
                          net_data("net-new-revenue", "Big companies", choices=["1b_10b", "gt_10b"]))
    net = Net.objects.get(survey=demo_survey, question_code="revenue")
    assert response.status_code == 302 and response["Location"].endswith(f"#net-{net.pk}")
    assert (net.code, net.label, net.choices, net.all_but, net.position) == (
        "net_big_companies", "Big companies", ["1b_10b", "gt_10b"], False, 3
    )


def test_it_adds_an_all_but_net(alice, demo_survey):
    alice.post(url(demo_survey, "nets_add", "seniority"),
               net_data("net-new-seniority", "Managers and up", choices=["other"], holds="all_but"))
    assert survey_nets(demo_survey)[-1].all_but is True
    assert survey_nets(demo_survey)[-1].choices == ("other",)


def test_net_errors_are_placed_at_their_fields(alice, demo_survey):
    prefix = "net-new-personal_use"
    response = alice.post(url(demo_survey, "nets_add", "personal_use"), net_data(
        prefix, "All", code="net_ever", choices=["never", "less_monthly", "monthly", "weekly", "daily"],
        holds="all_but",
    ))
    assert response.status_code == 400
    form = main(response).split('id="nets-personal_use"')[1].split('class="net-question"')[0]
    code_field = form.split(f'id="div_id_{prefix}-code"')[1].split(f'id="div_id_{prefix}-choices"')[0]
    assert "Another NET of this question already has the code “net_ever”." in code_field
    choices_field = form.split(f'id="div_id_{prefix}-choices"')[1]
    assert "Leaves out every choice." in choices_field
    assert 'value="All"' in form  # kept as typed
    assert Net.objects.filter(survey=demo_survey).count() == 3


def test_a_net_needs_a_ticked_choice(alice, demo_survey):
    response = alice.post(url(demo_survey, "nets_add", "role"), net_data("net-new-role", "Anyone", choices=[]))
    assert response.status_code == 400
    assert "Tick at least one choice." in main(response)


def test_a_choice_that_is_not_the_question_s_is_refused_at_the_choices(alice, demo_survey):
    response = alice.post(url(demo_survey, "nets_add", "role"), net_data("net-new-role", "X", choices=["cio"]))
    assert response.status_code == 400
    assert "“cio” is not a choice of this question (any longer): reload the page." in main(response)


def test_a_question_that_takes_no_nets_is_not_found(alice, demo_survey):
    assert alice.post(url(demo_survey, "nets_add", "barriers"), net_data("net-new-barriers")).status_code == 404
    assert alice.post(url(demo_survey, "nets_add", "nothing"), net_data("net-new-nothing")).status_code == 404


def test_edit_opens_a_net_s_form_in_its_place_and_saves_it(alice, demo_survey):
    weekly = Net.objects.get(survey=demo_survey, code="net_weekly")
    html = main(alice.get(url(demo_survey), {"net": weekly.pk}))
    row = html.split(f'id="net-{weekly.pk}"')[1].split("</li>")[0]
    assert f'action="{url(demo_survey, "nets_update", weekly.pk)}#net-{weekly.pk}"' in row
    assert f'name="net-{weekly.pk}-choices" value="weekly" ' in row
    assert row.count("checked") == 3  # weekly, daily and "the ticked choices"
    response = alice.post(url(demo_survey, "nets_update", weekly.pk), net_data(
        f"net-{weekly.pk}", "Monthly or more", code="net_monthly", choices=["monthly", "weekly", "daily"]
    ))
    assert response.status_code == 302
    weekly.refresh_from_db()
    assert (weekly.label, weekly.code, weekly.choices, weekly.question_code) == (
        "Monthly or more", "net_monthly", ["monthly", "weekly", "daily"], "personal_use"
    )


def test_nets_move_within_their_question_and_delete(alice, demo_survey):
    weekly = Net.objects.get(survey=demo_survey, code="net_weekly")
    response = alice.post(url(demo_survey, "nets_move", weekly.pk), {"direction": "up"})
    assert response.status_code == 302
    assert [n.code for n in survey_nets(demo_survey)] == ["net_any", "net_weekly", "net_ever"]
    response = alice.post(url(demo_survey, "nets_delete", weekly.pk))
    assert response["Location"].endswith("#nets-personal_use")
    assert [n.code for n in survey_nets(demo_survey)] == ["net_any", "net_ever"]


def test_a_net_of_a_question_the_survey_no_longer_has_can_be_deleted(alice, demo_survey):
    stray = Net.objects.create(survey=demo_survey, position=9, question_code="gone", code="net_x", label="Gone",
                               choices=["a"])
    html = section(main(alice.get(url(demo_survey))), "nets")
    assert "Version 1 has no choice question “gone”: this NET shows nowhere." in html
    assert alice.post(url(demo_survey, "nets_delete", stray.pk)).status_code == 302
    assert not Net.objects.filter(pk=stray.pk).exists()


# --- Saved views ------------------------------------------------------------------------


def test_it_lists_views_by_labels_with_a_link_to_the_crosstab(alice, demo_survey):
    html = section(main(alice.get(url(demo_survey))), "views")
    assert "The paradox" in html
    assert ("How often do you personally use each of the following types of social media for professional "
            "reasons? — Twitter") in html
    assert "Which best describes your role? — IT leader (CIO, CTO, IT director or manager)" in html
    assert "“Never” in the rows, anything but “Not used at all” in the columns" in html
    crosstab = reverse("results:crosstab", args=[demo_survey.slug])
    assert (f'href="{crosstab}?row=personal_use.twitter&amp;col=company_usage.twitter&amp;segment=role:it"'
            in html)


def test_the_view_form_offers_questions_and_matrix_rows_by_label(alice, demo_survey):
    html = section(main(alice.get(url(demo_survey))), "views")
    rows = html.split('name="view-new-row_variable"')[1].split("</select>")[0]
    assert '<option value="personal_use.linkedin">' in rows
    assert "— LinkedIn</option>" in rows
    assert '<option value="role">Which best describes your role?</option>' in rows
    assert 'value="barriers"' not in rows  # multiple choice: not crossed
    segments = html.split('name="view-new-segment"')[1].split("</select>")[0]
    assert '<option value="role:business">Which best describes your role? — Business leader (CEO' in segments


def test_it_adds_a_view_with_a_code_from_its_label(alice, demo_survey):
    response = alice.post(url(demo_survey, "views_add"), view_data())
    view = SavedView.objects.get(survey=demo_survey, code="business_paradox")
    assert response.status_code == 302 and response["Location"].endswith(f"#view-{view.pk}")
    assert survey_views(demo_survey)[-1].segment == "role:business"


def test_view_errors_are_placed_at_their_fields(alice, demo_survey):
    response = alice.post(url(demo_survey, "views_add"), view_data(
        code="it_twitter_paradox", highlight_row="sometimes", highlight_column_not="",
    ))
    assert response.status_code == 400
    html = main(response)
    code = html.split('id="div_id_view-new-code"')[1].split('id="div_id_view-new-description"')[0]
    assert "Another saved view already has the code “it_twitter_paradox”." in code
    highlight_row, highlight_column = html.split('id="div_id_view-new-highlight_row"')[1].split(
        'id="div_id_view-new-highlight_column_not"')
    assert "&#x27;sometimes&#x27; is not a choice of &#x27;personal_use&#x27;" in highlight_row
    assert "Choose both the row&#x27;s choice and the column&#x27;s, or neither." in highlight_column
    assert SavedView.objects.filter(survey=demo_survey).count() == 1


def test_a_view_needs_both_variables(alice, demo_survey):
    response = alice.post(url(demo_survey, "views_add"), view_data(row_variable="", column_variable="comments"))
    assert response.status_code == 400
    html = main(response)
    assert "Choose the question (or matrix row) for the rows." in html
    assert "That is not a question (or matrix row) this survey can cross: choose another." in html


def test_the_highlight_offers_the_choices_of_the_variables_chosen(alice, demo_survey):
    response = alice.get(url(demo_survey, "views_highlight"), {
        "prefix": "view-new", "view-new-row_variable": "role", "view-new-column_variable": "revenue",
        "view-new-highlight_row": "business",
    })
    assert response.status_code == 200
    html = response.content.decode()
    rows = html.split('name="view-new-highlight_row"')[1].split("</select>")[0]
    assert '<option value="business" selected>Business leader (CEO, CFO, COO, business-unit head)</option>' in rows
    columns = html.split('name="view-new-highlight_column_not"')[1].split("</select>")[0]
    assert '<option value="gt_10b">' in columns


def test_without_javascript_a_button_shows_the_choices_and_saves_nothing(alice, demo_survey):
    response = alice.post(url(demo_survey, "views_add"), {
        **view_data(row_variable="seniority", highlight_row="", highlight_column_not=""), "action": "choices",
    })
    assert response.status_code == 200
    html = main(response)
    rows = html.split('name="view-new-highlight_row"')[1].split("</select>")[0]
    assert '<option value="c_level">' in rows
    assert "Nothing was saved" not in html
    assert SavedView.objects.filter(survey=demo_survey).count() == 1


def test_edit_opens_a_view_s_form_with_its_choices_and_saves_it(alice, demo_survey):
    view = SavedView.objects.get(survey=demo_survey)
    html = main(alice.get(url(demo_survey), {"view": view.pk}))
    row = html.split(f'id="view-{view.pk}"')[1].split("</li>")[0]
    assert '<option value="never" selected>' in row
    response = alice.post(url(demo_survey, "views_update", view.pk), view_data(
        f"view-{view.pk}", label="The paradox", code="it_twitter_paradox", segment="role:it",
        row_variable="personal_use.linkedin", column_variable="company_usage.linkedin",
    ))
    assert response.status_code == 302
    assert survey_views(demo_survey)[0].row == "personal_use.linkedin"


def test_views_move_and_delete(alice, demo_survey):
    alice.post(url(demo_survey, "views_add"), view_data())
    added = SavedView.objects.get(survey=demo_survey, code="business_paradox")
    alice.post(url(demo_survey, "views_move", added.pk), {"direction": "up"})
    assert [v.code for v in survey_views(demo_survey)] == ["business_paradox", "it_twitter_paradox"]
    response = alice.post(url(demo_survey, "views_delete", added.pk))
    assert response["Location"].endswith("#views")
    assert [v.code for v in survey_views(demo_survey)] == ["it_twitter_paradox"]


# --- Who may change them, and what a survey without questions shows -------------------------


def _read_only_client(client, demo_survey):
    dave = User.objects.create_user("dave", password="pw-dave", is_staff=True)
    dave.groups.add(Group.objects.get(name="Survey managers"))
    demo_survey.viewers.add(dave)
    client.force_login(dave)
    return client


@pytest.mark.parametrize(("name", "kind"), [
    ("nets_add", None), ("nets_update", Net), ("nets_move", Net), ("nets_delete", Net),
    ("views_add", None), ("views_update", SavedView), ("views_move", SavedView), ("views_delete", SavedView),
])
def test_a_read_only_manager_cannot_change_nets_or_views(client, demo_survey, name, kind):
    client = _read_only_client(client, demo_survey)
    if kind is None:
        args = ("revenue",) if name == "nets_add" else ()
    else:
        args = (kind.objects.filter(survey=demo_survey).first().pk,)
    response = client.post(url(demo_survey, name, *args), {**view_data(), **net_data("net-new-revenue")})
    assert response.status_code == 403
    assert [n.code for n in survey_nets(demo_survey)] == ["net_any", "net_ever", "net_weekly"]
    assert [v.code for v in survey_views(demo_survey)] == ["it_twitter_paradox"]


def test_another_survey_s_net_or_view_is_not_found(alice, demo_survey, manager):
    other = survey_create(title="Other", slug="other", start=None, creator=manager).survey
    net = Net.objects.create(survey=other, question_code="q", code="net_x", label="X", choices=["a"])
    view = SavedView.objects.create(survey=other, code="v", label="V", row_variable="a", column_variable="b")
    for name, pk in (("nets_update", net.pk), ("nets_move", net.pk), ("nets_delete", net.pk),
                     ("views_update", view.pk), ("views_move", view.pk), ("views_delete", view.pk)):
        assert alice.post(url(demo_survey, name, pk)).status_code == 404
    assert Net.objects.filter(pk=net.pk).exists() and SavedView.objects.filter(pk=view.pk).exists()


def test_a_survey_without_questions_says_where_to_add_them(alice, manager):
    survey = survey_create(title="Blank", slug="blank", start=None, creator=manager).survey
    response = alice.get(url(survey))
    assert response.status_code == 200
    html = main(response)
    assert "None of the survey&#x27;s questions takes NETs" in html or "has no questions yet" in html
    assert 'name="view-new-label"' not in html
    assert 'name="finding-new-statement"' in html  # findings need no question to be typed
