"""The findings page (/build/<slug>/findings/): what it shows and the forms on it.

`ReportingData` loads what every request of the page needs once: the survey's findings
(with their counts), NETs and saved views, and the questions of its latest version, which
all three are checked against and which the forms offer by their labels. It also makes
the forms, so that a POST binds exactly the form the page showed (same prefix, same
codes taken, same questions).

A form's prefix names it on the page: `finding-new`, `finding-<pk>`, `net-new-<question>`,
`net-<pk>`, `view-new`, `view-<pk>`; a finding form's two pickers add `-base` and
`-target` to it (`finding-new-base`). `?finding=<pk>`, `?net=<pk>` and `?view=<pk>` open
one item's form in its place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from analytics.models import SurveyCounter
from builder.access import builder_view, survey_for_builder
from builder.condition_picker import FormData
from builder.forms.findings import CONDITIONS, FindingForm, NetForm, SavedViewForm, holds, picker_prefix
from builder.reporting_history import LABELS, item_state, record_changed
from builder.stamps import Snapshot, StaleEdit, check_stamp, row_snapshot, stamp_of
from builder.views.conditions import finding_place, picker_for
from builder.views.reporting.preview import Preview, finding_preview
from results.report.cells import Cell, min_base
from surveys.definition import QuestionDef, SurveyDef
from surveys.models import Finding, Net, SavedView, Survey, SurveyVersion
from surveys.reporting_editing import (
    ReportingInvalid,
    condition_message,
    condition_problem,
    net_problems,
    view_problems,
)
from surveys.selectors import compiled_version, latest_version


def page_url(survey: Survey, anchor: str = "") -> str:
    url = reverse("builder:findings", args=[survey.slug])
    return f"{url}#{anchor}" if anchor else url


class ReportingData:
    """A survey's findings, NETs and views with the questions they refer to."""

    def __init__(self, survey: Survey) -> None:
        self.survey = survey
        self.version: SurveyVersion | None = latest_version(survey)
        # Compiled once per process and version (a draft each time): the published
        # version's questions cost no query on most requests.
        self.definition: SurveyDef | None = (
            compiled_version(self.version).definition if self.version is not None else None
        )
        self.questions: dict[str, QuestionDef] | None = (
            dict(self.definition.questions) if self.definition is not None else None
        )
        # What saved views may name: the questions and the hidden fields with `values`.
        self.view_questions: dict[str, QuestionDef] | None = (
            self.definition.view_questions if self.definition is not None else None
        )
        self.findings: list[Finding] = list(_ordered(Finding.objects.select_related("count"), survey))
        self.nets: list[Net] = list(_ordered(Net.objects, survey))
        self.views: list[SavedView] = list(_ordered(SavedView.objects, survey))

    # --- Lookups (another survey's item is a 404) --------------------------------------

    def finding(self, pk: int) -> Finding:
        return _one(self.findings, pk, "finding")

    def net(self, pk: int) -> Net:
        return _one(self.nets, pk, "NET")

    def view(self, pk: int) -> SavedView:
        return _one(self.views, pk, "saved view")

    def net_question(self, code: str) -> QuestionDef | None:
        """The question a NET may be added to (None if it is not one)."""
        question = (self.questions or {}).get(code)
        return question if question is not None and question.question_type.supports_nets else None

    # --- Forms -------------------------------------------------------------------------

    def finding_form(self, finding: Finding | None = None, data=None, initial: dict | None = None,
                     picked: FormData | None = None) -> FindingForm:
        """A finding's form with its two pickers, which show `picked` (the posted form data;
        by default `data`) or else the finding's stored conditions. Only for a survey with
        a version: the pickers offer its questions."""
        assert self.version is not None and self.definition is not None
        if finding is not None and initial is None:
            initial = {"statement": finding.statement, "code": finding.code}
        prefix = f"finding-{finding.pk}" if finding else "finding-new"
        picked = data if picked is None else picked
        place = finding_place(self.version, self.definition)
        pickers = {
            name: picker_for(survey=self.survey, place=place, prefix=picker_prefix(prefix, name), data=picked,
                             stored=getattr(finding, name) if finding is not None else "")
            for name in CONDITIONS
        }
        taken = [f.code for f in self.findings if finding is None or f.pk != finding.pk]
        form = FindingForm(data, initial=initial, questions=self.questions, taken=taken, pickers=pickers,
                           prefix=prefix)
        # The finding as the form first showed it, kept while its pickers are worked and it
        # is checked.
        return _stamped(form, finding, picked.get("stamp") if picked is not None else None)

    def net_form(self, question: QuestionDef, net: Net | None = None, data=None) -> NetForm:
        initial = None
        if net is not None:
            initial = {"label": net.label, "code": net.code, "choices": net.choices, "holds": holds(net.all_but)}
        taken = [n.code for n in self.nets if n.question_code == question.code and (net is None or n.pk != net.pk)]
        form = NetForm(data, initial=initial, question=question, questions=self.questions or {}, taken=taken,
                       prefix=f"net-{net.pk}" if net else f"net-new-{question.code}")
        return _stamped(form, net, data.get("stamp") if data is not None else None)

    def view_form(self, view: SavedView | None = None, data=None, initial: dict | None = None,
                  stamp: str | None = None) -> SavedViewForm:
        """`stamp`: the one its form first showed, for a form shown again as typed."""
        if view is not None and initial is None:
            initial = {"label": view.label, "code": view.code, "description": view.description,
                       "row_variable": view.row_variable, "column_variable": view.column_variable,
                       "segment": view.segment, "highlight_row": view.highlight_row,
                       "highlight_column_not": view.highlight_column_not}
        taken = [v.code for v in self.views if view is None or v.pk != view.pk]
        form = SavedViewForm(data, initial=initial, questions=self.view_questions or {}, taken=taken,
                             prefix=f"view-{view.pk}" if view else "view-new")
        return _stamped(form, view, stamp if stamp is not None else data.get("stamp") if data is not None else None)


