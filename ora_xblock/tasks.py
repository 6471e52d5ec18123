"""Celery tasks, on the platform's workers.

``refresh_due_problems`` is the overdue refresh's clock: it schedules itself,
so it needs no Celery beat (see :mod:`ora_xblock.services.overdue`); it also
sends the scores left unsent and marks failed the reports whose worker died.
``refresh_overdue_workflows`` sweeps everything; the plugin settings add it
hourly to the beat schedule for sites that run beat. ``generate_report`` runs
when staff ask for a report.

This module is the adapter between services and Celery: tasks call services, and services reach Celery only
through the :class:`CeleryRunner` that :func:`register` installs (:mod:`ora_xblock.services.runner`).
"""

from celery import shared_task

from . import platform
from .services import overdue, reports, runner

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
    """Write the CSV report, or the zip of every submitted file, a staff member asked for (see
    ``services.reports.start``); returns its row (or file) count.
    A second delivery of the same task does nothing."""
    return reports.run(task_id).rows


def runs_inline() -> bool:
    """Whether Celery runs tasks at once in the caller (``CELERY_TASK_ALWAYS_EAGER`` or the platform's old name
    ``CELERY_ALWAYS_EAGER``, as in the demo and tests), where no task can wait for later."""
    eager = platform.setting("CELERY_TASK_ALWAYS_EAGER", False) or platform.setting("CELERY_ALWAYS_EAGER", False)
    return bool(eager or generate_report.app.conf.task_always_eager)


class CeleryRunner(runner.Runner):
    """Services' runner on Celery: reports on the platform's report queue, the overdue clock by countdown."""

    def can_wait(self) -> bool:
        return bool(refresh_due_problems.app.conf.get("broker_url")) and not runs_inline()

    def longest_wait(self) -> float | None:
        """Redis and SQS hand a message held longer than ``visibility_timeout`` to another worker, again and again."""
        timeout = (refresh_due_problems.app.conf.get("broker_transport_options") or {}).get("visibility_timeout")
        return float(timeout) if timeout else None

    def send_report(self, task_id: int) -> bool:
        """Run the task inline where Celery is eager; else send it to the platform's report queue
        (``GRADES_DOWNLOAD_ROUTING_KEY``, where the LMS sends its own CSV reports), or the default queue."""
        if runs_inline():
            generate_report.apply(args=(task_id,))
            return True
        queue = platform.setting("GRADES_DOWNLOAD_ROUTING_KEY", None)
        generate_report.apply_async(args=(task_id,), **({"queue": queue} if queue else {}))
        return True

    def send_refresh(self, token: str, countdown: float) -> None:
        refresh_due_problems.apply_async(args=(token,), countdown=countdown)


def register() -> None:
    """Have services send their background work to Celery (called when the app is ready)."""
    runner.register(CeleryRunner())
