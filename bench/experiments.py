"""Experiments that estimate what a change would buy before it is made, switched on by
BENCH_EXPERIMENTS (comma-separated) in bench/form (through bench/wsgi.py) and
bench/profile_form:

- `crispy-once`: each page's `{% crispy form %}` output is rendered once per process and
  reused, whatever the respondent's values and errors. WRONG OUTPUT on purpose (a page
  shows no answers kept, no errors): the upper bound of rendering a version's page skeleton
  once and filling in the values.
- `skeleton`: a prototype of the real thing: each page's `{% crispy form %}` output is
  rendered once per process without values (per question set and display conditions),
  and each request fills in its values (` checked`, ` selected`, a text's `value`, a
  textarea's content); a page with errors (a bound form) is rendered in full as today.
  With BENCH_SKELETON_VERIFY=1 every filled page is compared with the full render and a
  difference raises. `bench/skeleton_check` compares them over random answers.
- `open-version-once`: `Survey.open_version()` queries once per Survey instance (each
  request loads its own), the upper bound of reading the survey and its open version in
  one query per request (`responses.selectors.survey_with_open_version`).

Never for production: they exist to put numbers on proposals (bench/README.md).
"""

from __future__ import annotations

import os
import re

KNOWN = ("crispy-once", "skeleton", "open-version-once")


def requested() -> list[str]:
    names = [e.strip() for e in os.environ.get("BENCH_EXPERIMENTS", "").split(",") if e.strip()]
    unknown = sorted(set(names) - set(KNOWN))
    if unknown:
        raise SystemExit(f"BENCH_EXPERIMENTS: unknown {unknown} (known: {', '.join(KNOWN)})")
    return names


def apply(names: list[str]) -> None:
    """Patch the loaded app (Django set up) for each named experiment."""
    if "crispy-once" in names:
        from crispy_forms.templatetags.crispy_forms_tags import CrispyFormNode

        render, rendered = CrispyFormNode.render, {}

        def render_once(self, context):
            form = context.get("form")
            key = tuple(form.fields) if form is not None else None
            if key not in rendered:
                rendered[key] = render(self, context)
            return rendered[key]

        CrispyFormNode.render = render_once

    if "skeleton" in names:
        from crispy_forms.templatetags.crispy_forms_tags import CrispyFormNode

        CrispyFormNode.render = skeleton_render(CrispyFormNode.render)

    if "open-version-once" in names:
        from surveys.models import Survey

        open_version = Survey.open_version

        def open_version_once(self):
            if "_bench_open_version" not in self.__dict__:
                self.__dict__["_bench_open_version"] = open_version(self)
            return self.__dict__["_bench_open_version"]

        Survey.open_version = open_version_once


def skeleton_render(render):
    """CrispyFormNode.render, rendering each page's skeleton once and filling it in."""
    from django import forms
    from django.utils.html import escape

    skeletons: dict = {}
    verify = os.environ.get("BENCH_SKELETON_VERIFY") == "1"

    def insert_before_close(html: str, start: int, text: str) -> str:
        end = html.index(">", start)
        return html[:end] + text + html[end:]

    def fill(html: str, form) -> str:
        for name, field in form.fields.items():
            value = form.get_initial_for_field(field, name)
            if value in (None, "", []):
                continue
            widget, quoted = field.widget, escape(name)
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                for item in value if isinstance(value, list | tuple) else [value]:
                    at = html.find(f'name="{quoted}" value="{escape(str(item))}" ')
                    if at >= 0:
                        html = insert_before_close(html, at, " checked")
            elif isinstance(widget, forms.Select):
                start = html.index(f'<select name="{quoted}"')
                end = html.index("</select>", start)
                options = html[start:end].replace('<option value="" selected>', '<option value="">', 1)
                at = options.find(f'<option value="{escape(str(value))}"')
                if at >= 0:
                    options = insert_before_close(options, at, " selected")
                html = html[:start] + options + html[end:]
            elif isinstance(widget, forms.Textarea):
                at = html.index(">", html.index(f'<textarea name="{quoted}"')) + 2  # after ">\n"
                html = html[:at] + escape(widget.format_value(value) or "") + html[at:]
            else:
                tag = re.search(rf'<input type="[^"]*" name="{re.escape(quoted)}"', html)
                html = html[:tag.end()] + f' value="{escape(widget.format_value(value))}"' + html[tag.end():]
        return html

    def render_skeleton(self, context):
        form = context.get("form")
        if form is None or not hasattr(form, "questions") or form.is_bound:
            return render(self, context)
        key = tuple((block.question, block.condition) for block in form.helper.layout.fields)
        skeleton = skeletons.get(key)
        if skeleton is None:
            initial, form.initial = form.initial, {}
            try:
                skeleton = skeletons[key] = render(self, context)
            finally:
                form.initial = initial
                form._bound_fields_cache.clear()  # they cached the empty initial values
        html = fill(skeleton, form)
        if verify:
            full = render(self, context)
            if html != full:
                raise AssertionError(f"skeleton differs from the full render:\n{html}\n---\n{full}")
        return html

    return render_skeleton
