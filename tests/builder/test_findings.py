"""The findings page (/build/<slug>/findings/), its findings section: the list with today's
numbers, add, edit in place, move and delete; conditions checked as typed with the
parser's positioned message; the live preview of a finding not saved yet; who may see
and change what; the page's query count."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from analytics.recompute import expected_finding, survey_reconcile
from surveys.models import Finding, Survey
from tests.kit.data import build_it_population

pytestmark = pytest.mark.django_db

NEW = "finding-new"
# The session and user (2), permissions (2), the survey and its editors (2), the latest
# version (1: its questions are compiled once per process), findings with their counts,
# NETs, views (3) and the counted responses (1).
QUERIES = 11


def url(survey: Survey, name: str = "findings", *args) -> str:
    return reverse(f"builder:{name}", args=[survey.slug, *args])


def finding_data(prefix: str = NEW, **values) -> dict[str, str]:
    data = {"statement": "IT leaders who never use LinkedIn", "code": "", "base_condition": "role = it",
            "target_condition": "personal_use.linkedin = never"} | values
    return {f"{prefix}-{name}": value for name, value in data.items()}


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def main(response) -> str:
    """The page without the navigation (whose sign-out form every page has)."""
    return response.content.decode().split('id="main"')[1]


def manager_named(username: str) -> User:
    user = User.objects.create_user(username, password="pw-" + username, is_staff=True)
    user.groups.add(Group.objects.get(name="Survey managers"))
    return user


def recounted(survey: Survey) -> None:
    """The engine's recount of every finding (what the worker does after a save)."""
    survey_reconcile(survey_id=survey.pk, record=False)


# --- The list ---------------------------------------------------------------------------


def test_it_lists_the_findings_with_their_conditions_and_links(alice, demo_survey):
    response = alice.get(url(demo_survey))
    assert response.status_code == 200
    html = main(response)
    for finding in Finding.objects.filter(survey=demo_survey):
        assert f'id="finding-{finding.pk}"' in html
        assert finding.statement in html
    assert "<code>personal_use.twitter = never and company_usage.twitter != none</code>" in html
    assert reverse("builder:outline", args=[demo_survey.slug]) in html
    assert reverse("builder:home") in html
    assert reverse("results:overview", args=[demo_survey.slug]) in html


def test_it_shows_today_s_numbers_of_each_counted_finding(alice, demo_survey):
    build_it_population(demo_survey, it=8, it_never=5, it_company_none=2, business=2)
    recounted(demo_survey)
    html = main(alice.get(url(demo_survey)))
    never = Finding.objects.get(survey=demo_survey, code="it_never_twitter")
    row = html.split(f'id="finding-{never.pk}"')[1].split("</li>")[0]
    assert "n=8, 63%" in row
    business = Finding.objects.get(survey=demo_survey, code="business_never_twitter")
    row = html.split(f'id="finding-{business.pk}"')[1].split("</li>")[0]
    assert "n=2 (the percentage is hidden under a base of 5)" in row


def test_it_says_a_finding_changed_since_its_last_count_is_being_counted(alice, demo_survey):
    build_it_population(demo_survey, it=3, it_never=1, it_company_none=1)
    recounted(demo_survey)
    finding = Finding.objects.get(survey=demo_survey, code="it_never_twitter")
    finding.target_condition = "personal_use.twitter = daily"
    finding.save()
    row = main(alice.get(url(demo_survey))).split(f'id="finding-{finding.pk}"')[1].split("</li>")[0]
    assert "being counted…" in row


def test_it_says_when_there_are_no_responses_yet(alice, demo_survey):
    html = main(alice.get(url(demo_survey)))
    assert "no responses yet" in html
    assert "No counted responses yet." in html


def test_it_flags_a_stored_condition_that_no_longer_fits(alice, demo_survey):
    Finding.objects.filter(survey=demo_survey, code="it_never_twitter").update(base_condition="role = cio")
    html = main(alice.get(url(demo_survey)))
    assert "Base: &#x27;cio&#x27; is not a choice of &#x27;role&#x27; (it, business) (at character 1)." in html


# --- Adding -----------------------------------------------------------------------------


def test_it_adds_a_finding_with_a_code_from_its_statement(alice, demo_survey):
    response = alice.post(url(demo_survey, "findings_add"), finding_data())
    finding = Finding.objects.get(survey=demo_survey, code="it_leaders_who_never_use")  # cut at 32 characters
    assert response.status_code == 302
    assert response["Location"] == f"{url(demo_survey)}#finding-{finding.pk}"
    assert (finding.position, finding.base_condition) == (4, "role = it")
    assert messages_of(alice.get(response["Location"]))[0].startswith("Added the finding “IT leaders who never")


