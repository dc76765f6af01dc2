"""The form of one quota on the settings page: its limit and whether it is closed (its
code, label and condition come from the definition file)."""

from __future__ import annotations

from django import forms

LIMIT_MAX = 10_000_000


class QuotaLimitForm(forms.Form):
    limit = forms.IntegerField(
        min_value=0, max_value=LIMIT_MAX, label="Limit",
        help_text="Completes this quota takes. Raising it takes more at once; lowering it under the count only "
        "stops new ones.",
    )
    closed = forms.BooleanField(required=False, label="Closed", help_text="Takes no more completes.")
