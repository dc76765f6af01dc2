"""Partial responses are counted by the page they are on (the overview's drop-off by
page): the partial status counts are refilled from the responses, as the full recompute
(`analytics.recompute.expected_statuses`) would; counting and reconciliation keep them
exact from then on."""

from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import TruncDate


def refill_partial(apps, schema_editor):
    Response = apps.get_model("responses", "Response")
    StatusCount = apps.get_model("analytics", "StatusCount")
    StatusCount.objects.filter(status="partial").delete()
    partial = Response.objects.filter(status="partial", is_test=False).annotate(day=TruncDate("started_at"))
    StatusCount.objects.bulk_create(
        [
            StatusCount(version_id=v, status="partial", day=day, page=page, n=n)
            for v, day, page, n in partial.values_list("version_id", "day", "current_page")
            .annotate(n=Count("pk")).order_by()
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0009_duration_count'),
        ('responses', '0012_response_display_order'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='statuscount',
            name='status_key',
        ),
        migrations.AddField(
            model_name='statuscount',
            name='page',
            field=models.IntegerField(default=0, help_text='Partial: the index of the page the response is on (Response.current_page); else 0.'),
        ),
        migrations.AddConstraint(
            model_name='statuscount',
            constraint=models.UniqueConstraint(fields=('version_id', 'status', 'day', 'page'), name='status_key'),
        ),
        migrations.RunPython(refill_partial, migrations.RunPython.noop),
    ]
