"""Reading a definition file that a user uploaded or pasted, for the YAML page and the
create page: every problem comes back as a `DefinitionError` whose errors each name their
place ("pages[1].questions[0].rows: duplicate code 'twitter'"; "file: ..." for the file as
a whole), so that one list shows them all and nothing is written.

Before the definition is read, the file is checked for what `import_survey` can leave to
whoever runs it in a terminal: its size, its encoding, and how many values its anchors
and aliases expand to (a few kilobytes of `*alias` can stand for billions of questions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml
from django.core.files.uploadedfile import UploadedFile

from surveys.definition import SurveyDef
from surveys.definition_files import DefinitionError, definition_from_yaml

MAX_MEGABYTES = 1
MAX_BYTES = MAX_MEGABYTES * 1024 * 1024
# Far more than any survey (the demo has about 600 values), far less than a worker can
# walk through in a moment.
MAX_VALUES = 200_000
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    """One error of a DefinitionError, split for display: `place` ("pages[1].questions[0]")
    and `message`, with the place in words ("page 2, question 1")."""

    place: str
    message: str

    @classmethod
    def of(cls, error: str) -> Problem:
        place, found, message = error.partition(": ")
        return cls(place, message) if found else cls("", error)

    @property
    def where(self) -> str:
        return place_in_words(self.place)


_PLACE_WORDS = {
    "pages": "page", "questions": "question", "choices": "choice", "rows": "row", "findings": "finding",
    "nets": "NET", "views": "saved view",
}


def place_in_words(place: str) -> str:
    """`pages[1].questions[0].rows` -> "page 2, question 1, rows" (positions from 1, as people count)."""
    words = []
    for part in place.split("."):
        match = re.fullmatch(r"(\w+)\[(\d+)\]", part)
        if match and match[1] in _PLACE_WORDS:
            words.append(f"{_PLACE_WORDS[match[1]]} {int(match[2]) + 1}")
        elif part not in ("survey", "file"):
            words.append(part.replace("_", " "))
    return ", ".join(words) or ("the file" if place == "file" else "the survey")


def _too_big(what: str) -> DefinitionError:
    return DefinitionError([f"file: {what} is larger than {MAX_MEGABYTES} MB, the most a definition file may be"])


def text_of_upload(upload: UploadedFile) -> str:
    """The file's text, or DefinitionError if it is too big or not UTF-8 text."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise _too_big(f"“{upload.name}”")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _too_big(f"“{upload.name}”")
    if b"\0" in data:
        raise DefinitionError([f"file: “{upload.name}” is not a text file (a spreadsheet, a document or an "
                               "image?): upload the YAML file that “Download” gives, or paste its text"])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DefinitionError([f"file: “{upload.name}” is not UTF-8 text (byte {exc.start + 1} cannot be read): "
                               "save it as UTF-8 and upload it again"]) from None


def _expanded_values(node: yaml.Node) -> int:
    """How many values the document holds once every alias is replaced by what it names,
    counted only up to MAX_VALUES + 1 (an alias of itself expands forever)."""
    count, stack = 0, [node]
    while stack and count <= MAX_VALUES:
        current = stack.pop()
        count += 1
        if isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend((key, value))
    return count


def definition_from_text(text: str) -> SurveyDef:
    """The validated definition in `text`, or DefinitionError with every problem."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise _too_big("the text")
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        node = None  # definition_from_yaml says what is wrong, and where
    except RecursionError:
        raise DefinitionError(["file: lists or mappings nested too deeply"]) from None
    if node is not None and _expanded_values(node) > MAX_VALUES:
        raise DefinitionError([f"file: its anchors and aliases (&name, *name) expand to more than {MAX_VALUES:,} "
                               "values, far more than a survey has"])
    return definition_from_yaml(text)
