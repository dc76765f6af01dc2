"""Counted API completes of the demo's panel version (`panel_version`), each with a source
(`src`) or none: what the tests of hidden-field segments recount."""

from __future__ import annotations

import random

from analytics.counting import pending_count
from tests.kit.api import submit
from tests.kit.demo import demo_answers

# The values the panel version allows its `src` hidden field, in their declared order.
SOURCE_VALUES = ("li", "tw", "mail")
SOURCES = ("li", "tw", "li", None, "mail")
SENIORITIES = ("c_level", "vp", "director", "manager")


def source_completes(client, n: int = 20, seed: int = 8) -> list[dict]:
    """`n` counted completes, each {"role", "seniority", "src"} as submitted (src None
    when the respondent came without one)."""
    rng = random.Random(seed)
    given = []
    for i in range(n):
        row = {"role": rng.choice(("it", "business")), "seniority": rng.choice(SENIORITIES),
               "src": SOURCES[i % len(SOURCES)]}
        hidden = {"src": row["src"]} if row["src"] else {}
        response = submit(client, demo_answers(role=row["role"], seniority=row["seniority"]), hidden=hidden)
        assert response.status_code == 201, response.content
        given.append(row)
    pending_count()
    return given
