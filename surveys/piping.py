"""Piping: earlier answers shown inside question texts.

A question's text, help text, choice and row labels and scale end labels may name an
earlier answer: `How often does your [[industry]] company use Twitter?` shows the label the
respondent chose for `industry` (the labels joined, "A, B and C", for several choices; the
number, date or text as entered otherwise; a hidden field's value as it came). When there
is no answer (skipped, hidden by a condition, a hidden field not given), the text after
`|` shows instead: `[[industry|your]]`; without one, nothing (an empty string, so that a
text reads as written when the author gives no fallback). `\\[[` writes `[[` literally.
Double brackets cannot be confused with the `{code}` placeholders of e-mails and
redirects.

A text may only name what is answered before its page is shown (`asked_before`): a
question on an earlier page outside the text's own shuffled block (surveys.ordering), or
a hidden field (known from the start); never the question itself, one on the same page,
another page of its shuffled block or a later page. `problems` reports the others with their
place, as the definition format reports every problem.

The respondent's form renders a page with a marker in place of each piped answer
(`pipe_page`), so that the rendered skeleton (responses.rendering) is the same for every
respondent, and puts the escaped answers in afterwards (`PipedPage.html`). Results,
exports and the API keep the raw text; results pages and the structure preview show each
reference as its code in brackets (`readable`: "How often does your [industry] company…"):
the code says which answer it stands for, where a fallback or a label would read as if
every respondent had seen it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from surveys.types.base import is_empty

if TYPE_CHECKING:
    from surveys.definition import PageDef, QuestionDef, SurveyDef

# `\[[` (a literal "[["), `[[code]]` or `[[code|fallback]]`, or a "[[" that is neither.
_TOKEN = re.compile(r"\\\[\[|\[\[([^\[\]|]*)(?:\|([^\[\]]*))?\]\]|\[\[")
_CODE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$")
# Private-use characters (not the rendering cache's own): escaping leaves them as they are.
_MARK = "\ue002{}\ue003"
_MARKED = re.compile("\ue002(\\d+)\ue003")
_PIPED_TEXTS = ("label", "help_text", "low_label", "high_label")


class PipingError(ValueError):
    """A text whose brackets are not a well-formed reference."""


@dataclass(frozen=True)
class Ref:
    """`[[code|fallback]]`: the answer to show, and what shows without one."""

    code: str
    fallback: str = ""

    def __str__(self) -> str:
        return f"[[{self.code}]]"


@lru_cache(maxsize=4096)
def parse(text: str) -> tuple[str | Ref, ...]:
    """The text as literal pieces (brackets unescaped) and references."""
    parts: list[str | Ref] = []
    position = 0
    for match in _TOKEN.finditer(text):
        parts.append(text[position:match.start()])
        position = match.end()
        token = match.group()
        if token == "\\[[":
            parts.append("[[")
            continue
        if token == "[[":
            raise PipingError(
                "'[[' without a well-formed '[[code]]' or '[[code|fallback]]' after it (write \\[[ to show '[[')"
            )
        code = match.group(1).strip()
        if not _CODE.match(code):
            raise PipingError(f"[[{match.group(1)}]] does not name a code (letters, digits, '_' and '-')")
        parts.append(Ref(code, match.group(2) or ""))
    parts.append(text[position:])
    return tuple(p for p in parts if p != "")


def _shown_parts(text: str) -> tuple[str | Ref, ...]:
    """The parts of a text to show. A text the checks never saw (corrected in place on a
    published version, a version stored before piping) shows as written rather than fail."""
    try:
        return parse(text)
    except PipingError:
        return (text,)


def references(text: str) -> list[Ref]:
    return [p for p in parse(text) if isinstance(p, Ref)] if "[[" in text else []


def question_texts(question: QuestionDef) -> Iterator[tuple[str, str]]:
    """(place inside the question, text) of every text of it that may pipe."""
    for name in _PIPED_TEXTS:
        yield name, getattr(question, name)
    for i, choice in enumerate(question.choices):
        yield f"choices[{i}].label", choice.label
    for i, row in enumerate(question.rows):
        yield f"rows[{i}].label", row.label


# --- What a text may name -----------------------------------------------------------------


def block_start(pages: Sequence[PageDef], index: int) -> int:
    """The first page of the shuffled block holding page `index` (itself when in none):
    consecutive pages naming the same `shuffle_block` are shown in a random order, so none
    of them is asked before another."""
    block = pages[index].shuffle_block
    while block and index > 0 and pages[index - 1].shuffle_block == block:
        index -= 1
    return index


def codes_before(pages: Sequence[PageDef], page: int, question: int | None = None) -> set[str]:
    """The questions answered before a condition's place whatever order the respondent
    draws, as the import checks it (surveys.definition_files): those of the pages before
    the place's shuffled block and, for the question at `question` on page `page`, those
    before it on that page unless the page shuffles its questions or is in a block."""
    before = {q.code for p in pages[: block_start(pages, page)] for q in p.questions}
    here = pages[page]
    if question is not None and not (here.shuffle_questions or here.shuffle_block):
        before.update(q.code for q in here.questions[:question])
    return before


def asked_order(pages: Sequence[PageDef], hidden_codes: Iterable[str]) -> dict[str, int]:
    """Each question's place in the order of asking: its page's index, the first page's of its
    shuffled block for a page in one; each hidden field's -1 (known before the first page)."""
    order = {code: -1 for code in hidden_codes}
    order.update((q.code, block_start(pages, p)) for p, page in enumerate(pages) for q in page.questions)
    return order


