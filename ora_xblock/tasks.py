"""Celery tasks, on the platform's workers.

``refresh_due_problems`` is the overdue refresh's clock: it schedules itself,
so it needs no Celery beat (see :mod:`ora_xblock.services.overdue`); it also
sends the scores left unsent and marks failed the reports whose worker died.
``refresh_overdue_workflows`` sweeps everything; the plugin settings add it
hourly to the beat schedule for sites that run beat. ``generate_report`` runs
when staff ask for a report.
"""

from celery import shared_task

from . import platform
from .services import overdue, reports

REFRESH_TASK = "ora_xblock.tasks.refresh_overdue_workflows"
CLOCK_TASK = "ora_xblock.tasks.refresh_due_problems"
REPORT_TASK = "ora_xblock.tasks.generate_report"


@shared_task(name=REFRESH_TASK)
def refresh_overdue_workflows() -> dict[str, int]:
    """Apply flexible peer grading and the staff fallback to every overdue learner; send every score left unsent."""
    done = overdue.refresh_all(platform.now(), escalate=overdue.escalating())
    return {"graded": done.graded, "escalated": done.escalated, "published": done.published}


@shared_task(name=CLOCK_TASK, ignore_result=True)
def refresh_due_problems(token: str) -> dict[str, int]:
    """Refresh the problems due, then schedule the next run (``token`` names this run; a stale one does nothing)."""
    done = overdue.tick(token, platform.now())
    return {"graded": done.graded, "escalated": done.escalated, "published": done.published}


@shared_task(name=REPORT_TASK)
def generate_report(task_id: int) -> int:
    """Write the CSV report a staff member asked for (see ``services.reports.start``); returns its row count.
    A second delivery of the same task does nothing."""
    return reports.run(task_id).rows


def runs_inline() -> bool:
    """Whether Celery runs tasks at once in the caller (``CELERY_TASK_ALWAYS_EAGER`` or the platform's old name
    ``CELERY_ALWAYS_EAGER``, as in the demo and tests), where no task can wait for later."""
    eager = platform.setting("CELERY_TASK_ALWAYS_EAGER", False) or platform.setting("CELERY_ALWAYS_EAGER", False)
    return bool(eager or generate_report.app.conf.task_always_eager)
