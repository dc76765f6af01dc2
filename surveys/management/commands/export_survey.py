"""Export a survey version as a definition file (YAML), in the canonical form that
`import_survey` reads back unchanged."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys.definition_files import definition_to_yaml
from surveys.models import Survey
from surveys.selectors import latest_version, version_definition


class Command(BaseCommand):
    help = "Export a survey version (default: the open one, else the newest) as YAML."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Our --version (a version number) replaces BaseCommand's --version (Django's release),
        # which would otherwise make argparse refuse the duplicate option.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug", help="The survey's slug.")
        parser.add_argument("--version", type=int, help="The version number (default: open, else newest).")
        parser.add_argument("--output", type=Path, help="Write to this file instead of standard output.")

    def handle(self, *args, slug: str, version: int | None, output: Path | None, **options) -> None:
        try:
            survey = Survey.objects.get(slug=slug)
        except Survey.DoesNotExist:
            raise CommandError(f"No survey with slug '{slug}'.") from None

        if version is None:
            chosen = latest_version(survey)
            if chosen is None:
                raise CommandError(f"Survey '{slug}' has no versions.")
        else:
            chosen = survey.versions.filter(number=version).first()
            if chosen is None:
                numbers = ", ".join(str(n) for n in survey.versions.order_by("number").values_list("number", flat=True))
                raise CommandError(f"Survey '{slug}' has no version {version} (versions: {numbers or '-'}).")

        text = definition_to_yaml(version_definition(chosen))
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror or exc}.") from exc
        self.stdout.write(f"Wrote {slug} version {chosen.number} to {output}")
