"""Creating a survey: blank, from a starter file, or as a copy of another survey; its first
draft version exists at once and its creator is its first editor.

Starters are definition files listed in `STARTERS`; nothing in the code names what is in
them, so a new starter is one file and one line here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction

from surveys.definition import PageDef, SurveyDef
from surveys.definition_files import RESERVED_SLUGS, SLUG_RE, definition_from_yaml
from surveys.models import Survey, SurveyVersion
from surveys.selectors import latest_version, survey_findings, survey_nets, survey_views, version_definition
from surveys.services import survey_import

_HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Starter:
    """A definition file a new survey may start from."""

    name: str
    label: str
    description: str
    path: Path

    def definition(self) -> SurveyDef:
        return definition_from_yaml(self.path.read_text(encoding="utf-8"))

    def size(self) -> str:
        """"3 pages, 9 questions", read from the file (so that it cannot go stale)."""
        definition = self.definition()
        pages, questions = len(definition.pages), len(definition.questions)
        return f"{pages} page{'s' if pages != 1 else ''}, {questions} question{'s' if questions != 1 else ''}"


STARTERS: tuple[Starter, ...] = (
    Starter(
        name="nps-pulse",
        label="NPS pulse",
        description="a 0–10 recommendation score, the main reason for it, and the respondent's role.",
        path=_HERE / "starters" / "nps-pulse.yaml",
    ),
    Starter(
        name="social-media",
        label="Social media in business (the demo survey)",
        description="role and company, two matrix questions, a conditional follow-up and an exclusive "
        "choice, with findings and NETs.",
        path=_HERE / "demo" / "ddiq-2010.yaml",
    ),
)


def starter(name: str) -> Starter | None:
    return next((s for s in STARTERS if s.name == name), None)


class SlugTaken(ValueError):
    """Another survey has this slug (perhaps created a moment ago by a double submit)."""


class SlugInvalid(ValueError):
    pass


def blank_definition(*, slug: str, title: str) -> SurveyDef:
    """One empty page, ready for its first question."""
    return SurveyDef(slug=slug, title=title, pages=(PageDef(title="", questions=()),))


def copy_definition(survey: Survey) -> SurveyDef:
    """What a copy of `survey` starts from: its latest version's structure (the open one,
    else the newest) with the survey's findings, NETs and saved views. Responses,
    invitations and editors are not part of a definition, so they never come along."""
    version = latest_version(survey)
    if version is not None:
        return version_definition(version)
    return replace(
        blank_definition(slug=survey.slug, title=survey.title),
        description=survey.description,
        findings=survey_findings(survey),
        nets=survey_nets(survey),
        views=survey_views(survey),
    )


@transaction.atomic
def survey_create(*, title: str, slug: str, start: SurveyDef | None, creator: AbstractBaseUser) -> SurveyVersion:
    """A new survey `slug` with one draft version made from `start` (None: blank), edited by
    `creator`. Raises SlugTaken if any survey has the slug, SlugInvalid for a slug the app
    refuses; writes nothing then."""
    if not SLUG_RE.match(slug) or slug in RESERVED_SLUGS:
        raise SlugInvalid(slug)
    definition = replace(start or blank_definition(slug=slug, title=title), slug=slug, title=title, status="draft")
    # survey_import updates the survey of that slug if there is one: the row is created here
    # first, so that the import can only ever fill this new survey. Two requests racing for
    # one slug meet at the unique index: the second waits for the first and then fails.
    try:
        with transaction.atomic():
            Survey.objects.create(slug=slug, title=title, description=definition.description)
    except IntegrityError as exc:
        raise SlugTaken(slug) from exc
    version, _ = survey_import(definition=definition, editors=[creator])
    return version
