from django.db import migrations


def carry_over(apps, schema_editor):
    """Move the `analytics.exportrecord` content type to `results`, so that its permissions
    (and the groups and users holding them) and admin log entries follow the model. On a
    fresh database there is nothing to move: post_migrate creates the new one."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    old = ContentType.objects.filter(app_label="analytics", model="exportrecord").first()
    if old is None:
        return
    new = ContentType.objects.filter(app_label="results", model="exportrecord").first()
    if new is not None:
        # Created by an earlier post_migrate (a partial migration run): keep the old one,
        # which the permissions already granted point at.
        Permission.objects.filter(content_type=new).delete()
        new.delete()
    old.app_label = "results"
    old.save(update_fields=["app_label"])


def carry_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="results", model="exportrecord").update(app_label="analytics")


class Migration(migrations.Migration):
    dependencies = [
        ("results", "0001_initial"),
        ("analytics", "0006_move_exportrecord"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(carry_over, carry_back)]
