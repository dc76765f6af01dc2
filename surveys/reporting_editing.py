"""Writes of a survey's findings, NETs and saved views: add, update, move and delete.

All three belong to the survey, not to a version (README, "NETs and saved views"): they
change no stored answer, so they are edited while a version is open, without a new one.

Each write locks the survey's row first, so that two editors adding at once get distinct,
dense positions (0, 1, 2...) and a code is checked against what is really there. The
checks are those of the definition file and the admin (`surveys.conditions`,
`surveys.reporting`), run here on the values about to be written. A form shows the same
messages at its fields first (it calls the `*_problems` functions below); whatever
reaches a service unchecked (a stale page, a colleague's save a moment earlier, a forged
request) is refused with `ReportingInvalid`, keyed by field, and nothing is written.

A saved finding is recounted by the counting engine (`analytics.receivers`, after the
commit). NETs and views are compiled into every version's cached definition, so each
write bumps the versions' stamps (`Survey.definition_changed`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TypeVar

from django.db import IntegrityError, models, transaction

from surveys import conditions, reporting
from surveys.codes import code_from_label
from surveys.definition import NetDef, QuestionDef, ViewDef
from surveys.definition_files import CODE_RE
from surveys.models import Finding, Net, SavedView, Survey
from surveys.selectors import compiled_version, latest_version

CODE_FORMAT = "Use letters, digits, '_' and '-' (at most 64, not starting with '-')."
Questions = Mapping[str, QuestionDef]
Item = TypeVar("Item", Finding, Net, SavedView)


class ReportingInvalid(ValueError):
    """Values a service refused: {field name: message}, the fields named as on the model
    ("__all__" for the whole of it)."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.problems.items()))


# --- Checks (the forms call these too) ------------------------------------------------


def survey_questions(survey: Survey) -> dict[str, QuestionDef] | None:
    """The questions findings, NETs and views are checked against: the latest version's
    (the open one, else the newest), as on import and in the admin. None for a survey
    without a version: there is nothing to check against yet."""
    version = latest_version(survey)
    # Compiled once per process and version (a draft each time): the checks run as the
    # author types.
    return dict(compiled_version(version).definition.questions) if version is not None else None


def survey_view_questions(survey: Survey) -> dict[str, QuestionDef] | None:
    """What saved views are checked against: `survey_questions` and the latest version's
    hidden fields with `values` (`SurveyDef.view_questions`)."""
    version = latest_version(survey)
    return compiled_version(version).definition.view_questions if version is not None else None


def condition_problem(text: str, questions: Questions | None) -> conditions.ConditionError | None:
    """The parser's (or the check's) first problem with the condition, None if it fits.
    A finding's conditions may refer to any question of the survey."""
    try:
        node = conditions.parse(text)
        if questions is not None:
            conditions.check(node, questions)
    except conditions.ConditionError as exc:
        return exc
    return None


def condition_message(problem: conditions.ConditionError) -> str:
    """"Unknown question 'rol' (at character 1).": the parser's reason, the place counted
    from 1 as people count characters."""
    reason = f"{problem.reason[:1].upper()}{problem.reason[1:]}"
    return f"{reason} (at character {problem.position + 1})." if problem.position >= 0 else f"{reason}."


def code_problem(code: str, taken: Collection[str], what: str) -> str | None:
    if not CODE_RE.match(code):
        return f"“{code}” is not a valid code. {CODE_FORMAT}"
    if code in taken:
        return f"Another {what} already has the code “{code}”."
    return None


def _sentence(message: str) -> str:
    """A check's message as a sentence: "'often' is not a choice..." -> "'often' is not a choice....",
    "unknown question 'x'" -> "Unknown question 'x'."."""
    message = f"{message[:1].upper()}{message[1:]}"
    return message if message.endswith(".") else f"{message}."


