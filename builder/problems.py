"""Validation problems in plain words, each with a link to where it is fixed.

`surveys.services.version_validate` reports problems as the definition format does, with
places such as `pages[1].questions[0].rows: duplicate code 'twitter'`. Here each place
becomes the page or question it names (in position order, as the definition lists them)
and a link into the outline (`?edit=<pk>#question-<pk>`, `#page-<pk>`); findings, NETs
and saved views link to their section of the findings page (builder:findings), hidden
fields to theirs (builder:hidden).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from django.urls import reverse
from django.utils.text import Truncator

from surveys.definition import SurveyDef
from surveys.models import Page, Question, Survey, SurveyVersion

PART_NAMES = {
    "code": "code",
    "label": "text",
    "type": "type",
    "condition": "display condition",
    "help_text": "help text",
    "required": "required setting",
    "segment": "segment setting",
    "personal_data": "personal-data setting",
    "min": "minimum",
    "max": "maximum",
    "max_length": "maximum length",
    "choices": "choices",
    "rows": "rows",
    "questions": "questions",
    "title": "title",
    "exclusive": "exclusive setting",
    "specify": "text box setting",
    "statement": "statement",
    "base": "base",
    "target": "target",
    "question": "question",
    "all_but": "choices left out",
    "row": "row variable",
    "column": "column variable",
    "highlight": "highlighted cell",
}
ITEM_NAMES = {"choices": "choice", "rows": "row", "findings": "finding", "nets": "NET", "views": "saved view",
              "hidden_fields": "hidden field"}
_STEP = re.compile(r"(\w+)(?:\[(\d+)\])?")


@dataclass(frozen=True)
class Problem:
    where: str  # "Page 2, question 1 “How often…”"
    text: str  # "two choices have the code “twitter”: change one of them."
    url: str | None
    place: str  # as version_validate gave it

    def __str__(self) -> str:
        return f"{self.where}: {self.text}"


class ProblemPlaces:
    """The draft's pages and questions in position order, to turn places into links."""

    def __init__(self, survey: Survey, version: SurveyVersion, definition: SurveyDef | None = None) -> None:
        self.survey = survey
        self.definition = definition
        self.pages = list(Page.objects.filter(version=version).order_by("position", "pk"))
        by_page: dict[int, list[Question]] = defaultdict(list)
        for question in Question.objects.filter(version=version).order_by("page__position", "position", "pk"):
            by_page[question.page_id].append(question)
        self.questions = [by_page[page.pk] for page in self.pages]
        self.question_pks = {q.code: q.pk for page in self.questions for q in page}
        self.outline = reverse("builder:outline", args=[survey.slug])

    def question_url(self, code: str) -> str | None:
        pk = self.question_pks.get(code)
        return f"{self.outline}?edit={pk}#question-{pk}" if pk else None

    def page_url(self, index: int) -> str | None:
        return f"{self.outline}#page-{self.pages[index].pk}" if index < len(self.pages) else None

    def problems(self, errors: list[str]) -> list[Problem]:
        return [self.problem(error) for error in errors]

    def problem(self, error: str) -> Problem:
        place, _, message = error.partition(": ")
        steps = [(m[1], int(m[2]) if m[2] else None) for m in _STEP.finditer(place)]
        head, index = steps[0] if steps else ("", None)
        rest = steps[1:]
        if head == "pages" and index is not None and index < len(self.pages):
            if rest and rest[0][0] == "questions" and rest[0][1] is not None:
                return self._question_problem(place, index, rest[0][1], rest[1:], message)
            return Problem(self._page_name(index), _sentence(rest, message), self.page_url(index), place)
        if head == "hidden_fields" and index is not None:
            url = f"{reverse('builder:hidden', args=[self.survey.slug])}#hidden-fields"
            return Problem(self._item_name(head, index), _sentence(rest, message), url, place)
        if head in ("findings", "nets", "views") and index is not None:
            url = f"{reverse('builder:findings', args=[self.survey.slug])}#{head}"
            return Problem(self._item_name(head, index), _sentence(rest, message), url, place)
        # The survey as a whole ("survey.pages: must not be empty"), or a place we cannot map.
        if rest and rest[0][0] == "pages" and message == "must not be empty":
            return Problem("The survey", "has no pages yet: add one.", self.outline, place)
        return Problem("The survey", _sentence(rest, message), self.outline, place)

    def _question_problem(self, place: str, p: int, q: int, rest: list, message: str) -> Problem:
        questions = self.questions[p]
        if q >= len(questions):
            return Problem(self._page_name(p), _sentence(rest, message), self.page_url(p), place)
        question = questions[q]
        label = Truncator(question.label).chars(60) if question.label.strip() else "(no text yet)"
        where = f"Page {p + 1}, question {q + 1} “{label}”"
        url = f"{self.outline}?edit={question.pk}#question-{question.pk}"
        return Problem(where, _sentence(rest, message), url, place)

    def _item_name(self, kind: str, index: int) -> str:
        name = f"{ITEM_NAMES[kind][:1].upper()}{ITEM_NAMES[kind][1:]} {index + 1}"
        items = getattr(self.definition, kind, ()) if self.definition else ()
        if index < len(items):
            item = items[index]
            text = getattr(item, "statement", None) or getattr(item, "label", None) or item.code
            name += f" “{Truncator(text).chars(60)}”"
        return name

    def _page_name(self, p: int) -> str:
        title = self.pages[p].title
        return f"Page {p + 1} “{Truncator(title).chars(60)}”" if title else f"Page {p + 1}"


def _sentence(rest: list[tuple[str, int | None]], message: str) -> str:
    """The message in plain words, naming the part of the thing the place points into."""
    subject = ""
    for name, index in rest:
        if index is not None and name in ITEM_NAMES:
            subject = f"{ITEM_NAMES[name]} {index + 1}"
        elif subject:
            subject = f"{subject}: its {PART_NAMES.get(name, name)}"
        else:
            subject = f"its {PART_NAMES.get(name, name)}"
    if missing := re.fullmatch(r"missing '(\w+)'", message):
        part = missing[1]
        text = f"has no {part} yet: add at least one" if part in ("choices", "rows", "questions") else (
            f"has no {PART_NAMES.get(part, part)}"
        )
        return f"{subject}: {text}." if subject else f"{text}."
    if message == "must not be empty":
        return f"{subject} is empty." if subject else "is empty."
    if duplicate := re.fullmatch(r"duplicate code '([^']*)'", message):
        if rest and rest[-1][0] in ITEM_NAMES and rest[-1][1] is None:
            return f"two {rest[-1][0]} have the code “{duplicate[1]}”: change one of them."
    if also := re.fullmatch(r"duplicate code '([^']*)' \(also at pages\[(\d+)\]\.questions\[(\d+)\]\)", message):
        return (
            f"its code “{also[1]}” is also the code of question {int(also[3]) + 1} on page {int(also[2]) + 1}:"
            " change one of them."
        )
    text = f"{subject}: {message}" if subject else message
    return text if text.endswith(".") else f"{text}."
