"""The JSON intake API: read an open survey's definition, submit a complete response.

Every refusal has the same shape, `{"errors": {key: [message, ...]}}`, keyed by question
code, `question.row`, or one of `submission_id`, `survey`, `invitation`, `body`, `request`;
a request is refused before anything is written. The views stay thin: the envelope is checked by a
serializer, availability by `responses.selectors`, and the answers by `response_submit`.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response as APIResponse

from core.clients import client_ip_to_store
from invitations.models import Invitation
from invitations.selectors import InvitationThrottled, invitation_for_request
from responses.api_errors import JSONAPIView, error_responses
from responses.api_errors import errors_response as _errors
from responses.hidden import hidden_errors, hidden_of_invitation
from responses.quotas import QuotaFull
from responses.ratelimit import submission_allowed
from responses.selectors import FULL, survey_availability, survey_with_open_version
from responses.serializers import (
    SubmissionSerializer,
    SubmittedSerializer,
    SurveyDefinitionSerializer,
)
from responses.services import InvitationAnswered, InvitationWithdrawn, SubmissionConflict, response_submit
from surveys.models import Survey, SurveyVersion
from surveys.selectors import compiled_version

UNKNOWN_SURVEY = "There is no survey with this code."
NOT_AN_OBJECT = "Expected a JSON object with `submission_id` and `answers`."
RATE_LIMITED = "Too many submissions from your address; please try again later."
# One answer for a missing, wrong, expired, revoked or erased token: which it was stays unsaid.
INVALID_INVITATION = "A valid X-Invitation-Token header is needed to answer this survey."
INVITATION_THROTTLED = "Too many invalid invitation tokens from your address; please try again later."

SLUG_PARAMETER = OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The survey's code.")
INVITATION_TOKEN_PARAMETER = OpenApiParameter(
    "X-Invitation-Token", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="The token of a personal invitation link (`/i/<token>/`). Required by invitation-only "
    "surveys, to read the definition as to submit; when sent, it must be valid for this survey.",
)


def _lookup(slug: str) -> tuple[Survey | None, SurveyVersion | None, APIResponse | None]:
    survey, version = survey_with_open_version(slug)
    if survey is None:
        return None, None, _errors(status.HTTP_404_NOT_FOUND, {"survey": [UNKNOWN_SURVEY]})
    unavailable = survey_availability(survey, version)
    if unavailable is not None:
        return survey, version, _errors(unavailable.status, {"survey": [unavailable.message]})
    return survey, version, None


def _invitation(request: Request, survey: Survey) -> tuple[Invitation | None, APIResponse | None]:
    """The invitation of the X-Invitation-Token header (None without one, where the survey
    allows that), or the refusal to answer with. A token that is sent must be valid."""
    token = request.headers.get("X-Invitation-Token", "")
    if not token and survey.is_public:
        return None, None
    try:
        invitation = invitation_for_request(request, token, survey=survey) if token else None
    except InvitationThrottled as exc:
        headers = {"Retry-After": str(exc.retry_after)}
        return None, _errors(status.HTTP_429_TOO_MANY_REQUESTS, {"invitation": [INVITATION_THROTTLED]}, headers)
    if invitation is None:
        return None, _errors(status.HTTP_403_FORBIDDEN, {"invitation": [INVALID_INVITATION]})
    return invitation, None


_REFUSALS = error_responses({
    400: "The body or the answers are not valid; errors by question code or `question.row`.",
    403: "The survey is not open yet, or the invitation token is missing (invitation-only survey) or "
         "not valid: wrong, expired, revoked or for another survey.",
    404: "There is no survey with this code.",
    409: "This submission id was used before with different answers, or the invitation was already answered.",
    410: "The survey is closed: no open version, past its closing time, or at its response cap.",
    413: "The body is larger than the server accepts (DATA_UPLOAD_MAX_MEMORY_SIZE).",
    415: "The body is not sent as `application/json`.",
    429: "Too many submissions, or too many invalid invitation tokens, from this address.",
})


# One serializer for every answer to a submission: making one per request deep-copies its
# fields, which cost more CPU than the three INSERTs of the submission together; its
# to_representation keeps no state between calls.
_SUBMITTED = SubmittedSerializer()


class IntakeAPIView(JSONAPIView):
    # Respondents are anonymous. With no authentication class DRF never looks at the
    # session, so the CSRF check (which only protects session-authenticated requests)
    # does not apply, and a cross-site post can do nothing a direct one could not.
    authentication_classes: list = []
    permission_classes = [AllowAny]


class SurveyDefinitionView(IntakeAPIView):
    @extend_schema(
        operation_id="survey_definition",
        summary="The open version of a survey, by code",
        description="Answered to exactly those who may submit: an invitation-only survey needs a valid "
        "`X-Invitation-Token`, as its submissions do.",
        parameters=[
            SLUG_PARAMETER,
            INVITATION_TOKEN_PARAMETER,
        ],
        responses={
            200: SurveyDefinitionSerializer, 403: _REFUSALS[403], 404: _REFUSALS[404], 410: _REFUSALS[410],
            429: _REFUSALS[429],
        },
    )
    def get(self, request: Request, slug: str) -> APIResponse:
        # The definition is shown exactly when submissions are taken, and to whoever may
        # submit: a client renders a form only for a survey it can answer, a survey is not
        # public before it opens, and an invitation-only questionnaire only to invitees.
        survey, version, refusal = _lookup(slug)
        if refusal is not None:
            return refusal
        _, refusal = _invitation(request, survey)
        if refusal is not None:
            return refusal
        pages = compiled_version(version).definition.pages
        shown = {"slug": survey.slug, "title": survey.title, "version": version.number, "pages": pages}
        return APIResponse(SurveyDefinitionSerializer(shown).data)


class ResponseCreateView(IntakeAPIView):
    @extend_schema(
        operation_id="response_create",
        summary="Submit a complete response",
        description=(
            "Idempotent on `submission_id`: sending the same id with the same answers again returns the "
            "first response (200); with different answers it is refused (409). With an `X-Invitation-Token` "
            "the response is that invitee's one response: once it is complete, another submission is "
            "refused (409)."
        ),
        parameters=[
            SLUG_PARAMETER,
            INVITATION_TOKEN_PARAMETER,
        ],
        request=SubmissionSerializer,
        responses={
            201: OpenApiResponse(SubmittedSerializer, description="The response was stored."),
            200: OpenApiResponse(SubmittedSerializer, description="The same submission again: the stored response."),
            **_REFUSALS,
        },
    )
    def post(self, request: Request, slug: str) -> APIResponse:
        if not submission_allowed(request):
            retry_after = str(settings.SUBMIT_RATE_LIMIT[1])
            return _errors(status.HTTP_429_TOO_MANY_REQUESTS, {"request": [RATE_LIMITED]}, {"Retry-After": retry_after})
        survey, version, refusal = _lookup(slug)
        if refusal is not None:
            return refusal

        invitation, refusal = _invitation(request, survey)
        if refusal is not None:
            return refusal

        data = request.data  # parse errors become 400 (413 if too big) through errors_exception_handler
        if not isinstance(data, dict):
            return _errors(status.HTTP_400_BAD_REQUEST, {"body": [NOT_AN_OBJECT]})
        envelope = SubmissionSerializer(data=data)
        if not envelope.is_valid():
            return _errors(status.HTTP_400_BAD_REQUEST, envelope.errors)
        definition = compiled_version(version).definition
        hidden = envelope.validated_data.get("hidden", {})
        refused = hidden_errors(definition, hidden)
        if refused:
            return _errors(status.HTTP_400_BAD_REQUEST, refused)

        try:
            result = response_submit(
                survey=survey,
                version=version,
                submission_id=envelope.validated_data["submission_id"],
                answers=envelope.validated_data["answers"],
                ip_address=client_ip_to_store(request),
                invitation=invitation,
                # The invitee's attributes, then what the payload says.
                hidden_values=hidden_of_invitation(definition, invitation) | {k: v for k, v in hidden.items() if v},
            )
        except SubmissionConflict as exc:
            return _errors(status.HTTP_409_CONFLICT, {"submission_id": [str(exc)]})
        except InvitationAnswered as exc:
            return _errors(status.HTTP_409_CONFLICT, {"invitation": [str(exc)]})
        except InvitationWithdrawn:  # erased or revoked since the token was checked
            return _errors(status.HTTP_403_FORBIDDEN, {"invitation": [INVALID_INVITATION]})
        except QuotaFull:  # the last places went to others since the availability check
            return _errors(status.HTTP_410_GONE, {"survey": [FULL]})
        if result.errors:
            return _errors(status.HTTP_400_BAD_REQUEST, result.errors)

        response = result.response
        if response.version_id == version.pk:
            response.version = version  # a replay: spare the query for the version number
        response.redirect = survey.redirect(response.outcome, response.hidden_values)
        return APIResponse(
            _SUBMITTED.to_representation(response),
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )
