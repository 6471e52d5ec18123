"""Work no learner's action triggers: flexible peer grading after seven days, and sending unreviewed learners to staff.

A learner who did their part and still waits for peers seven days after
submitting is *overdue*: flexible grading may grade them now (30% of Graded
By), else, with ``ORA_XBLOCK_PEER_STAFF_FALLBACK`` on, they go to the staff
queue. Open edX runs no Celery beat in stock or Tutor deployments, so the
refresh gets there by itself (docs/decisions/0012-refresh-without-beat.md):

- Each problem keeps when its next learner turns overdue
  (``ProblemSnapshot.refresh_due_at``): set on submit, planned again by every pass.
- One Celery task for the whole site, the *clock* (:class:`~ora_xblock.models.RefreshClock`),
  wakes at the earliest of those moments but never more than :func:`hop` ahead (brokers
  hand messages held longer to another worker), refreshes the problems due and schedules
  itself again. It stops when nobody waits; the next submit starts it.
- A page view refreshes the viewer at once when they are overdue (no query otherwise),
  and, at most every :data:`LAZY_EVERY` per problem, a bounded batch of the problem's
  overdue learners when its refresh is past due, restarting a clock that died.
- :func:`refresh_all` sweeps every problem, for the ``ora_refresh_workflows`` command
  (cron) and the Celery beat task, where a site runs beat.

A problem graded by the calibrated strategy is calibrated once per refresh of it (:func:`.calibrated.run`; a peer
review landing marks it due). The clock and the sweep also send the scores left unsent
(:func:`.grades.republish_pending`; a failed send
brings the clock forward, and the clock stays up while a send is due within a hop), mark failed the reports
whose worker died (:func:`.reports.expire_stale`), send the notices left unsent (:func:`.notices.send_unsent`)
and the reminders due (:func:`.reminders.run`; the clock stays up while one may fall due: :func:`.reminders.next_due`),
and give back peer reviews' lapsed holds (:func:`.lapsed.reclaim_lapsed`; the clock stays up while one can lapse).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Min, Q, QuerySet

from .. import peer
from ..conf import ora_settings
from ..definition import parse_olx_cached
from ..definition.model import StepName
from ..models import ProblemSnapshot, RefreshClock, Workflow
from ..steps import STEPS
from ..workflow import Status
from . import calibrated, grades, lapsed, notices, reminders, reports, runner
from .common import Problem
from .grades import advance

logger = logging.getLogger(__name__)

BATCH = 500  # overdue learners one pass over a problem takes at most
PROBLEMS_PER_TICK = 20  # problems one run of the clock refreshes at most; it runs again at once for the rest
MARGIN = timedelta(minutes=5)  # a problem is refreshed this long after a learner turns overdue, sharing the pass
HOP = timedelta(minutes=15)  # below Redis' visibility timeout (1 h) and RabbitMQ's consumer timeout (30 min)
LAZY_EVERY = timedelta(minutes=5)
LAZY_BATCH = 20
CLOCK = "overdue"
# Learners who may yet come to wait for peers: in a step where they act, or waiting already.
PENDING = (*(Status(step.kind) for step in STEPS if step.learner_acts), Status.WAITING)


@dataclass(frozen=True)
class Refreshed:
    """What a pass changed (``published``: scores left unsent that it sent); ``more`` when it stopped at its
    batch with overdue learners left."""

    graded: int = 0
    escalated: int = 0
    more: bool = False
    published: int = 0

    def __add__(self, other: Refreshed) -> Refreshed:
        return Refreshed(
            self.graded + other.graded,
            self.escalated + other.escalated,
            self.more or other.more,
            self.published + other.published,
        )


def escalating() -> bool:
    """Whether overdue learners flexible grading cannot grade go to staff (``ORA_XBLOCK_PEER_STAFF_FALLBACK``)."""
    return bool(ora_settings.ORA_XBLOCK_PEER_STAFF_FALLBACK)


def remember(problem: Problem, item_id: str, course_id: str, olx: str) -> None:
    """Keep the problem's definition for background work, and have the problem refreshed once the learner who
    submits now may be overdue (seven days and :data:`MARGIN` from now)."""
    values = {"course_id": course_id, "olx": olx, "flexible_forced": problem.flexible_forced, "updated_at": problem.now}
    if not ProblemSnapshot.objects.filter(item_id=item_id).update(**values):
        try:
            with transaction.atomic():
                ProblemSnapshot.objects.create(item_id=item_id, **values)
        except IntegrityError:  # another learner's first submit created it at the same moment
            ProblemSnapshot.objects.filter(item_id=item_id).update(**values)
    if _has_peers(problem):
        due_by(item_id, problem.now + peer.FLEXIBLE_AFTER + MARGIN, problem.now)


def due_by(item_id: str, due: datetime, now: datetime) -> None:
    """Have the problem refreshed by ``due`` at the latest, and the clock woken for it once committed."""
    later = Q(refresh_due_at__isnull=True) | Q(refresh_due_at__gt=due)  # one statement: submits may race
    if ProblemSnapshot.objects.filter(later, item_id=item_id).update(refresh_due_at=due):
        transaction.on_commit(partial(wake, due, now))


def refresh(problem: Problem, item_id: str, escalate: bool = True, limit: int = BATCH) -> Refreshed:
    """The problem's overdue learners, oldest first and at most ``limit``: grade those flexible grading now
    allows, and (``escalate``) send the others to the staff queue, so that nobody who did their part is left
    without a grade. Each learner is one transaction."""
    if not _has_peers(problem):
        return Refreshed()
    rows = _overdue(Workflow.objects.filter(item_id=item_id), problem.now, escalate)
    found = list(rows.order_by("submitted_at", "pk").values_list("pk", flat=True)[: limit + 1])
    done = Refreshed(more=len(found) > limit)
    for pk in found[:limit]:
        done += _refresh_learner(problem, pk, escalate) or Refreshed()
    return done


def refresh_all(now: datetime, escalate: bool = True) -> Refreshed:
    """Refresh every problem with overdue learners, to the last learner, and plan each problem's next refresh;
    then send every score left unsent (while batches send something) and mark failed the reports that died."""
    overdue_items = _overdue(Workflow.objects.all(), now, escalate).values_list("item_id", flat=True).distinct()
    due_items = ProblemSnapshot.objects.filter(refresh_due_at__lte=now).values_list("item_id", flat=True)
    total = Refreshed()
    for snapshot in ProblemSnapshot.objects.filter(item_id__in={*overdue_items, *due_items}).order_by("item_id"):
        problem = _problem(snapshot, now)
        while True:
            done = refresh(problem, snapshot.item_id, escalate)
            total += replace(done, more=False)
            if not done.more:
                break
        _plan(problem, snapshot.item_id, more=False)  # before calibrating: a review landing meanwhile keeps its mark
        calibrated.run(problem, snapshot.item_id, snapshot.course_id)  # once per problem per refresh
    return total + _chores(now, everything=True)


def on_view(problem: Problem, item_id: str, workflow: Workflow | None) -> bool:
    """A page of the problem is shown to ``workflow``'s learner (or to someone who has not submitted).

    The viewer is refreshed at once when they are overdue, at no query
    otherwise. At most every :data:`LAZY_EVERY` per problem, one query asks
    whether the problem's refresh is past due (the clock is late, or stopped);
    then up to :data:`LAZY_BATCH` overdue learners are refreshed here and the
    clock is restarted. Returns whether anything changed, so that the page
    reads the viewer's state again.
    """
    if not _has_peers(problem):
        return False
    escalate = escalating()
    changed = False
    if workflow is not None and is_overdue(problem, workflow, escalate):
        changed = _refresh_learner(problem, workflow.pk, escalate) is not None
    try:
        first_in_a_while = cache.add(_lazy_key(item_id), True, LAZY_EVERY.total_seconds())
    except Exception:  # noqa: BLE001 - a cache that is down skips this check; the page must still show
        first_in_a_while = False
    if not first_in_a_while:
        return changed
    if not ProblemSnapshot.objects.filter(item_id=item_id, refresh_due_at__lte=problem.now).exists():
        return changed
    done = refresh(problem, item_id, escalate, limit=LAZY_BATCH)
    following = _plan(problem, item_id, done.more)
    if following is not None:
        transaction.on_commit(partial(wake, following, problem.now))
    return changed or bool(done.graded or done.escalated)


def is_overdue(problem: Problem, workflow: Workflow, escalate: bool) -> bool:
    """Whether a refresh would act on this learner now: waiting for peers for seven days, and either going to
    staff when flexible grading cannot grade them, or not yet looked at since their seventh day."""
    turned = workflow.submitted_at + peer.FLEXIBLE_AFTER
    fresh = escalate or workflow.updated_at < turned
    return workflow.status == Status.WAITING and problem.now >= turned and fresh


# The clock: one Celery task for the site, at most HOP ahead, replaced rather than duplicated.


def hop() -> timedelta:
    """The longest the clock's next run may wait: :data:`HOP`, or half the queue's :meth:`~.runner.Runner.longest_wait`
    when that is shorter (Redis and SQS hand a message held longer to another worker, again and again)."""
    timeout = runner.current().longest_wait()
    return min(HOP, timedelta(seconds=timeout / 2)) if timeout else HOP


def wake(due: datetime, now: datetime) -> None:
    """Make sure the clock runs by ``due``: start it when idle, bring it forward, or restart it when its run is
    a :func:`hop` late (lost: a broker restart, a worker killed). Does nothing where tasks cannot wait (no
    broker, or Celery runs tasks inline): page views and the command do the work there."""
    if not can_schedule():
        return
    try:
        with transaction.atomic():
            clock = RefreshClock.objects.select_for_update().filter(name=CLOCK).first()
            if clock is None or not clock.token or clock.wake_at is None or not now - hop() <= clock.wake_at <= due:
                _arm(clock, due, now)
    except Exception:  # runs after a learner's submit committed: never their error
        logger.warning("ora_xblock: could not start the overdue refresh", exc_info=True)


def tick(token: str, now: datetime) -> Refreshed:
    """The clock's run: refresh the problems due, send a batch of the scores left unsent, mark failed the reports
    that died, then schedule the next run. A run whose token was replaced, or a second delivery of the same
    message, does nothing."""
    running = uuid.uuid4().hex
    if not token or not RefreshClock.objects.filter(name=CLOCK, token=token).update(token=running, wake_at=now + hop()):
        return Refreshed()
    try:
        return refresh_due(now, escalating()) + _chores(now, everything=False)
    finally:
        _next(running, now)


def refresh_due(now: datetime, escalate: bool) -> Refreshed:
    """Refresh the problems whose refresh is due, earliest first, :data:`PROBLEMS_PER_TICK` at most; plan each."""
    due = ProblemSnapshot.objects.filter(refresh_due_at__lte=now).order_by("refresh_due_at", "pk")
    total = Refreshed()
    for snapshot in due[:PROBLEMS_PER_TICK]:  # the next run, due at once, takes the rest
        try:
            problem = _problem(snapshot, now)
            done = refresh(problem, snapshot.item_id, escalate)
            _plan(problem, snapshot.item_id, done.more)  # before calibrating: a review landing meanwhile keeps its mark
            calibrated.run(problem, snapshot.item_id, snapshot.course_id)  # once per problem per refresh
        except Exception:  # one broken problem must not stop the others: it is tried again a hop later
            logger.exception("ora_xblock: refreshing %s failed", snapshot.item_id)
            ProblemSnapshot.objects.filter(pk=snapshot.pk).update(refresh_due_at=now + hop())
            continue
        total += done
    return total


def _chores(now: datetime, everything: bool) -> Refreshed:
    """Send the scores left unsent, one batch, or (``everything``) batch after batch while they send some (a batch
    that only fails stops the sweep: the next refresh tries again); give back lapsed peer holds; mark failed the
    reports whose worker died; send the notices left unsent and the reminders due."""
    published = 0
    while True:
        done = grades.republish_pending(now)
        published += done.sent
        if not (everything and done.more and (done.sent or done.frozen)):
            break
    published += grades.resend_resets(now)
    lapsed.reclaim_lapsed(now)
    reports.expire_stale(now)
    notices.send_unsent(now)
    reminders.run(now, everything)
    return Refreshed(published=published)


def _next(running: str, now: datetime) -> None:
    """After a run: schedule the next one at the earliest due problem or score to send (a score due more than a
    :func:`hop` ahead, as frozen grades are, does not keep the clock up), or stop the clock when none is."""
    with transaction.atomic():  # the lock comes first, so that a submit's wake either sees this run or is seen by it
        clock = RefreshClock.objects.select_for_update().filter(name=CLOCK, token=running).first()
        if clock is None:
            return  # replaced while running: the new run carries on
        problems = ProblemSnapshot.objects.aggregate(first=Min("refresh_due_at"))["first"]
        scores = grades.next_due(now, hop())
        reminding = reminders.next_due(now)  # a reminder or digest that can fall due with nobody acting
        moments = (problems, scores, reminding, lapsed.next_lapse())  # a held review may lapse with nobody acting
        following = min((moment for moment in moments if moment is not None), default=None)
        if following is None:
            clock.token, clock.wake_at = "", None
            clock.save(update_fields=["token", "wake_at"])
        elif can_schedule():
            _arm(clock, following, now)


def _arm(clock: RefreshClock | None, due: datetime, now: datetime) -> None:
    """Give the clock a new token and send one task for it, to run at ``due`` or a :func:`hop` from now."""
    at = min(max(due, now), now + hop())
    token = uuid.uuid4().hex
    if clock is None:
        try:
            with transaction.atomic():
                RefreshClock.objects.create(name=CLOCK, token=token, wake_at=at)
        except IntegrityError:
            return  # started by another request at the same moment
    else:
        clock.token, clock.wake_at = token, at
        clock.save(update_fields=["token", "wake_at"])
    transaction.on_commit(partial(_send, token, (at - now).total_seconds()))


def _send(token: str, countdown: float) -> None:
    try:
        runner.current().send_refresh(token, max(0.0, countdown))
    except Exception:  # the broker is down: the next submit or page view restarts the clock once it is late
        logger.warning("ora_xblock: could not schedule the overdue refresh", exc_info=True)


def can_schedule() -> bool:
    """Whether a task can wait for later here (:meth:`~.runner.Runner.can_wait`): else page views and the command
    do the work."""
    return runner.current().can_wait()


# One problem's pass


def _overdue(rows: QuerySet[Workflow], now: datetime, escalate: bool) -> QuerySet[Workflow]:
    """Of ``rows``, the overdue learners (:func:`is_overdue`)."""
    rows = rows.filter(status=Status.WAITING, submitted_at__lte=now - peer.FLEXIBLE_AFTER)
    return rows if escalate else rows.filter(updated_at__lt=F("submitted_at") + peer.FLEXIBLE_AFTER)


def _refresh_learner(problem: Problem, pk: int, escalate: bool) -> Refreshed | None:
    """One overdue learner, row locked: flexible grading first, then the staff queue. None if no longer overdue."""
    with transaction.atomic():
        workflow = Workflow.objects.select_for_update().filter(pk=pk).first()
        if workflow is None or not is_overdue(problem, workflow, escalate):
            return None
        advance(problem, workflow)  # flexible grading may now be enough
        escalated = workflow.status == Status.WAITING and escalate
        if escalated:  # still short of reviews: staff will grade
            workflow.escalated_at = problem.now
            advance(problem, workflow)
        return Refreshed(graded=int(workflow.status == Status.DONE), escalated=int(escalated))


def _plan(problem: Problem, item_id: str, more: bool) -> datetime | None:
    """Set when the problem needs its next pass: now if overdue learners are left, else when its next pending
    learner turns overdue (plus :data:`MARGIN`), or never. Returns that moment."""
    with transaction.atomic():  # locked before reading, so that a learner submitting meanwhile is not missed
        snapshot = ProblemSnapshot.objects.select_for_update().filter(item_id=item_id).first()
        if snapshot is None:
            return None
        following = problem.now if more else _next_turn(problem, item_id)
        snapshot.refresh_due_at = following
        snapshot.save(update_fields=["refresh_due_at"])
    return following


def _next_turn(problem: Problem, item_id: str) -> datetime | None:
    if not _has_peers(problem):
        return None
    waiting = Workflow.objects.filter(
        item_id=item_id, status__in=PENDING, submitted_at__gt=problem.now - peer.FLEXIBLE_AFTER
    )
    first = waiting.aggregate(first=Min("submitted_at"))["first"]
    return None if first is None else first + peer.FLEXIBLE_AFTER + MARGIN


def _problem(snapshot: ProblemSnapshot, now: datetime) -> Problem:
    return Problem(parse_olx_cached(snapshot.olx), now, flexible_forced=snapshot.flexible_forced)


def _has_peers(problem: Problem) -> bool:
    return problem.definition.step(StepName.PEER) is not None


def _lazy_key(item_id: str) -> str:
    return "ora_xblock.overdue." + hashlib.sha256(item_id.encode()).hexdigest()[:32]
