"""Which pages of a questionnaire a respondent sees, given their answers so far: page and
question conditions evaluated on the server (the browser's script only mirrors them for
questions that depend on answers on the same page), Back/Next across hidden pages, which
page a respondent may open (`page_to_open`), and where a page stands among those that
will or may still be shown (`page_outlook`, for the progress and the button label).

Pages come in the respondent's order (`order`, drawn by surveys.ordering: a shuffled
block's pages in their drawn order); a page keeps its index in the definition, which is
what URLs and `Response.current_page` name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from responses.forms import browser_leaf, combine, condition_json
from responses.services import raw_answers
from responses.validation import validate_answers
from surveys import conditions, ordering
from surveys.definition import QuestionDef
from surveys.selectors import CompiledVersion

NO_ORDER: Mapping[str, Any] = {}


def effective_answers(
    compiled: CompiledVersion, stored: dict[str, Any], hidden_values: dict[str, str] | None = None
) -> dict[str, Any]:
    """The stored answers that still count: answers to questions that earlier changes
    have hidden drop out, exactly as they will at submission. The respondent's hidden
    values join them (codes never clash), so that every condition evaluated on these
    answers sees them."""
    hidden_values = hidden_values or {}
    cleaned, _ = validate_answers(
        compiled, raw_answers(stored), hidden="drop", enforce_required=False, hidden_values=hidden_values
    )
    return {**hidden_values, **cleaned}


def _hidden_of(compiled: CompiledVersion, answers: dict[str, Any]) -> dict[str, Any]:
    return {code: answers[code] for code in compiled.definition.hidden if code in answers}


def page_questions(compiled: CompiledVersion, answers: dict[str, Any], index: int,
                   order: Mapping[str, Any] = NO_ORDER) -> list[tuple[QuestionDef, Any]]:
    """The questions rendered on a page, in the respondent's `order`, with the condition the
    browser still has to evaluate (None when always shown). Conditions on earlier pages are
    settled here; a question depending on its own page is rendered, so the form works
    without scripts."""
    page_condition = compiled.page_conditions[index]
    if page_condition is not None and not conditions.evaluate(page_condition, answers):
        return []
    definition = compiled.definition
    page = definition.pages[index]
    codes = [q.code for q in page.questions]
    shown = []
    for question in ordering.ordered_page(index, page.questions, order) if order else page.questions:
        node = compiled.question_conditions.get(question.code)
        condition = True if node is None else condition_json(node, codes, answers, definition.questions)
        if condition is not False:
            shown.append((question, None if condition is True else condition))
    return shown


def page_shown(compiled: CompiledVersion, answers: dict[str, Any], index: int) -> bool:
    return bool(page_questions(compiled, answers, index))


def _sequence(compiled: CompiledVersion, order: Mapping[str, Any]) -> list[int]:
    if not order:
        return list(range(len(compiled.definition.pages)))
    return ordering.page_sequence(compiled.definition, order)


def _position(sequence: list[int]):
    """Where a page index stands in `sequence` (past the end for one that is not there)."""
    at = {page: k for k, page in enumerate(sequence)}
    return lambda index: at.get(index, len(sequence))


def next_page(compiled: CompiledVersion, answers: dict[str, Any], index: int,
              order: Mapping[str, Any] = NO_ORDER) -> int | None:
    sequence = _sequence(compiled, order)
    later = sequence[_position(sequence)(index) + 1:]
    return next((i for i in later if page_shown(compiled, answers, i)), None)


def previous_page(compiled: CompiledVersion, answers: dict[str, Any], index: int,
                  order: Mapping[str, Any] = NO_ORDER) -> int | None:
    sequence = _sequence(compiled, order)
    earlier = sequence[:_position(sequence)(index)]
    return next((i for i in reversed(earlier) if page_shown(compiled, answers, i)), None)


def resolve_page(compiled: CompiledVersion, answers: dict[str, Any], index: int,
                 order: Mapping[str, Any] = NO_ORDER) -> int:
    """The page to show for a stored position: itself if shown, else the next shown one,
    else the last shown one before it."""
    index = min(max(index, 0), len(compiled.definition.pages) - 1)
    if page_shown(compiled, answers, index):
        return index
    following = next_page(compiled, answers, index, order)
    if following is not None:
        return following
    previous = previous_page(compiled, answers, index, order)
    return previous if previous is not None else _sequence(compiled, order)[0]


def posted_page(value: Any, count: int) -> int | None:
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()) or len(value) > 4:
        return None
    index = int(value)
    return index if index < count else None


def _page_of(compiled: CompiledVersion) -> dict[str, int]:
    return {q.code: i for i, page in enumerate(compiled.definition.pages) for q in page.questions}


def furthest_page(compiled: CompiledVersion, answers: dict[str, Any], current: int,
                  order: Mapping[str, Any] = NO_ORDER) -> int:
    """The furthest page a respondent may open: where they are (`current`), or further
    when answers on later pages show they went there before (Back, then the browser's
    Forward), but never past the first shown page with a required question unanswered.
    "Further" is in the respondent's order of pages.

    A later page left empty leaves no trace, so Forward past it goes back to it."""
    page_of = _page_of(compiled)
    position = _position(_sequence(compiled, order))
    reach = resolve_page(compiled, answers, current, order)
    answered = [page_of[code] for code in answers if code in page_of]
    if answered:
        last = max(answered, key=position)
        following = next_page(compiled, answers, last, order)
        furthest = following if following is not None else resolve_page(compiled, answers, last, order)
        reach = max(reach, furthest, key=position)
    _, missing = validate_answers(
        compiled, raw_answers(answers), hidden="drop", enforce_required=True,
        hidden_values=_hidden_of(compiled, answers),
    )
    blocked = {page_of.get(key.split(".", 1)[0], -1) for key in missing}  # -1: past the end
    return next((i for i in sorted(blocked, key=position)
                 if position(i) < position(reach) and page_shown(compiled, answers, i)), reach)


def page_to_open(compiled: CompiledVersion, answers: dict[str, Any], current: int, index: int,
                 order: Mapping[str, Any] = NO_ORDER) -> int:
    """`index` if the respondent may open that page, else the page to send them to: the
    next shown one for a page their answers hide, the furthest they may open for one
    beyond it."""
    furthest = furthest_page(compiled, answers, current, order)
    position = _position(_sequence(compiled, order))
    if position(index) > position(furthest) or index < 0:
        return furthest
    return index if page_shown(compiled, answers, index) else resolve_page(compiled, answers, index, order)


# --- Progress ---------------------------------------------------------------------------
# Which later pages will, may or will not be shown. A condition is decided by the answers
# so far, except where it reads a question of this page or a later one that has no answer
# yet: that part is unknown (None) and the page counts as possible, so that page 1 of a
# survey with a conditional page 3 never says "Page 1 of 1" and "Submit" before the
# answer that decides it. Unknowns combine as in three-valued logic (false and unknown is
# false, true or unknown is true). The browser (static/js/progress.js) gets each later
# page's condition with the leaves on this page left for it to evaluate as answers
# change; the server decides again when the page is posted.

Tri = dict | bool | None


@dataclass
class Outlook:
    """Where a page stands among the pages the respondent will or may see."""

    number: int
    total: int
    is_last: bool
    # For progress.js: shown pages before this one, and the conditions of the later
    # pages that this page's answers can still change.
    browser: dict = field(default_factory=dict)

    @property
    def percent(self) -> int:
        return round(100 * self.number / self.total)


def page_outlook(compiled: CompiledVersion, answers: dict[str, Any], index: int,
                 order: Mapping[str, Any] = NO_ORDER) -> Outlook:
    definition = compiled.definition
    page_of = _page_of(compiled)
    sequence = _sequence(compiled, order)
    position = _position(sequence)
    here = {q.code for q in definition.pages[index].questions}

    def answered(ref: conditions.Ref) -> bool:
        answer = answers.get(ref.question)
        if ref.row is not None:
            answer = answer.get(ref.row) if isinstance(answer, dict) else None
        return answer is not None and answer != "" and answer != frozenset()

    def residual(node: conditions.Node | None, browser: bool) -> Tri:
        match node:
            case None:
                return True
            case conditions.Not(operand):
                inner = residual(operand, browser)
                return inner if inner is None else (not inner) if isinstance(inner, bool) else {"not": inner}
            case conditions.And(operands):
                return combine("and", [residual(o, browser) for o in operands])
            case conditions.Or(operands):
                return combine("or", [residual(o, browser) for o in operands])
        if browser and node.ref.question in here:
            return browser_leaf(node, definition.questions)
        if node.ref.question in page_of and position(page_of[node.ref.question]) >= position(index) \
                and not answered(node.ref):
            return None
        return conditions.evaluate(node, answers)

    def page_state(i: int, browser: bool) -> Tri:
        page = definition.pages[i]
        questions = [residual(compiled.question_conditions.get(q.code), browser) for q in page.questions]
        shown_questions = combine("or", questions)
        return combine("and", [residual(compiled.page_conditions[i], browser), shown_questions])

    before = sum(1 for i in sequence[:position(index)] if page_shown(compiled, answers, i))
    later = sequence[position(index) + 1:]
    possible = sum(1 for i in later if page_state(i, browser=False) is not False)
    browser_states = [state for i in later if (state := page_state(i, browser=True)) is not False]
    return Outlook(
        number=before + 1,
        total=before + 1 + possible,
        is_last=possible == 0,
        browser={"before": before, "later": browser_states},
    )
