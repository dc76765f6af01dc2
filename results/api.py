"""The findings API: GET /api/v1/surveys/<slug>/findings/ (staff, session or token).

Refusals are in the intake API's envelope, `{"errors": {key: [message, ...]}}`."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from responses.api import SLUG_PARAMETER
from responses.api_errors import JSONAPIView, error_responses, errors_response
from results.access import survey_for_results
from results.selectors import survey_findings

UNKNOWN_SURVEY = "There is no survey with this code, or it is not shared with you."


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    statement = serializers.CharField()
    count = serializers.IntegerField(allow_null=True, help_text="null when suppressed.")
    base = serializers.IntegerField(help_text="Given even when the rest is suppressed.")
    percent = serializers.FloatField(
        allow_null=True, help_text="Unrounded, 0-100; null for a base of 0 and when suppressed."
    )
    percent_display = serializers.CharField(
        allow_null=True, help_text='Rounded half up, as on pages ("63%"); "—" for a base of 0; null when suppressed.'
    )
    ci_low = serializers.FloatField(allow_null=True, help_text="95% Wilson interval, as a fraction.")
    ci_high = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField(
        help_text="The base is above 0 and under the minimum base (MIN_BASE_FOR_PERCENT, 5 by default): "
        "count, percentage and interval are null, as the pages show “—” for them."
    )


class AsOfSerializer(serializers.Serializer):
    responses_counted = serializers.IntegerField()
    at = serializers.DateTimeField(allow_null=True)


class FindingsSerializer(serializers.Serializer):
    as_of = AsOfSerializer()
    last_reconciled_at = serializers.DateTimeField(allow_null=True)
    findings = FindingSerializer(many=True)


class FindingsView(JSONAPIView):
    # Token first: an anonymous request then gets 401 with a WWW-Authenticate header.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="survey_findings",
        summary="The survey's findings as counted now",
        parameters=[SLUG_PARAMETER],
        responses={
            200: FindingsSerializer,
            **error_responses({
                401: "No credentials, or a wrong API token (`Authorization: Token <key>`).",
                403: "The user has no permission to view results (or a session request without its CSRF token).",
                404: "There is no survey with this code, or it is not shared with the user.",
            }),
        },
    )
    def get(self, request, slug: str):
        try:
            survey = survey_for_results(request.user, slug)
        except Http404:
            # Unknown and not shared read the same: the survey's existence is not revealed.
            return errors_response(status.HTTP_404_NOT_FOUND, {"survey": UNKNOWN_SURVEY})
        data = survey_findings(survey)
        body = {
            "as_of": {"responses_counted": data.responses_counted, "at": data.last_counted_at},
            "last_reconciled_at": data.last_reconciled_at,
            "findings": [
                {
                    "code": f.code,
                    "statement": f.statement,
                    "base": f.base,
                    "suppressed": f.suppressed,
                    **(
                        {"count": None, "percent": None, "percent_display": None, "ci_low": None, "ci_high": None}
                        if f.suppressed else {
                            "count": f.count,
                            "percent": f.percent,
                            "percent_display": f.percent_display,
                            "ci_low": f.interval[0] if f.interval else None,
                            "ci_high": f.interval[1] if f.interval else None,
                        }
                    ),
                }
                for f in data.findings
            ],
        }
        return Response(FindingsSerializer(body).data)
