"""How services hand work to the background without knowing the task queue.

Services call :func:`current`. The Celery adapter (:mod:`ora_xblock.tasks`) registers its runner when the app is
ready (:meth:`ora_xblock.apps.OraXBlockConfig.ready`); until one is registered the inline :class:`Runner` stands:
nothing is sent, so a report is written by its caller and nothing waits for later (the overdue refresh then runs
on page views and from ``ora_refresh_workflows``).
"""

from __future__ import annotations


class Runner:
    """The inline runner, and what every runner answers."""

    def can_wait(self) -> bool:
        """Whether a task can be sent to run later: a queue is there and does not run tasks in the caller."""
        return False

    def longest_wait(self) -> float | None:
        """Seconds the queue keeps a message that waits before another worker gets it too (None: no such limit)."""
        return None

    def send_report(self, task_id: int) -> bool:
        """Have report ``task_id`` written (:func:`.reports.run`); False when nothing was sent, and the caller
        writes it. Raises what the queue raises when it does not answer."""
        return False

    def send_refresh(self, token: str, countdown: float) -> None:
        """Have the overdue refresh's clock run with ``token`` in ``countdown`` seconds (only if :meth:`can_wait`).
        Raises what the queue raises when it does not answer."""
        raise RuntimeError("the inline runner cannot run anything later")


_registered: list[Runner] = [Runner()]


def register(runner: Runner) -> None:
    """Make ``runner`` the one services use from now on."""
    _registered[0] = runner


def current() -> Runner:
    """The registered runner, else the inline one."""
    return _registered[0]
