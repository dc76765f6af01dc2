"""The outline's changes in the survey's history (surveys.history): questions and pages
named as people read them, a question's values before and after a save, and the check of
a question's or page's stamp (builder.stamps) with its version locked.

Each record also keeps, under the program key "undo" of its details, the object as the
change left it (and as it was before, where the words of "fields" would not rebuild it):
builder.undo puts it back from there, and checks that it is still as left."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from django.utils.text import Truncator

from builder.stamps import StaleEdit, check_stamp
from surveys import editing
from surveys.history import change_record, field_changes, target_of
from surveys.models import Page, Question, SurveyChange, SurveyVersion
from surveys.types import question_type

# A question's fields as its form names them, in the order a change lists them.
QUESTION_LABELS = {
    "label": "Question", "help_text": "Help text", "code": "Code", "required": "Required",
    "condition": "Show only if", "min_value": "Smallest answer", "max_value": "Largest answer",
    "max_length": "Longest answer (characters)", "is_segment": "Segment", "personal_data": "Personal data",
    "low_label": "Label of the lowest point", "high_label": "Label of the highest point", "display": "Shown as",
    "step": "Step", "shuffle": "Order", "attention_check": "Attention check: expected answer",
    "choices": "Choices", "rows": "Rows",
}
PAGE_LABELS = {"title": "Title", "condition": "Show this page only if",
               "shuffle_questions": "Questions in a random order", "shuffle_block": "Random-order block"}


def _short(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(60)


def question_name(question: Question) -> str:
    """ "question “Which best describes your role?” (role)" """
    return f"question “{_short(question.label)}” ({question.code})" if question.label else f"question {question.code}"


def page_name(page: Page) -> str:
    """ "page 2 “About your company”" (positions are dense: 0..n-1)."""
    return f"page {page.position + 1} “{_short(page.title)}”" if page.title else f"page {page.position + 1}"


def _options(options) -> str:
    return " · ".join(
        f"{o.label} ({o.code}{', exclusive' if getattr(o, 'exclusive', False) else ''}"
        f"{f', text box {o.specify}' if getattr(o, 'specify', '') else ''}"
        f"{', fixed place' if o.anchor else ''}"
        f"{f', attention check {o.attention_check}' if getattr(o, 'attention_check', '') else ''})"
        for o in sorted(options, key=lambda o: (o.position, o.pk))
    )


def question_state(question: Question) -> dict[str, Any]:
    """The question's values as its history compares them (its choices and rows read
    through `.all()`: prefetched by the outline), and under "snapshot" as undo puts them
    back (not compared: `question_changes` reads the labelled names only)."""
    state = {name: getattr(question, name) for name in QUESTION_LABELS if name not in ("choices", "rows")}
    state["choices"] = _options(question.choices.all())
    state["rows"] = _options(question.rows.all())
    state["type"] = question.type  # names its fields (not compared: a question keeps its type)
    state["snapshot"] = question_snapshot(question)
    return state


def _number(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def question_snapshot(question: Question) -> dict[str, Any]:
    """The question's fields, choices and rows as plain JSON (choices and rows with their
    ids: undo updates them in place, as the edit form does)."""
    snapshot: dict[str, Any] = {name: getattr(question, name) for name in editing.QUESTION_FIELDS}
    snapshot["min_value"], snapshot["max_value"] = _number(question.min_value), _number(question.max_value)
    snapshot["step"] = _number(question.step)
    snapshot["choices"] = [
        {"id": c.pk, "code": c.code, "label": c.label, "exclusive": c.exclusive, "specify": c.specify,
         "anchor": c.anchor}
        for c in sorted(question.choices.all(), key=lambda c: (c.position, c.pk))
    ]
    snapshot["rows"] = [
        {"id": r.pk, "code": r.code, "label": r.label, "anchor": r.anchor, "attention_check": r.attention_check}
        for r in sorted(question.rows.all(), key=lambda r: (r.position, r.pk))
    ]
    return snapshot


def snapshot_content(snapshot: dict[str, Any]) -> dict[str, Any]:
    """What a snapshot says of the question, without the ids of its choices and rows (a
    choice deleted and put back has a new id but is the same choice)."""
    def without_ids(items: list[dict]) -> list[dict]:
        return [{k: v for k, v in item.items() if k != "id"} for item in items]

    return {**snapshot, "choices": without_ids(snapshot.get("choices", [])),
            "rows": without_ids(snapshot.get("rows", []))}


def page_snapshot(page: Page) -> dict[str, Any]:
    """A page as undo checks it: its texts, its random order and which questions it holds."""
    return {"title": page.title, "condition": page.condition, "shuffle_questions": page.shuffle_questions,
            "shuffle_block": page.shuffle_block,
            "questions": sorted(Question.objects.filter(page_id=page.pk).values_list("pk", flat=True))}


def place_of(obj: Question | Page) -> dict[str, int]:
    return {"page": obj.page_id, "position": obj.position} if isinstance(obj, Question) else {"position": obj.position}


def question_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, str]]:
    labels = QUESTION_LABELS
    if question_type(after.get("type", "")).sums_to_total:  # a constant sum keeps its total in max_value
        labels = {**QUESTION_LABELS, "max_value": "Total"}
    return field_changes(before, after, labels)


def page_changes(before: Page, after: Page) -> list[dict[str, str]]:
    names = PAGE_LABELS.keys()
    return field_changes({n: getattr(before, n) for n in names}, {n: getattr(after, n) for n in names}, PAGE_LABELS)


def record(request: HttpRequest, version: SurveyVersion, action: str, summary: str, obj: Model | str | None = None,
           details: dict | None = None, before: dict | None = None) -> SurveyChange:
    """One outline action in the history (call it in the action's transaction). `obj` is
    what changed (its target, as text, for a row deleted since), else the version;
    `before`: a question's `question_state` before a save (for its undo)."""
    return record_by(request.user, version, action, summary, obj, details, before)


def record_by(user, version: SurveyVersion, action: str, summary: str, obj: Model | str | None = None,
              details: dict | None = None, before: dict | None = None) -> SurveyChange:
    target = obj if isinstance(obj, str) else target_of(obj if obj is not None else version)
    details = dict(details or {})
    if isinstance(obj, Question | Page):
        undo = undo_data(action, version, obj, details.get("fields") or [], before)
        if undo is not None:
            details["undo"] = undo
    change = change_record(
        survey=version.survey, user=user, action=action, summary=summary, version=version, details=details,
        target=target,
    )
    if action in ("question_restored", "page_restored") and "undoes" not in details:
        _mark_restored(change, obj)
    return change


def _mark_restored(change: SurveyChange, restored: Question | Page) -> None:
    """A delete put back by the outline's own Undo: its record in the history is undone by
    this one (and offers no Undo of its own any more). The delete is found by what it put
    back: the newest one of this code (a page: of these question codes and title) not
    undone yet."""
    if isinstance(restored, Question):
        kind, found = "question", {"question__code": restored.code}
    else:
        codes = list(Question.objects.filter(page=restored).order_by("position").values_list("code", flat=True))
        kind, found = "page", {"page__title": restored.title}
    deleted = (
        SurveyChange.objects.filter(version_id=change.version_id, action=f"{kind}_deleted", pk__lt=change.pk,
                                    **{f"details__{k}": v for k, v in found.items()})
        .exclude(details__has_key="undone_by").order_by("-pk").first()
    )
    if deleted is None:
        return
    if kind == "page" and [q["code"] for q in deleted.details["page"]["questions"]] != codes:
        return
    deleted.details = {**deleted.details, "undone_by": change.pk}
    deleted.save(update_fields=["details"])
    change.details = {**change.details, "undoes": deleted.pk}
    change.save(update_fields=["details"])


def _field_befores(fields: list[dict]) -> dict[str, str]:
    return {f["name"]: f["before"] for f in fields if "before" in f}


def undo_data(action: str, version: SurveyVersion, obj: Question | Page, fields: list[dict],
              before: dict | None) -> dict | None:
    """What builder.undo needs to undo `action` on `obj` (recorded just after it, in its
    transaction), or None where it needs nothing more than the record."""
    if action in ("question_added", "question_duplicated", "question_restored"):
        return {"after": question_snapshot(Question.objects.prefetch_related("choices", "rows").get(pk=obj.pk))}
    if action == "question_changed":
        return None if before is None else {"before": before["snapshot"], "after": question_snapshot(obj)}
    if action == "question_moved":
        # The fields name the page before by its place: pages do not move in a question's
        # move, so that place still finds it here.
        was = _field_befores(fields)
        page = obj.page_id
        if "page" in was:
            page = Page.objects.filter(version=version, position=int(was["page"]) - 1).values_list("pk", flat=True)[0]
        position = int(was["position"]) - 1 if "position" in was else obj.position
        return {"before": {"page": page, "position": position}, "after": place_of(obj)}
    if action in ("page_added", "page_restored"):
        return {"after": page_snapshot(obj)}
    if action == "page_changed":
        after = page_snapshot(obj)
        was = _field_befores(fields)
        if "shuffle_questions" in was:  # recorded in words (surveys.history.as_text): "yes" / "no"
            was["shuffle_questions"] = was["shuffle_questions"] == "yes"
        return {"before": {**after, **{name: was[name] for name in PAGE_LABELS if name in was}}, "after": after}
    if action == "page_moved":
        return {"before": {"position": int(_field_befores(fields)["position"]) - 1}, "after": place_of(obj)}
    return None


def stale_edit(version: SurveyVersion, obj: Question | Page, posted: str | None) -> StaleEdit | None:
    """Lock the version (as every structure edit does first) and check that `obj` is
    still as its form showed it. Call it in the save's transaction."""
    list(SurveyVersion.objects.select_for_update().filter(pk=version.pk).values_list("pk", flat=True))
    current = type(obj).objects.filter(pk=obj.pk).only("pk", "updated_at").first()
    return None if current is None else check_stamp(current, posted)
