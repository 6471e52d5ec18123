"""No grade lost, no report stuck: when each score must next be sent to edx-submissions, and each report's last
sign of life."""

from django.db import migrations, models
from django.db.models import F, Q
from django.utils import timezone


def mark_unpublished_scores_due(apps, schema_editor):
    """Scores the gradebook never got (a send lost before this migration) go out at the next refresh."""
    workflows = apps.get_model("ora_xblock", "Workflow").objects.filter(score_earned__isnull=False)
    differs = (
        Q(published_earned__isnull=True)
        | Q(published_possible__isnull=True)
        | Q(score_possible__isnull=True)
        | ~Q(published_earned=F("score_earned"))
        | ~Q(published_possible=F("score_possible"))
    )
    workflows.filter(differs).update(publish_due_at=timezone.now())


def date_live_reports(apps, schema_editor):
    """Reports waiting or running before this migration were last heard of when asked for."""
    reports = apps.get_model("ora_xblock", "ReportTask").objects
    reports.filter(status__in=("pending", "running")).update(alive_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("ora_xblock", "0008_loose_files"),
    ]

    operations = [
        migrations.AddField(
            model_name="workflow",
            name="publish_due_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddIndex(
            model_name="workflow",
            index=models.Index(fields=["publish_due_at"], name="ora_workflow_publish_due"),
        ),
        migrations.AddField(
            model_name="reporttask",
            name="alive_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddIndex(
            model_name="reporttask",
            index=models.Index(fields=["status", "alive_at"], name="ora_reports_by_status"),
        ),
        migrations.RunPython(mark_unpublished_scores_due, migrations.RunPython.noop),
        migrations.RunPython(date_live_reports, migrations.RunPython.noop),
    ]
