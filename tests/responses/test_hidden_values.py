"""Hidden values of a respondent: from the public link's query string (kept from the
response's first save, through Back and resume), from the API payload, from the invitee
list's extra columns; and the outcome redirects that carry them back to a panel."""

import csv
import io
import json
import uuid

import pytest
from django.test import Client

from invitations.importing import invitations_import, parse_invitations_csv
from invitations.models import Invitation
from responses.models import Response
from surveys.definition_files import definition_from_data
from surveys.services import survey_import, version_close
from tests.kit.api import URL, submit
from tests.kit.demo import demo_answers, demo_data
from tests.kit.form import FORM, PAGE1, PAGE2, PAGE3, complete, post_page
from tests.kit.invitations import invite, token_header

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel_survey(demo_survey):
    """The demo survey with a new open version that declares the panel's hidden fields."""
    data = demo_data() | {"hidden_fields": [{"code": "rid"}, {"code": "src", "values": ["li", "tw"]}]}
    version, _ = survey_import(definition=definition_from_data(data))
    return version.survey


def arrive(client: Client, query: str):
    """Open the panel link; the survey's link sends the respondent on to their page."""
    response = client.get(f"{FORM}?{query}")
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def test_it_keeps_the_declared_values_of_the_link_from_the_first_save(client, panel_survey):
    arrive(client, "rid=abc&src=li&utm_source=mail")

    post_page(client, PAGE1)

    assert Response.objects.get().hidden == {"rid": "abc", "src": "li"}


def test_it_ignores_a_value_off_the_list_and_cuts_long_ones(client, panel_survey):
    arrive(client, f"rid={'x' * 500}&src=facebook")

    post_page(client, PAGE1)

    assert Response.objects.get().hidden == {"rid": "x" * 200}


def test_it_keeps_the_values_through_a_reload_back_and_resume(client, panel_survey):
    arrive(client, "rid=abc&src=tw")
    client.get(f"{FORM}p/1/")  # a reload of the first page, without the query string
    post_page(client, PAGE1)
    post_page(client, PAGE2)
    post_page(client, {}, action="back")
    resumed = Client()
    resumed.cookies["resume-ddiq-2010"] = client.cookies["resume-ddiq-2010"].value

    complete(resumed, pages=[PAGE2, PAGE3])

    response = Response.objects.get()
    assert response.is_complete and response.hidden == {"rid": "abc", "src": "tw"}


def test_it_stores_no_values_for_a_link_without_any(client, panel_survey):
    post_page(client, PAGE1)

    assert Response.objects.get().hidden == {}


def test_it_sends_a_panel_respondent_to_the_complete_redirect_with_their_values(client, panel_survey):
    panel_survey.redirect_complete = "https://panel.example/complete?rid={rid}&src={src}"
    panel_survey.save()
    arrive(client, "rid=a%20b%2Fc&src=li")

    last = complete(client)

    assert last["Location"] == "https://panel.example/complete?rid=a%20b%2Fc&src=li"


def test_it_thanks_a_respondent_without_values_on_our_own_page(client, panel_survey):
    panel_survey.redirect_complete = "https://panel.example/complete?rid={rid}"
    panel_survey.save()

    assert complete(client)["Location"] == f"{FORM}thanks/"


def test_it_sends_a_panel_respondent_arriving_at_a_closed_survey_to_the_closed_redirect(client, panel_survey):
    panel_survey.redirect_closed = "https://panel.example/closed?rid={rid}"
    panel_survey.save()
    version_close(version=panel_survey.open_version())

    response = client.get(f"{FORM}?rid=abc")

    assert response.status_code == 302 and response["Location"] == "https://panel.example/closed?rid=abc"
    assert Client().get(FORM).status_code == 410  # no values: our own closed page


def test_it_sends_a_panel_respondent_arriving_at_a_full_survey_to_the_closed_redirect(client, panel_survey):
    panel_survey.redirect_closed = "https://panel.example/closed?rid={rid}"
    panel_survey.response_cap = 1
    panel_survey.save()
    complete(Client())

    assert client.get(f"{FORM}?rid=abc")["Location"] == "https://panel.example/closed?rid=abc"


# --- The API ------------------------------------------------------------------------------


def _submit(client, hidden=None, **kwargs):
    answers = kwargs.pop("answers", None) or demo_answers()
    payload = {"submission_id": str(kwargs.pop("submission_id", uuid.uuid4())), "answers": answers}
    if hidden is not None:
        payload["hidden"] = hidden
    return client.post(URL, data=json.dumps(payload), content_type="application/json", **kwargs)


def test_it_stores_the_hidden_values_of_an_api_submission(client, panel_survey):
    panel_survey.redirect_complete = "https://panel.example/complete?rid={rid}"
    panel_survey.save()
    submission_id = uuid.uuid4()

    created = _submit(client, {"rid": "abc", "src": "li"}, submission_id=submission_id)
    replay = _submit(client, {"rid": "abc", "src": "li"}, submission_id=submission_id)

    assert created.status_code == 201 and replay.status_code == 200
    assert created.json()["outcome"] == "complete"
    assert created.json()["redirect"] == "https://panel.example/complete?rid=abc"
    assert replay.json() == created.json()
    assert Response.objects.get().hidden == {"rid": "abc", "src": "li"}


