"""What a page in a random order costs to render (README, "Randomised order"): the
randomised page of tests/kit/shuffle.py rendered from its cached skeleton (one order for
everyone), in full (what the form does for a drawn order), and with a skeleton built for
each respondent's order (what caching it would cost). Run:
`.venv/bin/python -m bench.shuffled_render`."""

from __future__ import annotations

import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from responses import rendering  # noqa: E402
from responses.forms import SurveyPageForm  # noqa: E402
from surveys.definition_files import definition_from_data  # noqa: E402
from surveys.ordering import draw_order, ordered_page  # noqa: E402
from tests.kit.shuffle import SHUFFLED  # noqa: E402

DEFINITION = definition_from_data(SHUFFLED)


def _form(seed: str, random_order: bool) -> SurveyPageForm:
    questions = ordered_page(0, DEFINITION.pages[0].questions, draw_order(DEFINITION, seed))
    return SurveyPageForm(questions=questions, random_order=random_order)


def _per_page(seeds: list[str], random_order: bool) -> float:
    start = time.perf_counter()
    for seed in seeds:
        rendering.render_questions(_form(seed, random_order))
    return (time.perf_counter() - start) / len(seeds) * 1000


def main() -> None:
    rendering._skeletons.clear()
    rendering.render_questions(_form("one", False))
    print(f"skeleton, one order for all: {_per_page(['one'] * 200, False):.2f} ms/page")
    print(f"in full (a drawn order):     {_per_page([str(i) for i in range(200)], True):.2f} ms/page")
    rendering._skeletons.clear()
    print(f"a skeleton per drawn order:  {_per_page([str(i) for i in range(50)], False):.2f} ms/page, "
          f"{len(rendering._skeletons)} skeletons for 50 respondents")


if __name__ == "__main__":
    main()
