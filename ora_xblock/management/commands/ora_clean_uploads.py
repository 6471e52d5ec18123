"""``manage.py ora_clean_uploads``: delete what uploads left behind, and the files no row points at any more.

Run it daily (or more often). It deletes uploads in pieces idle for a day, files sent straight to storage and
never confirmed, and the files written down for deletion (after a reset, a removed draft file, a failed upload)
that storage refused to delete before; a delete that fails again is retried on a later run.
"""

from django.core.management.base import BaseCommand

from ora_xblock import platform
from ora_xblock.conf import ora_settings
from ora_xblock.services import file_store, files


class Command(BaseCommand):
    help = "Delete uploads idle for a day with their pieces, and files that nothing points at any more."

    def handle(self, *args, **options):
        limits = files.Limits(storage_alias=ora_settings.ORA_XBLOCK_FILE_STORAGE)
        now = platform.now()
        cleaned = 0
        while batch := files.clean_stale(now, limits):
            cleaned += batch
        while files.clean_abandoned(now, limits):
            pass
        deleted = failed = 0
        while True:
            done, refused = file_store.sweep(now)
            deleted, failed = deleted + done, failed + refused
            if not done + refused:
                break
        self.stdout.write(f"{cleaned} idle uploads cleaned")
        if deleted or failed:
            self.stdout.write(f"{deleted} loose files deleted from storage, {failed} to retry on a later run")
