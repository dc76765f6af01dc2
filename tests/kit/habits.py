"""A small survey that is not the demo ("work habits"), declaring NETs and a saved view, for
tests that must not lean on the demo's codes: a segment (`team`), a dropdown (`exercise`)
with a NET of two choices, a matrix (`tools`) with an `all_but` NET, a multiple-choice and a
text question (which take no NETs), and a saved view with a highlighted cell."""

from copy import deepcopy

SCALE = [{"code": "no", "label": "Not at all"}, {"code": "some", "label": "Sometimes"},
         {"code": "lots", "label": "A lot"}]
HABITS = {
    "slug": "habits",
    "title": "Work habits",
    "status": "open",
    "pages": [{"questions": [
        {"code": "team", "type": "single", "label": "Your team", "required": True, "segment": True,
         "choices": [{"code": "sales", "label": "Sales"}, {"code": "ops", "label": "Operations"}]},
        {"code": "exercise", "type": "dropdown", "label": "How often do you exercise?",
         "choices": [{"code": c, "label": c.title()} for c in ("rarely", "sometimes", "often", "always")]},
        {"code": "tools", "type": "matrix", "label": "How much do you use",
         "rows": [{"code": "mail", "label": "E-mail"}, {"code": "chat", "label": "Chat"}], "choices": SCALE},
        {"code": "perks", "type": "multiple", "label": "Perks",
         "choices": [{"code": "gym", "label": "Gym"}, {"code": "bike", "label": "Bike"}]},
        {"code": "notes", "type": "long_text", "label": "Notes"},
    ]}],
    "nets": [
        {"question": "exercise", "code": "often_plus", "label": "Often or more", "choices": ["often", "always"]},
        {"question": "tools", "code": "any_use", "label": "At all", "all_but": ["no"]},
    ],
    "views": [
        {"code": "fit_chatters", "label": "Fit chatters", "description": "exercise against chat",
         "row": "exercise", "column": "tools.chat", "segment": "team:sales",
         "highlight": {"row": "rarely", "column_not": "no"}},
    ],
}


def habits(**changes) -> dict:
    """The definition as a mapping (as read from YAML), with top-level keys replaced."""
    data = deepcopy(HABITS)
    data.update(changes)
    return data
