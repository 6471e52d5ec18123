"""``manage.py ora_clean_uploads``: delete files learners began sending in pieces and left for a day."""

from django.core.management.base import BaseCommand

from ora_xblock import platform
from ora_xblock.services import files


class Command(BaseCommand):
    help = "Delete uploads in pieces idle for a day, finished or not, with the pieces kept in storage."

    def handle(self, *args, **options):
        limits = files.Limits(storage_alias=platform.setting("ORA_XBLOCK_FILE_STORAGE", "default"))
        cleaned = 0
        while batch := files.clean_stale(platform.now(), limits):
            cleaned += batch
        self.stdout.write(f"{cleaned} idle uploads cleaned")
