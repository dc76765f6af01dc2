"""A small survey in a random order, for the randomisation tests: page 1 shuffles its
questions (a single choice with an anchored "Other", a multiple choice with an anchored
"None of these", a matrix with an anchored last row), pages 2-4 are a shuffled block, and
page 5 has a condition on page 1 (allowed: asked before whatever the order)."""

from __future__ import annotations

import re

SHUFFLED = {
    "slug": "shuffled",
    "title": "Shuffled order",
    "status": "open",
    "pages": [
        {
            "title": "Brands",
            "shuffle": "questions",
            "questions": [
                {"code": "brand", "type": "single", "label": "Which brand first comes to mind?", "shuffle": "choices",
                 "choices": [{"code": "acme", "label": "Acme"}, {"code": "bolt", "label": "Bolt"},
                             {"code": "cora", "label": "Cora"}, {"code": "dyna", "label": "Dyna"},
                             {"code": "other", "label": "Other", "specify": "optional", "anchor": True}]},
                {"code": "seen", "type": "multiple", "label": "Which have you seen?", "shuffle": "choices",
                 "choices": [{"code": "acme", "label": "Acme"}, {"code": "bolt", "label": "Bolt"},
                             {"code": "cora", "label": "Cora"},
                             {"code": "none", "label": "None of these", "exclusive": True, "anchor": True}]},
                {"code": "rating", "type": "matrix", "label": "How do you rate them?", "shuffle": "rows",
                 "rows": [{"code": "acme", "label": "Acme"}, {"code": "bolt", "label": "Bolt"},
                          {"code": "cora", "label": "Cora"}, {"code": "overall", "label": "Overall", "anchor": True}],
                 "choices": [{"code": "good", "label": "Good"}, {"code": "bad", "label": "Bad"}]},
            ],
        },
        {"title": "About Acme", "shuffle_block": "brand_pages",
         "questions": [{"code": "about_acme", "type": "short_text", "label": "What do you know of Acme?"}]},
        {"title": "About Bolt", "shuffle_block": "brand_pages",
         "questions": [{"code": "about_bolt", "type": "short_text", "label": "What do you know of Bolt?"}]},
        {"title": "About Cora", "shuffle_block": "brand_pages",
         "questions": [{"code": "about_cora", "type": "short_text", "label": "What do you know of Cora?"}]},
        {"title": "Last", "condition": "brand = other",
         "questions": [{"code": "why_other", "type": "short_text", "label": "Which brand did you mean?"}]},
    ],
}

BLOCK_PAGES = [1, 2, 3]  # page indexes of the shuffled block


def shown_values(html: str, name: str) -> list[str]:
    """The values of field `name`'s radio buttons or checkboxes, in the order shown."""
    return re.findall(rf'name="{re.escape(name)}" value="([^"]*)"', html)


def shown_rows(html: str, question: str) -> list[str]:
    """The codes of a matrix's rows, in the order shown."""
    return list(dict.fromkeys(re.findall(rf'name="{re.escape(question)}\.([\w-]+)"', html)))


def shown_questions(html: str, codes: list[str]) -> list[str]:
    """`codes` in the order their first field appears."""
    return sorted(codes, key=lambda code: re.search(rf'name="{re.escape(code)}[."]', html).start())
