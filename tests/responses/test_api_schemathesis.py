"""An outside client's view of the API: schemathesis reads /api/schema/ from the live test
server, generates requests for every operation (valid ones, and ones the schema says are
invalid) and checks each answer: never a 5xx, and every status code, content type, body
and header as the schema documents them.

The demo survey is imported, and half of the requests name it, so that the answers cover
more than "no such survey"; the findings and responses APIs are called with a viewer's API token."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]
EXAMPLES_PER_OPERATION = 60
EXPECTED_OPERATIONS = {
    "GET /api/v1/surveys/{slug}/",
    "POST /api/v1/surveys/{slug}/responses/",
    "GET /api/v1/surveys/{slug}/findings/",
    "GET /api/v1/surveys/{slug}/responses/",
}


@pytest.fixture
def token(viewer, demo_survey) -> str:
    demo_survey.viewers.add(viewer)
    return Token.objects.create(user=viewer).key


def _operations(schema) -> dict[str, object]:
    operations = {f"{op.method.upper()} {op.path}": op for op in (r.ok() for r in schema.get_all_operations())}
    assert set(operations) == EXPECTED_OPERATIONS
    return operations


def _check(live_server, cases, headers: dict) -> set[int]:
    """Run the checks on generated cases; the status codes seen."""
    seen: set[int] = set()

    # Derandomized: the same requests on every run, so that CI's answer does not depend on luck.
    @settings(
        max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases, authenticated=st.booleans())
    def call(case, authenticated):
        response = case.call_and_validate(
            base_url=live_server.url, headers=headers if authenticated else None, checks=CHECKS
        )
        seen.add(response.status_code)

    call()
    return seen


def test_it_answers_valid_requests_as_its_schema_documents(live_server, demo_survey, token):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")

    seen = {}
    for name, operation in _operations(schema).items():
        cases = operation.as_strategy() | operation.as_strategy(path_parameters={"slug": demo_survey.slug})
        seen[name] = _check(live_server, cases, {"Authorization": f"Token {token}"})

    # Not only "no such survey": each operation's answers include its main outcomes.
    assert {200, 404} <= seen["GET /api/v1/surveys/{slug}/"]
    assert {200, 401, 404} <= seen["GET /api/v1/surveys/{slug}/findings/"]
    assert {400, 404} <= seen["POST /api/v1/surveys/{slug}/responses/"]
    assert {200, 400, 401, 404} <= seen["GET /api/v1/surveys/{slug}/responses/"]


def test_it_refuses_invalid_submissions_as_its_schema_documents(live_server, demo_survey, token):
    # Only the submission has something to get wrong: the other operations take one
    # string in the path, and no string is outside the schema.
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    operation = _operations(schema)["POST /api/v1/surveys/{slug}/responses/"]

    cases = operation.as_strategy(GenerationMode.NEGATIVE, path_parameters={"slug": demo_survey.slug})
    assert 400 in _check(live_server, cases, {})
