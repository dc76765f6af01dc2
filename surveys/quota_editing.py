"""Writes of a survey's quotas from the builder's settings page: add one (code, label,
condition, limit) and remove one. Changing a limit or closing one is
`surveys.lifecycle.survey_quota_update`.

Quotas are survey-level and live (not frozen with a version): the survey's row is locked
as the other settings services lock it. A quota's condition is checked as the definition
file checks it, against every version respondents may answer now or next (the open
version and the newest one), so that a quota never names what a respondent cannot answer.
Its counter is made from the true count, and goes with it, by the responses app's
receivers in the same transaction (`responses.quotas.quota_counter_sync`).
"""

from __future__ import annotations

from django.db import transaction

from surveys import conditions
from surveys.definition_files import CODE_RE
from surveys.editing import EditError
from surveys.models import Quota, Survey, SurveyVersion
from surveys.selectors import version_definition

__all__ = ["LABEL_MAX", "QuotaRefused", "code_problem", "condition_problem", "quota_add", "quota_delete",
           "quota_restore"]

LABEL_MAX = Quota._meta.get_field("label").max_length


class QuotaRefused(EditError):
    """A quota refused because of one of its values: `field` names it ("code", "condition")."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def code_problem(survey: Survey, code: str) -> str | None:
    """Why `code` cannot name a new quota of `survey`; None if it can."""
    if not code:
        return "Give the quota a code: it names the quota in the definition file and the API."
    if not CODE_RE.match(code):
        return "A code holds only letters, digits, “_” and “-” (at most 64 characters, not starting with “-”)."
    if code.startswith("_"):
        return "Codes starting with “_” are reserved for built-in quotas (the response cap)."
    if Quota.objects.filter(survey=survey, code=code).exists():
        return f"“{code}” is already a quota of this survey."
    return None


def _checked_versions(survey: Survey) -> list[SurveyVersion]:
    versions = [survey.open_version(), survey.versions.order_by("-number").first()]
    return list({v.pk: v for v in versions if v is not None}.values())


def condition_problem(survey: Survey, text: str) -> str | None:
    """Why a quota's condition is refused (the import's checks, on each version that
    respondents answer now or next), with the character where the problem is; None if it fits."""
    if not text.strip():
        return "Give the condition of the completes the quota counts, e.g. region = north."
    try:
        node = conditions.parse(text)
        for version in _checked_versions(survey):
            try:
                conditions.check(node, version_definition(version).condition_questions)
            except conditions.ConditionError as exc:
                if version.status == SurveyVersion.Status.DRAFT:
                    raise
                raise conditions.ConditionError(f"{exc.reason} in the open version {version.number}",
                                                exc.position) from exc
    except conditions.ConditionError as exc:
        reason = f"{exc.reason[:1].upper()}{exc.reason[1:]}"
        return f"{reason} (at character {exc.position + 1})." if exc.position >= 0 else f"{reason}."
    return None


def _locked(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().get(pk=survey.pk)


@transaction.atomic
def quota_add(*, survey: Survey, code: str, label: str, condition: str, limit: int, closed: bool = False,
              position: int | None = None) -> Quota:
    """A new quota after the survey's others (or at `position`); its counter starts from
    the completes that already meet its condition."""
    survey = _locked(survey)
    for field, problem in (("code", code_problem(survey, code)), ("condition", condition_problem(survey, condition))):
        if problem is not None:
            raise QuotaRefused(problem, field)
    if not 0 <= limit:
        raise QuotaRefused("A limit is a whole number of completes, 0 or more.", "limit")
    ids = list(Quota.objects.filter(survey=survey).order_by("position", "pk").values_list("pk", flat=True))
    quota = Quota.objects.create(survey=survey, code=code, label=label or code, condition=condition, limit=limit,
                                 closed=closed, position=len(ids))
    if position is not None and position < len(ids):
        ids.insert(max(position, 0), quota.pk)
        Quota.objects.bulk_update([Quota(pk=pk, position=i) for i, pk in enumerate(ids)], ["position"])
        quota.position = ids.index(quota.pk)
    return quota


@transaction.atomic
def quota_delete(*, survey: Survey, code: str) -> dict:
    """Remove the quota `code` (its counter goes with it); returns its values and place,
    for a restore. Completes it counted stay as they are."""
    survey = _locked(survey)
    quota = Quota.objects.filter(survey=survey, code=code).first()
    if quota is None:
        raise EditError(f"This survey has no quota “{code}” (any more).")
    ids = list(Quota.objects.filter(survey=survey).order_by("position", "pk").values_list("pk", flat=True))
    data = {"code": quota.code, "label": quota.label, "condition": quota.condition, "limit": quota.limit,
            "closed": quota.closed, "position": ids.index(quota.pk)}
    quota.delete()
    return data


def quota_restore(*, survey: Survey, data: dict) -> Quota:
    """Put a removed quota back (its counter recounted), refused as an add would be."""
    try:
        return quota_add(survey=survey, **data)
    except QuotaRefused as exc:
        raise EditError(f"The quota cannot be restored: {exc}") from exc
