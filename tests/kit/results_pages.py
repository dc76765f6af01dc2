"""Results pages checked against Python: the demo survey's results URLs, and the answer
sets that meet a condition as the surveys' own evaluator decides."""

from __future__ import annotations

from urllib.parse import urlencode

from surveys import conditions


def meeting(sets: list[dict], text: str) -> list[dict]:
    """The answer sets meeting a condition, evaluated in Python (the surveys' evaluator)."""
    node = conditions.parse(text)
    return [s for s in sets if conditions.evaluate(node, s)]


def results_url(path: str, **params) -> str:
    return f"/results/ddiq-2010/{path}?{urlencode(params)}"
