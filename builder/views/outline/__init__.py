"""The outline editor: one page (/build/<slug>/) where a survey's editors change the
pages and questions of the version being edited (the draft; else the published one,
frozen: wording only).

Every action is a plain form POST that redirects back to the outline at the changed
item; with htmx the same POST answers with the outline part, swapped in place
(`respond.done`). Writes go through `surveys.editing`.
"""

from builder.views.outline.checks import condition_check
from builder.views.outline.pages import page_add, page_delete, page_move, page_update
from builder.views.outline.questions import (
    question_add,
    question_delete,
    question_duplicate,
    question_edit,
    question_move,
)
from builder.views.outline.show import survey_outline, texts_update
from builder.views.outline.undo import deleted_restore

__all__ = [
    "condition_check",
    "deleted_restore",
    "page_add",
    "page_delete",
    "page_move",
    "page_update",
    "question_add",
    "question_delete",
    "question_duplicate",
    "question_edit",
    "question_move",
    "survey_outline",
    "texts_update",
]
