"""``manage.py ora_refresh_workflows``: grade and escalate learners whose peers are overdue."""

from django.core.management.base import BaseCommand

from ora_xblock import platform
from ora_xblock.services.overdue import refresh_all


class Command(BaseCommand):
    help = "Apply flexible peer grading and the staff fallback to learners waiting seven days or more."

    def handle(self, *args, **options):
        done = refresh_all(platform.now(), escalate=platform.setting("ORA_XBLOCK_PEER_STAFF_FALLBACK", True))
        self.stdout.write(f"{done.graded} graded, {done.escalated} sent to staff")
