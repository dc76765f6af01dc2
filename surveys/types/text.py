"""Questions answered with free text: short text, long text and e-mail address."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from surveys.types.base import Invalid, Message, QuestionType, Stored

if TYPE_CHECKING:
    from surveys.definition import QuestionDef


def _has_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def clean_text(value: Any, limit: int) -> str:
    """Free text as stored: stripped, at most `limit` characters. Shared by text questions
    and the text boxes of "Other, please specify" choices."""
    if not isinstance(value, str):
        raise Invalid(Message("Enter text.", "invalid"))
    # NUL and lone surrogates (legal in JSON as "\u0000" and "\ud800") cannot be stored
    # as text by PostgreSQL or encoded as UTF-8: refuse them rather than fail on write.
    if "\x00" in value or _has_surrogate(value):
        raise Invalid(Message("The text contains a character that is not allowed.", "invalid"))
    text = value.strip()
    if len(text) > limit:
        raise Invalid(Message(f"Enter at most {limit} characters (you entered {len(text)}).", "too_long",
                              limit=limit))
    return text


class TextType(QuestionType):
    """What every text question shares: stored in the text column, limited in length, and
    possibly personal data (a name typed in), which erasure blanks."""

    column = "text"
    can_be_personal = True
    result_kind = "text"

    def limit(self, question: QuestionDef) -> int:
        return question.max_length or self.default_max_length

    def clean(self, question: QuestionDef, value: Any) -> str:
        return clean_text(value, self.limit(question))

    def to_stored(self, value: str) -> tuple[Stored, ...]:
        return (Stored(text=value),)

    def from_stored(self, current: Any, stored: Stored) -> str | None:
        return stored.text


class ShortTextType(TextType):
    name = "short_text"
    label = "Short text"
    default_max_length = 500

    def form_field(self, question: QuestionDef, **options: Any) -> forms.Field:
        return forms.CharField(widget=forms.TextInput(attrs={"maxlength": self.limit(question)}), **options)


class LongTextType(TextType):
    name = "long_text"
    label = "Long text"
    default_max_length = 10000

    def form_field(self, question: QuestionDef, **options: Any) -> forms.Field:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "maxlength": self.limit(question)}), **options)


class EmailType(TextType):
    name = "email"
    label = "E-mail address"
    default_max_length = 254
    always_personal = True
    answer_prompt = "Enter an e-mail address."

    def clean(self, question: QuestionDef, value: Any) -> str:
        text = super().clean(question, value)
        try:
            validate_email(text)
        except ValidationError:
            raise Invalid("Enter a valid e-mail address.") from None
        return text

    def form_field(self, question: QuestionDef, **options: Any) -> forms.Field:
        attrs = {"maxlength": self.limit(question), "autocomplete": "email"}
        return forms.CharField(widget=forms.EmailInput(attrs=attrs), **options)
