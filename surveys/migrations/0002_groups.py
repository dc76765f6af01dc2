"""Create the "Survey managers" and "Results viewers" groups with exactly the permissions
they need. Permissions are normally created after all migrations ran, so this migration
creates them itself first."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MANAGED_MODELS = ("survey", "surveyversion", "page", "question", "choice", "matrixrow", "finding")
GROUPS = {
    "Survey managers": [
        f"{action}_{model}" for model in MANAGED_MODELS for action in ("add", "change", "delete", "view")
    ]
    + ["view_results"],
    "Results viewers": ["view_results"],
}


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="surveys", codename__in=codenames)
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
