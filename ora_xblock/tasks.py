"""Celery tasks. The plugin settings schedule ``refresh_overdue_workflows`` hourly with Celery beat;
``generate_report`` runs when staff ask for a report."""

from celery import shared_task

from . import platform
from .services import reports
from .services.overdue import refresh_all

REFRESH_TASK = "ora_xblock.tasks.refresh_overdue_workflows"
REPORT_TASK = "ora_xblock.tasks.generate_report"


@shared_task(name=REFRESH_TASK)
def refresh_overdue_workflows() -> dict[str, int]:
    """Apply flexible peer grading and the staff fallback; publish the scores that result."""
    done = refresh_all(platform.now(), escalate=platform.setting("ORA_XBLOCK_PEER_STAFF_FALLBACK", True))
    return {"graded": done.graded, "escalated": done.escalated}


@shared_task(name=REPORT_TASK)
def generate_report(task_id: int) -> int:
    """Write the CSV report a staff member asked for (see ``services.reports.start``); returns its row count."""
    return reports.run(task_id).rows
