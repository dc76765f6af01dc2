"""The responses API: GET /api/v1/surveys/<slug>/responses/?since=<cursor> pages through a
survey's ended responses in the order they were committed (results/response_feed.py).

Read with the findings API's access: an API token or a session, the results permission
and the survey shared with the user; refusals in the intake API's envelope. The address
is the intake's (POST submits a response there): one view answers both, choosing the
authentication and the permission by method.

The cursor is a response's number (`completed_seq`), handed out under the survey's
sequence lock in the completion's transaction: a reader that asks again with the `next`
it was given sees every response exactly once, even those that committed late.
"""

from __future__ import annotations

import logging

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from responses.api import SLUG_PARAMETER, ResponseCreateView
from responses.api_errors import error_responses, errors_response
from results.access import survey_for_results
from results.api import UNKNOWN_SURVEY
from results.response_feed import MAX_PAGE, OUTCOMES, FeedQuery, responses_feed

logger = logging.getLogger(__name__)

DEFAULT_PAGE = 100
LARGEST_CURSOR = 2**63 - 1  # PostgreSQL's bigint


class FeedQuerySerializer(serializers.Serializer):
    """The query string, checked: its errors are the 400's, keyed by parameter."""

    since = serializers.IntegerField(
        required=False, default=0, min_value=0, max_value=LARGEST_CURSOR,
        help_text="A cursor: responses numbered after it (0, the default, from the first). "
        "Pass the `next` of the previous page.",
    )
    limit = serializers.IntegerField(
        required=False, default=DEFAULT_PAGE, min_value=1, max_value=MAX_PAGE,
        help_text=f"Responses per page (default {DEFAULT_PAGE}).",
    )
    outcome = serializers.CharField(
        required=False, default=OUTCOMES[0], max_length=100,
        help_text=f"Comma-separated outcomes to list, of {', '.join(OUTCOMES)} (default complete). "
        "Partial responses are never listed.",
    )
    include_excluded = serializers.BooleanField(
        required=False, default=False, help_text="Also list responses excluded from results."
    )
    personal_data = serializers.BooleanField(
        required=False, default=False,
        help_text="Include answers to personal-data questions (e-mail questions and questions marked "
        "personal data); left out by default.",
    )

    def validate_outcome(self, value: str) -> tuple[str, ...]:
        outcomes = tuple(dict.fromkeys(o.strip() for o in value.split(",") if o.strip()))
        if not outcomes or any(o not in OUTCOMES for o in outcomes):
            raise serializers.ValidationError(f"Expected some of {', '.join(OUTCOMES)}, comma-separated.")
        return outcomes


class FeedResponseSerializer(serializers.Serializer):
    cursor = serializers.IntegerField(help_text="This response's number: pass it as `since` to read after it.")
    id = serializers.UUIDField()
    submission_id = serializers.UUIDField()
    version = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=list(OUTCOMES))
    ended_by = serializers.CharField(allow_null=True, help_text="The screen-out or quota that ended it, by code.")
    excluded = serializers.BooleanField(help_text="Excluded from results (listed only with include_excluded).")
    flags = serializers.ListField(
        child=serializers.CharField(), help_text="Data-quality flags by code (README, \"Data quality\"); [] for none."
    )
    started_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField()
    hidden = serializers.DictField(child=serializers.CharField(), help_text="Hidden field values by code.")
    answers = serializers.DictField(
        child=serializers.JSONField(), help_text="Answers by question code, in the shape the intake API takes."
    )


class FeedSerializer(serializers.Serializer):
    responses = FeedResponseSerializer(many=True)
    next = serializers.IntegerField(help_text="The cursor to ask from next (`since`): the last response's, "
                                    "or the `since` given when the page is empty.")
    more = serializers.BooleanField(help_text="More responses follow at once after this page.")


class ResponsesView(ResponseCreateView):
    """POST: the intake (anonymous respondents); GET: the responses feed (staff)."""

    def _intake(self) -> bool:
        # Only reads need credentials: any other method is the intake's (a PUT gets its 405,
        # not a 401). The schema generator asks before it has set a request.
        return getattr(self.request, "method", None) not in ("GET", "HEAD")

    def get_authenticators(self):
        if self._intake():
            return super().get_authenticators()
        # Token first: an anonymous request then gets 401 with a WWW-Authenticate header.
        return [TokenAuthentication(), SessionAuthentication()]

    def get_permissions(self):
        if self._intake():
            return super().get_permissions()
        return [IsAuthenticated()]

    @extend_schema(
        operation_id="responses_list",
        summary="The survey's ended responses, in the order they were committed",
        description="Page with `since`: ask again with the `next` of each page. A response completed "
        "while you read gets a number after every response already listed, so none is skipped or repeated.",
        parameters=[SLUG_PARAMETER, FeedQuerySerializer],
        responses={
            200: FeedSerializer,
            **error_responses({
                400: "A parameter is not valid (keyed by its name).",
                401: "No credentials, or a wrong API token (`Authorization: Token <key>`).",
                403: "The user has no permission to view results.",
                404: "There is no survey with this code, or it is not shared with the user.",
            }),
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        try:
            survey = survey_for_results(request.user, slug)
        except Http404:
            return errors_response(status.HTTP_404_NOT_FOUND, {"survey": UNKNOWN_SURVEY})
        checked = FeedQuerySerializer(data=request.query_params)
        if not checked.is_valid():
            return errors_response(status.HTTP_400_BAD_REQUEST, checked.errors)
        query = FeedQuery(**checked.validated_data)
        if query.personal_data:
            # As the export's record does: a trace of who took personal data.
            logger.info("responses API: %s read personal data of %s", request.user.get_username(), survey.slug)
        page = responses_feed(survey, query)
        body = {"responses": page.responses, "next": page.next, "more": page.more}
        response = Response(FeedSerializer(body).data)
        response["Cache-Control"] = "private, no-store"
        return response
