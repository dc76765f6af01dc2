"""Screen-outs in the respondent's flow: which screen-out, if any, ends a response given its
answers so far (the version's screen-outs, `CompiledVersion.screen_out_pages`). A screen-out
is decided at the end of the page where every question it names has been answered."""

from __future__ import annotations

from collections.abc import Mapping

from surveys import conditions
from surveys.definition import ScreenOutDef
from surveys.selectors import CompiledVersion


def screen_out_after_page(compiled: CompiledVersion, answers: Mapping[str, object], index: int) -> ScreenOutDef | None:
    """The first screen-out decided by the end of page `index` whose condition `answers`
    (with the respondent's hidden values) meet."""
    for screen_out, node, page in compiled.screen_out_pages:
        if page <= index and conditions.evaluate(node, answers):
            return screen_out
    return None


def screen_out_of(compiled: CompiledVersion, answers: Mapping[str, object]) -> ScreenOutDef | None:
    """The screen-out that a whole answer set (an API submission, a last page) meets."""
    return screen_out_after_page(compiled, answers, len(compiled.definition.pages))
