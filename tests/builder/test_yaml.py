"""A survey's definition file in the builder (/build/<slug>/yaml/): the download is the file
`export_survey` writes; an upload replaces the draft (or makes one) and the survey's
findings, NETs and views; a file with problems lists each with its place and changes
nothing; files that are too big, binary, not UTF-8 or not YAML are told so; who may do
what; and a new survey made from an uploaded file on the create page."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
import yaml
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from builder.definition_upload import MAX_BYTES, MAX_VALUES, place_in_words
from responses.models import Response
from surveys import models as survey_models
from surveys.definition_files import DefinitionError, definition_from_yaml, definition_to_yaml
from surveys.models import Survey, SurveyVersion
from surveys.publishing import survey_draft_start
from surveys.selectors import survey_findings, version_definition
from surveys.uploads import SlugMismatch, survey_draft_replace
from tests.kit.demo import DEMO_FILE

pytestmark = pytest.mark.django_db

SURVEY_MODELS = (
    survey_models.Survey, survey_models.SurveyVersion, survey_models.Page, survey_models.Question,
    survey_models.Choice, survey_models.MatrixRow, survey_models.Finding, survey_models.Net, survey_models.SavedView,
)


def url(survey: Survey, name: str = "yaml") -> str:
    return reverse(f"builder:{name}", args=[survey.slug])


def snapshot() -> str:
    """Every row of every survey table, to show that a refused upload wrote nothing."""
    return "".join(serializers.serialize("json", model.objects.order_by("pk")) for model in SURVEY_MODELS)


def demo_data() -> dict:
    return yaml.safe_load(DEMO_FILE.read_text())


def as_file(data: dict | str | bytes, name: str = "ddiq.yaml") -> SimpleUploadedFile:
    if isinstance(data, dict):
        data = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    if isinstance(data, str):
        data = data.encode()
    return SimpleUploadedFile(name, data, content_type="application/yaml")


def changed_demo() -> dict:
    """The demo with a question more on its last page, a finding less and a new title."""
    data = demo_data()
    data["title"] = "Digital IQ 2011"
    data["pages"][-1]["questions"].append({"code": "email", "type": "email", "label": "Your e-mail?"})
    data["findings"] = data["findings"][:1]
    return data


def text_of(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html)))


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def exported(slug: str, *args: str) -> str:
    out = io.StringIO()
    call_command("export_survey", slug, *args, stdout=out)
    return out.getvalue()


# --- Download -------------------------------------------------------------------------------


def test_it_downloads_the_open_version_as_export_survey_writes_it(alice, demo_survey):
    response = alice.get(url(demo_survey, "yaml_download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ddiq-2010-v1.yaml"'
    assert response.content.decode() == exported("ddiq-2010")
    assert response.content.decode() == DEMO_FILE.read_text()


def test_it_downloads_the_draft_by_default_and_any_version_chosen(alice, demo_survey):
    draft, _ = survey_draft_start(survey=demo_survey)
    survey_models.Question.objects.filter(version=draft, code="comments").update(label="Anything else?")
    draft_file = alice.get(url(demo_survey, "yaml_download")).content.decode()
    assert draft_file == definition_to_yaml(version_definition(draft))
    assert "Anything else?" in draft_file and "status: open" not in draft_file
    first = alice.get(url(demo_survey, "yaml_download"), {"version": "1"})
    assert first["Content-Disposition"] == 'attachment; filename="ddiq-2010-v1.yaml"'
    assert first.content.decode() == exported("ddiq-2010", "--version", "1")


def test_the_page_offers_every_version_with_the_draft_chosen(alice, demo_survey):
    survey_draft_start(survey=demo_survey)
    response = alice.get(url(demo_survey))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="2" selected>Version 2 — draft</option>' in html
    assert '<option value="1">Version 1 — open</option>' in html
    assert f'action="{url(demo_survey, "yaml_download")}"' in html


def test_an_unknown_version_is_told_not_served(alice, demo_survey):
    response = alice.get(url(demo_survey, "yaml_download"), {"version": "7"}, follow=True)
    assert response.redirect_chain == [(url(demo_survey), 302)]
    assert messages_of(response) == [f"“{demo_survey.title}” has no version 7: choose one of its versions."]


def test_a_survey_without_versions_has_nothing_to_download(alice, manager):
    survey = Survey.objects.create(slug="empty", title="Empty")
    survey.editors.add(manager)
    page = alice.get(url(survey))
    assert "has no version yet" in text_of(page)
    response = alice.get(url(survey, "yaml_download"), follow=True)
    assert messages_of(response) == ["“Empty” has no version to download yet."]


# --- Upload ---------------------------------------------------------------------------------


def test_an_upload_replaces_the_draft(alice, demo_survey):
    draft, _ = survey_draft_start(survey=demo_survey)
    Response.objects.create(survey=demo_survey, version=draft, submission_id="00000000-0000-0000-0000-000000000001",
                            is_test=True)
    response = alice.post(url(demo_survey), {"file": as_file(changed_demo())})
    assert response.status_code == 302
    assert response["Location"] == reverse("builder:outline", args=[demo_survey.slug])

    versions = list(demo_survey.versions.order_by("number"))
    assert [(v.number, v.status) for v in versions] == [(1, "open"), (2, "draft")]
    new_draft = versions[1]
    assert new_draft.pk != draft.pk  # the old draft went, with its test response
    assert not Response.objects.filter(version_id=draft.pk).exists()
    definition = version_definition(new_draft)
    assert "email" in definition.questions
    assert [f.code for f in survey_findings(demo_survey)] == [demo_data()["findings"][0]["code"]]
    assert Survey.objects.get(pk=demo_survey.pk).title == "Digital IQ 2011"
    assert "email" not in version_definition(versions[0]).questions  # the open version is as it was


def test_the_message_after_an_upload_sums_it_up_and_links_to_publish(alice, demo_survey):
    response = alice.post(url(demo_survey), {"file": as_file(changed_demo())})
    message = messages_of(response)[0]
    assert message.startswith(
        "“ddiq.yaml” is now the draft, version 2: 3 pages, 10 questions. The survey's findings, NETs and saved "
        "views are the file's (1 finding, 3 NETs, 1 saved view)."
    )
    publish = reverse("builder:publish", args=[demo_survey.slug])
    assert f'<a class="alert-link" href="{publish}">Review and publish it</a> when it is ready.' in message


def test_an_upload_without_a_draft_makes_one(alice, demo_survey):
    alice.post(url(demo_survey), {"file": as_file(changed_demo())})
    assert [(v.number, v.status) for v in demo_survey.versions.order_by("number")] == [(1, "open"), (2, "draft")]


def test_pasted_text_is_uploaded_as_a_file_is(alice, demo_survey):
    text = yaml.safe_dump(changed_demo(), sort_keys=False, allow_unicode=True)
    response = alice.post(url(demo_survey), {"text": text})
    assert messages_of(response)[0].startswith("The pasted definition is now the draft, version 2")
    assert "email" in version_definition(demo_survey.draft_version()).questions


def test_the_open_versions_own_file_gives_a_draft_equal_to_it(alice, demo_survey):
    draft, _ = survey_draft_start(survey=demo_survey)
    survey_models.Question.objects.filter(version=draft, code="comments").delete()
    alice.post(url(demo_survey), {"file": as_file(DEMO_FILE.read_bytes())})
    draft = demo_survey.draft_version()
    assert draft.number == 2
    open_version = demo_survey.open_version()
    assert version_definition(draft).pages == version_definition(open_version).pages


def test_the_files_status_never_publishes(alice, demo_survey):
    data = changed_demo()
    assert data["status"] == "open"
    alice.post(url(demo_survey), {"file": as_file(data)})
    assert demo_survey.open_version().number == 1
    assert demo_survey.draft_version().number == 2


def test_a_chosen_file_wins_over_the_text_box(alice, demo_survey):
    alice.post(url(demo_survey), {"file": as_file(changed_demo()), "text": "slug: [broken"})
    assert "email" in version_definition(demo_survey.draft_version()).questions


# --- Refused uploads: every problem placed, nothing written --------------------------------


def broken_demo() -> dict:
    """Five problems in four places: a matrix row twice, an unknown type (whose max_length
    then fits no type), a finding's condition and a NET."""
    data = demo_data()
    data["pages"][1]["questions"][0]["rows"].append(dict(data["pages"][1]["questions"][0]["rows"][0]))
    data["pages"][2]["questions"][-1]["type"] = "essay"
    data["findings"][0]["target"] = "role = nobody"
    data["nets"][0]["all_but"] = ["often"]
    return data