# --- Stamps (builder.stamps): two editors of one item never overwrite each other --------------

Item = Finding | Net | SavedView


def _stampable(item: Item) -> Finding | Snapshot:
    # A finding's row has an `updated_at`; a NET's and a view's do not (their rows change no
    # answer or count, and a stamp needs no migration): they are stamped by their values.
    return item if isinstance(item, Finding) else row_snapshot(item, LABELS[type(item)])


def item_stamp(item: Item) -> str:
    return stamp_of(_stampable(item))


def _stamped(form: Form, item: Item | None, posted: str | None) -> Form:
    """`form` with the stamp it posts back: the one posted (a form shown again keeps the
    stamp of the item as first shown), else the item's now; none for an add form."""
    form.edit_stamp = "" if item is None else posted if posted is not None else item_stamp(item)
    form.stale = False  # set when a save is refused for a change made meanwhile
    return form


def refused(form: Form, exc: ReportingInvalid) -> None:
    """A service's refusal on the form's fields (a colleague's save between the form's
    check and the write, e.g. the same code)."""
    for name, message in exc.problems.items():
        form.add_error(name if name in form.fields else None, message)


def item_update(request: HttpRequest, form: Form, item: Item, thing: str, update: Callable[[], object]) -> bool:
    """Saves a change of a stored item: `update()` (its service) and its record in one
    transaction, unless another editor changed the item since its form was shown. False
    when nothing was saved: the form then says why (`thing`, "this NET", names it in the
    other's change, and `form.stale` is set; or the service's refusal is on its fields)."""
    try:
        with transaction.atomic():
            stale = stale_item(item, request.POST.get("stamp"))
            if stale is None:
                before = item_state(item)
                update()
                record_changed(request, item, before)
    except ReportingInvalid as exc:
        refused(form, exc)
        return False
    if stale is not None:
        refuse_stale(request, form, item, stale, thing)
    return stale is None


def stale_item(item: Item, posted: str | None) -> StaleEdit | None:
    """Whether `item` changed since its form was shown. Call it in the save's transaction:
    it locks the survey first (as the services do), so that no save slips in between."""
    list(Survey.objects.select_for_update().filter(pk=item.survey_id).values_list("pk", flat=True))
    current = type(item).objects.filter(pk=item.pk).first()
    return None if current is None else check_stamp(_stampable(current), posted)


