from django.db import migrations

from surveys.groups import groups_sync


def sync(apps, schema_editor):
    groups_sync(apps)


class Migration(migrations.Migration):
    """Survey managers also edit NETs and saved views."""

    dependencies = [
        ("surveys", "0007_nets_saved_views"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
