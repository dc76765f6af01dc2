"""The app's URLs plus two bare Django views, each the limit of the stack for a benchmark:

- /bench/bare/<n>/: a bare page (a form with a CSRF token, GET and a POST answered as the
  survey form answers it: with the next page when `in_place` is posted as 1, as a browser
  running page-url.js posts it, else by a redirect) through the same middleware, templates
  and gunicorn, touching no database. bench/form times it beside the survey form.
- /bench/insert/: a JSON POST that inserts one row (its submission id and body) into
  `bench_insert`, a table bench/intake creates (bench.common.BARE_INSERT_TABLE), answered
  201: through the same middleware, gunicorn and database as the intake API. bench/intake
  times it beside the API.
"""

import json
import uuid

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template import engines
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import handler400, handler500
from config.urls import urlpatterns as app_urlpatterns

BARE_PAGES = 3
_page = engines["django"].from_string(
    '<!doctype html><html lang="en"><head><title>Bare page {{ n }}</title></head><body><main>'
    '<form method="post" action="{% url "bench_bare" n %}">{% csrf_token %}'
    '<input type="hidden" name="page" value="{{ n }}"><input type="hidden" name="in_place" value="" data-in-place>'
    '<label for="answer">Answer</label><input id="answer" name="answer">'
    '<button type="submit">Next</button></form></main></body></html>'
)


def bare_page(request: HttpRequest, n: int) -> HttpResponse:
    if request.method == "POST":
        request.POST.get("answer")
        if request.POST.get("in_place") == "1":
            return HttpResponse(_page.render({"n": n + 1}, request)) if n < BARE_PAGES else bare_done(request)
        return redirect("bench_bare", n=n + 1) if n < BARE_PAGES else redirect("bench_bare_done")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return HttpResponse(_page.render({"n": n}, request))


def bare_done(request: HttpRequest) -> HttpResponse:
    return HttpResponse('<!doctype html><html lang="en"><head><title>Done</title></head><body>Done</body></html>')


@csrf_exempt  # as the intake API, which authenticates nobody
def bare_insert(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        body = json.loads(request.body)
        submission_id = uuid.UUID(body["submission_id"])
    except (ValueError, TypeError, KeyError):
        return JsonResponse({"errors": {"body": ["Expected a JSON object with a `submission_id`."]}}, status=400)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_insert (submission_id, body) VALUES (%s, %s) RETURNING id",
                       [submission_id, json.dumps(body)])
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id, "submission_id": str(submission_id)}, status=201)


urlpatterns = [
    path("bench/insert/", bare_insert, name="bench_insert"),
    path("bench/bare/<int:n>/", bare_page, name="bench_bare"),
    path("bench/bare/done/", bare_done, name="bench_bare_done"),
    *app_urlpatterns,
]
__all__ = ["handler400", "handler500", "urlpatterns"]
