from django.db import migrations

from surveys.groups import groups_sync


def sync(apps, schema_editor):
    groups_sync(apps)


class Migration(migrations.Migration):
    """Survey managers also moderate responses (exclude, restore, delete)."""

    dependencies = [
        ("analytics", "0001_initial"),
        ("responses", "0002_exclusion"),
        ("surveys", "0002_groups"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
