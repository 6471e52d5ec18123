"""Celery tasks. The plugin settings schedule ``refresh_overdue_workflows`` hourly with Celery beat."""

from celery import shared_task

from . import platform
from .services.overdue import refresh_all

REFRESH_TASK = "ora_xblock.tasks.refresh_overdue_workflows"


@shared_task(name=REFRESH_TASK)
def refresh_overdue_workflows() -> dict[str, int]:
    """Apply flexible peer grading and the staff fallback; publish the scores that result."""
    done = refresh_all(platform.now(), escalate=platform.setting("ORA_XBLOCK_PEER_STAFF_FALLBACK", True))
    return {"graded": done.graded, "escalated": done.escalated}
