"""The admin for survey managers: pages open, actions run, a published version's labels can
be corrected (and nothing structural), findings, NETs and saved views are checked, the preview is guarded, and
the two groups carry exactly their permissions."""

import re
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from surveys.definition_files import definition_to_data
from surveys.models import Finding, Net, Question, SavedView, SurveyVersion
from surveys.selectors import version_definition
from surveys.services import version_close, version_duplicate
from tests.kit.admin import form_data, survey_admin_url

pytestmark = pytest.mark.django_db

MANAGED_MODELS = (
    "survey", "surveyversion", "page", "question", "choice", "matrixrow", "finding", "net", "savedview",
)


def _changelist(model: str) -> str:
    return reverse(f"admin:surveys_{model}_changelist")


def _run_action(client, action: str, version: SurveyVersion):
    return client.post(_changelist("surveyversion"), {"action": action, "_selected_action": [version.pk]})


# --- Pages and actions -----------------------------------------------------------------


@pytest.mark.parametrize("model", ["survey", "surveyversion"])
def test_it_lets_a_manager_open_the_changelist(client, manager, demo_survey, model):
    client.force_login(manager)
    assert client.get(_changelist(model)).status_code == 200


def test_it_lets_a_manager_open_the_survey_change_page(client, manager, demo_survey):
    client.force_login(manager)
    response = client.get(survey_admin_url("survey", demo_survey.pk))
    assert response.status_code == 200
    assert demo_survey.title in response.content.decode()


def test_it_lets_a_manager_open_the_change_page_of_a_published_version(client, manager, open_version):
    client.force_login(manager)
    assert client.get(survey_admin_url("surveyversion", open_version.pk)).status_code == 200


def test_it_lets_a_manager_open_the_change_page_of_a_draft_version(client, manager, open_version):
    draft = version_duplicate(version=open_version)
    client.force_login(manager)
    assert client.get(survey_admin_url("surveyversion", draft.pk)).status_code == 200


def test_it_publishes_a_draft(client, manager, open_version):
    draft = version_duplicate(version=open_version)
    client.force_login(manager)
    response = _run_action(client, "publish", draft)
    assert response.status_code == 302
    draft.refresh_from_db()
    open_version.refresh_from_db()
    assert draft.status == SurveyVersion.Status.OPEN
    assert draft.published_at is not None
    assert open_version.status == SurveyVersion.Status.CLOSED


def test_it_closes_an_open_version(client, manager, open_version):
    client.force_login(manager)
    _run_action(client, "close", open_version)
    open_version.refresh_from_db()
    assert open_version.status == SurveyVersion.Status.CLOSED


def test_it_reopens_a_closed_version(client, manager, open_version):
    version_close(version=open_version)
    client.force_login(manager)
    _run_action(client, "reopen", open_version)
    open_version.refresh_from_db()
    assert open_version.status == SurveyVersion.Status.OPEN


def test_it_duplicates_a_version_into_a_new_draft(client, manager, open_version):
    client.force_login(manager)
    _run_action(client, "duplicate", open_version)
    draft = open_version.survey.draft_version()
    assert draft is not None
    assert draft.number == open_version.number + 1
    assert draft.questions.count() == open_version.questions.count()


def test_it_exports_a_version_as_yaml(client, manager, open_version):
    client.force_login(manager)
    response = _run_action(client, "export_yaml", open_version)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="ddiq-2010-v{open_version.number}.yaml"'
    body = response.content.decode()
    assert body.startswith("slug: ddiq-2010")
    assert "code: company_usage" in body


# --- Deleting versions: drafts only ------------------------------------------------------


def _delete_selected(client, versions: list[SurveyVersion], confirmed: bool):
    data = {"action": "delete_selected", "_selected_action": [v.pk for v in versions]}
    return client.post(_changelist("surveyversion"), {**data, "post": "yes"} if confirmed else data, follow=True)


def _text(response) -> str:
    return " ".join(unescape(response.content.decode()).split())