def finding_problems(*, statement: str, code: str, base_condition: str, target_condition: str,
                     questions: Questions | None, taken: Collection[str]) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not statement.strip():
        problems["statement"] = "Write what the number says, e.g. “IT leaders who never use Twitter professionally”."
    if message := code_problem(code, taken, "finding"):
        problems["code"] = message
    for field, text in (("base_condition", base_condition), ("target_condition", target_condition)):
        if not text.strip():
            problems[field] = "Enter a condition, e.g. role = it."
        elif (problem := condition_problem(text, questions)) is not None:
            problems[field] = condition_message(problem)
    return problems


NET_FIELDS = {"question": "question_code", "code": "code", "choices": "choices"}


def net_problems(*, question_code: str, label: str, code: str, choices: Sequence[str], all_but: bool,
                 questions: Questions | None, taken: Collection[str]) -> dict[str, str]:
    """`taken`: the codes of the question's other NETs."""
    problems: dict[str, str] = {}
    if questions is None:
        return {"question_code": "The survey has no questions yet: add some in the outline first."}
    if not label.strip():
        problems["label"] = "Give the NET a label, e.g. “Weekly or more”."
    if message := code_problem(code, taken, "NET of this question"):
        problems["code"] = message
    if not choices:
        problems["choices"] = "Tick at least one choice."
    net = NetDef(question=question_code, code=code, label=label, choices=tuple(choices), all_but=all_but)
    for key, message in reporting.net_problems(net, questions):
        problems.setdefault(NET_FIELDS.get(key, "__all__"), _sentence(message))
    return problems


VIEW_FIELDS = {
    "row": "row_variable", "column": "column_variable", "segment": "segment",
    "highlight.row": "highlight_row", "highlight.column_not": "highlight_column_not",
}


def view_problems(*, code: str, label: str, description: str, row_variable: str, column_variable: str,
                  segment: str, highlight_row: str, highlight_column_not: str, questions: Questions | None,
                  taken: Collection[str]) -> dict[str, str]:
    problems: dict[str, str] = {}
    if questions is None:
        return {"row_variable": "The survey has no questions yet: add some in the outline first."}
    if not label.strip():
        problems["label"] = "Give the view a label: it is the link's text on the results overview."
    if message := code_problem(code, taken, "saved view"):
        problems["code"] = message
    view = ViewDef(code=code, label=label, description=description, row=row_variable, column=column_variable,
                   segment=segment, highlight_row=highlight_row, highlight_column_not=highlight_column_not)
    for key, message in reporting.view_problems(view, questions):
        if key == "highlight":  # only one half of the cell was given: ask for the other
            field = "highlight_column_not" if highlight_row else "highlight_row"
            problems.setdefault(field, "Choose both the row's choice and the column's, or neither.")
            continue
        problems.setdefault(VIEW_FIELDS.get(key, "__all__"), _sentence(message))
    return problems


def _refuse(problems: Mapping[str, str]) -> None:
    if problems:
        raise ReportingInvalid(problems)


# --- Positions ------------------------------------------------------------------------


