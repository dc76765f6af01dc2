"""The questions of a form page as HTML: crispy-forms renders a page's questions once per
page content (a skeleton), and each request fills in the respondent's values.

Why: rendering a page through crispy-forms was a third of a response's server time, and
a page's HTML differs between respondents only in the values of its controls. Nothing
here knows question types: the skeleton is read as HTML. A checkbox, radio button or
`<option>` is on or off (both forms of each tag are taken from real renders, so that
attribute order and whatever a widget adds stay crispy's own); a text-like control's
value is a slot, found by rendering a marker as its value.

A skeleton is only used once it has proved itself: the page is rendered in full with no
values, with the markers and with each choice picked in turn (every checkbox ticked), and
filling the skeleton must give each of those renders exactly. A page whose HTML depends
on its values in another way (or whose tags cannot be told apart) is rendered in full on
every request, as are pages with errors (a bound form, the rare path).
`tests/responses/test_form_rendering.py` compares both ways over random pages of every
registered type.

Texts that show earlier answers (surveys.piping) reach this module with a marker in place
of each answer, the same for every respondent: one skeleton serves them all, and the
view puts each respondent's escaped answers in afterwards (`PipedPage.html`), so that
neither the key nor the number of skeletons depends on anyone's answers.

A page in an order drawn for the respondent (surveys.ordering: shuffled questions, choices
or rows) is rendered in full on every request. Its key would be correct (the layout holds
the questions in their drawn order) but each order would need a skeleton of its own: a
question of 6 shuffled choices alone has 720 of them, each costing a dozen renders to
prove, which would keep emptying the cache for every other page. A page with an order
shown to no one else gains nothing from a cache.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms.widgets import ChoiceWidget
from django.template import engines
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

# Renders of one page a skeleton may take to prove itself: one per choice of its longest
# one-answer field (a long dropdown makes the page one that is always rendered in full).
MAX_PROBES = 24
MAX_SKELETONS = 512  # per process; more distinct pages than this and the cache starts over

_TEMPLATE = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}")
_TAG = re.compile(r"<select\b[^>]*>|</select>|<option\b[^>]*>|<input\b[^>]*>")
_ATTRIBUTE = re.compile(r'\s([^\s=>/"]+)(?:="([^"]*)")?')
# Private-use characters: escaping and widgets' format_value leave them as they are.
_MARK = "\ue000{}\ue001"


@dataclass(frozen=True)
class _Option:
    """A radio button, checkbox or `<option>` of field `name`, in its off and on forms."""

    name: str
    value: str
    off: str
    on: str
    multiple: bool  # a widget of many answers (checkboxes): every matching option is on


@dataclass(frozen=True)
class _Value:
    """Where a text-like field's value goes: an input's `value` attribute (left out when
    there is no value, as Django does) or a textarea's content."""

    name: str
    attribute: bool


_FULL = object()  # a page whose skeleton did not prove itself: always rendered in full
_skeletons: dict[str, list | object] = {}


def render_questions(form: forms.Form) -> SafeString:
    """The page's questions as `{% crispy form %}` renders them."""
    if form.is_bound or getattr(form, "random_order", False):
        return _render(form)
    key = _key(form)
    skeleton = _skeletons.get(key)
    if skeleton is None:
        skeleton = _build(form)
        if len(_skeletons) >= MAX_SKELETONS:
            _skeletons.clear()
        _skeletons[key] = skeleton
    if skeleton is _FULL:
        return _render(form)
    return mark_safe(_fill(skeleton, _values(form)))


def _render(form: forms.Form) -> SafeString:
    return _TEMPLATE.render({"form": form})


def _key(form: forms.Form) -> str:
    # The layout holds everything the HTML is made of (each block's question with its
    # labels, help, choices, rows, settings and required flag, and its display condition);
    # the field names and widget classes cover any field a type adds beside the layout.
    layout = [(getattr(o, "question", None), getattr(o, "condition", None)) for o in form.helper.layout.fields]
    fields = [(name, type(field).__name__, type(field.widget).__name__) for name, field in form.fields.items()]
    return hashlib.sha256(repr((layout, fields)).encode()).hexdigest()


# --- Filling ----------------------------------------------------------------------------


def _values(form: forms.Form) -> dict[str, Any]:
    """Each field's value as its widget renders it: a list of strings for choice widgets,
    a string or None for the others."""
    return {name: field.widget.format_value(form[name].value()) for name, field in form.fields.items()}


def _fill(skeleton: list, values: dict[str, Any]) -> str:
    out: list[str] = []
    picked: set[str] = set()
    for piece in skeleton:
        if isinstance(piece, str):
            out.append(piece)
        elif isinstance(piece, _Option):
            chosen = values.get(piece.name) or ()
            # A one-answer widget marks only its first matching option, as Django does.
            on = piece.value in chosen and (piece.multiple or piece.name not in picked)
            if on:
                picked.add(piece.name)
            out.append(piece.on if on else piece.off)
        else:
            value = values.get(piece.name)
            if piece.attribute:
                if value is not None:
                    out.append(f' value="{conditional_escape(value)}"')
            elif value:
                out.append(conditional_escape(value))
    return "".join(out)


# --- Building and proving a skeleton --------------------------------------------------


