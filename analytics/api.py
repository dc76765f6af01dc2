"""The findings API: GET /api/v1/surveys/<slug>/findings/ (staff, session or token)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.access import survey_for_results
from analytics.selectors import survey_findings


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    statement = serializers.CharField()
    count = serializers.IntegerField()
    base = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True, help_text="Unrounded, 0-100; null for a base of 0.")
    percent_display = serializers.CharField(help_text='Rounded half up, as on pages ("63%").')
    ci_low = serializers.FloatField(allow_null=True, help_text="95% Wilson interval, as a fraction.")
    ci_high = serializers.FloatField(allow_null=True)


class AsOfSerializer(serializers.Serializer):
    responses_counted = serializers.IntegerField()
    at = serializers.DateTimeField(allow_null=True)


class FindingsSerializer(serializers.Serializer):
    as_of = AsOfSerializer()
    last_reconciled_at = serializers.DateTimeField(allow_null=True)
    findings = FindingSerializer(many=True)


class FindingsView(APIView):
    # Token first: an anonymous request then gets 401 with a WWW-Authenticate header.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: FindingsSerializer}, summary="The survey's findings as counted now")
    def get(self, request, slug: str):
        survey = survey_for_results(request.user, slug)
        data = survey_findings(survey)
        body = {
            "as_of": {"responses_counted": data.responses_counted, "at": data.last_counted_at},
            "last_reconciled_at": data.last_reconciled_at,
            "findings": [
                {
                    "code": f.code,
                    "statement": f.statement,
                    "count": f.count,
                    "base": f.base,
                    "percent": f.percent,
                    "percent_display": f.percent_display,
                    "ci_low": f.interval[0] if f.interval else None,
                    "ci_high": f.interval[1] if f.interval else None,
                }
                for f in data.findings
            ],
        }
        return Response(FindingsSerializer(body).data)
