from django.db import migrations

from surveys.groups import groups_sync


def sync(apps, schema_editor):
    groups_sync(apps)


class Migration(migrations.Migration):
    """Survey managers also manage their surveys' webhooks, and see and replay deliveries."""

    dependencies = [
        ("webhooks", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
