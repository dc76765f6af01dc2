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

from builder.problems import ITEM_NAMES, PART_NAMES
from surveys.definition import SurveyDef
from surveys.definition_files import DefinitionError, definition_from_yaml

MAX_MEGABYTES = 1
MAX_BYTES = MAX_MEGABYTES * 1024 * 1024
# Far more than any survey (the demo has about 600 values), far less than a worker can
# walk through in a moment.
MAX_VALUES = 200_000
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class FileProblem:
    """One error of a DefinitionError, split for display: `place` as the reader names it
    ("pages[2].questions[0].type"), the place in words ("page 3, question 1 (personal_use),
    type"), the line of the text it is on (None if the text has no such place), and
    `message`."""

    place: str
    where: str
    line: int | None
    message: str

    @property
    def path(self) -> str:
        """The place as the reader names it, where that says more than `where`."""
        return "" if self.place in ("", "file", "survey") else self.place


_ITEM_NAMES = {"pages": "page", "questions": "question", **ITEM_NAMES}
_PART = re.compile(r"(\w+)(?:\[(\d+)\])?")


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_Loader)
    except (yaml.YAMLError, RecursionError):
        return None


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        return next((value for k, value in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
    return None


def _locate(place: str, root: yaml.Node | None) -> tuple[str, int | None]:
    """The place in words, positions counted from 1 as people count and items named by
    their code where they have one, and the line of the deepest part found in the text."""
    words, node, line = [], root, None
    for part in place.split("."):
        match = _PART.fullmatch(part)
        if part in ("survey", "file") or match is None:
            node = root if part == "survey" else None
            continue
        name, index = match[1], match[2]
        node = _child(node, name)
        if index is None:
            words.append(PART_NAMES.get(name, name.replace("_", " ")))
        else:
            words.append(f"{_ITEM_NAMES.get(name, name)} {int(index) + 1}")
            items = node.value if isinstance(node, yaml.SequenceNode) else []
            node = items[int(index)] if int(index) < len(items) else None
            code = _child(node, "code")
            if isinstance(code, yaml.ScalarNode) and code.value:
                words[-1] += f" ({code.value})"
        if node is not None:
            line = node.start_mark.line + 1
    return ", ".join(words) or ("the file" if place == "file" else "the survey"), line


def problems_in(errors: list[str], text: str) -> list[FileProblem]:
    """The errors of a DefinitionError of `text`, each placed in words and on its line."""
    root = _compose(text) if text else None
    problems = []
    for error in errors:
        place, found, message = error.partition(": ")
        if not found:
            place, message = "", error
        where, line = _locate(place, root) if place else ("", None)
        problems.append(FileProblem(place=place, where=where, line=line, message=message))
    return problems


def place_in_words(place: str) -> str:
    """`pages[1].questions[0].rows` -> "page 2, question 1, rows", without the text."""
    return _locate(place, None)[0]


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
    node = _compose(text)  # None: definition_from_yaml says what is wrong, and where
    if node is not None and _expanded_values(node) > MAX_VALUES:
        raise DefinitionError([f"file: its anchors and aliases (&name, *name) expand to more than {MAX_VALUES:,} "
                               "values, far more than a survey has"])
    return definition_from_yaml(text)