def _build(form: forms.Form) -> list | object:
    choice_fields = {n: f for n, f in form.fields.items() if isinstance(f.widget, ChoiceWidget)}
    text_fields = [n for n in form.fields if n not in choice_fields]
    choices = {n: [str(v) for v, _ in _flat_choices(f)] for n, f in choice_fields.items()}
    one_answer = [n for n, f in choice_fields.items() if not f.widget.allow_multiple_selected]
    rounds = max((len(choices[n]) for n in one_answer), default=1)
    if rounds > MAX_PROBES:
        return _FULL
    marks = {name: _MARK.format(i) for i, name in enumerate(text_fields)}

    probes: list[dict[str, Any]] = [{}]  # nothing answered
    for k in range(max(rounds, 1)):
        initial: dict[str, Any] = dict(marks)
        for name, field in choice_fields.items():
            if field.widget.allow_multiple_selected:
                initial[name] = choices[name]
            elif k < len(choices[name]) and choices[name][k] != "":
                initial[name] = choices[name][k]
        probes.append(initial)
    renders = [_render_with(form, initial) for initial in probes]

    multiple = {n for n, f in choice_fields.items() if f.widget.allow_multiple_selected}
    skeleton = _parse(renders, marks, multiple)
    if skeleton is None:
        return _FULL
    for initial, rendered in zip(probes, renders, strict=True):
        if _fill(skeleton, _values_with(form, initial)) != rendered:
            return _FULL
    return skeleton


def _flat_choices(field: forms.Field) -> list[tuple[Any, Any]]:
    flat = []
    for value, label in field.choices:
        if isinstance(label, list | tuple):  # an optgroup
            flat.extend(label)
        else:
            flat.append((value, label))
    return flat


def _render_with(form: forms.Form, initial: dict[str, Any]) -> str:
    saved = form.initial
    form.initial = initial
    form._bound_fields_cache.clear()  # bound fields keep the initial values they read
    try:
        return str(_render(form))
    finally:
        form.initial = saved
        form._bound_fields_cache.clear()


def _values_with(form: forms.Form, initial: dict[str, Any]) -> dict[str, Any]:
    saved = form.initial
    form.initial = initial
    form._bound_fields_cache.clear()
    try:
        return _values(form)
    finally:
        form.initial = saved
        form._bound_fields_cache.clear()


def _parse(renders: list[str], marks: dict[str, str], multiple: set[str]) -> list | None:
    """The skeleton read from the renders (the first with nothing answered, the others
    with the markers and choices picked): text pieces, options and value slots; None when
    the renders do not line up tag for tag, or a tag showed more than an off and an on
    form, or one of them never (an option no render picked)."""
    tagged = [_choice_tags(r) for r in renders]
    if any(len(t) != len(tagged[0]) for t in tagged):
        return None
    template, template_tags = renders[-1], tagged[-1]  # a render with the markers
    pieces: list = []
    position = 0
    for i, (start, end, name, value, _) in enumerate(template_tags):
        if any((t[i][2], t[i][3]) != (name, value) for t in tagged):
            return None
        forms_of_tag = {t[i][4] for t in tagged}
        on = [text for text in forms_of_tag if _is_on(text)]
        off = [text for text in forms_of_tag if not _is_on(text)]
        if len(on) != 1 or len(off) != 1:
            return None
        pieces.extend(_slots(template[position:start], marks))
        pieces.append(_Option(name, value, off[0], on[0], name in multiple))
        position = end
    pieces.extend(_slots(template[position:], marks))
    # Every marker found exactly once, and nothing of them left in the text.
    found = [p.name for p in pieces if isinstance(p, _Value)]
    if sorted(found) != sorted(marks) or any(isinstance(p, str) and "\ue000" in p for p in pieces):
        return None
    return pieces


def _choice_tags(rendered: str) -> list[tuple[int, int, str, str, str]]:
    """(start, end, field name, value, tag) of each radio button, checkbox and option."""
    tags = []
    select = None
    for match in _TAG.finditer(rendered):
        tag = match.group()
        if tag.startswith("</select"):
            select = None
            continue
        attributes = {k: html.unescape(v or "") for k, v in _attributes(tag)}
        if tag.startswith("<select"):
            select = attributes.get("name")
        elif tag.startswith("<option"):
            tags.append((match.start(), match.end(), select or "", attributes.get("value", ""), tag))
        elif attributes.get("type") in ("radio", "checkbox"):
            tags.append((match.start(), match.end(), attributes.get("name", ""), attributes.get("value", ""), tag))
    return tags


def _attributes(tag: str) -> list[tuple[str, str]]:
    return _ATTRIBUTE.findall(tag[tag.index(" "):-1]) if " " in tag else []


def _is_on(tag: str) -> bool:
    return any(name in ("checked", "selected") for name, _ in _attributes(tag))


def _slots(text: str, marks: dict[str, str]) -> list:
    """`text` split at the markers of text-like fields into strings and value slots."""
    pieces: list = []
    by_mark = {mark: name for name, mark in marks.items()}
    for part in re.split(r'( value="\ue000\d+\ue001"|\ue000\d+\ue001)', text):
        if not part:
            continue
        if part.startswith(' value="'):
            name = by_mark.get(part[8:-1])
            pieces.append(_Value(name, True) if name else part)
        elif part.startswith("\ue000"):
            name = by_mark.get(part)
            pieces.append(_Value(name, False) if name else part)
        else:
            pieces.append(part)
    return pieces