def test_it_keeps_a_code_typed_by_the_author(alice, demo_survey):
    alice.post(url(demo_survey, "findings_add"), finding_data(code="it_linkedin_never"))
    assert Finding.objects.filter(survey=demo_survey, code="it_linkedin_never").exists()


def test_a_bad_condition_keeps_the_typed_text_with_the_positioned_message(alice, demo_survey):
    response = alice.post(url(demo_survey, "findings_add"), finding_data(
        base_condition="role = it and seniority = boss", target_condition="personal_use.linkdin = never",
    ))
    assert response.status_code == 400
    html = main(response)
    assert 'value="role = it and seniority = boss"' in html
    assert "&#x27;boss&#x27; is not a choice of &#x27;seniority&#x27;" in html
    assert "(at character 15)." in html
    assert "Unknown row &#x27;linkdin&#x27; in matrix question &#x27;personal_use&#x27; (at character 14)." in html
    # The place is marked in the text as typed.
    assert "role = it and <mark>s</mark>eniority = boss" in html
    assert "Nothing was saved" in html
    assert Finding.objects.filter(survey=demo_survey).count() == 4


def test_a_condition_that_does_not_parse_is_marked_where_it_stops(alice, demo_survey):
    response = alice.post(url(demo_survey, "findings_add"), finding_data(base_condition="role = it and"))
    assert response.status_code == 400
    html = main(response)
    assert "(at character 14)." in html
    assert "role = it and<mark> </mark>" in html


def test_a_taken_code_is_refused_at_its_field(alice, demo_survey):
    response = alice.post(url(demo_survey, "findings_add"), finding_data(code="it_never_twitter"))
    assert response.status_code == 400
    assert "Another finding already has the code “it_never_twitter”." in main(response)


def test_missing_values_are_asked_for_at_their_fields(alice, demo_survey):
    response = alice.post(url(demo_survey, "findings_add"), finding_data(statement="", base_condition="",
                                                                          target_condition=""))
    assert response.status_code == 400
    html = main(response)
    assert "Write what the number says." in html
    assert "Enter the base, e.g. role = it." in html
    assert "Enter the target, e.g. personal_use.twitter = never." in html


def test_check_and_preview_writes_nothing_and_shows_today_s_numbers(alice, demo_survey):
    build_it_population(demo_survey, it=10, it_never=4, it_company_none=3)
    response = alice.post(url(demo_survey, "findings_add"), {**finding_data(
        target_condition="personal_use.twitter = never"), "action": "preview"})
    assert response.status_code == 200
    assert "Today: 4 of 10 = 40%" in main(response)
    assert Finding.objects.filter(survey=demo_survey).count() == 4


# --- Editing, moving, deleting ----------------------------------------------------------


def test_edit_opens_the_finding_s_form_in_its_place_with_today_s_numbers(alice, demo_survey):
    build_it_population(demo_survey, it=6, it_never=3, it_company_none=1)
    finding = Finding.objects.get(survey=demo_survey, code="it_never_twitter")
    html = main(alice.get(url(demo_survey), {"finding": finding.pk}))
    row = html.split(f'id="finding-{finding.pk}"')[1].split("</li>")[0]
    assert f'action="{url(demo_survey, "findings_update", finding.pk)}#finding-{finding.pk}"' in row
    assert 'value="personal_use.twitter = never"' in row
    assert "Today: 3 of 6 = 50%" in row


def test_it_saves_an_edited_finding(alice, demo_survey):
    finding = Finding.objects.get(survey=demo_survey, code="it_never_twitter")
    prefix = f"finding-{finding.pk}"
    response = alice.post(url(demo_survey, "findings_update", finding.pk), finding_data(
        prefix, statement="IT leaders who use Twitter daily", code="it_never_twitter",
        target_condition="personal_use.twitter = daily",
    ))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#finding-{finding.pk}")
    finding.refresh_from_db()
    assert (finding.statement, finding.target_condition, finding.position) == (
        "IT leaders who use Twitter daily", "personal_use.twitter = daily", 0
    )


def test_a_failed_edit_stays_in_place_with_the_typed_text(alice, demo_survey):
    finding = Finding.objects.get(survey=demo_survey, code="it_never_twitter")
    prefix = f"finding-{finding.pk}"
    response = alice.post(url(demo_survey, "findings_update", finding.pk),
                          finding_data(prefix, base_condition="rol = it", code="it_never_twitter"))
    assert response.status_code == 400
    row = main(response).split(f'id="finding-{finding.pk}"')[1].split("</li>")[0]
    assert 'value="rol = it"' in row and "Unknown question &#x27;rol&#x27; (at character 1)." in row
    assert Finding.objects.get(pk=finding.pk).base_condition == "role = it"


