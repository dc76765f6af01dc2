from django.db import migrations

from surveys.groups import groups_sync


def sync(apps, schema_editor):
    groups_sync(apps)


class Migration(migrations.Migration):
    """Survey managers also run invitations: invitees, e-mail templates, the e-mail log."""

    dependencies = [
        ("analytics", "0003_exportrecord"),
        ("invitations", "0001_initial"),
        ("responses", "0003_response_invitation"),
        ("surveys", "0003_survey_access"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
