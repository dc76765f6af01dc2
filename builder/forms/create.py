"""The create form: a title, the survey's slug (suggested from the title) and how to start."""

from __future__ import annotations

from django import forms
from django.utils.text import slugify

from builder.definition_upload import MAX_MEGABYTES, FileProblem, definition_from_text, problems_in, text_of_upload
from builder.forms.definition import definition_file_field
from surveys import creation
from surveys.definition import SurveyDef
from surveys.definition_files import RESERVED_SLUGS, SLUG_RE, DefinitionError
from surveys.models import Survey

SLUG_MAX = 50
BLANK, COPY, UPLOAD = "blank", "copy", "upload"
STARTER_PREFIX = "starter:"


def slug_from_title(title: str) -> str:
    """The slug static/js/slug.js suggests as the title is typed (the same rule, for a
    browser without JavaScript): lowercase words joined by '-', cut at a word boundary."""
    slug = ""
    for word in slugify(title).split("-"):
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > SLUG_MAX:
            break
        slug = candidate
    return slug or slugify(title)[:SLUG_MAX].strip("-_")


def taken_message(slug: str) -> str:
    return f"“{slug}” is already used by another survey: choose another."


class SurveyCreateForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        help_text="Respondents see it at the top of the form.",
        error_messages={"required": "Give the survey a title."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    slug = forms.CharField(
        label="Slug",
        max_length=SLUG_MAX,
        required=False,
        help_text="The survey's name in its link (/s/slug/), exports and the API; it never changes once "
        "the survey is published. Lowercase letters, digits, “-” and “_”. Suggested from the title.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"}),
    )
    start = forms.ChoiceField(label="Start from", widget=forms.RadioSelect, initial=BLANK)
    copy_of = forms.ModelChoiceField(
        label="Survey to copy",
        queryset=Survey.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="Choose a survey…",
        help_text="Its open version (or its latest), findings, NETs and saved views; not its responses, "
        "invitations or editors.",
    )
    definition_file = definition_file_field(
        label="Definition file",
        help_text=f"A .yaml file (at most {MAX_MEGABYTES} MB) as a survey's “Definition file” page "
        "gives it: its pages, questions, findings, NETs and saved views. The title and slug above are used, "
        "not the file's.",
    )

    def __init__(self, *args, copyable=None, **kwargs):
        super().__init__(*args, **kwargs)
        copyable = copyable if copyable is not None else Survey.objects.none()
        self.fields["copy_of"].queryset = copyable.order_by("title", "slug")
        choices = [(BLANK, "Blank: one empty page")]
        choices += [(STARTER_PREFIX + s.name, s.label) for s in creation.STARTERS]
        if copyable.exists():
            choices.append((COPY, "A copy of one of your surveys"))
        choices.append((UPLOAD, "A definition file (YAML)"))
        self.fields["start"].choices = choices
        self.problems: list[FileProblem] = []
        self._uploaded: SurveyDef | None = None
        # Without JavaScript nobody suggested a slug: the server does, as the script would have.
        if self.is_bound and not self.data.get("slug", "").strip() and self.data.get("title", "").strip():
            self.data = self.data.copy()
            self.data["slug"] = slug_from_title(self.data["title"])

    def starters(self) -> list[tuple[forms.BoundField, creation.Starter | None]]:
        """The start options with the starter each stands for (None: blank or copy), for the
        template to print each starter's description under its label."""
        options = []
        for option in self["start"]:
            value = str(option.data["value"])
            found = creation.starter(value.removeprefix(STARTER_PREFIX)) if value.startswith(STARTER_PREFIX) else None
            options.append((option, found))
        return options

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].strip()
        if not slug:
            raise forms.ValidationError(
                "Type a slug: the title has no letters or digits to make one from.", code="required"
            )
        if not SLUG_RE.match(slug):
            raise forms.ValidationError(
                "Use lowercase letters, digits, “-” and “_”, starting with a letter or a digit "
                "(no spaces or capitals).", code="invalid",
            )
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(f"“{slug}” is reserved: it names a page of the app.", code="reserved")
        if Survey.objects.filter(slug=slug).exists():
            raise forms.ValidationError(taken_message(slug), code="taken")
        return slug

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("start") == COPY and not cleaned.get("copy_of"):
            self.add_error("copy_of", forms.ValidationError("Choose the survey to copy.", code="required"))
        if cleaned.get("start") == UPLOAD and "definition_file" not in self.errors:
            self._upload_read(cleaned.get("definition_file"))
        return cleaned

    def _upload_read(self, upload) -> None:
        if not upload:
            self.add_error("definition_file", forms.ValidationError("Choose the file to upload.", code="required"))
            return
        text = ""
        try:
            text = text_of_upload(upload)
            self._uploaded = definition_from_text(text)
        except DefinitionError as exc:
            self.problems = problems_in(exc.errors, text)
            count = len(self.problems)
            self.add_error("definition_file", forms.ValidationError(
                f"Nothing was created: “{upload.name}” has {count} problem{'s' if count != 1 else ''}. "
                "Fix the file and choose it again.", code="invalid",
            ))

    def start_definition(self) -> SurveyDef | None:
        """What the new survey starts from (None: blank)."""
        start = self.cleaned_data["start"]
        if start == UPLOAD:
            return self._uploaded
        if start == COPY:
            return creation.copy_definition(self.cleaned_data["copy_of"])
        if start.startswith(STARTER_PREFIX):
            return creation.starter(start.removeprefix(STARTER_PREFIX)).definition()
        return None