def test_it_refuses_an_undeclared_hidden_code_and_writes_nothing(client, panel_survey):
    response = _submit(client, {"rid": "abc", "respondent": "x"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["hidden.respondent"]
    assert not Response.objects.exists()


def test_it_refuses_a_value_off_the_list_and_the_built_in_code(client, panel_survey):
    response = _submit(client, {"src": "facebook", "external_id": "x"})

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "hidden.src": ["Expected one of li, tw."],
        "hidden.external_id": ["Filled from the invitation (X-Invitation-Token), not from the payload."],
    }


def test_it_still_takes_a_payload_without_hidden_values(client, demo_survey):
    response = submit(client)

    assert response.status_code == 201
    body = response.json()
    assert body["outcome"] == "complete" and "redirect" not in body


# --- Invitees -----------------------------------------------------------------------------


def test_it_keeps_an_invitee_csv_column_named_after_a_hidden_field(client, panel_survey):
    csv = b"email,external_id,rid,src\nada@example.org,p-1,r-9,tw\n"
    rows, errors = parse_invitations_csv(csv, survey=panel_survey)
    assert errors == []
    invitations_import(survey=panel_survey, rows=rows)
    invitation = Invitation.objects.get()
    assert invitation.hidden == {"rid": "r-9", "src": "tw"}
    panel_survey.redirect_complete = "https://panel.example/complete?rid={rid}&id={external_id}"
    panel_survey.save()

    last = complete(client, url=f"/i/{invitation.token()}/")

    assert Response.objects.get().hidden_values == {"rid": "r-9", "src": "tw", "external_id": "p-1"}
    assert last["Location"] == "https://panel.example/complete?rid=r-9&id=p-1"


def test_it_refuses_an_invitee_csv_value_off_the_list(panel_survey):
    _, errors = parse_invitations_csv(b"email,src\nada@example.org,facebook\n", survey=panel_survey)

    assert [str(e) for e in errors] == ["Line 2: src “facebook” is not one of li, tw"]


def test_it_copies_an_invitees_values_to_an_api_submission(client, panel_survey):
    _, token = invite(panel_survey, external_id="p-2", hidden={"rid": "r-2"})

    response = _submit(client, {"src": "li"}, **token_header(token))

    assert response.status_code == 201
    assert Response.objects.get().hidden_values == {"rid": "r-2", "src": "li", "external_id": "p-2"}


# --- The raw export -----------------------------------------------------------------------


@pytest.mark.parametrize("copy", [False, True], ids=["python", "copy"])
def test_it_exports_one_column_per_hidden_field(client, panel_survey, monkeypatch, copy):
    from results.exports import csv_stream
    from results.exports import rows as python_rows
    from results.exports.csv_stream import raw_csv_stream
    from results.exports.records import export_record
    from results.models import ExportRecord

    _submit(client, {"rid": "=cmd", "src": "li"})
    _submit(client, {})
    record = export_record(
        user=None, survey=panel_survey, kind=ExportRecord.Kind.RAW_CSV, parameters=None,
        status=ExportRecord.Status.PENDING,
    )
    with monkeypatch.context() as patch:
        patch.setattr(csv_stream, "USE_COPY", copy)
        if copy:
            patch.setattr(python_rows, "raw_row_chunks", None)
        rows = list(csv.reader(io.StringIO("".join(raw_csv_stream(record)).removeprefix("\ufeff"))))

    header = rows[0]
    assert header[:9] == [
        "response_id", "external_id", "version", "started_at", "completed_at", "duration_seconds", "quality_flags",
        "rid", "src",
    ]
    assert sorted((row[7], row[8]) for row in rows[1:]) == [("", ""), ("'=cmd", "li")]


# --- Conditions on hidden fields ------------------------------------------------------------


@pytest.fixture
def conditional_survey(demo_survey):
    """The panel copy whose company page is asked only of respondents who came from `li`."""
    data = demo_data() | {"hidden_fields": [{"code": "rid"}, {"code": "src", "values": ["li", "tw"]}]}
    data["pages"][1]["condition"] = "src = li"
    version, _ = survey_import(definition=definition_from_data(data))
    return version.survey


def test_it_shows_a_page_by_a_hidden_value_in_the_form(conditional_survey):
    from_li, from_tw = Client(), Client()
    arrive(from_li, "src=li")
    arrive(from_tw, "src=tw")

    assert post_page(from_li, PAGE1)["Location"] == f"{FORM}p/2/"
    assert post_page(from_tw, PAGE1)["Location"] == f"{FORM}p/3/"
    assert from_tw.get(f"{FORM}p/2/")["Location"] == f"{FORM}p/3/"  # not asked
    assert complete(from_tw, pages=[PAGE3])["Location"] == f"{FORM}thanks/"


def test_it_evaluates_a_hidden_value_in_an_api_submission(client, conditional_survey):
    without_company = demo_answers(company_usage=None)

    refused = _submit(client, {"src": "li"}, answers=without_company)
    taken = _submit(client, {"src": "tw"}, answers=without_company)
    not_asked = _submit(client, {"src": "tw"})

    assert refused.status_code == 400 and "company_usage" in str(refused.json()["errors"])
    assert taken.status_code == 201
    assert not_asked.status_code == 400 and "company_usage" in not_asked.json()["errors"]
