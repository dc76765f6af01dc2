from django.db import migrations, models


class Migration(migrations.Migration):
    # The lead rebases this onto the other helper's 0012 at merge.
    dependencies = [
        ("surveys", "0012_question_rating_scale"),
    ]

    operations = [
        migrations.AddField(
            model_name="choice",
            name="specify",
            field=models.CharField(
                blank=True,
                choices=[("", "No text box"), ("optional", "Text box, optional"), ("required", "Text box, required")],
                default="",
                help_text="A text box beside this choice (“Other, please specify”): its text is kept with the answer.",
                max_length=10,
            ),
        ),
    ]
