"""Keys in file storage that no row points at any more, deleted by ora_clean_uploads (retried when storage fails)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ora_xblock", "0007_refresh_clock"),
    ]

    operations = [
        migrations.CreateModel(
            name="LooseFile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("storage", models.CharField(max_length=64)),
                ("key", models.CharField(max_length=255)),
                ("due_at", models.DateTimeField()),
                ("attempts", models.PositiveIntegerField(default=0)),
            ],
            options={
                "indexes": [models.Index(fields=["due_at"], name="ora_loose_files_due")],
                "constraints": [models.UniqueConstraint(fields=("storage", "key"), name="ora_loose_file_once")],
            },
        ),
    ]
