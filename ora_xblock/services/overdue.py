"""Work nobody's visit triggers: flexible grading after seven days, and sending unreviewed learners to staff.

Run by the ``ora_refresh_workflows`` management command and the Celery task
``ora_xblock.tasks.refresh_overdue_workflows``; both call :func:`refresh_all`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from .. import peer
from ..definition import parse_olx_cached
from ..definition.model import StepName
from ..models import ProblemSnapshot, Workflow
from ..workflow import Status
from .common import Problem
from .grades import advance

BATCH = 500


@dataclass(frozen=True)
class Refreshed:
    """What one pass changed."""

    graded: int = 0
    escalated: int = 0

    def __add__(self, other: Refreshed) -> Refreshed:
        return Refreshed(self.graded + other.graded, self.escalated + other.escalated)


def remember(problem: Problem, item_id: str, course_id: str, olx: str) -> None:
    """Keep the problem's definition for background work: one update, or an insert the first time."""
    values = {"course_id": course_id, "olx": olx, "flexible_forced": problem.flexible_forced, "updated_at": problem.now}
    if not ProblemSnapshot.objects.filter(item_id=item_id).update(**values):
        ProblemSnapshot.objects.create(item_id=item_id, **values)


def refresh_all(now: datetime, escalate: bool = True) -> Refreshed:
    """Refresh every problem with learners waiting for peers."""
    total = Refreshed()
    items = Workflow.objects.filter(status=Status.WAITING).values_list("item_id", flat=True).distinct()
    snapshots = ProblemSnapshot.objects.filter(item_id__in=list(items))
    for snapshot in snapshots:
        problem = Problem(parse_olx_cached(snapshot.olx), now, flexible_forced=snapshot.flexible_forced)
        total += refresh(problem, snapshot.item_id, escalate)
    return total


def refresh(problem: Problem, item_id: str, escalate: bool = True) -> Refreshed:
    """Learners waiting for peers for seven days or more: grade them if flexible grading now allows it,
    else send them to the staff queue, so that nobody who did their part is left without a grade."""
    if problem.definition.step(StepName.PEER) is None:
        return Refreshed()
    overdue = Workflow.objects.filter(
        item_id=item_id, status=Status.WAITING, submitted_at__lte=problem.now - peer.FLEXIBLE_AFTER
    ).values_list("pk", flat=True)[:BATCH]
    graded = escalated = 0
    for pk in list(overdue):
        with transaction.atomic():
            workflow = Workflow.objects.select_for_update().get(pk=pk)
            if workflow.status != Status.WAITING:
                continue
            advance(problem, workflow)  # flexible grading may now be enough
            if workflow.status == Status.WAITING and escalate:  # still short of reviews: staff will grade
                workflow.escalated_at = problem.now
                advance(problem, workflow)
                escalated += 1
            graded += workflow.status == Status.DONE
    return Refreshed(graded, escalated)
