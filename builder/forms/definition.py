"""The upload form of the YAML page: a definition file, or its text pasted, that becomes
the survey's draft once nothing is wrong with it."""

from __future__ import annotations

from django import forms

from builder.definition_upload import MAX_MEGABYTES, FileProblem, definition_from_text, problems_in, text_of_upload
from surveys.definition import SurveyDef
from surveys.definition_files import DefinitionError
from surveys.models import Survey

YAML_ACCEPT = ".yaml,.yml,application/yaml,text/yaml,text/x-yaml"


def definition_file_field(**kwargs) -> forms.FileField:
    return forms.FileField(
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": YAML_ACCEPT}),
        **kwargs,
    )


class DefinitionUploadForm(forms.Form):
    file = definition_file_field(
        label="Definition file",
        help_text=f"A .yaml file as “Download” gives it, at most {MAX_MEGABYTES} MB.",
    )
    text = forms.CharField(
        label="Or paste the definition",
        help_text="Used when no file is chosen.",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "autocapitalize": "off",
                                     "autocomplete": "off"}),
    )

    def __init__(self, *args, survey: Survey, too_big: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.too_big = too_big
        self.problems: list[FileProblem] = []
        self.definition: SurveyDef | None = None
        self.source = ""
        self.from_file = False

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.too_big:
            raise forms.ValidationError(
                f"Nothing was changed: the pasted definition is larger than {MAX_MEGABYTES} MB, the most a definition "
                "may be, too large even to show again here. A survey's definition is far smaller (the demo "
                "survey's is 6 kB): check that what you copied is the definition file alone.", code="too_big")
        if "file" in self.errors:  # an empty file, said by the field itself
            return cleaned
        upload, text = cleaned.get("file"), cleaned.get("text", "")
        # A file chosen wins over the text box, which may still hold the text of a file
        # that had problems: choosing the corrected file is then all it takes.
        if not upload and not text.strip():
            raise forms.ValidationError("Choose a definition file, or paste a definition.", code="required")
        try:
            if upload:
                self.source, self.from_file, text = f"“{upload.name}”", True, ""
                text = text_of_upload(upload)
                # Re-shown in the text box if it has problems: fixed there, it needs no second upload.
                self.data = self.data.copy()
                self.data["text"] = text
            else:
                self.source = "The pasted definition"
            definition = definition_from_text(text)
            if definition.slug != self.survey.slug:
                raise DefinitionError([
                    f"survey.slug: the file is the definition of “{definition.slug}”, not of this survey "
                    f"(“{self.survey.slug}”): upload this survey's file, or change the file's line "
                    f"“slug: {definition.slug}” to “slug: {self.survey.slug}”"
                ])
        except DefinitionError as exc:
            self.problems = problems_in(exc.errors, text)
            count = len(self.problems)
            raise forms.ValidationError(
                f"Nothing was changed: {self.source if upload else 'the definition'} has "
                f"{count} problem{'s' if count != 1 else ''}.", code="invalid"
            ) from None
        self.definition = definition
        return cleaned



def too_big_form(survey: Survey) -> DefinitionUploadForm:
    """The form, checked, with the message for a paste larger than the server reads at all
    (DATA_UPLOAD_MAX_MEMORY_SIZE, more than MAX_MEGABYTES): its text was never read."""
    form = DefinitionUploadForm({}, {}, survey=survey, too_big=True)
    form.is_valid()
    return form
