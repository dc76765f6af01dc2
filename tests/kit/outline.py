"""A small draft survey for the outline editor's tests, and how to read its structure back."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse

from surveys.models import Page, Question, SurveyVersion
from tests.kit.page_forms import form_data

# The builder's history page: the session, the user and their permissions (4), the survey
# and whether they edit it (2), the versions, the users of the filter, the count, and the
# page of changes with their users and versions; whatever the number of changes.
HISTORY_PAGE_QUERIES = 10

SMALL = {
    "slug": "small",
    "title": "A small survey",
    "pages": [
        {
            "title": "About you",
            "questions": [
                {"code": "role", "type": "single", "label": "Your role?", "required": True, "choices": [
                    {"code": "it", "label": "IT"}, {"code": "biz", "label": "Business"}]},
                {"code": "tools", "type": "matrix", "label": "How often do you use...", "rows": [
                    {"code": "mail", "label": "Mail"}, {"code": "chat", "label": "Chat"}], "choices": [
                    {"code": "never", "label": "Never"}, {"code": "often", "label": "Often"}]},
                {"code": "pets", "type": "multiple", "label": "Pets?", "choices": [
                    {"code": "cat", "label": "Cat"}, {"code": "dog", "label": "Dog"},
                    {"code": "no_pets", "label": "None", "exclusive": True}]},
            ],
        },
        {
            "title": "More",
            "questions": [
                {"code": "age", "type": "integer", "label": "Age?", "min": 18, "max": 99, "condition": "role = it"},
                {"code": "note", "type": "short_text", "label": "Anything else?"},
            ],
        },
    ],
}


def small_draft(*, slug: str = "small", editors: Sequence = (), status: str = "draft") -> SurveyVersion:
    """The SMALL survey imported as a draft (or, with status="open", published)."""
    from surveys.definition_files import definition_from_data
    from surveys.services import survey_import

    version, _ = survey_import(definition=definition_from_data({**SMALL, "slug": slug, "status": status}),
                               editors=editors)
    return version


def layout(version: SurveyVersion) -> list[list[str]]:
    """The question codes of each page, in order (by the stored positions)."""
    return [
        list(Question.objects.filter(page=page).order_by("position").values_list("code", flat=True))
        for page in Page.objects.filter(version=version).order_by("position")
    ]


def positions_dense(version: SurveyVersion) -> bool:
    """Pages and each page's questions, choices and rows are numbered 0..n-1."""
    pages = list(Page.objects.filter(version=version).values_list("position", flat=True))
    if sorted(pages) != list(range(len(pages))):
        return False
    for page in Page.objects.filter(version=version):
        found = sorted(Question.objects.filter(page=page).values_list("position", flat=True))
        if found != list(range(len(found))):
            return False
    for question in Question.objects.filter(version=version):
        for options in (question.choices, question.rows):
            found = sorted(options.values_list("position", flat=True))
            if found != list(range(len(found))):
                return False
    return True


def outline_url(name: str, *args) -> str:
    return reverse(f"builder:{name}", args=["small", *args])


def question_form(client, question: Question, changes: dict | None = None) -> dict[str, list[str]]:
    """The question's edit form as the outline shows it, with `changes`."""
    page = client.get(outline_url("outline") + f"?edit={question.pk}")
    return form_data(page, outline_url("question_edit", question.pk), changes)


def question_form_data(question: Question, **changes) -> dict:
    """What the question's edit form posts with its choices and rows unchanged, with `changes`
    (e.g. `shuffle="rows"`, `**{"rows-0-anchor": "on"}`)."""
    data = {"label": question.label, "help_text": question.help_text, "code": question.code,
            "condition": question.condition, "op": "save", **({"required": "on"} if question.required else {})}
    for kind, options in (("choices", question.choices), ("rows", question.rows)):
        entries = list(options.order_by("position"))
        data[f"{kind}-count"] = str(len(entries))
        for i, entry in enumerate(entries):
            data.update({f"{kind}-{i}-id": str(entry.pk), f"{kind}-{i}-label": entry.label,
                         f"{kind}-{i}-code": entry.code, **({f"{kind}-{i}-anchor": "on"} if entry.anchor else {})})
            for name in ("exclusive", "specify", "attention_check"):
                if getattr(entry, name, ""):
                    data[f"{kind}-{i}-{name}"] = "on" if name == "exclusive" else getattr(entry, name)
    return {**data, **changes}
