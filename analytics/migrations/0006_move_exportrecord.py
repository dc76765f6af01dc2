from django.db import migrations


class Migration(migrations.Migration):
    """ExportRecord now belongs to results (results 0001 took it over, table and rows
    unchanged): drop it from analytics' state only."""

    dependencies = [
        ("analytics", "0005_fill_counts"),
        ("results", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ExportRecord")],
            database_operations=[],
        ),
    ]
