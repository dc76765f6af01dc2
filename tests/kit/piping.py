"""A small survey whose second page pipes the first page's answers (and a hidden field)
into its texts, for the piping tests; the demo survey's texts stay as published."""

from __future__ import annotations

PIPED = {
    "slug": "piped",
    "title": "Piped texts",
    "status": "open",
    "hidden_fields": [{"code": "src", "description": "Where the link was posted"}],
    "pages": [
        {
            "title": "About you",
            "questions": [
                {"code": "industry", "type": "single", "label": "Your industry?", "choices": [
                    {"code": "tech", "label": "Technology"}, {"code": "retail", "label": "Retail"},
                    {"code": "other", "label": "Other", "specify": "optional"}]},
                {"code": "channels", "type": "multiple", "label": "Which do you use?", "choices": [
                    {"code": "twitter", "label": "Twitter"}, {"code": "linkedin", "label": "LinkedIn"},
                    {"code": "wikis", "label": "Wikis"}]},
                {"code": "nickname", "type": "short_text", "label": "Your nickname?"},
                {"code": "staff", "type": "integer", "label": "How many employees?", "min": 1, "max": 100000},
            ],
        },
        {
            "title": "Usage",
            "questions": [
                {"code": "usage", "type": "single", "required": True,
                 "label": "How often does your [[industry|own]] company use Twitter?",
                 "help_text": "You use [[channels|none of them]]; found us on [[src|the web]].",
                 "choices": [{"code": "daily", "label": "Daily, [[nickname]]"},
                             {"code": "never", "label": "Never"}]},
                {"code": "budget", "type": "integer", "label": "Budget per employee ([[staff]] employees)?"},
                {"code": "peers", "type": "matrix", "label": "Your peers in \\[[brackets]]?",
                 "rows": [{"code": "same", "label": "In [[industry|your industry]]"}],
                 "choices": [{"code": "ahead", "label": "Ahead"}, {"code": "behind", "label": "Behind"}]},
            ],
        },
    ],
}
