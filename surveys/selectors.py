"""Reads of survey structure that take more than one query."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from threading import Lock

from django.db.models import Q, QuerySet
from django.utils import timezone

from surveys import conditions
from surveys.definition import (
    ChoiceDef,
    FindingDef,
    HiddenFieldDef,
    NetDef,
    PageDef,
    QuestionDef,
    QuotaDef,
    RedirectsDef,
    RowDef,
    ScreenOutDef,
    SurveyDef,
    ViewDef,
    question_settings,
)
from surveys.models import (
    Choice,
    Finding,
    HiddenField,
    MatrixRow,
    Net,
    Page,
    Question,
    Quota,
    SavedView,
    ScreenOut,
    Survey,
    SurveyVersion,
)


@dataclass(frozen=True)
class CompiledVersion:
    """A version's definition plus what intake and counting need at every submission:
    database ids by code and parsed display conditions. Built once per process and
    version (and again after a label is corrected in place)."""

    version_id: int
    number: int
    definition: SurveyDef
    question_ids: dict[str, int]
    row_ids: dict[tuple[str, str], int]
    choice_ids: dict[tuple[str, str], int]
    # The segment keys of the values of hidden fields with `values` (see `hidden_segment_key`).
    hidden_segment_ids: dict[tuple[str, str], int] = field(default_factory=dict)

    def segment_key(self, segment: tuple[str, str]) -> int | None:
        """The count tables' `segment_choice_id` of a (segment question or hidden field,
        value code) in this version; None when the version has no such segment."""
        return self.choice_ids.get(segment) or self.hidden_segment_ids.get(segment)

    @cached_property
    def page_conditions(self) -> tuple[conditions.Node | None, ...]:
        return tuple(conditions.parse(p.condition) if p.condition.strip() else None for p in self.definition.pages)

    @cached_property
    def question_conditions(self) -> dict[str, conditions.Node]:
        return {
            q.code: conditions.parse(q.condition)
            for q in self.definition.questions.values()
            if q.condition.strip()
        }

    @cached_property
    def screen_out_pages(self) -> tuple[tuple[ScreenOutDef, conditions.Node, int], ...]:
        """Each screen-out with its parsed condition and the page at whose end it is decided."""
        return tuple((so, *self._decided_at(so.condition)) for so in self.definition.screen_outs)

    @cached_property
    def quota_pages(self) -> tuple[tuple[QuotaDef, conditions.Node, int], ...]:
        """Each quota with its parsed condition and the page by whose end it is decidable."""
        return tuple((quota, *self._decided_at(quota.condition)) for quota in self.definition.quotas)

    def _decided_at(self, condition: str) -> tuple[conditions.Node, int]:
        """A condition parsed, and the page by whose end it can be decided: the last page
        holding a question it names (hidden fields are known from the start)."""
        node = conditions.parse(condition)
        page_of = self._page_of_question
        return node, max((page_of.get(ref.question, 0) for ref in conditions.references(node)), default=0)

    @cached_property
    def _page_of_question(self) -> dict[str, int]:
        """Each question's page, for deciding: a question of a shuffled block counts as on the
        page after the block (its pages come in any order, so the block's last page in the
        definition may be the first one shown; past the last page: decided at completion)."""
        pages = self.definition.pages
        last = {page.shuffle_block: i for i, page in enumerate(pages) if page.shuffle_block}
        return {q.code: last[page.shuffle_block] + 1 if page.shuffle_block else i
                for i, page in enumerate(pages) for q in page.questions}

    # Codes by database id, for rebuilding answers from their rows.
    @cached_property
    def question_codes(self) -> dict[int, str]:
        return {qid: code for code, qid in self.question_ids.items()}

    @cached_property
    def row_codes(self) -> dict[int, str]:
        return {rid: row for (_, row), rid in self.row_ids.items()}

    @cached_property
    def choice_codes(self) -> dict[int, str]:
        return {cid: choice for (_, choice), cid in self.choice_ids.items()}


def _compile(version: SurveyVersion) -> CompiledVersion:
    survey = version.survey
    pages = list(Page.objects.filter(version=version).order_by("position", "pk"))
    questions = list(Question.objects.filter(version=version).order_by("page__position", "position", "pk"))
    codes = {q.pk: q.code for q in questions}
    choices: dict[int, list[ChoiceDef]] = defaultdict(list)
    choice_ids: dict[tuple[str, str], int] = {}
    for c in Choice.objects.filter(question__version=version).order_by("question_id", "position", "pk"):
        choices[c.question_id].append(ChoiceDef(code=c.code, label=c.label, exclusive=c.exclusive,
                                                     specify=c.specify, anchor=c.anchor))
        choice_ids[(codes[c.question_id], c.code)] = c.pk
    rows: dict[int, list[RowDef]] = defaultdict(list)
    row_ids: dict[tuple[str, str], int] = {}
    for r in MatrixRow.objects.filter(question__version=version).order_by("question_id", "position", "pk"):
        rows[r.question_id].append(
            RowDef(code=r.code, label=r.label, anchor=r.anchor, attention_check=r.attention_check)
        )
        row_ids[(codes[r.question_id], r.code)] = r.pk

    by_page: dict[int, list[QuestionDef]] = defaultdict(list)
    for q in questions:
        by_page[q.page_id].append(
            QuestionDef(**question_settings(q), choices=tuple(choices[q.pk]), rows=tuple(rows[q.pk]))
        )
    hidden = list(HiddenField.objects.filter(version=version).order_by("position", "pk"))
    hidden_segment_ids = {
        (h.code, value): hidden_segment_key(h.pk, i)
        for h in hidden for i, value in enumerate(h.values[:HIDDEN_SEGMENT_SPAN])
    }
    definition = SurveyDef(
        slug=survey.slug,
        title=survey.title,
        description=survey.description,
        intro=version.intro,
        thank_you=version.thank_you,
        status="open" if version.status == SurveyVersion.Status.OPEN else "draft",
        pages=tuple(
            PageDef(title=p.title, condition=p.condition, questions=tuple(by_page[p.pk]),
                    shuffle_questions=p.shuffle_questions, shuffle_block=p.shuffle_block)
            for p in pages
        ),
        findings=survey_findings(survey),
        nets=survey_nets(survey),
        views=survey_views(survey),
        hidden_fields=tuple(
            HiddenFieldDef(code=h.code, values=tuple(h.values), description=h.description) for h in hidden
        ),
        redirects=survey_redirects(survey),
        screen_outs=tuple(
            ScreenOutDef(code=so.code, condition=so.condition, message=so.message)
            for so in ScreenOut.objects.filter(version=version).order_by("position", "pk")
        ),
        quotas=survey_quota_defs(survey),
    )
    return CompiledVersion(
        version_id=version.pk,
        number=version.number,
        definition=definition,
        question_ids={q.code: q.pk for q in questions},
        row_ids=row_ids,
        choice_ids=choice_ids,
        hidden_segment_ids=hidden_segment_ids,
    )


# How many values of one hidden field can be segments: its keys are a block of this size.
HIDDEN_SEGMENT_SPAN = 1000


def hidden_segment_key(hidden_field_id: int, index: int) -> int:
    """The count tables' segment key of the `index`th value of a hidden field: negative, so
    that it never meets a choice id (a segment question's key) nor the total (0), and
    unique across versions (a block per frozen field), as a choice id is."""
    return -(hidden_field_id * HIDDEN_SEGMENT_SPAN + index + 1)


_cache: dict[int, tuple[object, CompiledVersion]] = {}
_cache_lock = Lock()


def compiled_version(version: SurveyVersion) -> CompiledVersion:
    """The compiled version, cached per process. The key includes `updated_at`, which
    every save of a page, question, choice or row bumps, so corrections show at once.
    Drafts are never cached: they change all the time and only previews read them."""
    if version.status == SurveyVersion.Status.DRAFT:
        return _compile(version)
    stamp = version.updated_at
    cached = _cache.get(version.pk)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    compiled = _compile(version)
    with _cache_lock:
        _cache[version.pk] = (stamp, compiled)
    return compiled


def version_definition(version: SurveyVersion) -> SurveyDef:
    """The whole structure of a version as a plain definition."""
    return _compile(version).definition


def survey_findings(survey: Survey) -> tuple[FindingDef, ...]:
    return tuple(
        FindingDef(code=f.code, statement=f.statement, base=f.base_condition, target=f.target_condition)
        for f in Finding.objects.filter(survey=survey).order_by("position", "pk")
    )


def survey_nets(survey: Survey) -> tuple[NetDef, ...]:
    return tuple(
        NetDef(question=n.question_code, code=n.code, label=n.label, choices=tuple(n.choices), all_but=n.all_but)
        for n in Net.objects.filter(survey=survey).order_by("position", "pk")
    )


def survey_views(survey: Survey) -> tuple[ViewDef, ...]:
    return tuple(
        ViewDef(
            code=v.code, label=v.label, description=v.description, row=v.row_variable, column=v.column_variable,
            segment=v.segment, highlight_row=v.highlight_row, highlight_column_not=v.highlight_column_not,
        )
        for v in SavedView.objects.filter(survey=survey).order_by("position", "pk")
    )


def survey_quota_defs(survey: Survey) -> tuple[QuotaDef, ...]:
    return tuple(
        QuotaDef(code=q.code, label=q.label, condition=q.condition, limit=q.limit, closed=q.closed)
        for q in Quota.objects.filter(survey=survey).order_by("position", "pk")
    )


def survey_redirects(survey: Survey) -> RedirectsDef:
    return RedirectsDef(
        complete=survey.redirect_complete, screened_out=survey.redirect_screened_out,
        quota_full=survey.redirect_quota_full, closed=survey.redirect_closed,
    )


def latest_version(survey: Survey) -> SurveyVersion | None:
    """The open version if there is one, else the newest."""
    return survey.open_version() or survey.versions.order_by("-number").first()



# --- Which surveys a user may edit or see ------------------------------------------------
# Subqueries on the join tables rather than joins: no duplicate rows (so no DISTINCT, which
# the admin's changelists and `filter(survey__in=...)` would not like) and one query.


def editable_surveys(user) -> QuerySet[Survey]:
    """The surveys the user may edit: all for a superuser, else those they or one of their
    groups are editors of (whatever their model permissions; the admin checks those)."""
    if not (user.is_authenticated and user.is_active):
        return Survey.objects.none()
    if user.is_superuser:
        return Survey.objects.all()
    return Survey.objects.filter(
        Q(pk__in=Survey.editors.through.objects.filter(user=user).values("survey_id"))
        | Q(pk__in=Survey.editor_groups.through.objects.filter(group__user=user).values("survey_id"))
    )


def shared_surveys(user) -> QuerySet[Survey]:
    """The surveys whose results are shared with the user (`Survey.is_shared_with` as a
    queryset): all with the global permission, else those shared with them or one of their
    groups, and those they edit. The results permission itself is checked by the caller."""
    if not (user.is_authenticated and user.is_active):
        return Survey.objects.none()
    if user.has_perm("surveys.view_all_results"):
        return Survey.objects.all()
    return Survey.objects.filter(
        Q(pk__in=Survey.viewers.through.objects.filter(user=user).values("survey_id"))
        | Q(pk__in=Survey.viewer_groups.through.objects.filter(group__user=user).values("survey_id"))
        | Q(pk__in=editable_surveys(user).values("pk"))
    )


def listed_surveys(now=None) -> QuerySet[Survey]:
    """The surveys named on the public home page: listed, with a public link, and taking
    responses now (an open version, not archived, within their dates)."""
    now = now or timezone.now()
    return (
        Survey.objects.filter(listed=True, archived_at__isnull=True, versions__status=SurveyVersion.Status.OPEN)
        .exclude(access=Survey.Access.INVITATION)
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now), Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .order_by("title", "slug")
    )