def refuse_stale(request: HttpRequest, form: Form, item: Item, stale: StaleEdit, thing: str) -> None:
    """The save refused: the other's change said on the form, which keeps what was typed
    and now posts the stamp of the item as stored (saving again is then a choice)."""
    form.add_error(None, f"Nothing was saved. {stale.describe(thing, viewer=request.user)} Your changes are still "
                         "in the form below: save again to replace theirs with yours, or cancel to see theirs.")
    form.edit_stamp = item_stamp(type(item).objects.get(pk=item.pk))
    form.stale = True  # its own message says nothing was saved, and why


def _ordered(manager, survey: Survey) -> QuerySet:
    return manager.filter(survey=survey).order_by("position", "pk")


def _one(items: list, pk: int, what: str):
    found = next((item for item in items if item.pk == pk), None)
    if found is None:
        raise Http404(f"No such {what} in this survey.")
    return found


# --- What each item shows -----------------------------------------------------------------


@dataclass
class FindingRow:
    finding: Finding
    counted: bool  # its count is of its current definition
    cell: Cell
    problems: list[str]
    form: FindingForm | None = None
    preview: Preview | None = None

    @property
    def numbers(self) -> str:
        """"n=288, 63%" (the results pages' rule: no percentage under the minimum base)."""
        if self.cell.empty:
            return "n=0"
        if self.cell.suppressed:
            return f"n={self.cell.base} (the percentage is hidden under a base of {min_base()})"
        return f"n={self.cell.base}, {self.cell.display}"


def _counted(finding: Finding) -> tuple[bool, Cell]:
    # A finding's count row is recomputed from the raw answers after each save of its
    # definition (analytics.receivers); until then it holds the old definition's numbers.
    row = getattr(finding, "count", None)
    if row is None or row.recomputed_at is None or row.recomputed_at < finding.updated_at:
        return False, Cell(0, 0)
    return True, Cell(row.target, row.base)


def _finding_problems(finding: Finding, questions) -> list[str]:
    problems = []
    for name, text in (("Base", finding.base_condition), ("Target", finding.target_condition)):
        problem = condition_problem(text, questions)
        if problem is not None:
            problems.append(f"{name}: {condition_message(problem)}")
    return problems


@dataclass
class NetRow:
    net: Net
    members: str  # "every choice but Never"
    problems: list[str]
    form: NetForm | None = None


@dataclass
class NetGroup:
    question: QuestionDef
    nets: list[NetRow]
    add_form: NetForm | None
    add_open: bool = False

    @property
    def anchor(self) -> str:
        return f"nets-{self.question.code}"


def _members(net: Net, question: QuestionDef | None) -> str:
    labels = {c.code: c.label for c in question.choices} if question else {}
    named = ", ".join(f"“{labels.get(code, code)}”" for code in net.choices)
    return f"every choice but {named}" if net.all_but else named


@dataclass
class ViewRow:
    view: SavedView
    rows: str
    columns: str
    segment: str
    highlight: str
    problems: list[str]
    crosstab_query: str
    form: SavedViewForm | None = None


def _variable_label(questions: dict[str, QuestionDef], variable: str) -> str:
    question_code, _, row_code = variable.partition(".")
    question = questions.get(question_code)
    if question is None:
        return variable
    row = next((r for r in question.rows if r.code == row_code), None)
    return f"{question.label} — {row.label}" if row else question.label


def _choice_label(questions: dict[str, QuestionDef], variable: str, code: str) -> str:
    question = questions.get(variable.partition(".")[0])
    choice = next((c for c in question.choices if c.code == code), None) if question else None
    return choice.label if choice else code


def _view_row(view: SavedView, questions: dict[str, QuestionDef] | None) -> ViewRow:
    questions = questions or {}
    segment = ""
    if view.segment:
        question_code, _, choice = view.segment.partition(":")
        question = questions.get(question_code)
        segment = f"{question.label} — {_choice_label(questions, question_code, choice)}" if question else view.segment
    highlight = ""
    if view.highlight_row:
        highlight = (f"“{_choice_label(questions, view.row_variable, view.highlight_row)}” in the rows, anything but "
                     f"“{_choice_label(questions, view.column_variable, view.highlight_column_not)}” in the columns")
    problems = []
    if questions:
        found = view_problems(code=view.code, label=view.label, description=view.description,
                              row_variable=view.row_variable, column_variable=view.column_variable,
                              segment=view.segment, highlight_row=view.highlight_row,
                              highlight_column_not=view.highlight_column_not, questions=questions, taken=())
        problems = list(found.values())
    query = f"?row={view.row_variable}&col={view.column_variable}"
    if view.segment:
        query += f"&segment={view.segment}"
    return ViewRow(view, _variable_label(questions, view.row_variable),
                   _variable_label(questions, view.column_variable), segment, highlight, problems, query)