def asked_before(order: Mapping[str, int], source: str, question: str) -> bool:
    """Whether `source` is answered before `question`'s page is shown, whatever order the
    respondent draws: the one rule of what a text may pipe (`surveys.ordering`)."""
    return source in order and question in order and order[source] < order[question]


def problems(pages: Sequence[PageDef], hidden_codes: Iterable[str]) -> list[tuple[str, str]]:
    """(place, message) of every reference a text may not make."""
    order = asked_order(pages, hidden_codes)
    page_of = {q.code: p for p, page in enumerate(pages) for q in page.questions}
    questions = {q.code: q for page in pages for q in page.questions}
    found = []
    for p, page in enumerate(pages):
        for q, question in enumerate(page.questions):
            for part, text in question_texts(question):
                place = f"pages[{p}].questions[{q}].{part}"
                try:
                    refs = references(text)
                except PipingError as exc:
                    found.append((place, str(exc)))
                    continue
                for ref in refs:
                    message = _reference_problem(ref, question.code, order, page_of, questions)
                    if message:
                        found.append((place, f"{ref} {message}"))
    return found


def _reference_problem(ref: Ref, question: str, order: Mapping[str, int], page_of: Mapping[str, int],
                       questions: Mapping[str, QuestionDef]) -> str | None:
    if ref.code not in order:
        return "names no question or hidden field"
    if ref.code == question:
        return "names this question itself: its answer is not known when it is asked"
    if not asked_before(order, ref.code, question):
        if page_of[ref.code] == page_of[question]:
            where = "on the same page"
        elif order[ref.code] == order[question]:
            where = "in the same shuffled block (its pages are shown in a random order)"
        else:
            where = "on a later page"
        return (f"names a question {where}: its answer is not known when this page is shown"
                " (move it to an earlier page)")
    source = questions.get(ref.code)
    if source is not None and not source.question_type.pipes:
        return "names a question answered row by row: its answer cannot be shown in a text"
    return None


# --- Showing answers -------------------------------------------------------------------


def answer_text(ref: Ref, answers: Mapping[str, Any], survey: SurveyDef) -> str:
    """What `ref` shows (unescaped): the answer in words, else its fallback."""
    value = answers.get(ref.code)
    if is_empty(value):
        return ref.fallback
    question = survey.questions.get(ref.code)
    return str(value) if question is None else question.question_type.piped_text(question, value)


def render_text(text: str, answers: Mapping[str, Any], survey: SurveyDef) -> str:
    """`text` with its references filled in, as plain text (for a template to escape)."""
    if "[[" not in text:
        return text
    return "".join(p if isinstance(p, str) else answer_text(p, answers, survey) for p in _shown_parts(text))


def render(text: str, answers: Mapping[str, Any], survey: SurveyDef) -> SafeString:
    """`text` with its references filled in, escaped."""
    return mark_safe(escape(render_text(text, answers, survey)))


def readable(text: str) -> str:
    """`text` for those who read results: each reference as its code in brackets
    ("your [industry] company"), literal brackets unescaped; a malformed text as written."""
    if "[[" not in text:
        return text
    return "".join(p if isinstance(p, str) else f"[{p.code}]" for p in _shown_parts(text))


@dataclass(frozen=True)
class PipedPage:
    """A page's questions with a marker for each reference in their texts (the same for
    every respondent), and what each marker shows for this respondent (unescaped)."""

    questions: list[QuestionDef]
    values: tuple[str, ...] = ()

    def html(self, rendered: str) -> SafeString:
        """HTML rendered from `questions` with the answers in place, escaped."""
        return mark_safe(_MARKED.sub(lambda m: escape(self.values[int(m[1])]), rendered))

    def text(self, text: str) -> str:
        """Plain text made from `questions` (a message naming one) with the answers in place."""
        return _MARKED.sub(lambda m: self.values[int(m[1])], text)


def pipe_page(questions: Sequence[QuestionDef], answers: Mapping[str, Any], survey: SurveyDef) -> PipedPage:
    """The page's questions ready to render for this respondent (see `PipedPage`)."""
    if not any("[[" in text for q in questions for _, text in question_texts(q)):
        return PipedPage(list(questions))
    values: list[str] = []

    def marked(text: str) -> str:
        if "[[" not in text:
            return text
        pieces = []
        for part in _shown_parts(text):
            if isinstance(part, str):
                pieces.append(part)
            else:
                pieces.append(_MARK.format(len(values)))
                values.append(answer_text(part, answers, survey))
        return "".join(pieces)

    piped = [retexted(q, marked) for q in questions]
    return PipedPage(piped, tuple(values))


def readable_question(question: QuestionDef) -> QuestionDef:
    """`question` with its texts `readable`, as results show it (itself when nothing pipes)."""
    if not any("[[" in text for _, text in question_texts(question)):
        return question
    return retexted(question, readable)


def readable_survey(survey: SurveyDef) -> SurveyDef:
    """`survey` with every question `readable_question` (the structure preview shows where an
    answer goes, with no respondent's answers to show)."""
    pages = tuple(dataclasses.replace(page, questions=tuple(readable_question(q) for q in page.questions))
                  for page in survey.pages)
    return dataclasses.replace(survey, pages=pages)


def retexted(question: QuestionDef, change: Callable[[str], str]) -> QuestionDef:
    """`question` with `change` applied to each of its texts that may pipe."""
    return dataclasses.replace(
        question, **{name: change(getattr(question, name)) for name in _PIPED_TEXTS},
        choices=tuple(dataclasses.replace(c, label=change(c.label)) for c in question.choices),
        rows=tuple(dataclasses.replace(r, label=change(r.label)) for r in question.rows),
    )
