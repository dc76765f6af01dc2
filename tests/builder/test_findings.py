"""The findings page (/build/<slug>/findings/), its findings section: the list with today's
numbers, add, edit in place, move and delete; the base and the target built in two
condition pickers (or typed in their text mode), each problem placed in its picker; the
live preview of a finding not saved yet; who may see and change what; the page's query
count. The property test builds random conditions through the pickers' form data, as a
browser posts it from the rendered page, and saves the same finding as typed text."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.recompute import expected_finding, survey_reconcile
from builder.condition_picker import form_data, form_from_node
from surveys.conditions import Compare, Has, In, Node, Not, Ref, parse, to_text
from surveys.definition_files import definition_from_data
from surveys.models import Finding, Survey
from tests.kit.data import build_it_population
from tests.kit.demo import demo_data
from tests.kit.html_form import submitted_data

pytestmark = pytest.mark.django_db

NEW = "finding-new"
# The session and user (2), permissions (2), the survey and its editors (2), the latest
# version (1: its questions are compiled once per process), findings with their counts,
# NETs, views (3) and the counted responses (1).
QUERIES = 11


def url(survey: Survey, name: str = "findings", *args) -> str:
    return reverse(f"builder:{name}", args=[survey.slug, *args])


def picked(prefix: str, text: str) -> dict[str, list[str]]:
    """A picker's form data holding the condition `text`, as a browser posts it once the
    condition is picked (builder.condition_picker's encoding)."""
    return form_data(form_from_node(parse(text) if text else None), prefix)


def typed(prefix: str, text: str) -> dict[str, list[str]]:
    """A picker in text mode, holding `text` as typed."""
    return {f"{prefix}-mode": ["text"], f"{prefix}-text": [text]}


def finding_data(prefix: str = NEW, *, statement: str = "IT leaders who never use LinkedIn", code: str = "",
                 base: str = "role = it", target: str = "personal_use.linkedin = never", as_text: bool = False,
                 **extra) -> dict[str, list[str] | str]:
    """The finding form's data: the base and target picked (or typed, `as_text`)."""
    condition = typed if as_text else picked
    return {f"{prefix}-statement": statement, f"{prefix}-code": code, **condition(f"{prefix}-base", base),
            **condition(f"{prefix}-target", target), **extra}


def posted(html: str, button: tuple[str, str] | None = None) -> dict[str, list[str]]:
    """What a browser posts from the form in `html` (as lists: the test client would keep
    only the last value of each name of a QueryDict)."""
    return dict(submitted_data(html, button=button).lists())


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def main(response) -> str:
    """The page without the navigation (whose sign-out form every page has)."""
    return response.content.decode().split('id="main"')[1]


def item(response, finding: Finding) -> str:
    """The finding's item in the list (up to the next one, or the add form)."""
    after = main(response).split(f'id="finding-{finding.pk}"')[1]
    return after.split('<li class="reporting-item"')[0].split('id="add-finding"')[0]


def add_form(response) -> str:
    return main(response).split('id="add-finding"')[1].split("</form>")[0]


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


def test_the_add_form_offers_two_pickers_that_say_a_finding_needs_both(alice, demo_survey):
    html = add_form(alice.get(url(demo_survey)))
    version = demo_survey.open_version()
    for prefix, legend in (("base", "Base: who is counted"), ("target", "Target: who, within the base, is counted")):
        assert f'<fieldset class="finding-condition mb-3" id="{NEW}-{prefix}-field"' in html
        assert f'<legend class="finding-condition-legend">{legend}<span class="asteriskField">*</span></legend>' in html
        assert f'id="{NEW}-{prefix}-picker"' in html
        assert f'name="{NEW}-{prefix}-place" value="finding:{version.pk}"' in html
        assert f'id="{NEW}-{prefix}-1-add"' in html
    assert html.count("No condition yet: a finding needs one here.") == 2
    assert 'hx-include="#finding-new-base-picker, #finding-new-target-picker"' in html


def test_it_adds_a_picked_finding_with_a_code_from_its_statement(alice, demo_survey):
    response = alice.post(url(demo_survey, "findings_add"), finding_data())
    finding = Finding.objects.get(survey=demo_survey, code="it_leaders_who_never_use")  # cut at 32 characters
    assert response.status_code == 302
    assert response["Location"] == f"{url(demo_survey)}#finding-{finding.pk}"
    assert (finding.position, finding.base_condition, finding.target_condition) == (
        4, "role = it", "personal_use.linkedin = never"
    )
    assert messages_of(alice.get(response["Location"]))[0].startswith("Added the finding “IT leaders who never")


def test_it_adds_a_finding_typed_in_text_mode_in_canonical_form(alice, demo_survey):
    response = alice.post(url(demo_survey, "findings_add"), finding_data(
        base="role=it", target="personal_use.linkedin = never AND NOT (company_usage.linkedin IN (none))",
        as_text=True,
    ))
    assert response.status_code == 302
    finding = Finding.objects.get(survey=demo_survey, code="it_leaders_who_never_use")
    assert (finding.base_condition, finding.target_condition) == (
        "role = it", "personal_use.linkedin = never and not company_usage.linkedin in (none)"
    )


def test_it_keeps_a_code_typed_by_the_author(alice, demo_survey):
    alice.post(url(demo_survey, "findings_add"), finding_data(code="it_linkedin_never"))
    assert Finding.objects.filter(survey=demo_survey, code="it_linkedin_never").exists()


def test_a_wrong_pick_is_placed_on_its_row_and_everything_is_kept(alice, demo_survey):
    data = finding_data(statement="Leaders with a boss", base="role = it and seniority = vp")
    data[f"{NEW}-base-3-value"] = ["boss"]  # a forged value: no choice of seniority
    response = alice.post(url(demo_survey, "findings_add"), data)
    assert response.status_code == 400
    html = add_form(response)
    assert "Nothing was saved" in html
    assert 'value="Leaders with a boss"' in html
    assert 'id="finding-new-base-errors"><div>The base is not complete: see the problems marked in it.</div></div>' \
           in html
    row = html.split('id="finding-new-base-3-errors"')[1].split("</div>\n  </div>")[0]
    assert "&#x27;boss&#x27; is not a choice of “What is your level?”." in row
    assert '<option value="boss" selected>boss (not a choice)</option>' in html
    # The other picker and the first condition are shown as they were picked.
    assert '<option value="it" selected>' in html
    assert "Condition:</span> <code class=\"picker-condition-text\">personal_use.linkedin = never</code>" in html
    assert Finding.objects.filter(survey=demo_survey).count() == 4


def test_a_typed_condition_that_does_not_parse_keeps_its_text_with_the_place_marked(alice, demo_survey):
    response = alice.post(url(demo_survey, "findings_add"), finding_data(
        base="role = it and", target="personal_use.linkdin = never", as_text=True,
    ))
    assert response.status_code == 400
    html = add_form(response)
    assert ">role = it and</textarea>" in html
    assert "at position 13: expected a question code after &#x27;and&#x27;" in html
    assert '<pre class="picker-caret" aria-hidden="true">role = it and\n<span class="picker-caret-mark">' \
           "             ^</span></pre>" in html
    assert "unknown row &#x27;linkdin&#x27; in matrix question &#x27;personal_use&#x27;" in html
    assert ">personal_use.linkdin = never</textarea>" in html
    assert "The target is not complete" in html


def test_a_taken_code_is_refused_at_its_field(alice, demo_survey):
    response = alice.post(url(demo_survey, "findings_add"), finding_data(code="it_never_twitter"))
    assert response.status_code == 400
    assert "Another finding already has the code “it_never_twitter”." in main(response)


def test_empty_pickers_are_refused_each_in_its_place(alice, demo_survey):
    response = alice.post(url(demo_survey, "findings_add"), finding_data(statement="", base="", target=""))
    assert response.status_code == 400
    html = add_form(response)
    assert "Write what the number says." in html
    assert 'id="finding-new-base-errors"><div>Add a condition: a finding needs a base (who the percentage is of).' \
           in html
    assert 'id="finding-new-target-errors"><div>Add a condition: a finding needs a target (who, within the base, ' \
           "is counted)." in html
    assert 'aria-describedby="finding-new-base-help finding-new-base-errors"' in html
    # An empty text counts as no condition too.
    response = alice.post(url(demo_survey, "findings_add"), finding_data(base=" ", as_text=True))
    assert "Add a condition: a finding needs a base" in add_form(response)
    assert Finding.objects.filter(survey=demo_survey).count() == 4


def test_a_picker_button_without_javascript_shows_the_form_again_as_typed(alice, demo_survey):
    data = finding_data(statement="IT leaders and LinkedIn", code="mine", **{f"{NEW}-base-action": "add:1"})
    response = alice.post(url(demo_survey, "findings_add"), data)
    assert response.status_code == 200
    html = add_form(response)
    assert 'id="finding-new-base-3-ref"' in html  # the new condition, with the focus
    assert "autofocus data-focus" in html.split('id="finding-new-base-3-ref"')[1].split(">")[0]
    assert 'value="IT leaders and LinkedIn"' in html and 'value="mine"' in html
    assert "Nothing was saved" not in html and "invalid-feedback" not in html
    assert 'id="add-finding" open>' in main(response)
    assert Finding.objects.filter(survey=demo_survey).count() == 4
    # Switching the target to text mode, then back: the same condition.
    submitted = posted(html, button=(f"{NEW}-target-action", "text"))
    html = add_form(alice.post(url(demo_survey, "findings_add"), submitted))
    assert ">personal_use.linkedin = never</textarea>" in html
    submitted = posted(html, button=(f"{NEW}-target-action", "picker"))
    html = add_form(alice.post(url(demo_survey, "findings_add"), submitted))
    assert '<option value="personal_use.linkedin" selected>' in html


def test_check_and_preview_writes_nothing_and_shows_today_s_numbers(alice, demo_survey):
    build_it_population(demo_survey, it=10, it_never=4, it_company_none=3)
    response = alice.post(url(demo_survey, "findings_add"), {**finding_data(
        target="personal_use.twitter = never"), "action": "preview"})
    assert response.status_code == 200
    assert "Today: 4 of 10 = 40%" in main(response)
    assert Finding.objects.filter(survey=demo_survey).count() == 4


# --- Picked equals typed ------------------------------------------------------------------

QUESTIONS = definition_from_data(demo_data()).questions
REFS = [(question, row) for question in QUESTIONS.values()
        for row in (question.row_codes if question.question_type.has_rows else (None,))]
TEXTS = st.text(st.characters(codec="ascii", categories=("L", "N", "P", "Zs")), min_size=1, max_size=10).filter(
    str.strip
)


@st.composite
def leaves(draw) -> Node:
    question, row = draw(st.sampled_from(REFS))
    ref = Ref(question.code, row)
    op = draw(st.sampled_from(sorted(question.question_type.operators)))
    values = question.choice_codes
    if op in ("in", "not in"):
        if values:  # checkboxes post the checked choices in their order
            picked_codes = draw(st.sets(st.sampled_from(values), min_size=1))
            chosen = tuple(code for code in values if code in picked_codes)
        else:
            chosen = tuple(draw(st.lists(TEXTS, min_size=1, max_size=3)))
        node: Node = In(ref, chosen, negated=op == "not in")
    elif op == "has":
        node = Has(ref, draw(st.sampled_from(values)))
    else:
        node = Compare(ref, op, draw(st.sampled_from(values)) if values else draw(TEXTS))
    return Not(node) if draw(st.booleans()) else node


conditions = st.recursive(
    leaves(),
    lambda children: st.one_of(
        children.map(Not),
        st.lists(children, min_size=2, max_size=3).map(lambda ops: parse(" and ".join(f"({to_text(o)})" for o in ops))),
        st.lists(children, min_size=2, max_size=3).map(lambda ops: parse(" or ".join(f"({to_text(o)})" for o in ops))),
    ),
    max_leaves=6,
).map(lambda tree: parse(to_text(tree)))  # as typing its text gives it


@given(base=conditions, target=conditions)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
def test_a_finding_saved_through_the_pickers_equals_the_typed_one(alice, demo_survey, base, target):
    add = url(demo_survey, "findings_add")
    # The pickers' rows re-rendered by their Update button (no JavaScript), then the form
    # the page shows posted as a browser would.
    shown = alice.post(add, finding_data(statement="Picked", base=to_text(base), target=to_text(target),
                                         **{f"{NEW}-base-action": "update"}))
    assert shown.status_code == 200
    response = alice.post(add, posted(add_form(shown)))
    assert response.status_code == 302, add_form(response)
    picked_finding = Finding.objects.get(survey=demo_survey, statement="Picked")
    response = alice.post(add, finding_data(statement="Typed", base=to_text(base), target=to_text(target),
                                            as_text=True))
    assert response.status_code == 302
    typed_finding = Finding.objects.get(survey=demo_survey, statement="Typed")
    assert parse(picked_finding.base_condition) == parse(typed_finding.base_condition) == base
    assert parse(picked_finding.target_condition) == parse(typed_finding.target_condition) == target
    assert (picked_finding.base_condition, picked_finding.target_condition) == (
        typed_finding.base_condition, typed_finding.target_condition)
    Finding.objects.filter(pk__in=[picked_finding.pk, typed_finding.pk]).delete()


# --- Editing, moving, deleting ----------------------------------------------------------


def test_edit_opens_the_finding_s_pickers_in_its_place_with_today_s_numbers(alice, demo_survey):
    build_it_population(demo_survey, it=6, it_never=3, it_company_none=1)
    finding = Finding.objects.get(survey=demo_survey, code="it_never_twitter")
    prefix = f"finding-{finding.pk}"
    response = alice.get(url(demo_survey), {"finding": finding.pk})
    row = item(response, finding)
    assert f'action="{url(demo_survey, "findings_update", finding.pk)}#finding-{finding.pk}"' in row
    assert f'id="{prefix}-target-picker"' in row
    assert "Condition:</span> <code class=\"picker-condition-text\">personal_use.twitter = never</code>" in row
    data = submitted_data(row)
    assert data[f"{prefix}-target-2-ref"] == "personal_use.twitter"
    assert (data[f"{prefix}-target-2-op"], data[f"{prefix}-target-2-value"]) == ("=", "never")
    assert "Today: 3 of 6 = 50%" in row


def test_a_stored_condition_that_does_not_parse_opens_as_text_with_its_message(alice, demo_survey):
    finding = Finding.objects.get(survey=demo_survey, code="it_never_twitter")
    Finding.objects.filter(pk=finding.pk).update(base_condition="role = = it")
    row = item(alice.get(url(demo_survey), {"finding": finding.pk}), finding)
    assert f'<textarea class="form-control font-monospace is-invalid" rows="3"\n              ' \
           f'id="finding-{finding.pk}-base-text"' in row
    assert ">role = = it</textarea>" in row
    assert "at position 7: expected a value after &#x27;=&#x27;" in row


def test_it_saves_an_edited_finding(alice, demo_survey):
    finding = Finding.objects.get(survey=demo_survey, code="it_never_twitter")
    prefix = f"finding-{finding.pk}"
    response = alice.post(url(demo_survey, "findings_update", finding.pk), finding_data(
        prefix, statement="IT leaders who use Twitter daily", code="it_never_twitter",
        target="personal_use.twitter = daily",
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
                          finding_data(prefix, base="rol = it", code="it_never_twitter", as_text=True))
    assert response.status_code == 400
    row = item(response, finding)
    assert ">rol = it</textarea>" in row and "at position 0: unknown question &#x27;rol&#x27;" in row
    assert Finding.objects.get(pk=finding.pk).base_condition == "role = it"


def test_a_picker_button_in_an_edit_form_keeps_it_open_in_its_place(alice, demo_survey):
    finding = Finding.objects.get(survey=demo_survey, code="it_never_twitter")
    prefix = f"finding-{finding.pk}"
    data = finding_data(prefix, code="it_never_twitter", **{f"{prefix}-target-action": "group:1"})
    response = alice.post(url(demo_survey, "findings_update", finding.pk), data)
    assert response.status_code == 200
    row = item(response, finding)
    assert f'id="{prefix}-target-3"' in row and f'id="{prefix}-target-4-ref"' in row  # a group with its condition
    assert Finding.objects.get(pk=finding.pk).target_condition == "personal_use.twitter = never"


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


# --- As the author picks (htmx) --------------------------------------------------------


def preview_data(base: str, target: str, prefix: str = NEW) -> dict:
    return {"prefix": prefix, **picked(f"{prefix}-base", base), **picked(f"{prefix}-target", target)}


def test_the_picker_s_own_preview_re_renders_a_finding_s_picker(alice, demo_survey):
    version = demo_survey.open_version()
    prefix = f"{NEW}-base"
    response = alice.post(reverse("builder:condition_preview", args=[demo_survey.slug]), {
        "picker": prefix, f"{prefix}-place": f"finding:{version.pk}", **picked(prefix, "role = it"),
        f"{prefix}-action": "clear",
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<div class="condition-picker" id="{prefix}-picker"')
    assert "No condition yet: a finding needs one here." in html


def test_the_picker_s_preview_refuses_another_survey_s_version(alice, demo_survey, every_type_survey):
    other = every_type_survey.versions.first()
    response = alice.post(reverse("builder:condition_preview", args=[demo_survey.slug]),
                          {"picker": "b", "b-place": f"finding:{other.pk}"})
    assert response.status_code == 404


def test_the_live_preview_equals_the_engine_s_count_of_the_saved_finding(alice, demo_survey):
    build_it_population(demo_survey, it=12, it_never=7, it_company_none=5, business=3)
    base, target = "role = it", "personal_use.twitter = never and company_usage.twitter != none"
    response = alice.get(url(demo_survey, "findings_preview"), preview_data(base, target))
    assert response.status_code == 200
    saved = Finding.objects.get(survey=demo_survey, code="it_twitter_paradox")
    assert (saved.base_condition, saved.target_condition) == (base, target)
    base_n, target_n = expected_finding(saved)
    assert (base_n, target_n) == (12, 7)  # the 7 who never use it: their companies all do (5 say none, from the end)
    assert f"Today: {target_n} of {base_n} = 58%" in response.content.decode()


def test_the_live_preview_hides_the_percentage_under_the_minimum_base(alice, demo_survey, settings):
    settings.MIN_BASE_FOR_PERCENT = 5
    build_it_population(demo_survey, it=4, it_never=2, it_company_none=0)
    data = preview_data("role = it", "personal_use.twitter = never")
    response = alice.get(url(demo_survey, "findings_preview"), data)
    html = response.content.decode()
    assert "a base of 4, under 5: the count and percentage are hidden" in html
    assert "%" not in html.replace("95% CI", "")


@pytest.mark.parametrize("changes", [
    {f"{NEW}-target-2-ref": "personal_use"},  # a matrix without its row
    {f"{NEW}-target-2-value": "sometimes"},  # no choice of it
    {f"{NEW}-target-node": ["1"]},  # an empty target
    {f"{NEW}-base-mode": "text", f"{NEW}-base-text": "role = "},  # text that does not parse
    {"prefix": "<b>"},
])
def test_the_live_preview_waits_for_conditions_that_fit(alice, demo_survey, changes):
    data = preview_data("role = it", "personal_use.twitter = never") | changes
    response = alice.get(url(demo_survey, "findings_preview"), data)
    assert response.status_code == 200
    assert "show here once the base and the target fit" in response.content.decode()


def test_the_live_preview_says_when_there_are_no_responses(alice, demo_survey):
    response = alice.get(url(demo_survey, "findings_preview"), preview_data("role = it", "role = it"))
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
    preview = client.post(reverse("builder:condition_preview", args=[demo_survey.slug]),
                          {"picker": "b", "b-place": f"finding:{demo_survey.open_version().pk}"})
    assert preview.status_code == 403


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
