import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Export records move from analytics (the counting engine) to results (what staff
    read and take away). Only Django's state moves: the table keeps its name and its rows
    (`db_table`), so nothing is copied. The deletion from analytics' state
    (analytics 0006) runs after this; the content type and its permissions are carried
    over in 0002."""

    initial = True

    dependencies = [
        ("analytics", "0005_fill_counts"),
        ("surveys", "0006_survey_editors_listed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ExportRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('raw_csv', 'Raw responses (CSV)'), ('raw_xlsx', 'Raw responses (XLSX)'), ('table_csv', 'Table (CSV)'), ('table_xlsx', 'Table (XLSX)')], max_length=20)),
                        ('parameters', models.JSONField(blank=True, default=dict, help_text='Filters, e.g. {"version": 2}.')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('started_at', models.DateTimeField(blank=True, help_text='When a worker claimed it.', null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('status', models.CharField(choices=[('pending', 'Pending'), ('ready', 'Ready'), ('failed', 'Failed')], default='pending', max_length=10)),
                        ('rows', models.IntegerField(blank=True, help_text='Data rows written (the header not included).', null=True)),
                        ('file_path', models.CharField(blank=True, help_text='Relative to MEDIA_ROOT.', max_length=300)),
                        ('error', models.TextField(blank=True)),
                        ('survey', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='exports', to='surveys.survey')),
                        ('user', models.ForeignKey(help_text='Who asked for the export.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'export',
                        'ordering': ['-created_at', '-pk'],
                        'db_table': 'analytics_exportrecord',
                        'indexes': [models.Index(fields=['survey', '-created_at'], name='analytics_e_survey__95e717_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