def test_every_problem_is_listed_with_its_place_and_nothing_is_written(alice, demo_survey):
    survey_draft_start(survey=demo_survey)
    before = snapshot()
    with pytest.raises(DefinitionError) as expected:
        definition_from_yaml(yaml.safe_dump(broken_demo()))
    assert len(expected.value.errors) == 5

    response = alice.post(url(demo_survey), {"file": as_file(broken_demo())})
    assert response.status_code == 400
    assert snapshot() == before
    text = text_of(response)
    assert f"Nothing was changed: “ddiq.yaml” has {len(expected.value.errors)} problems." in text
    for error in expected.value.errors:
        assert error in text, error
    # Each place in words, on its line of the file.
    lines = yaml.safe_dump(broken_demo(), sort_keys=False, allow_unicode=True).splitlines()
    essay = lines.index("    type: essay") + 1
    assert f"Page 3, question 4 (comments), type (line {essay}) pages[2].questions[3].type: unknown type" in text
    assert re.search(r"Page 2, question 1 \(company_usage\), rows \(line \d+\) pages\[1\]\.questions\[0\]\.rows: "
                     "duplicate code 'twitter'", text)
    assert re.search(r"Finding 1 \(\w+\), target \(line \d+\) findings\[0\]\.target: at position 0: 'nobody'", text)
    assert re.search(r"NET 1 \(\w+\), choices left out \(line \d+\) nets\[0\]\.all_but: 'often'", text)


