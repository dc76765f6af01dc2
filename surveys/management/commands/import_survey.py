"""Import a survey definition file (YAML): the whole file is checked before anything is written."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from surveys.definition_files import DefinitionError, definition_from_yaml
from surveys.history import change_record, target_of
from surveys.services import survey_import


class Command(BaseCommand):
    help = "Import a survey definition file. A file identical to the open version changes nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="The YAML definition file.")
        parser.add_argument(
            "--editor", action="append", default=[], metavar="USERNAME",
            help="A user who may edit the survey (repeatable); without one, only superusers can until one is added.",
        )

    def handle(self, *args, path: Path, editor: list[str], **options) -> None:
        User = get_user_model()
        editors = list(User.objects.filter(**{f"{User.USERNAME_FIELD}__in": editor}))
        unknown = sorted(set(editor) - {user.get_username() for user in editors})
        if unknown:
            raise CommandError(f"No such user: {', '.join(unknown)}; nothing was imported.")

        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise CommandError(f"Cannot read {path}: not UTF-8 text ({exc.reason}).") from exc
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from exc

        try:
            definition = definition_from_yaml(text)
        except DefinitionError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            count = len(exc.errors)
            raise CommandError(
                f"{path}: {count} problem{'s' if count != 1 else ''} found, nothing was imported."
            ) from exc

        with transaction.atomic():
            version, created = survey_import(definition=definition, editors=editors)
            if created:
                published = " and published it" if version.status != version.Status.DRAFT else ""
                change_record(
                    survey=version.survey, user=None, action="survey_imported", version=version,
                    target=target_of(version),
                    summary=f"Imported version {version.number} from a file ({path.name}){published}",
                    details={"file": path.name},
                )
        if created:
            self.stdout.write(f"Imported {definition.slug} as version {version.number} ({version.status})")
        else:
            self.stdout.write(f"{definition.slug} is unchanged (version {version.number} is {version.status})")