def test_a_superuser_s_bulk_delete_leaves_published_versions_and_says_so(admin_client, open_version):
    draft = version_duplicate(version=open_version)
    closed = SurveyVersion.objects.get(pk=open_version.pk)
    version_close(version=closed)

    confirm = _delete_selected(admin_client, [closed, draft], confirmed=False)
    assert "Not deleted: ddiq-2010 v1. A published version cannot be deleted" in _text(confirm)
    asked = re.findall(r'name="_selected_action" value="(\d+)"', confirm.content.decode())
    assert asked == [str(draft.pk)]  # the confirmation lists the draft alone

    done = _delete_selected(admin_client, [closed, draft], confirmed=True)
    assert done.status_code == 200
    assert "Not deleted: ddiq-2010 v1." in _text(done)
    assert list(SurveyVersion.objects.values_list("number", flat=True)) == [1]


def test_a_bulk_delete_of_published_versions_alone_deletes_nothing(admin_client, open_version):
    response = _delete_selected(admin_client, [open_version], confirmed=True)
    assert response.status_code == 200
    assert "Not deleted: ddiq-2010 v1." in _text(response)
    assert "Successfully deleted" not in _text(response)
    assert SurveyVersion.objects.filter(pk=open_version.pk).exists()


def test_a_bulk_delete_still_deletes_drafts_and_records_them(admin_client, open_version):
    draft = version_duplicate(version=open_version)
    response = _delete_selected(admin_client, [draft], confirmed=True)
    assert "Successfully deleted 1 survey version" in _text(response)
    assert not SurveyVersion.objects.filter(pk=draft.pk).exists()
    assert open_version.survey.changes.filter(action="version_deleted").count() == 1


def test_the_delete_page_of_a_published_version_refuses_with_a_message(admin_client, open_version):
    url = reverse("admin:surveys_surveyversion_delete", args=[open_version.pk])
    for response in (admin_client.get(url, follow=True), admin_client.post(url, {"post": "yes"}, follow=True)):
        assert response.redirect_chain[-1][0] == survey_admin_url("surveyversion", open_version.pk)
        assert "A published version cannot be deleted" in _text(response)
    assert SurveyVersion.objects.filter(pk=open_version.pk).exists()


# --- Correcting a published version ----------------------------------------------------


def test_it_renders_the_structure_of_a_published_version_read_only(client, manager, open_version):
    client.force_login(manager)
    data = form_data(client.get(survey_admin_url("surveyversion", open_version.pk)), "surveyversion_form")
    assert "pages-0-questions-0-label" in data
    assert not any(name.endswith("-code") or name.endswith("-type") for name in data)
    # The sort field stays in the page (nested_admin orders by it) but is never submitted.
    assert "pages-0-questions-0-position" not in data


def test_it_lets_a_manager_correct_a_label_of_a_published_version(client, manager, open_version):
    before = definition_to_data(version_definition(open_version))
    client.force_login(manager)
    url = survey_admin_url("surveyversion", open_version.pk)
    data = form_data(client.get(url), "surveyversion_form")
    assert data["pages-0-questions-0-label"] == ["Which best describes your role?"]
    data["pages-0-questions-0-label"] = ["Which of these best describes your role?"]

    response = client.post(url, {**data, "_save": "Save"})

    assert response.status_code == 302, response.context["errors"] if response.context else response
    before["pages"][0]["questions"][0]["label"] = "Which of these best describes your role?"
    assert definition_to_data(version_definition(open_version)) == before


def test_it_ignores_a_posted_structural_change_to_a_published_version(client, manager, open_version):
    client.force_login(manager)
    url = survey_admin_url("surveyversion", open_version.pk)
    data = form_data(client.get(url), "surveyversion_form")
    data["pages-0-questions-0-code"] = ["renamed"]
    data["pages-0-questions-0-position"] = ["5"]

    assert client.post(url, {**data, "_save": "Save"}).status_code == 302

    question = Question.objects.get(version=open_version, page__position=0, position=0)
    assert (question.code, question.position) == ("role", 0)


def test_it_lets_a_manager_mark_a_question_personal_data_on_a_published_version(client, manager, open_version):
    client.force_login(manager)
    url = survey_admin_url("surveyversion", open_version.pk)
    data = form_data(client.get(url), "surveyversion_form")
    assert data["pages-2-questions-3-label"] == ["Anything else you would like to add?"]  # `comments`
    assert "pages-2-questions-3-personal_data" not in data  # an editable checkbox, not ticked
    data["pages-2-questions-3-personal_data"] = ["on"]

    response = client.post(url, {**data, "_save": "Save"})

    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert version_definition(open_version).questions["comments"].personal_data is True
    assert open_version.status == SurveyVersion.Status.OPEN


