import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    """A counter for each survey that already has a cap, from the true count (as
    `responses.quotas` makes one), so the first completion after the upgrade claims."""
    Survey = apps.get_model("surveys", "Survey")
    Response = apps.get_model("responses", "Response")
    QuotaCounter = apps.get_model("responses", "QuotaCounter")
    QuotaCounter.objects.bulk_create(
        [
            QuotaCounter(
                survey_id=survey.pk, code="_cap", cap=survey.response_cap,
                completes=Response.objects.filter(survey_id=survey.pk, status="complete", is_test=False).count(),
            )
            for survey in Survey.objects.filter(response_cap__isnull=False)
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("responses", "0006_answer_erased"),
        ("surveys", "0004_alter_survey_slug"),
    ]

    operations = [
        migrations.CreateModel(
            name="QuotaCounter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=100)),
                ("cap", models.PositiveIntegerField(help_text="Completions this quota takes; never over-filled.")),
                (
                    "completes",
                    models.PositiveIntegerField(default=0, help_text="Completed responses holding a place."),
                ),
                (
                    "survey",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="surveys.survey"
                    ),
                ),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("survey", "code"), name="quota_counter_key")],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