def test_the_text_of_a_refused_file_is_kept_to_be_fixed_in_place(alice, demo_survey):
    response = alice.post(url(demo_survey), {"file": as_file(broken_demo())})
    assert response.context["form"]["text"].value() == yaml.safe_dump(broken_demo(), sort_keys=False,
                                                                       allow_unicode=True)
    assert "The text of the file is in the box below" in text_of(response)


def test_a_refused_paste_keeps_what_was_typed(alice, demo_survey):
    response = alice.post(url(demo_survey), {"text": "slug: ddiq-2010\ntitle: [unclosed\n"})
    assert response.status_code == 400
    assert "slug: ddiq-2010\ntitle: [unclosed\n</textarea>" in response.content.decode()
    assert "The file: not valid YAML" in text_of(response)


def test_a_file_of_another_survey_is_refused_and_that_survey_is_left_alone(alice, demo_survey, demo_definition):
    other = Survey.objects.create(slug="other", title="Other")
    data = changed_demo() | {"slug": "other"}
    before = snapshot()
    response = alice.post(url(demo_survey), {"file": as_file(data)})
    assert response.status_code == 400
    assert snapshot() == before
    assert not other.versions.exists()
    text = text_of(response)
    assert "Nothing was changed: “ddiq.yaml” has 1 problem." in text
    assert "Slug (line 1) survey.slug: the file is the definition of “other”, not of this survey (“ddiq-2010”)" in text


def test_the_service_refuses_another_surveys_definition(demo_survey, demo_definition):
    from dataclasses import replace

    with pytest.raises(SlugMismatch):
        survey_draft_replace(survey=demo_survey, definition=replace(demo_definition, slug="other"))


@pytest.mark.parametrize(("content", "expected"), [
    (b"x" * (MAX_BYTES + 1), "“big.yaml” is larger than 1 MB, the most a definition file may be"),
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "“big.yaml” is not a text file"),
    ("slug: ddiq-2010\ntitle: Café\n".encode("latin-1"), "“big.yaml” is not UTF-8 text (byte 27 cannot be read)"),
    (b"slug: ddiq-2010\n\ttitle: x\n", "The file: not valid YAML"),
    (b"- just\n- a list\n", "The survey: expected a mapping"),
    (b"", "The submitted file is empty."),
])
def test_files_that_are_not_definitions_are_told_so(alice, demo_survey, content, expected):
    before = snapshot()
    response = alice.post(url(demo_survey), {"file": SimpleUploadedFile("big.yaml", content)})
    assert response.status_code == 400
    assert expected in text_of(response)
    assert "Choose a definition file" not in text_of(response)
    assert snapshot() == before


def test_pasted_text_too_big_is_told_so(alice, demo_survey):
    response = alice.post(url(demo_survey), {"text": "# " + "x" * MAX_BYTES})
    assert response.status_code == 400
    assert "the text is larger than 1 MB, the most a definition file may be" in text_of(response)