def test_it_refuses_the_personal_data_flag_on_a_choice_question_in_the_admin(client, manager, open_version):
    client.force_login(manager)
    url = survey_admin_url("surveyversion", open_version.pk)
    data = form_data(client.get(url), "surveyversion_form")
    data["pages-0-questions-0-personal_data"] = ["on"]  # `role`, single choice

    response = client.post(url, {**data, "_save": "Save"})

    assert response.status_code == 200
    assert "Only text and e-mail questions can be marked personal data." in response.content.decode()
    assert not Question.objects.get(version=open_version, code="role").personal_data


def test_it_refuses_the_personal_data_flag_on_a_choice_question_at_the_model_level(open_version):
    from django.core.exceptions import ValidationError

    question = Question.objects.get(version=open_version, code="role")
    question.personal_data = True
    with pytest.raises(ValidationError) as caught:
        question.full_clean()
    assert caught.value.error_dict["personal_data"][0].code == "personal_data_type"


def test_it_saves_a_corrected_label_at_the_model_level(open_version):
    question = Question.objects.get(version=open_version, code="role")
    question.label = "Your role?"
    question.full_clean()
    question.save()
    assert Question.objects.get(pk=question.pk).label == "Your role?"


def test_it_refuses_a_structural_change_at_the_model_level(open_version):
    from surveys.models import FrozenVersionError

    question = Question.objects.get(version=open_version, code="role")
    question.code = "renamed"
    with pytest.raises(FrozenVersionError):
        question.save()


# --- Findings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "condition, message",
    [("role == it", "unknown operator '=='"), ("department = sales", "unknown question 'department'")],
)
def test_it_refuses_a_finding_with_an_invalid_condition(client, manager, demo_survey, condition, message):
    client.force_login(manager)
    url = survey_admin_url("survey", demo_survey.pk)
    data = form_data(client.get(url), "survey_form")
    count = Finding.objects.filter(survey=demo_survey).count()
    new = f"findings-{count}"
    data.update({
        "findings-TOTAL_FORMS": [str(count + 1)],
        f"{new}-position": [str(count)],
        f"{new}-code": ["bad_finding"],
        f"{new}-statement": ["A finding that cannot be counted"],
        f"{new}-base_condition": [condition],
        f"{new}-target_condition": ["role = business"],
        f"{new}-survey": [str(demo_survey.pk)],
    })

    response = client.post(url, {**data, "_save": "Save"})

    assert response.status_code == 200
    assert message in unescape(response.content.decode())
    assert not Finding.objects.filter(code="bad_finding").exists()


# --- NETs and saved views --------------------------------------------------------------


def _post_survey_with(client, survey, prefix: str, new: dict[str, str]):
    """The survey's change form as a browser submits it, with one more NET or saved view."""
    url = survey_admin_url("survey", survey.pk)
    data = form_data(client.get(url), "survey_form")
    count = int(data[f"{prefix}-TOTAL_FORMS"][0])
    data[f"{prefix}-TOTAL_FORMS"] = [str(count + 1)]
    data.update({f"{prefix}-{count}-{key}": [value] for key, value in new.items()})
    data.update({f"{prefix}-{count}-position": [str(count)], f"{prefix}-{count}-survey": [str(survey.pk)]})
    return client.post(url, {**data, "_save": "Save"})


def test_it_saves_a_net_while_the_version_is_open(client, manager, demo_survey):
    client.force_login(manager)
    stamp = demo_survey.open_version().updated_at

    response = _post_survey_with(client, demo_survey, "nets", {
        "question_code": "industry", "code": "net_regulated", "label": "Regulated",
        "choices": "financial, healthcare energy",
    })

    assert response.status_code == 302
    net = Net.objects.get(code="net_regulated")
    assert (net.question_code, net.choices, net.all_but) == ("industry", ["financial", "healthcare", "energy"], False)
    # Results pages read NETs from the compiled definition: its stamp moved, so they show at once.
    assert demo_survey.open_version().updated_at > stamp


def test_it_shows_the_choices_of_a_net_as_codes(client, manager, demo_survey):
    client.force_login(manager)
    data = form_data(client.get(survey_admin_url("survey", demo_survey.pk)), "survey_form")
    assert data["nets-2-choices"] == ["weekly, daily"] and data["nets-0-all_but"] == ["on"]