def test_up_and_down_reorder_the_findings(alice, demo_survey):
    second = Finding.objects.get(survey=demo_survey, position=1)
    response = alice.post(url(demo_survey, "findings_move", second.pk), {"direction": "up"})
    assert response.status_code == 302 and response["Location"].endswith(f"#finding-{second.pk}")
    assert Finding.objects.get(pk=second.pk).position == 0
    alice.post(url(demo_survey, "findings_move", second.pk), {"direction": "down"})
    assert Finding.objects.get(pk=second.pk).position == 1


def test_deleting_a_finding_says_what_it_was(alice, demo_survey):
    finding = Finding.objects.get(survey=demo_survey, code="it_company_no_twitter")
    response = alice.post(url(demo_survey, "findings_delete", finding.pk))
    assert response.status_code == 302
    assert not Finding.objects.filter(pk=finding.pk).exists()
    assert list(Finding.objects.filter(survey=demo_survey).values_list("position", flat=True)) == [0, 1, 2]
    assert "(code it_company_no_twitter; base: role = it; target: company_usage.twitter = none)" in (
        messages_of(alice.get(response["Location"]))[0]
    )


def test_another_survey_s_finding_is_not_found(alice, demo_survey, manager):
    from surveys.creation import survey_create

    other = survey_create(title="Other", slug="other", start=None, creator=manager).survey
    theirs = Finding.objects.create(survey=other, code="x", statement="X", base_condition="a", target_condition="b")
    for name in ("findings_update", "findings_move", "findings_delete"):
        assert alice.post(url(demo_survey, name, theirs.pk), finding_data(f"finding-{theirs.pk}")).status_code == 404
    assert alice.get(url(demo_survey), {"finding": theirs.pk}).status_code == 200  # nothing opens
    assert Finding.objects.filter(pk=theirs.pk).exists()


# --- Checks as the author types ---------------------------------------------------------


def test_the_condition_check_gives_the_positioned_message(alice, demo_survey):
    name = f"{NEW}-base_condition"
    response = alice.get(url(demo_survey, "findings_condition_check"), {"field": name, name: "role = cio"})
    assert response.status_code == 200
    assert response["HX-Trigger"] == "findingConditionChecked"
    html = response.content.decode()
    assert "&#x27;cio&#x27; is not a choice of &#x27;role&#x27; (it, business) (at character 1)." in html
    assert "<mark>r</mark>ole = cio" in html


def test_the_condition_check_says_when_a_condition_fits(alice, demo_survey):
    name = f"{NEW}-target_condition"
    response = alice.get(url(demo_survey, "findings_condition_check"),
                         {"field": name, name: "barriers has roi and not (revenue = lt_100m)"})
    assert "The condition fits the survey" in response.content.decode()


def test_the_live_preview_equals_the_engine_s_count_of_the_saved_finding(alice, demo_survey):
    build_it_population(demo_survey, it=12, it_never=7, it_company_none=5, business=3)
    base, target = "role = it", "personal_use.twitter = never and company_usage.twitter != none"
    response = alice.get(url(demo_survey, "findings_preview"), {
        "prefix": NEW, f"{NEW}-base_condition": base, f"{NEW}-target_condition": target,
    })
    assert response.status_code == 200
    saved = Finding.objects.get(survey=demo_survey, code="it_twitter_paradox")
    assert (saved.base_condition, saved.target_condition) == (base, target)
    base_n, target_n = expected_finding(saved)
    assert (base_n, target_n) == (12, 7)  # the 7 who never use it: their companies all do (5 say none, from the end)
    assert f"Today: {target_n} of {base_n} = 58%" in response.content.decode()


def test_the_live_preview_hides_the_percentage_under_the_minimum_base(alice, demo_survey, settings):
    settings.MIN_BASE_FOR_PERCENT = 5
    build_it_population(demo_survey, it=4, it_never=2, it_company_none=0)
    response = alice.get(url(demo_survey, "findings_preview"), {
        "prefix": NEW, f"{NEW}-base_condition": "role = it", f"{NEW}-target_condition": "personal_use.twitter = never",
    })
    html = response.content.decode()
    assert "a base of 4, under 5: the count and percentage are hidden" in html
    assert "%" not in html.replace("95% CI", "")


def test_the_live_preview_waits_for_conditions_that_fit(alice, demo_survey):
    response = alice.get(url(demo_survey, "findings_preview"), {
        "prefix": NEW, f"{NEW}-base_condition": "role = it", f"{NEW}-target_condition": "personal_use = never",
    })
    assert "show here once the base and the target fit" in response.content.decode()