def test_a_paste_larger_than_the_server_reads_is_told_so_on_the_page(alice, demo_survey, settings):
    # Beyond DATA_UPLOAD_MAX_MEMORY_SIZE the body is not even read: Django's bare 400 before.
    before = snapshot()
    response = alice.post(url(demo_survey), {"text": "# " + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
    assert response.status_code == 413
    text = text_of(response)
    assert "Nothing was changed: the pasted definition is larger than 1 MB, the most a definition may be" in text
    assert "Upload and replace" in text or "Upload as a new draft" in text  # the page, its form again
    assert snapshot() == before


def test_the_upload_still_checks_csrf(manager, demo_survey, settings):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    before = snapshot()
    forged = client.post(url(demo_survey), {"file": as_file(changed_demo())})
    assert forged.status_code == 403
    # Too big to read, the post is answered with the page and its message: nothing is written either way.
    big = client.post(url(demo_survey), {"text": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    assert big.status_code == 413
    assert snapshot() == before
    page = client.get(url(demo_survey))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    sent = client.post(url(demo_survey), {"csrfmiddlewaretoken": token, "file": as_file(changed_demo())})
    assert sent.status_code == 302
    assert Survey.objects.get(pk=demo_survey.pk).title == "Digital IQ 2011"


def test_a_paste_too_big_from_a_reader_is_still_refused(viewer, demo_survey, settings):
    demo_survey.viewers.add(viewer)
    client = Client()
    client.force_login(viewer)
    response = client.post(url(demo_survey), {"text": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    assert response.status_code == 403


def test_aliases_that_expand_beyond_any_survey_are_refused(alice, demo_survey):
    # Nine levels of nine aliases: 9**9 questions in a few hundred bytes.
    lines = ["a0: &a0 {code: q, type: short_text, label: Q}"]
    for level in range(1, 10):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    bomb = "\n".join(lines) + "\n"
    response = alice.post(url(demo_survey), {"text": bomb})
    assert response.status_code == 400
    assert f"expand to more than {MAX_VALUES:,} values" in text_of(response)


def test_a_few_aliases_are_fine(alice, demo_survey):
    data = changed_demo()
    role = data["pages"][0]["questions"][0]
    data["pages"][-1]["questions"].append(
        {"code": "role_again", "type": "single", "label": "Your role, again?", "choices": role["choices"]}
    )
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    assert "&id001" in text and "*id001" in text  # the choices are written once, then named
    assert alice.post(url(demo_survey), {"text": text}).status_code == 302
    assert "role_again" in version_definition(demo_survey.draft_version()).questions


def test_an_empty_form_asks_for_a_file(alice, demo_survey):
    response = alice.post(url(demo_survey), {"text": "  \n"})
    assert response.status_code == 400
    assert "Choose a definition file, or paste a definition." in text_of(response)


def test_places_are_put_in_words():
    assert place_in_words("pages[1].questions[0].rows") == "page 2, question 1, rows"
    assert place_in_words("views[0].highlight") == "saved view 1, highlighted cell"
    assert place_in_words("survey.slug") == "slug"
    assert place_in_words("file") == "the file"


# --- Who may do what ------------------------------------------------------------------------


def test_the_page_tells_an_editor_what_an_upload_replaces(alice, demo_survey):
    survey_draft_start(survey=demo_survey)
    response = alice.get(url(demo_survey))
    assert response.status_code == 200
    text = text_of(response)
    assert "replaces the draft, version 2" in text
    assert "findings, NETs and saved views with the file's" in text
    assert "its slug must be ddiq-2010" in text
    assert 'enctype="multipart/form-data"' in response.content.decode()


@pytest.fixture
def reader(client, demo_survey) -> User:
    """dave, a survey manager who may see the demo's results but is not one of its editors."""
    dave = User.objects.create_user("dave", password="pw-dave", is_staff=True)
    dave.groups.add(Group.objects.get(name="Survey managers"))
    demo_survey.viewers.add(dave)
    client.force_login(dave)
    return dave


def test_a_read_only_user_may_download_but_not_upload(client, reader, demo_survey):
    page = client.get(url(demo_survey))
    assert page.status_code == 200
    assert "You may download this survey's definition but not upload one" in text_of(page)
    assert 'method="post" action="' + url(demo_survey) not in page.content.decode()
    assert client.get(url(demo_survey, "yaml_download")).status_code == 200
    before = snapshot()
    assert client.post(url(demo_survey), {"file": as_file(changed_demo())}).status_code == 403
    assert snapshot() == before


def test_a_results_viewer_never_reaches_the_page(client, viewer, demo_survey):
    demo_survey.viewers.add(viewer)
    client.force_login(viewer)
    assert client.get(url(demo_survey)).status_code == 403
    assert client.get(url(demo_survey, "yaml_download")).status_code == 403
    assert client.post(url(demo_survey), {"file": as_file(changed_demo())}).status_code == 403
    assert demo_survey.draft_version() is None


def test_a_manager_who_does_not_edit_the_survey_gets_404(client, demo_survey):
    dave = User.objects.create_user("dave", password="pw-dave", is_staff=True)
    dave.groups.add(Group.objects.get(name="Survey managers"))
    client.force_login(dave)
    assert client.get(url(demo_survey)).status_code == 404
    assert client.post(url(demo_survey), {"file": as_file(changed_demo())}).status_code == 404


def test_an_anonymous_user_is_sent_to_sign_in(client, demo_survey):
    for response in (client.get(url(demo_survey)), client.get(url(demo_survey, "yaml_download")),
                     client.post(url(demo_survey), {"file": as_file(changed_demo())})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    assert demo_survey.draft_version() is None


def test_the_page_takes_a_fixed_number_of_queries(alice, demo_survey, django_assert_num_queries):
    for number in (2, 3, 4):
        SurveyVersion.objects.create(survey=demo_survey, number=number, status=SurveyVersion.Status.CLOSED)
    alice.get(url(demo_survey))  # the session and permissions warm up as on any page
    with django_assert_num_queries(QUERIES):
        assert alice.get(url(demo_survey)).status_code == 200


QUERIES = 7  # session, user, 2 x permissions, survey, its editors, its versions


def test_the_settings_page_links_here_and_to_the_preview(alice, demo_survey):
    html = alice.get(reverse("builder:settings", args=[demo_survey.slug])).content.decode()
    assert f'href="{url(demo_survey)}"' in html
    assert f'href="{url(demo_survey, "preview")}"' in html


# --- A new survey from a file (the create page) ---------------------------------------------

CREATE = reverse("builder:create")


def test_the_create_page_offers_to_start_from_a_file(alice):
    html = alice.get(CREATE).content.decode()
    assert 'value="upload"' in html
    assert 'type="file" name="definition_file"' in html
    assert 'enctype="multipart/form-data"' in html


def test_a_survey_is_created_from_an_uploaded_file(alice, manager, demo_survey):
    response = alice.post(CREATE, {"title": "Pulse 2011", "slug": "pulse-2011", "start": "upload",
                                   "definition_file": as_file(changed_demo())})
    assert response.status_code == 302
    assert response["Location"] == reverse("builder:outline", args=["pulse-2011"])
    survey = Survey.objects.get(slug="pulse-2011")
    assert survey.title == "Pulse 2011"  # the form's title and slug, not the file's
    assert list(survey.editors.all()) == [manager]
    version = survey.draft_version()
    assert version.number == 1
    assert "email" in version_definition(version).questions
    assert len(survey_findings(survey)) == 1
    assert version_definition(demo_survey.open_version()).title != "Pulse 2011"


def test_a_file_with_problems_creates_nothing_and_lists_them(alice):
    with pytest.raises(DefinitionError) as expected:
        definition_from_yaml(yaml.safe_dump(broken_demo()))
    response = alice.post(CREATE, {"title": "Pulse", "slug": "pulse", "start": "upload",
                                   "definition_file": as_file(broken_demo())})
    assert response.status_code == 200
    assert not Survey.objects.exists()
    text = text_of(response)
    assert f"Nothing was created: “ddiq.yaml” has {len(expected.value.errors)} problems." in text
    for error in expected.value.errors:
        assert error.removeprefix("survey.") in text, error
    assert 'value="pulse"' in response.content.decode()  # what was typed is kept


def test_starting_from_a_file_needs_one(alice):
    response = alice.post(CREATE, {"title": "Pulse", "slug": "pulse", "start": "upload"})
    assert response.context["form"].errors["definition_file"] == ["Choose the file to upload."]
    assert not Survey.objects.exists()


def test_a_binary_file_creates_nothing(alice):
    response = alice.post(CREATE, {"title": "Pulse", "slug": "pulse", "start": "upload",
                                   "definition_file": SimpleUploadedFile("sheet.xlsx", b"PK\x03\x04\0\0")})
    assert "“sheet.xlsx” is not a text file" in text_of(response)
    assert not Survey.objects.exists()
