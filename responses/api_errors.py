"""The one error envelope of everything under /api/: `{"errors": {key: [message, ...]}}`.

Keys are question codes, `question.row`, or one of `submission_id`, `survey`, `invitation`,
`body` (the request body as a whole) and `request` (anything else: method, media type,
authentication, permission, address). Every API view answers its refusals through
`errors_response`; DRF's own refusals (401, 403, 405, 415, parse errors, ...) go through
`errors_exception_handler` (the REST_FRAMEWORK EXCEPTION_HANDLER); an address under /api/
that matches no endpoint reaches `NotFoundView`; and Django's own 400 and 500 answers are
JSON there too (`bad_request`, `server_error`, config/urls.py's handlers), so that a client
never has to parse an HTML page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.views import defaults
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound, ParseError, PermissionDenied
from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response as APIResponse
from rest_framework.views import APIView, exception_handler

from responses.serializers import ErrorsSerializer

API_PREFIX = "/api/"
NO_ENDPOINT = "There is no API endpoint at this address."
TOO_BIG = "The request body is larger than the {limit} bytes allowed."
SERVER_ERROR = "Something went wrong on our side; the request was not carried out. Please try again later."
BAD_REQUEST = "The request could not be understood."


def _printable(key: str) -> str:
    # Unknown question and row codes are echoed back as error keys; a lone surrogate
    # (legal in JSON, "\\ud800") cannot be encoded as UTF-8 and would break the response.
    return key.encode("utf-8", "backslashreplace").decode("utf-8")


def _messages(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(m) for m in value]
    return [str(value)]


def errors_body(errors: Mapping[str, Any]) -> dict[str, dict[str, list[str]]]:
    """The envelope of `errors` (key -> a message or a list of them). A nested mapping
    (a DRF serializer's errors for a nested field) is flattened to dotted keys."""
    flat: dict[str, list[str]] = {}

    def add(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for key, inner in value.items():
                add(f"{prefix}.{key}" if prefix else str(key), inner)
        else:
            flat.setdefault(_printable(prefix or "request"), []).extend(_messages(value))

    add("", errors)
    return {"errors": flat}


def errors_response(status_code: int, errors: Mapping[str, Any], headers: dict | None = None) -> APIResponse:
    """A refusal from an API view, in the envelope."""
    return APIResponse(errors_body(errors), status=status_code, headers=headers)


def errors_exception_handler(exc: Exception, context: dict) -> APIResponse | None:
    """DRF's refusals (401, 403, 404, 405, 415, 429, parse errors) and a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE, in the envelope; anything else stays a server error."""
    if isinstance(exc, RequestDataTooBig):
        # Django would answer its HTML 400 page; 413 says what is wrong.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return errors_response(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, {"body": TOO_BIG.format(limit=limit)})
    # As DRF's own handler does, but before it, so that the message is put in the envelope too.
    if isinstance(exc, Http404):
        exc = NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = PermissionDenied(*exc.args)
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, APIException):
        return response
    detail = exc.detail
    if not isinstance(detail, Mapping):
        detail = {"body" if isinstance(exc, ParseError) else "request": detail}
    response.data = errors_body(detail)
    return response


def error_responses(descriptions: Mapping[int, str]) -> dict[int, OpenApiResponse]:
    """Schema entries for refusals: status code -> the envelope, with when it is given."""
    return {code: OpenApiResponse(ErrorsSerializer, description=text) for code, text in descriptions.items()}


class JSONOnly(BaseContentNegotiation):
    """Always JSON, whatever the Accept header says: a respondent's text is never
    rendered into an HTML page here, and a sloppy client still gets its answer (not 406)."""

    def select_parser(self, request, parsers):
        return DefaultContentNegotiation().select_parser(request, parsers)

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class StrictJSONParser(JSONParser):
    """DRF's JSON parser, also refusing bodies nested too deep for Python's json module
    (which raises RecursionError, not ValueError, and would otherwise give a 500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None


class JSONAPIView(APIView):
    """The base of every API view: JSON in and out only, so there is no browsable HTML
    page that could echo a respondent's text, and refusals in the envelope (the
    exception handler is also the project's default: see REST_FRAMEWORK)."""

    parser_classes = [StrictJSONParser]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnly

    def get_exception_handler(self):
        return errors_exception_handler


@extend_schema(exclude=True)
class NotFoundView(JSONAPIView):
    """Every address under /api/ that no endpoint matches, whatever the method."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound(_not_found_message(request.path))


def _not_found_message(path: str) -> str:
    if not path.endswith("/"):
        try:
            match = resolve(path + "/")
        except Resolver404:
            match = None
        # APPEND_SLASH cannot redirect here (this view matches), and a redirected POST
        # would lose its body anyway: say what the address should have been.
        if match is not None and getattr(match.func, "view_class", None) is not NotFoundView:
            return f"{NO_ENDPOINT} Did you mean {path}/ (with the trailing slash)?"
    return NO_ENDPOINT


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema (YAML or JSON); its refusals (an unknown `?format=`, an
    unsatisfiable Accept header, another method) in the JSON envelope, not in YAML."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: Django's refusals before a view ran (a disallowed Host, a body over
    the size limit read outside DRF), as JSON under /api/."""
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        body = errors_body({"body": TOO_BIG.format(limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)})
        return JsonResponse(body, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    return JsonResponse(errors_body({"request": BAD_REQUEST}), status=status.HTTP_400_BAD_REQUEST)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a bug is still logged as one, and an API client gets JSON it can read."""
    if not _is_api(request):
        return defaults.server_error(request)
    return JsonResponse(errors_body({"request": SERVER_ERROR}), status=status.HTTP_500_INTERNAL_SERVER_ERROR)