def test_the_live_preview_says_when_there_are_no_responses(alice, demo_survey):
    response = alice.get(url(demo_survey, "findings_preview"), {
        "prefix": NEW, f"{NEW}-base_condition": "role = it", f"{NEW}-target_condition": "role = it",
    })
    assert "Today: no responses yet." in response.content.decode()


# --- Who may see and change what --------------------------------------------------------


def test_a_read_only_manager_sees_everything_without_forms(client, demo_survey, viewer):
    dave = manager_named("dave")
    demo_survey.viewers.add(dave)
    client.force_login(dave)
    response = client.get(url(demo_survey), {"finding": Finding.objects.filter(survey=demo_survey).first().pk})
    assert response.status_code == 200
    html = main(response)
    assert "<form" not in html
    assert "IT leaders who never use Twitter professionally" in html
    assert "NET: Ever" in html and "The paradox" in html
    assert "You can see the findings, NETs and views of this survey but not change them" in html


@pytest.mark.parametrize("name", ["findings_add", "findings_update", "findings_move", "findings_delete"])
def test_a_read_only_manager_cannot_post(client, demo_survey, name):
    dave = manager_named("dave")
    demo_survey.viewers.add(dave)
    client.force_login(dave)
    finding = Finding.objects.filter(survey=demo_survey).first()
    args = () if name == "findings_add" else (finding.pk,)
    response = client.post(url(demo_survey, name, *args), finding_data(f"finding-{finding.pk}"))
    assert response.status_code == 403
    assert list(Finding.objects.filter(survey=demo_survey).values_list("code", "position")) == [
        ("it_never_twitter", 0), ("it_company_no_twitter", 1), ("it_twitter_paradox", 2),
        ("business_never_twitter", 3),
    ]


def test_a_read_only_manager_gets_no_checks_or_previews(client, demo_survey):
    dave = manager_named("dave")
    demo_survey.viewers.add(dave)
    client.force_login(dave)
    assert client.get(url(demo_survey, "findings_preview")).status_code == 403
    assert client.get(url(demo_survey, "findings_condition_check")).status_code == 403


def test_a_manager_who_does_not_edit_the_survey_gets_404(client, demo_survey):
    client.force_login(manager_named("dave"))
    assert client.get(url(demo_survey)).status_code == 404
    assert client.post(url(demo_survey, "findings_add"), finding_data()).status_code == 404


def test_a_results_viewer_never_reaches_the_page(client, demo_survey, viewer):
    demo_survey.viewers.add(viewer)
    client.force_login(viewer)
    assert client.get(url(demo_survey)).status_code == 403
    assert client.post(url(demo_survey, "findings_add"), finding_data()).status_code == 403
    assert Finding.objects.filter(survey=demo_survey).count() == 4


def test_an_anonymous_user_is_sent_to_sign_in(client, demo_survey):
    for response in (client.get(url(demo_survey)), client.post(url(demo_survey, "findings_add"), finding_data())):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")


def test_a_get_cannot_change_anything(alice, demo_survey):
    finding = Finding.objects.filter(survey=demo_survey).first()
    assert alice.get(url(demo_survey, "findings_delete", finding.pk)).status_code == 405
    assert alice.get(url(demo_survey, "findings_add")).status_code == 405


# --- Cost -------------------------------------------------------------------------------


def test_the_page_takes_the_same_number_of_queries_for_any_number_of_findings(
    alice, demo_survey, django_assert_num_queries
):
    alice.get(url(demo_survey))  # the session and permissions warm up as on any page
    with django_assert_num_queries(QUERIES) as captured:
        assert alice.get(url(demo_survey)).status_code == 200
    for i in range(12):
        Finding.objects.create(survey=demo_survey, position=10 + i, code=f"more_{i}", statement=f"More {i}",
                               base_condition="role = it", target_condition="personal_use.twitter = never")
    with django_assert_num_queries(len(captured)):
        assert alice.get(url(demo_survey)).status_code == 200



# --- Where the publish checklist sends a problem ----------------------------------------


def test_the_publish_checklist_links_problems_of_findings_nets_and_views_here(demo_survey):
    from builder.problems import ProblemPlaces

    places = ProblemPlaces(demo_survey, demo_survey.open_version())
    for place, anchor in (("findings[1].base", "findings"), ("nets[0].all_but", "nets"), ("views[0].row", "views")):
        assert places.problem(f"{place}: unknown question 'x'").url == f"{url(demo_survey)}#{anchor}"


def test_the_outline_links_to_this_page(alice, demo_survey):
    assert f'href="{url(demo_survey)}"' in alice.get(url(demo_survey, "outline")).content.decode()
