"""Refreshing overdue workflows without Celery beat: each problem's next due moment, and the one pending task."""

from django.db import migrations, models
from django.utils import timezone


def refresh_every_problem_once(apps, schema_editor):
    """Problems that had learners waiting before this migration are refreshed (and planned) at the first chance."""
    apps.get_model("ora_xblock", "ProblemSnapshot").objects.update(refresh_due_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("ora_xblock", "0006_partial_uploads"),
    ]

    operations = [
        migrations.AddField(
            model_name="problemsnapshot",
            name="refresh_due_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddIndex(
            model_name="problemsnapshot",
            index=models.Index(fields=["refresh_due_at"], name="ora_snapshot_refresh_due"),
        ),
        migrations.CreateModel(
            name="RefreshClock",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=32, unique=True)),
                ("token", models.CharField(blank=True, max_length=32)),
                ("wake_at", models.DateTimeField(null=True)),
            ],
        ),
        migrations.RunPython(refresh_every_problem_once, migrations.RunPython.noop),
    ]
