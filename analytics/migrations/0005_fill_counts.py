"""Fills the daily and status counts of the responses stored before the tables existed,
as the full recompute would (`analytics.recompute.expected_days` and `expected_statuses`,
restated here on the historical models); counting and reconciliation keep them exact
from then on."""

from collections import Counter

from django.db import migrations
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import TruncDate


def fill(apps, schema_editor):
    Response = apps.get_model("responses", "Response")
    Answer = apps.get_model("responses", "Answer")
    UncountedResponse = apps.get_model("responses", "UncountedResponse")
    Question = apps.get_model("surveys", "Question")
    DailyCount = apps.get_model("analytics", "DailyCount")
    counted = Response.objects.filter(status="complete", is_test=False, excluded_at__isnull=True).exclude(
        Exists(UncountedResponse.objects.filter(response_id=OuterRef("pk")))
    )
    days: Counter = Counter()
    for version_id, day, n in (
        counted.annotate(day=TruncDate("completed_at")).values_list("version_id", "day")
        .annotate(n=Count("pk")).order_by()
    ):
        days[(version_id, day, 0)] += n
    segment_answers = Answer.objects.filter(
        question_id__in=Question.objects.filter(is_segment=True).values("pk"), choice_id__isnull=False,
        response__in=counted.values("pk"),
    ).annotate(day=TruncDate("response__completed_at"))
    for version_id, day, choice_id, n in (
        segment_answers.values_list("response__version_id", "day", "choice_id").annotate(n=Count("pk")).order_by()
    ):
        days[(version_id, day, choice_id)] += n
    DailyCount.objects.bulk_create(
        [DailyCount(version_id=v, day=day, segment_choice_id=s, n=n) for (v, day, s), n in days.items()],
        batch_size=1000,
    )
    StatusCount = apps.get_model("analytics", "StatusCount")
    real = Response.objects.filter(is_test=False)
    statuses: Counter = Counter()
    for status, responses, field in (
        ("partial", real.filter(status="partial"), "started_at"),
        ("excluded", real.filter(status="complete", excluded_at__isnull=False), "completed_at"),
    ):
        for version_id, day, n in (
            responses.annotate(day=TruncDate(field)).values_list("version_id", "day").annotate(n=Count("pk")).order_by()
        ):
            statuses[(version_id, status, day)] += n
    StatusCount.objects.bulk_create(
        [StatusCount(version_id=v, status=status, day=day, n=n) for (v, status, day), n in statuses.items()],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0004_daily_and_status_counts"),
        ("responses", "0005_analytics_indexes"),
        ("surveys", "0004_alter_survey_slug"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