def _lock(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().get(pk=survey.pk)


def _ordered(model: type[Item], survey: Survey) -> list[Item]:
    return list(model.objects.filter(survey=survey).order_by("position", "pk"))


def _renumber(model: type[models.Model], items: Sequence[models.Model]) -> None:
    """Positions 0, 1, 2... in the order given, writing only the rows that move."""
    moved = []
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position
            moved.append(item)
    model.objects.bulk_update(moved, ["position"])


def _move(model: type[Item], item: Item, offset: int, same: Callable[[Item], bool] = lambda _: True) -> bool:
    """Swap `item` with its neighbour `offset` (-1 up, +1 down) among the items for which
    `same` holds (a NET moves among its question's NETs); False at either end."""
    survey = _lock(item.survey)
    items = _ordered(model, survey)
    index = next((i for i, other in enumerate(items) if other.pk == item.pk), None)
    if index is None:
        return False
    group = [i for i, other in enumerate(items) if same(other)]
    at = group.index(index)
    if not 0 <= at + offset < len(group):
        return False
    there = group[at + offset]
    items[index], items[there] = items[there], items[index]
    _renumber(model, items)
    survey.definition_changed()
    return True


def _delete(model: type[Item], item: Item) -> None:
    survey = _lock(item.survey)
    model.objects.filter(pk=item.pk).delete()
    _renumber(model, _ordered(model, survey))
    survey.definition_changed()


def _save(item: models.Model, code_message: str) -> None:
    """Save, turning a code taken by a write that did not lock the survey (the admin) into
    the message a form shows."""
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as exc:
        raise ReportingInvalid({"code": code_message}) from exc


# --- Findings -------------------------------------------------------------------------


def _finding_codes(survey: Survey, exclude: Finding | None = None) -> set[str]:
    found = Finding.objects.filter(survey=survey)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return set(found.values_list("code", flat=True))


@transaction.atomic
def finding_add(*, survey: Survey, statement: str, code: str, base_condition: str, target_condition: str,
                questions: Questions | None = None) -> Finding:
    """A new finding at the end. An empty code is made from the statement. `questions`:
    what the conditions are checked against (default: `survey_questions`)."""
    survey = _lock(survey)
    questions = survey_questions(survey) if questions is None else questions
    taken = _finding_codes(survey)
    code = code.strip() or code_from_label(statement, taken, fallback="finding")
    _refuse(finding_problems(statement=statement, code=code, base_condition=base_condition,
                             target_condition=target_condition, questions=questions, taken=taken))
    finding = Finding(survey=survey, position=Finding.objects.filter(survey=survey).count(), code=code,
                      statement=statement.strip(), base_condition=base_condition.strip(),
                      target_condition=target_condition.strip())
    _save(finding, f"Another finding already has the code “{code}”.")
    survey.definition_changed()
    return finding


@transaction.atomic
def finding_update(*, finding: Finding, statement: str, code: str, base_condition: str, target_condition: str,
                   questions: Questions | None = None) -> Finding:
    survey = _lock(finding.survey)
    questions = survey_questions(survey) if questions is None else questions
    taken = _finding_codes(survey, exclude=finding)
    code = code.strip() or code_from_label(statement, taken, fallback="finding")
    _refuse(finding_problems(statement=statement, code=code, base_condition=base_condition,
                             target_condition=target_condition, questions=questions, taken=taken))
    finding.statement, finding.code = statement.strip(), code
    finding.base_condition, finding.target_condition = base_condition.strip(), target_condition.strip()
    # A save (not an UPDATE) so that the counting engine recounts it (analytics.receivers).
    _save(finding, f"Another finding already has the code “{code}”.")
    survey.definition_changed()
    return finding


@transaction.atomic
def finding_move(*, finding: Finding, offset: int) -> bool:
    return _move(Finding, finding, offset)


@transaction.atomic
def finding_delete(*, finding: Finding) -> None:
    _delete(Finding, finding)


# --- NETs -----------------------------------------------------------------------------


def _net_codes(survey: Survey, question_code: str, exclude: Net | None = None) -> set[str]:
    found = Net.objects.filter(survey=survey, question_code=question_code)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return set(found.values_list("code", flat=True))


def net_code(label: str, question: QuestionDef | None, taken: Collection[str]) -> str:
    """"net_" and the label's words ("Ever" -> "net_ever"), clear of the question's other
    NETs and of its choice codes (a NET needs a code of its own)."""
    choices = set(question.choice_codes) if question is not None else set()
    return code_from_label(f"net {label}", set(taken) | choices, fallback="net")


@transaction.atomic
def net_add(*, survey: Survey, question_code: str, label: str, code: str, choices: Sequence[str], all_but: bool,
            questions: Questions | None = None) -> Net:
    """A new NET of the question, after the survey's other NETs. An empty code is made
    from the label."""
    survey = _lock(survey)
    questions = survey_questions(survey) if questions is None else questions
    taken = _net_codes(survey, question_code)
    code = code.strip() or net_code(label, (questions or {}).get(question_code), taken)
    _refuse(net_problems(question_code=question_code, label=label, code=code, choices=choices, all_but=all_but,
                         questions=questions, taken=taken))
    net = Net(survey=survey, position=Net.objects.filter(survey=survey).count(), question_code=question_code,
              code=code, label=label.strip(), choices=list(choices), all_but=all_but)
    _save(net, f"Another NET of this question already has the code “{code}”.")
    return net


@transaction.atomic
def net_update(*, net: Net, label: str, code: str, choices: Sequence[str], all_but: bool,
               questions: Questions | None = None) -> Net:
    """Its label, code and choices; a NET stays with its question."""
    survey = _lock(net.survey)
    questions = survey_questions(survey) if questions is None else questions
    taken = _net_codes(survey, net.question_code, exclude=net)
    code = code.strip() or net_code(label, (questions or {}).get(net.question_code), taken)
    _refuse(net_problems(question_code=net.question_code, label=label, code=code, choices=choices, all_but=all_but,
                         questions=questions, taken=taken))
    net.label, net.code, net.choices, net.all_but = label.strip(), code, list(choices), all_but
    _save(net, f"Another NET of this question already has the code “{code}”.")
    return net


@transaction.atomic
def net_move(*, net: Net, offset: int) -> bool:
    """Up or down among the NETs of its question (the order their lines are shown in)."""
    return _move(Net, net, offset, same=lambda other: other.question_code == net.question_code)


@transaction.atomic
def net_delete(*, net: Net) -> None:
    _delete(Net, net)


# --- Saved views ----------------------------------------------------------------------


def _view_codes(survey: Survey, exclude: SavedView | None = None) -> set[str]:
    found = SavedView.objects.filter(survey=survey)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return set(found.values_list("code", flat=True))


VIEW_VALUES = ("label", "description", "row_variable", "column_variable", "segment", "highlight_row",
               "highlight_column_not")


def _view_values(values: Mapping[str, str]) -> dict[str, str]:
    missing = set(VIEW_VALUES) - set(values)
    if missing:
        raise TypeError(f"missing values: {', '.join(sorted(missing))}")
    return {name: str(values[name]).strip() for name in VIEW_VALUES}


@transaction.atomic
def view_add(*, survey: Survey, code: str, values: Mapping[str, str], questions: Questions | None = None) -> SavedView:
    """A new saved view at the end; `values` has every name of VIEW_VALUES (empty strings
    for no segment and no highlighted cell). An empty code is made from the label."""
    survey = _lock(survey)
    questions = survey_view_questions(survey) if questions is None else questions
    values = _view_values(values)
    taken = _view_codes(survey)
    code = code.strip() or code_from_label(values["label"], taken, fallback="view")
    _refuse(view_problems(code=code, **values, questions=questions, taken=taken))
    view = SavedView(survey=survey, position=SavedView.objects.filter(survey=survey).count(), code=code, **values)
    _save(view, f"Another saved view already has the code “{code}”.")
    return view


@transaction.atomic
def view_update(*, view: SavedView, code: str, values: Mapping[str, str],
                questions: Questions | None = None) -> SavedView:
    survey = _lock(view.survey)
    questions = survey_view_questions(survey) if questions is None else questions
    values = _view_values(values)
    taken = _view_codes(survey, exclude=view)
    code = code.strip() or code_from_label(values["label"], taken, fallback="view")
    _refuse(view_problems(code=code, **values, questions=questions, taken=taken))
    view.code = code
    for name, value in values.items():
        setattr(view, name, value)
    _save(view, f"Another saved view already has the code “{code}”.")
    return view


@transaction.atomic
def view_move(*, view: SavedView, offset: int) -> bool:
    return _move(SavedView, view, offset)


@transaction.atomic
def view_delete(*, view: SavedView) -> None:
    _delete(SavedView, view)
