"""Pages of the app's own for failures that Django would otherwise answer with its own
templates: Django's CSRF failure page carries an inline <style>, which the
Content-Security-Policy (style-src 'self') blocks, leaving the page unstyled."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # `reason` is for developers (it names the missing cookie or token); the page says
    # what a user can do about it.
    return render(request, "403_csrf.html", status=403)
