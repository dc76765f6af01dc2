"""Count tables read by code: per question, per row and per segment value, summed over
the survey's versions. Reads O(cells) rows, never the responses.

A `SurveyCounts` answers "how many picked choice c of question q (row r), among all
respondents or among those whose segment question s has value v", and the matching base.
Versions are mapped to codes through their compiled definitions, so a question whose
codes stay the same across versions adds up.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from analytics.models import TOTAL, BaseCount, CellCount, NumberCount, rank_row_id
from surveys.models import SurveyVersion
from surveys.selectors import CompiledVersion, compiled_version

ALL = ("", "")  # the segment key for "all respondents"


@dataclass
class SurveyCounts:
    cells: Counter  # (question, row, choice, segment) -> n, segment = (segment question, value) or ALL
    bases: Counter  # (question, row, segment) -> n, row "" for the question as a whole
    numbers: dict  # (question, row, segment) -> Counter(value -> n), row "" but for a constant sum's rows

    def cell(self, question: str, choice: str, *, row: str = "", segment: tuple[str, str] = ALL) -> int:
        return self.cells.get((question, row, choice, segment), 0)

    def ranked(self, question: str, choice: str, rank: int, *, segment: tuple[str, str] = ALL) -> int:
        """Respondents who ranked `choice` of ranking `question` at `rank`."""
        return self.cells.get((question, rank_row(rank), choice, segment), 0)

    def base(self, question: str, *, row: str = "", segment: tuple[str, str] = ALL) -> int:
        return self.bases.get((question, row, segment), 0)

    def values(self, question: str, *, row: str = "", segment: tuple[str, str] = ALL) -> Counter:
        return self.numbers.get((question, row, segment), Counter())


def rank_row(rank: int) -> str:
    """A ranking's rank where a matrix's row code goes in the keys of `SurveyCounts`
    (a '#' is in no code): cells (question, rank_row(2), choice) count second places."""
    return f"#{rank}"


def code_maps(compiled: CompiledVersion) -> tuple[dict, dict, dict]:
    questions = {qid: code for code, qid in compiled.question_ids.items()}
    rows = {rid: row for (_, row), rid in compiled.row_ids.items()}
    ranked = [len(q.choices) for q in compiled.definition.questions.values() if q.question_type.ranks]
    rows.update({rank_row_id(rank): rank_row(rank) for rank in range(1, max(ranked, default=0) + 1)})
    choices = {cid: key for key, cid in compiled.choice_ids.items()}  # -> (question, choice)
    choices.update({key: segment for segment, key in compiled.hidden_segment_ids.items()})  # hidden segments
    return questions, rows, choices


def survey_counts(survey, versions: list[SurveyVersion] | None = None) -> SurveyCounts:
    """Every count of the survey (or of the given versions), by code. Three queries plus
    one compiled definition per version (cached per process)."""
    if versions is None:
        versions = list(SurveyVersion.objects.filter(survey=survey).exclude(status=SurveyVersion.Status.DRAFT))
    maps = {v.pk: code_maps(compiled_version(v)) for v in versions}
    version_ids = list(maps)

    def segment_of(version_id: int, choice_id: int) -> tuple[str, str]:
        if choice_id == TOTAL:
            return ALL
        return maps[version_id][2].get(choice_id, ("?", "?"))

    cells: Counter = Counter()
    for v, q, r, c, s, n in CellCount.objects.filter(version_id__in=version_ids).values_list(
        "version_id", "question_id", "row_id", "choice_id", "segment_choice_id", "n"
    ):
        questions, rows, choices = maps[v]
        cells[
            (questions.get(q, "?"), rows.get(r, "") if r else "", choices.get(c, ("", "?"))[1], segment_of(v, s))
        ] += n
    bases: Counter = Counter()
    for v, q, r, s, n in BaseCount.objects.filter(version_id__in=version_ids).values_list(
        "version_id", "question_id", "row_id", "segment_choice_id", "n"
    ):
        questions, rows, _ = maps[v]
        bases[(questions.get(q, "?"), rows.get(r, "") if r else "", segment_of(v, s))] += n
    numbers: dict = {}
    for v, q, r, value, s, n in NumberCount.objects.filter(version_id__in=version_ids).values_list(
        "version_id", "question_id", "row_id", "value", "segment_choice_id", "n"
    ):
        questions, rows, _ = maps[v]
        key = (questions.get(q, "?"), rows.get(r, "") if r else "", segment_of(v, s))
        numbers.setdefault(key, Counter())[Decimal(value).normalize()] += n
    return SurveyCounts(cells=cells, bases=bases, numbers=numbers)
