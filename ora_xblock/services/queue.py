"""The staff grading queue ("Grade available responses"): the oldest response waiting for staff, held for one.

A response waits for staff when its status is ``staff``: the problem requires
a staff grade, or the peer step escalated it (nobody reviewed it in time); or
when its learner appealed their peer grade and staff have not decided (see
:mod:`.appeals`). A
team's response waits once, as its submitter's row; its other members' rows,
which share it, are never handed out.
Handing one out locks its workflow row (``select_for_update(skip_locked=True)``)
and writes a :class:`~ora_xblock.models.StaffLease`, unique per response, so
two staff asking at once never get the same one. A lease lapses after
``ORA_XBLOCK_STAFF_LEASE_MINUTES`` (30); the response then returns to the queue.
A grader who already holds a response (taken in another tab, or before a
reload) is handed that one again, renewed, before any other.
How many wait is counted up to ``COUNT_LIMIT`` ("1000+"), through the
``ora_workflow_queue`` index and the open appeals: the queue costs the same at
1,000 and 100,000 learners.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet

from ..conf import ora_settings
from ..definition.errors import N_
from ..models import Appeal, StaffLease, Workflow
from ..workflow import Status
from .assessments import locked
from .audit import Actor
from .common import Conflict
from .counting import COUNT_LIMIT, capped, less_one

ATTEMPTS = 5  # another grader's lease committed between our read and our insert: try the next response
APPEALS_AT_ONCE = 20  # the oldest open appeals tried, one by one, for one that nobody locks


@dataclass(frozen=True)
class Turn:
    """What the queue handed out: the response and its lease (None when the queue is empty), and what is left."""

    workflow: Workflow | None
    lease: StaffLease | None
    remaining: int  # responses still waiting for staff that nobody holds
    resumed: bool = False  # the grader already held it: taken earlier, in another tab or page

    @property
    def escalated(self) -> bool:
        """Whether the response came from the peer step for want of reviews, rather than a required staff step."""
        return self.workflow is not None and self.workflow.escalated_at is not None


def lease_minutes() -> int:
    return max(1, int(ora_settings.ORA_XBLOCK_STAFF_LEASE_MINUTES))


def next_response(item_id: str, actor: Actor, now: datetime, skip: str | None = None) -> Turn:
    """Hold the oldest response waiting for staff that nobody holds for ``actor``; ``skip`` passes one learner over."""
    return next_among([item_id], actor, now, None if skip is None else (item_id, skip))


def next_among(item_ids: Sequence[str], actor: Actor, now: datetime, skip: tuple[str, str] | None = None) -> Turn:
    """Hold for ``actor`` the oldest response waiting for staff in any of these problems (the course dashboard's
    one queue) that nobody holds; ``skip`` passes one (problem, learner) over."""
    with transaction.atomic(savepoint=False):
        waiting, held = _waiting_and_held(item_ids, actor, now)
        mine = StaffLease.objects.select_related("workflow").filter(workflow_id=held, holder_id=actor.anonymous_id)
        lease = mine.first() if held is not None else None  # gone since (graded in their other tab): the next
        if lease is not None:  # already theirs: renewed for them (their unexpired lease kept anyone else out)
            lease.expires_at = now + timedelta(minutes=lease_minutes())
            StaffLease.objects.filter(pk=lease.pk).update(expires_at=lease.expires_at)  # none if just graded
            return Turn(lease.workflow, lease, waiting, resumed=True)
        unheld = _unheld(item_ids, now)
        if skip is not None:
            unheld = unheld.exclude(item_id=skip[0], student_id=skip[1])
        for _ in range(ATTEMPTS):
            workflow = _first_unlocked(unheld, item_ids)
            if workflow is None:
                # Nothing unlocked. Either nothing waits, or other graders' transactions lock the rows (InnoDB locks
                # every row its scan reads, not only the one it takes): then they are busy, not the queue empty.
                if _counted(item_ids, now, skip=skip)[0]:
                    break
                return Turn(None, None, 0)
            try:
                with transaction.atomic():
                    lease = _hold(workflow, actor, now)
            except IntegrityError:
                continue
            return Turn(workflow, lease, less_one(waiting))  # as counted before this one was taken
    raise Conflict("queue_busy", N_("Others are taking responses at this moment. Try again."))


def held_among(item_ids: Sequence[str], actor: Actor, now: datetime) -> Turn:
    """The response ``actor`` holds, unexpired, in any of these problems (their oldest), as a :class:`Turn`."""
    lease = _held(item_ids, actor, now)
    waiting = _counted(item_ids, now)[0]
    if lease is None:
        return Turn(None, None, waiting)
    return Turn(lease.workflow, lease, waiting, resumed=True)


def skip(item_id: str, student_id: str, actor: Actor, now: datetime) -> Turn:
    """Let go of the response held for ``actor`` and hand out the next one, passing that one over."""
    with transaction.atomic(savepoint=False):
        release(item_id, student_id, actor)
        return next_response(item_id, actor, now, skip=student_id)


def take(item_id: str, student_id: str, actor: Actor, now: datetime) -> StaffLease:
    """Hold one learner's response for ``actor`` (or renew their own hold); refused while someone else holds it."""
    with transaction.atomic(savepoint=False):
        workflow = locked(item_id, student_id)
        check_hold(workflow, actor, now, required=False)
        return _hold(workflow, actor, now)