@pytest.mark.parametrize("net, message", [
    ({"question_code": "barriers", "choices": "roi"},
     "'barriers' is a multiple question: NETs apply to single, dropdown, matrix questions"),
    ({"question_code": "industry", "choices": "financial, banking"},
     "'banking' is not a choice of 'industry' (financial, healthcare, manufacturing, retail, technology, energy, "
     "public, services, other)"),
    ({"question_code": "department", "choices": "sales"}, "unknown question 'department'"),
    ({"question_code": "personal_use", "code": "net_ever", "choices": "daily"}, "Please correct the duplicate data"),
])
def test_it_refuses_a_broken_net(client, manager, demo_survey, net, message):
    client.force_login(manager)
    before = Net.objects.count()

    response = _post_survey_with(client, demo_survey, "nets", {"code": "net_new", "label": "New"} | net)

    assert response.status_code == 200
    assert message in unescape(response.content.decode())
    assert Net.objects.count() == before


def test_it_saves_a_saved_view(client, manager, demo_survey):
    client.force_login(manager)

    response = _post_survey_with(client, demo_survey, "saved_views", {
        "code": "business_paradox", "label": "The business paradox", "row_variable": "personal_use.twitter",
        "column_variable": "company_usage.twitter", "segment": "role:business", "highlight_row": "never",
        "highlight_column_not": "none",
    })

    assert response.status_code == 302
    assert list(SavedView.objects.values_list("code", flat=True)) == ["it_twitter_paradox", "business_paradox"]


def test_it_refuses_a_broken_saved_view(client, manager, demo_survey):
    client.force_login(manager)

    response = _post_survey_with(client, demo_survey, "saved_views", {
        "code": "broken", "label": "Broken", "row_variable": "personal_use", "column_variable": "barriers",
        "segment": "seniority:vp", "highlight_row": "never", "highlight_column_not": "",
    })

    html = unescape(response.content.decode())
    assert response.status_code == 200
    for message in ("'personal_use' is a matrix: name one of its rows, e.g. personal_use.twitter",
                    "'barriers' is a multiple question: a crosstab crosses single, dropdown, matrix questions",
                    "'seniority' is not a segment question", "give both 'row' and 'column_not'"):
        assert message in html, message
    assert not SavedView.objects.filter(code="broken").exists()


# --- Preview and permissions -----------------------------------------------------------


def test_it_shows_the_preview_to_a_manager(client, manager, open_version):
    client.force_login(manager)
    response = client.get(reverse("surveys:preview", args=[open_version.pk]))
    assert response.status_code == 200
    page = unescape(response.content.decode())
    for label in Question.objects.filter(version=open_version).values_list("label", flat=True):
        assert label in page


def test_it_refuses_the_preview_to_a_staff_member_without_permissions(client, outsider, open_version):
    client.force_login(outsider)
    assert client.get(reverse("surveys:preview", args=[open_version.pk])).status_code == 403


def test_it_sends_an_anonymous_visitor_of_the_preview_to_the_admin_login(client, open_version):
    url = reverse("surveys:preview", args=[open_version.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", ["survey", "surveyversion"])
def test_it_refuses_the_changelist_to_a_staff_member_without_permissions(client, outsider, model):
    client.force_login(outsider)
    assert client.get(_changelist(model)).status_code == 403


def _codenames(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_it_gives_results_viewers_only_the_results_permission():
    assert _codenames("Results viewers") == {"surveys.view_results"}


def test_it_gives_survey_managers_exactly_the_editing_permissions():
    expected = {
        f"surveys.{action}_{model}" for model in MANAGED_MODELS for action in ("add", "change", "delete", "view")
    } | {"surveys.view_results"}
    # Managers also moderate responses: view them, exclude/restore (change), delete.
    expected |= {f"responses.{action}_response" for action in ("view", "change", "delete")}
    # And they run invitations: invitees, e-mail templates, and the (read-only) e-mail log.
    expected |= {
        f"invitations.{action}_{model}"
        for model in ("invitation", "emailtemplate")
        for action in ("add", "change", "delete", "view")
    } | {"invitations.view_emailmessage"}
    # And their surveys' webhooks: the endpoints, and the deliveries to see and replay.
    expected |= {f"webhooks.{action}_webhook" for action in ("add", "change", "delete", "view")}
    expected |= {"webhooks.view_delivery", "webhooks.change_delivery"}
    assert _codenames("Survey managers") == expected
