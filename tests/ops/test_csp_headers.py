"""Every kind of page answers with the Content-Security-Policy, and nothing the app renders
itself needs an exception to it (tests/browser/test_csp.py checks the pages in Chromium)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from results.charts import Bar, Stack, bar_chart, daily_chart, histogram_chart, stacked_chart

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
}


FRAMED_BY_APP = ("test mode", "preview")


def _policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    directives = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in directives}


@pytest.fixture
def pages(demo_survey) -> dict[str, str]:
    from invitations.models import Invitation

    invitation = Invitation.objects.create(survey=demo_survey, email="ada@example.org")
    version = demo_survey.open_version()
    return {
        "home": "/",
        "login": "/accounts/login/",
        "form": "/s/ddiq-2010/",
        "thanks": "/s/ddiq-2010/thanks/",
        "invitation form": f"/i/{invitation.token()}/",
        "invitation opt-out": f"/i/{invitation.token()}/opt-out/",
        "unknown invitation (404)": f"/i/{'x' * 43}/",
        "test mode": f"/s/ddiq-2010/preview/{version.pk}/",
        "preview": f"/preview/{version.pk}/",
        "results overview": "/results/ddiq-2010/",
        "results questions": "/results/ddiq-2010/questions/",
        "results question": "/results/ddiq-2010/questions/personal_use/",
        "results compare": "/results/ddiq-2010/compare/",
        "results crosstab": "/results/ddiq-2010/crosstab/",
        "results live refresh": "/results/ddiq-2010/version/",
        "methods": "/results/methods/",
        "exports": "/results/ddiq-2010/exports/",
        "admin": "/admin/",
        "admin changelist": "/admin/surveys/surveyversion/",
        "admin change page": f"/admin/surveys/surveyversion/{version.pk}/change/",
        "api schema": "/api/schema/",
        "not found": "/no-such-page/",
    }


@pytest.mark.parametrize(
    "kind",
    [
        "home", "login", "form", "thanks", "invitation form", "invitation opt-out", "unknown invitation (404)",
        "test mode", "preview", "results overview", "results questions", "results question", "results compare",
        "results crosstab", "results live refresh", "methods", "exports", "admin", "admin changelist",
        "admin change page", "api schema", "not found",
    ],
)
def test_it_sends_the_policy_on_every_kind_of_page(admin_client, pages, kind):
    response = admin_client.get(pages[kind])
    assert response.status_code < 500
    # The builder's preview frames these two (core/framing.py): only pages of the app may.
    framed = kind in FRAMED_BY_APP
    assert _policy(response) == POLICY | ({"frame-ancestors": "'self'"} if framed else {})
    assert response.headers["X-Frame-Options"] == ("SAMEORIGIN" if framed else "DENY")


def test_it_sends_the_policy_to_anonymous_visitors_and_on_redirects(client, demo_survey):
    response = client.get("/results/ddiq-2010/")
    assert response.status_code == 302  # to the login page
    assert _policy(response) == POLICY
    response = client.post("/s/ddiq-2010/", {"page": "0", "action": "next"})
    assert response.status_code == 200
    assert _policy(response) == POLICY


def test_it_agrees_with_x_frame_options(client):
    response = client.get("/accounts/login/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert _policy(response)["frame-ancestors"] == "'none'"


def test_it_keeps_inline_scripts_styles_and_event_handlers_out_of_the_templates():
    """The policy would block them: data goes into data-* attributes read by static/js,
    widths and counts into classes (static/css)."""
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = re.sub(r"\{#.*?#\}", "", path.read_text())  # template comments are not rendered
        for pattern in (r"\sstyle\s*=", r"<style\b", r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+\s*=",
                        r"javascript:", r"hx-on\b", r"hx-trigger=\"[^\"]*\["):
            offenders += [f"{path.relative_to(TEMPLATES)}: {m.group(0)!r}" for m in re.finditer(pattern, text)]
    assert offenders == []


def test_it_draws_charts_without_style_attributes():
    bars = [Bar("Yes", 60.0, "60%"), Bar("No", 40.0, "40%")]
    charts = [
        bar_chart("c1", "Bars", bars),
        stacked_chart("c2", "Stacks", [Stack("Row", bars)], ["Yes", "No"]),
        histogram_chart("c3", "Histogram", bars),
        daily_chart("c4", "Daily", [(date(2026, 1, 1), 3), (date(2026, 1, 3), 5)]),
    ]
    for svg in charts:
        assert "style" not in svg and "<script" not in svg and "javascript:" not in svg