def release(item_id: str, student_id: str, actor: Actor) -> bool:
    """Give back ``actor``'s hold on the learner's response; returns whether they held it."""
    with transaction.atomic(savepoint=False):
        held = StaffLease.objects.filter(item_id=item_id, workflow__student_id=student_id, holder_id=actor.anonymous_id)
        deleted, _ = held.delete()
    return bool(deleted)


def check_hold(workflow: Workflow, actor: Actor, now: datetime, required: bool) -> None:
    """Refuse unless ``actor`` may grade the response now: nobody else holds it, and, if ``required``, they do."""
    lease = StaffLease.objects.select_for_update().filter(workflow=workflow).first()
    mine = lease is not None and lease.holder_id == actor.anonymous_id
    if lease is not None and not mine and lease.expires_at > now:
        raise Conflict("being_graded", N_("This response is being graded by someone else."))
    if required and lease is None:
        raise Conflict("not_held", N_("You no longer hold this response. Get the next one from the queue."))
    if required and not mine:
        raise Conflict("being_graded", N_("This response is being graded by someone else."))
    if required and lease is not None and lease.expires_at <= now:
        raise Conflict(
            "lease_expired",
            N_("Your time to grade this response ran out, so someone else may be grading it. Get the next response."),
        )


def _held(item_ids: Sequence[str], actor: Actor, now: datetime) -> StaffLease | None:
    """``actor``'s oldest unexpired lease on a response still waiting for staff, with its workflow."""
    mine = StaffLease.objects.filter(item_id__in=list(item_ids), holder_id=actor.anonymous_id, expires_at__gt=now)
    return _on_waiting(mine, item_ids).select_related("workflow").order_by("taken_at", "id").first()


def _waiting_and_held(item_ids: Sequence[str], actor: Actor, now: datetime) -> tuple[int, int | None]:
    """In one query: how many responses wait for staff that nobody holds (up to ``COUNT_LIMIT``), and the
    workflow id of one ``actor`` holds (the first; None if none)."""
    mine = StaffLease.objects.filter(item_id__in=list(item_ids), expires_at__gt=now, holder_id=actor.anonymous_id)
    held = _on_waiting(mine, item_ids).filter(workflow__shares_response=False).order_by("workflow_id")
    return _counted(item_ids, now, held.values("workflow_id")[:1])


def _on_waiting(leases: QuerySet[StaffLease], item_ids: Sequence[str]) -> QuerySet[StaffLease]:
    """Those of ``leases`` (a grader's few) whose response waits for staff, its workflow joined by its key."""
    return leases.filter(Q(workflow__status=Status.STAFF) | Q(workflow_id__in=_appealed(item_ids)))


