"""Small surveys generated for tests, for what the demo survey does not have: one
question of every type (`EVERY_TYPE`, answered validly by `every_type_answers`), and
every type with display conditions within and across pages (`ALL_TYPES`, YAML)."""

from __future__ import annotations

EVERY_TYPE = {
    "slug": "every-type",
    "title": "One question of every type",
    "status": "open",
    "pages": [
        {
            "title": "Choices",
            "questions": [
                {"code": "colour", "type": "single", "label": "Colour?", "choices": [
                    {"code": "red", "label": "Red"}, {"code": "blue", "label": "Blue"}]},
                {"code": "country", "type": "dropdown", "label": "Country?", "choices": [
                    {"code": "fr", "label": "France"}, {"code": "de", "label": "Germany"}]},
                {"code": "pets", "type": "multiple", "label": "Pets?", "choices": [
                    {"code": "cat", "label": "Cat"}, {"code": "dog", "label": "Dog"},
                    {"code": "no_pets", "label": "None", "exclusive": True}]},
                {"code": "tools", "type": "matrix", "label": "How often?", "rows": [
                    {"code": "mail", "label": "Mail"}, {"code": "chat", "label": "Chat"}], "choices": [
                    {"code": "never", "label": "Never"}, {"code": "often", "label": "Often"}]},
            ],
        },
        {
            "title": "Values",
            "questions": [
                {"code": "nickname", "type": "short_text", "label": "Nickname?"},
                {"code": "story", "type": "long_text", "label": "Story?", "max_length": 20},
                {"code": "age", "type": "integer", "label": "Age?", "min": 18, "max": 99},
                {"code": "height", "type": "decimal", "label": "Height (m)?", "min": 0.5, "max": 2.5},
                {"code": "born", "type": "date", "label": "Born?"},
                {"code": "email", "type": "email", "label": "E-mail?"},
                {"code": "nps", "type": "rating", "label": "Recommend us?"},
            ],
        },
    ],
}


def every_type_answers(**changes) -> dict:
    answers = {
        "colour": "red",
        "country": "de",
        "pets": ["cat", "dog"],
        "tools": {"mail": "often", "chat": "never"},
        "nickname": "Ada",
        "story": "Short story.",
        "age": 36,
        "height": "1.75",
        "born": "1815-12-10",
        "email": "ada@example.com",
        "nps": 9,
    }
    answers.update(changes)
    return answers


ALL_TYPES = """
slug: all-types
title: All types
status: open
pages:
- title: Basics
  questions:
  - {code: kind, type: single, label: Kind, required: true, choices: [{code: a, label: A}, {code: b, label: B}]}
  - code: colour
    type: dropdown
    label: Colour
    choices: [{code: red, label: Red}, {code: blue, label: Blue}]
  - code: pets
    type: multiple
    label: Pets
    choices: [{code: cat, label: Cat}, {code: dog, label: Dog}]
  - {code: why_dog, type: short_text, label: "Why a dog?", condition: pets has dog, max_length: 50}
  - {code: age, type: integer, label: Age, min: 18, max: 120, help_text: In years}
  - {code: adult_note, type: long_text, label: Note, condition: "age >= 65 and kind in (a, b)", max_length: 300}
- title: Only for B
  condition: kind = b
  questions:
  - {code: height, type: decimal, label: Height, min: 0.5, max: 2.5}
  - {code: born, type: date, label: Born}
  - {code: email, type: email, label: E-mail}
  - {code: nps, type: rating, label: "Recommend?"}
  - {code: b_only, type: short_text, label: About B, condition: "not (kind = a) or pets has cat"}
- title: Last
  questions:
  - {code: done, type: single, label: "Done?", required: true, choices: [{code: ok, label: "Yes"}]}
"""
