"""Checks the outline asks for as the author types (htmx): a condition against the
questions asked before its place, with the parser's positioned message."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from builder.access import builder_view
from builder.forms.outline import ConditionScope, condition_message, condition_problem
from builder.views.outline.change import edited
from builder.views.outline.structure import find_question, outline_pages, page_in

CONDITION_MAX = 2000


@builder_view
def condition_check(request: HttpRequest, slug: str) -> HttpResponse:
    """`?condition=...&question=<id>` (or `&page=<id>`): the message to show under the field."""
    _, version = edited(request, slug)
    text = request.GET.get("condition", "")[:CONDITION_MAX].strip()
    question_id, page_id = request.GET.get("question", ""), request.GET.get("page", "")
    pages = outline_pages(version)
    if question_id.isdigit():
        scope = ConditionScope.at(pages, question=find_question(pages, int(question_id)))
    elif page_id.isdigit():
        page = page_in(version, int(page_id))
        scope = ConditionScope.at(pages, page=page)
    else:
        return HttpResponse("", status=400)
    problem = condition_problem(text, scope)
    context = {"text": text, "problem": problem}
    if problem is not None:
        context["message"] = condition_message(problem)
        if 0 <= problem.position <= len(text):
            context["before"], context["at"], context["after"] = (
                text[: problem.position], text[problem.position: problem.position + 1] or " ",
                text[problem.position + 1:],
            )
    return render(request, "builder/outline/_condition_message.html", context)