def _counted(
    item_ids: Sequence[str], now: datetime, also: QuerySet | None = None, skip: tuple[str, str] | None = None
) -> tuple[int, int | None]:
    """How many responses wait for staff that nobody holds (but ``skip``), counted up to ``COUNT_LIMIT`` in each
    of the two ways to wait (status ``staff``, read through ``ora_workflow_queue``; an open appeal, through the
    appeals), and the value ``also`` selects (None without), in one statement."""
    by_status = _unheld(item_ids, now).filter(status=Status.STAFF)
    appealed = Workflow.objects.filter(pk__in=_appealed(item_ids), shares_response=False)  # by key, not the problem
    by_appeal = appealed.exclude(status=Status.STAFF).exclude(pk__in=_live(item_ids, now))
    if skip is not None:
        by_status, by_appeal = (rows.exclude(item_id=skip[0], student_id=skip[1]) for rows in (by_status, by_appeal))
    parts = [rows.values("pk")[: COUNT_LIMIT + 1].query.sql_with_params() for rows in (by_status, by_appeal)]
    parts.append(also.query.sql_with_params() if also is not None else ("NULL", ()))
    (status_sql, status_params), (appeal_sql, appeal_params), (also_sql, also_params) = parts
    sql = (  # the ORM's own compiled statements, every value a parameter
        f"SELECT (SELECT COUNT(*) FROM ({status_sql}) by_status), (SELECT COUNT(*) FROM ({appeal_sql}) by_appeal), "  # noqa: S608
        f"({also_sql})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*status_params, *appeal_params, *also_params))
        by_status_count, by_appeal_count, found = cursor.fetchone()
    return capped(by_status_count + by_appeal_count, COUNT_LIMIT), found


def _unheld(item_ids: Sequence[str], now: datetime) -> QuerySet[Workflow]:
    rows = Workflow.objects.filter(item_id__in=list(item_ids), shares_response=False)
    return rows.exclude(pk__in=_live(item_ids, now))  # a team's response once: its submitter's row


def _live(item_ids: Sequence[str], now: datetime) -> QuerySet:
    """The workflow ids of the unexpired leases in these problems."""
    return StaffLease.objects.filter(item_id__in=list(item_ids), expires_at__gt=now).values("workflow_id")


def _first_unlocked(unheld: QuerySet[Workflow], item_ids: Sequence[str]) -> Workflow | None:
    """Lock the oldest waiting response no other grader locks: by status first (read through its index, so that
    InnoDB locks only what it takes), else the oldest appealed one, each tried alone by its key: InnoDB would lock
    every row a sorted read of several touches, and other graders would find them all taken."""
    oldest = ("submitted_at", "id")
    workflow = unheld.filter(status=Status.STAFF).select_for_update(skip_locked=True).order_by(*oldest).first()
    if workflow is not None:
        return workflow
    appealed = Appeal.objects.filter(item_id__in=list(item_ids), status=Appeal.State.OPEN).order_by("created_at", "id")
    for workflow_id in appealed.values_list("workflow_id", flat=True)[:APPEALS_AT_ONCE]:
        workflow = unheld.filter(pk=workflow_id).select_for_update(skip_locked=True).first()  # one row, by its key
        if workflow is not None:
            return workflow
    return None


def _appealed(item_ids: Sequence[str]) -> QuerySet:
    """The workflow ids of the open appeals in these problems."""
    return Appeal.objects.filter(item_id__in=list(item_ids), status=Appeal.State.OPEN).values("workflow_id")


def _hold(workflow: Workflow, actor: Actor, now: datetime) -> StaffLease:
    """Replace the response's lapsed (or the actor's own) lease with a fresh one for ``actor``."""
    lapsed_or_mine = Q(expires_at__lte=now) | Q(holder_id=actor.anonymous_id)
    StaffLease.objects.filter(lapsed_or_mine, workflow=workflow).delete()
    return StaffLease.objects.create(
        item_id=workflow.item_id,
        workflow=workflow,
        holder_id=actor.anonymous_id,
        holder_username=actor.username,
        taken_at=now,
        expires_at=now + timedelta(minutes=lease_minutes()),
    )
