"""A database that cannot be reached answers 503 with Retry-After, not 500.

During a PostgreSQL outage (a restart, a failover, a network cut) every request that
touches the database raises `OperationalError`. That is no bug of the request: the client
should try again shortly, and a respondent should read that their answers were not lost
because they were not taken. Django reconnects by itself on the next request
(`CONN_HEALTH_CHECKS`), so nothing else is needed once the database is back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10
MESSAGE = "The service is briefly unavailable; nothing was stored. Please try again in a few seconds."


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable, answering 503 to %s %s: %s", request.method, request.path, exception)
        if request.path.startswith("/api/"):
            # The API's one error envelope (responses/api_errors.py) written out here:
            # this layer sits below the apps and imports none of them.
            response: HttpResponse = JsonResponse({"errors": {"service": [MESSAGE]}}, status=503)
        else:
            # Rendered without the request: its context processors would ask the database.
            response = HttpResponse(render_to_string("503.html", {"message": MESSAGE}), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
