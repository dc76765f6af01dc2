"""Experiments that estimate what a change would buy before it is made, switched on by
BENCH_EXPERIMENTS (comma-separated) in bench/form (through bench/wsgi.py) and
bench/profile_form:

- `crispy-once`: each page's `{% crispy form %}` output is rendered once per process and
  reused, whatever the respondent's values and errors. WRONG OUTPUT on purpose (a page
  shows no answers kept, no errors): the upper bound of rendering a version's page skeleton
  once and filling in the values.
- `open-version-once`: `Survey.open_version()` queries once per Survey instance (each
  request loads its own), the upper bound of reading the survey and its open version in
  one query per request (`responses.selectors.survey_with_open_version`).

Never for production: they exist to put numbers on proposals (bench/README.md). They
were written before responses/rendering.py (which renders a page's questions once per
page content) and before the survey and its open version were read in one query: on
today's path they measure little (the `skeleton` prototype became responses/rendering.py).
"""

from __future__ import annotations

import os

KNOWN = ("crispy-once", "open-version-once")


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

    if "open-version-once" in names:
        from surveys.models import Survey

        open_version = Survey.open_version

        def open_version_once(self):
            if "_bench_open_version" not in self.__dict__:
                self.__dict__["_bench_open_version"] = open_version(self)
            return self.__dict__["_bench_open_version"]

        Survey.open_version = open_version_once
