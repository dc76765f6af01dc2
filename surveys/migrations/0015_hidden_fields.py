
import django.db.models.deletion
import surveys.models
from django.db import migrations, models


def redirects_from_old(completion_redirect_url: str, screenout_redirect_url: str) -> dict[str, str]:
    """Today's two URLs in the four outcomes' fields: completing is `complete`, and the old
    "screen-out" meant "closed or full", which is `closed`. `{external_id}` keeps working (it
    is a built-in hidden field)."""
    return {"redirect_complete": completion_redirect_url, "redirect_closed": screenout_redirect_url}


def copy_old_redirects(apps, schema_editor):
    Survey = apps.get_model("surveys", "Survey")
    surveys = Survey.objects.exclude(completion_redirect_url="", screenout_redirect_url="")
    for survey in surveys.only("pk", "completion_redirect_url", "screenout_redirect_url"):
        Survey.objects.filter(pk=survey.pk).update(
            **redirects_from_old(survey.completion_redirect_url, survey.screenout_redirect_url)
        )


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0014_slider'),
    ]

    operations = [
        migrations.AddField(
            model_name='survey',
            name='redirect_closed',
            field=models.URLField(blank=True, help_text='When the survey no longer takes responses (closed, past its closing time or at its cap).', max_length=500, validators=[surveys.models.validate_redirect_placeholders]),
        ),
        migrations.AddField(
            model_name='survey',
            name='redirect_complete',
            field=models.URLField(blank=True, help_text='After completing the survey. {code} of a hidden field (e.g. {external_id}) is replaced by its value, URL-encoded.', max_length=500, validators=[surveys.models.validate_redirect_placeholders]),
        ),
        migrations.AddField(
            model_name='survey',
            name='redirect_quota_full',
            field=models.URLField(blank=True, help_text="When the respondent's quota is full.", max_length=500, validators=[surveys.models.validate_redirect_placeholders]),
        ),
        migrations.AddField(
            model_name='survey',
            name='redirect_screened_out',
            field=models.URLField(blank=True, help_text='When a screening question ends the survey.', max_length=500, validators=[surveys.models.validate_redirect_placeholders]),
        ),
        migrations.RunPython(copy_old_redirects, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='survey',
            name='completion_redirect_url',
        ),
        migrations.RemoveField(
            model_name='survey',
            name='screenout_redirect_url',
        ),
        migrations.CreateModel(
            name='HiddenField',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveIntegerField(default=0)),
                ('code', models.SlugField(help_text='The query-string parameter, CSV column and API key.', max_length=64)),
                ('values', models.JSONField(blank=True, default=list, help_text='Allowed values; any other value is ignored. Empty: any value.')),
                ('version', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='hidden_fields', to='surveys.surveyversion')),
            ],
            options={
                'verbose_name': 'hidden field',
                'ordering': ['version', 'position'],
                'constraints': [models.UniqueConstraint(fields=('version', 'code'), name='hidden_field_code_unique')],
            },
        ),
    ]
