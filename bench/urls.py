"""The app's URLs plus /bench/bare/<n>/: a bare Django page (a form with a CSRF token,
GET and a POST answered by a redirect, PRG as the survey form does) through the same
middleware, templates and gunicorn, touching no database. bench/form times it beside the
survey form as the limit of the stack."""

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template import engines
from django.urls import path

from config.urls import handler400, handler500
from config.urls import urlpatterns as app_urlpatterns

BARE_PAGES = 3
_page = engines["django"].from_string(
    '<!doctype html><html lang="en"><head><title>Bare page {{ n }}</title></head><body><main>'
    '<form method="post" action="{{ request.path }}">{% csrf_token %}'
    '<input type="hidden" name="page" value="{{ n }}">'
    '<label for="answer">Answer</label><input id="answer" name="answer">'
    '<button type="submit">Next</button></form></main></body></html>'
)


def bare_page(request: HttpRequest, n: int) -> HttpResponse:
    if request.method == "POST":
        request.POST.get("answer")
        return redirect("bench_bare", n=n + 1) if n < BARE_PAGES else redirect("bench_bare_done")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return HttpResponse(_page.render({"n": n}, request))


def bare_done(request: HttpRequest) -> HttpResponse:
    return HttpResponse('<!doctype html><html lang="en"><head><title>Done</title></head><body>Done</body></html>')


urlpatterns = [
    path("bench/bare/<int:n>/", bare_page, name="bench_bare"),
    path("bench/bare/done/", bare_done, name="bench_bare_done"),
    *app_urlpatterns,
]
__all__ = ["handler400", "handler500", "urlpatterns"]
