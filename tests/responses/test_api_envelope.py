"""Every answer under /api/ is JSON in the one envelope, `{"errors": {key: [message]}}`,
and every refusal an endpoint can give is in the OpenAPI schema: unknown addresses, an
oversized or malformed body, a wrong media type or method, and the findings API's
401/403/404."""

import json
import uuid

import pytest
from django.test import RequestFactory

from responses.api_errors import NO_ENDPOINT, SERVER_ERROR, bad_request, server_error
from tests.kit.api import URL
from tests.kit.demo import demo_answers

pytestmark = pytest.mark.django_db
FINDINGS_URL = "/api/v1/surveys/ddiq-2010/findings/"


def _envelope(response, status: int) -> dict[str, list[str]]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == ["errors"]
    assert all(isinstance(m, str) for messages in body["errors"].values() for m in messages)
    return body["errors"]


@pytest.mark.parametrize("path", ["/api/", "/api/v1/", "/api/v2/surveys/ddiq-2010/", "/api/v1/nothing/here/"])
@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_it_answers_an_unknown_api_address_with_a_json_404(client, path, method):
    errors = _envelope(getattr(client, method)(path), 404)

    assert errors == {"request": [NO_ENDPOINT]}


def test_it_names_the_address_with_its_trailing_slash(client, demo_survey):
    errors = _envelope(client.post(URL.rstrip("/"), data="{}", content_type="application/json"), 404)

    assert errors == {"request": [f"{NO_ENDPOINT} Did you mean {URL} (with the trailing slash)?"]}


def test_it_leaves_pages_outside_the_api_to_django(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_it_answers_a_body_over_the_upload_limit_with_413_in_the_envelope(client, demo_survey, settings):
    body = json.dumps({"submission_id": str(uuid.uuid4()), "answers": demo_answers(comments="x" * 10_000_000)})

    errors = _envelope(client.post(URL, data=body, content_type="application/json"), 413)

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert errors == {"body": [f"The request body is larger than the {limit} bytes allowed."]}


@pytest.mark.parametrize(("body", "content_type", "status", "key"), [
    ("{not json", "application/json", 400, "body"),
    ("[" * 100_000, "application/json", 400, "body"),
    ("a=b", "application/x-www-form-urlencoded", 415, "request"),
    ("<answers/>", "application/xml", 415, "request"),
])
def test_it_refuses_a_malformed_body_or_another_media_type_in_the_envelope(client, demo_survey, body, content_type,
                                                                           status, key):
    errors = _envelope(client.post(URL, data=body, content_type=content_type), status)

    assert list(errors) == [key]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_it_refuses_another_method_in_the_envelope(client, demo_survey, method):
    response = getattr(client, method)(URL)

    assert _envelope(response, 405) == {"request": [f'Method "{method.upper()}" not allowed.']}
    assert response["Allow"] == "GET, POST, HEAD, OPTIONS"  # GET: the responses API (results)


def test_it_answers_json_whatever_the_accept_header(client, demo_survey):
    response = client.get(FINDINGS_URL, HTTP_ACCEPT="text/html")

    assert list(_envelope(response, 401)) == ["request"]


# --- The findings API's refusals -------------------------------------------------------


def test_it_refuses_anonymous_findings_requests_with_401_in_the_envelope(client, demo_survey):
    response = client.get(FINDINGS_URL)

    assert _envelope(response, 401) == {"request": ["Authentication credentials were not provided."]}
    assert response["WWW-Authenticate"].startswith("Token")


def test_it_refuses_a_wrong_token_with_401_in_the_envelope(client, demo_survey):
    errors = _envelope(client.get(FINDINGS_URL, HTTP_AUTHORIZATION="Token wrong"), 401)

    assert errors == {"request": ["Invalid token."]}


def test_it_refuses_findings_without_the_results_permission_with_403_in_the_envelope(client, outsider, demo_survey):
    demo_survey.viewers.add(outsider)
    client.force_login(outsider)

    assert _envelope(client.get(FINDINGS_URL), 403) == {"request": ["You do not have permission to view results."]}


@pytest.mark.parametrize("slug", ["ddiq-2010", "nope"])
def test_it_answers_404_in_the_envelope_for_a_survey_unknown_or_not_shared(client, viewer, demo_survey, slug):
    client.force_login(viewer)

    errors = _envelope(client.get(f"/api/v1/surveys/{slug}/findings/"), 404)

    assert errors == {"survey": ["There is no survey with this code, or it is not shared with you."]}


def test_it_documents_the_findings_refusals_in_the_schema(client):
    operation = client.get("/api/schema/?format=json").json()["paths"]["/api/v1/surveys/{slug}/findings/"]["get"]

    assert set(operation["responses"]) == {"200", "401", "403", "404"}
    for status in ("401", "403", "404"):
        schema = operation["responses"][status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Errors"}


def test_it_leaves_the_schema_address_and_the_catch_all_out_of_the_schema(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]

    assert set(paths) == {
        "/api/v1/surveys/{slug}/", "/api/v1/surveys/{slug}/responses/", "/api/v1/surveys/{slug}/findings/",
    }


# --- The schema's own refusals, and Django's ---------------------------------------------


@pytest.mark.parametrize(("request_kwargs", "status"), [
    ({"path": "/api/schema/?format=xml"}, 404),
    ({"path": "/api/schema/", "HTTP_ACCEPT": "text/html"}, 406),
])
def test_it_refuses_schema_requests_in_the_envelope_not_in_yaml(client, request_kwargs, status):
    assert list(_envelope(client.get(**request_kwargs), status)) == ["request"]


def test_it_answers_a_disallowed_host_under_the_api_in_the_envelope(client, settings):
    settings.ALLOWED_HOSTS = ["surveys.example.org"]

    errors = _envelope(client.get("/api/v1/surveys/ddiq-2010/", HTTP_HOST="evil.example.com"), 400)

    assert errors == {"request": ["The request could not be understood."]}


def test_it_answers_a_server_error_under_the_api_in_the_envelope():
    request = RequestFactory().get("/api/v1/surveys/ddiq-2010/")

    response = server_error(request)

    assert (response.status_code, response["Content-Type"]) == (500, "application/json")
    assert json.loads(response.content) == {"errors": {"request": [SERVER_ERROR]}}


def test_it_keeps_django_error_pages_outside_the_api():
    request = RequestFactory().get("/results/")

    assert server_error(request)["Content-Type"].startswith("text/html")
    assert bad_request(request, Exception())["Content-Type"].startswith("text/html")
