"""NETs and saved crosstab views, declared per survey. No data: a survey gets them from its
definition file (`import_survey` replaces them, and `make run` imports the demo on every
start, so an existing demo install gets its NETs and paradox view then)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0006_survey_editors_listed'),
    ]

    operations = [
        migrations.CreateModel(
            name='Net',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveIntegerField(default=0)),
                ('question_code', models.SlugField(help_text='The code of the question it groups.', max_length=64, verbose_name='question')),
                ('code', models.SlugField(help_text='Its code in exports, e.g. net_top2.', max_length=64)),
                ('label', models.CharField(help_text='Shown after “NET:”.', max_length=300)),
                ('choices', models.JSONField(default=list, help_text='Choice codes.')),
                ('all_but', models.BooleanField(default=False, help_text="The NET holds every choice except the ones listed (a single one is then the scale's zero point, compared in crosstabs with McNemar's test).", verbose_name='all but these')),
                ('survey', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='nets', to='surveys.survey')),
            ],
            options={
                'verbose_name': 'NET',
                'ordering': ['survey', 'position'],
                'constraints': [models.UniqueConstraint(fields=('survey', 'question_code', 'code'), name='net_code_unique')],
            },
        ),
        migrations.CreateModel(
            name='SavedView',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveIntegerField(default=0)),
                ('code', models.SlugField(max_length=64)),
                ('label', models.CharField(help_text="The link's text; the crosstab page adds “view”.", max_length=200)),
                ('description', models.CharField(blank=True, help_text='Follows the label on the overview.', max_length=300)),
                ('row_variable', models.CharField(help_text="A single-choice question's code, or a matrix row as question.row.", max_length=130, verbose_name='rows')),
                ('column_variable', models.CharField(help_text='As rows.', max_length=130, verbose_name='columns')),
                ('segment', models.CharField(blank=True, help_text='Only this segment value, as question:choice. Empty: everyone.', max_length=130)),
                ('highlight_row', models.SlugField(blank=True, help_text='Highlighted cell: this choice in the rows…', max_length=64)),
                ('highlight_column_not', models.SlugField(blank=True, help_text='…with anything but this choice in the columns.', max_length=64, verbose_name='highlight column not')),
                ('survey', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='saved_views', to='surveys.survey')),
            ],
            options={
                'verbose_name': 'saved view',
                'ordering': ['survey', 'position'],
                'constraints': [models.UniqueConstraint(fields=('survey', 'code'), name='saved_view_code_unique')],
            },
        ),
    ]