# --- The page -----------------------------------------------------------------------------


def _requested(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def render_page(request: HttpRequest, data: ReportingData, editable: bool, forms: dict[str, Form] | None = None,
                status: int = 200) -> HttpResponse:
    """The page, with `forms` (by prefix) in place of the ones it would show: a form that
    failed, or one shown again to check it (`?finding=<pk>` opens a stored item's form)."""
    forms = dict(forms or {})
    survey, questions = data.survey, data.questions
    if editable:
        open_finding, open_net, open_view = (_requested(request, n) for n in ("finding", "net", "view"))
        for finding in data.findings:
            if finding.pk == open_finding and data.version is not None:
                forms.setdefault(f"finding-{finding.pk}", data.finding_form(finding))
        for net in data.nets:
            question = data.net_question(net.question_code)
            if net.pk == open_net and question is not None:
                forms.setdefault(f"net-{net.pk}", data.net_form(question, net))
        for view in data.views:
            if view.pk == open_view and questions:
                forms.setdefault(f"view-{view.pk}", data.view_form(view))

    finding_rows = []
    for finding in data.findings:
        counted, cell = _counted(finding)
        form = forms.get(f"finding-{finding.pk}")
        finding_rows.append(FindingRow(finding, counted, cell, _finding_problems(finding, questions), form,
                                       _form_preview(survey, form)))
    finding_add = forms.get("finding-new") or (data.finding_form() if editable and data.version else None)

    groups: list[NetGroup] = []
    grouped: set[int] = set()
    for question in (questions or {}).values():
        if not question.question_type.supports_nets:
            continue
        rows = []
        for net in data.nets:
            if net.question_code == question.code:
                grouped.add(net.pk)
                problems = net_problems(question_code=net.question_code, label=net.label, code=net.code,
                                        choices=net.choices, all_but=net.all_but, questions=questions, taken=())
                rows.append(NetRow(net, _members(net, question), list(problems.values()), forms.get(f"net-{net.pk}")))
        add_key = f"net-new-{question.code}"
        add_form = forms.get(add_key) or (data.net_form(question) if editable else None)
        groups.append(NetGroup(question, rows, add_form, add_open=add_key in forms))
    # NETs of a question the latest version no longer has (or no longer as a choice question).
    stray_nets = [
        NetRow(net, _members(net, None), [f"Version {data.version.number if data.version else '—'} has no choice "
                                          f"question “{net.question_code}”: this NET shows nowhere."])
        for net in data.nets if net.pk not in grouped
    ]

    view_rows = []
    for view in data.views:
        row = _view_row(view, data.view_questions)
        row.form = forms.get(f"view-{view.pk}")
        view_rows.append(row)
    view_add = forms.get("view-new") or (data.view_form() if editable and questions else None)

    counter = SurveyCounter.objects.filter(survey=survey).values_list("responses_counted", flat=True).first()
    context: dict[str, Any] = {
        "survey": survey,
        "editable": editable,
        "version": data.version,
        "questions": questions,
        "responses_counted": counter or 0,
        "findings": finding_rows,
        "finding_add": finding_add,
        "finding_add_open": "finding-new" in forms,
        "finding_add_preview": _form_preview(survey, finding_add),
        "net_groups": groups,
        "stray_nets": stray_nets,
        "views": view_rows,
        "view_add": view_add,
        "view_add_open": "view-new" in forms,
        "active": "findings",
    }
    return render(request, "builder/findings/page.html", context, status=status)


def _form_preview(survey: Survey, form: FindingForm | None) -> Preview | None:
    """Today's numbers of a finding form's conditions when both fit: as picked or typed
    (a form posted), or as stored (a stored finding's form just opened)."""
    texts = form.condition_texts if form is not None else None
    return finding_preview(survey, *texts) if texts is not None else None


@builder_view
def findings_page(request: HttpRequest, slug: str) -> HttpResponse:
    survey, editable = survey_for_builder(request.user, slug)
    return render_page(request, ReportingData(survey), editable)
