from django.core.management.base import BaseCommand, CommandError

from analytics.recompute import survey_reconcile
from surveys.models import Survey


class Command(BaseCommand):
    help = "Recompute every count from the raw answers (all surveys, or one), repairing and recording differences."

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?")

    def handle(self, *args, slug: str | None, **options):
        surveys = Survey.objects.all()
        if slug:
            surveys = surveys.filter(slug=slug)
            if not surveys.exists():
                raise CommandError(f"No survey with slug {slug!r}.")
        for survey in surveys:
            run = survey_reconcile(survey_id=survey.pk)
            self.stdout.write(f"{survey.slug}: {run.cells_checked} cells checked, {run.cells_repaired} repaired")
            for repair in run.repairs.all():
                self.stdout.write(f"  {repair.table} {repair.key}: {repair.found} -> {repair.expected}")
