"""``manage.py lms ora_refresh_workflows``: grade and escalate every learner whose peers are overdue, send every
score the gradebook is still missing, and mark failed the reports whose worker died.

The overdue refresh schedules itself on the platform's Celery workers and runs
on page views; this command sweeps everything at once, for cron (hourly) or by hand.
"""

from django.core.management.base import BaseCommand

from ora_xblock import platform
from ora_xblock.services import overdue


class Command(BaseCommand):
    help = (
        "Apply flexible peer grading and the staff fallback to learners waiting seven days or more, "
        "and send the gradebook the scores it is missing."
    )

    def handle(self, *args, **options):
        done = overdue.refresh_all(platform.now(), escalate=overdue.escalating())
        sent = f", {done.published} scores the gradebook was missing sent" if done.published else ""
        self.stdout.write(f"{done.graded} graded, {done.escalated} sent to staff{sent}")
