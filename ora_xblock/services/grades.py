"""Turning stored assessments into a status and a grade, and sending the grade to the gradebook.

No grade is lost between our tables and the gradebook (docs/decisions/0016-no-grade-lost.md):
the transaction that changes a score also sets ``Workflow.publish_due_at``. Once it commits, :func:`publish`
sends the score to edx-submissions and clears that mark, in one transaction under the row lock, so a score is
sent once whatever runs it and however often. A send that never happens (the process died after the commit) or
fails (``set_score`` raised) leaves the mark, and :func:`republish_pending`, run by the refresh
(:mod:`.overdue`), sends it later; a failure also brings the refresh's clock forward.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, TypeGuard

from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from submissions import api as submissions_api

from .. import peer, platform
from ..definition.model import GradingStrategy, PeerStep, StepName
from ..models import Assessment, AuditEntry, PendingReset, Workflow
from ..models.grading import ReviewerAccuracy
from ..scoring import Grade, grade
from ..workflow import Progress, Status, status
from . import audit, notices
from .common import Problem

STAFF_OVERRIDE = "staff_override"  # the annotation type of a score course staff gave
GRACE = timedelta(minutes=1)  # the send after commit has this long before the refresh may send the score
RETRY_AFTER = timedelta(minutes=5)  # a failed send is tried again this much later
FROZEN_RETRY = timedelta(days=1)  # a score of a course whose grades are frozen is looked at again this much later
BATCH = 200  # scores one pass of the refresh sends at most
LOOK_EVERY = timedelta(minutes=1)  # how often a send looks for scores left behind
LOOK_KEY = "ora_xblock.grades.left_behind"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Republished:
    """What a pass of :func:`republish_pending` did; ``more`` when it stopped at its batch with scores left due."""

    sent: int = 0
    failed: int = 0
    frozen: int = 0
    more: bool = False


def assessments_of(workflow: Workflow) -> list[Assessment]:
    """Every assessment of the workflow's submission, oldest first (one query)."""
    return list(workflow.assessments.order_by("created_at", "id"))


def required_reviews(problem: Problem, workflow: Workflow) -> int:
    """Peer reviews this response needs now (flexible grading may have lowered Graded By)."""
    step = problem.definition.step(StepName.PEER)
    if not isinstance(step, PeerStep):
        return 0
    return peer.required_reviews(step, workflow.submitted_at, problem.now, problem.flexible)


def progress(problem: Problem, workflow: Workflow, received: list[Assessment]) -> Progress:
    """What the learner has done and been given: their own counters, and the assessments of their response."""
    kinds = {assessment.kind for assessment in received}
    return Progress(
        training_done=workflow.training_done,
        peers_assessed=workflow.peers_assessed,
        self_done=Assessment.Kind.SELF in kinds,
        staff_graded=Assessment.Kind.STAFF in kinds,
        peer_reviews_received=sum(assessment.kind == Assessment.Kind.PEER for assessment in received),
        peer_reviews_required=required_reviews(problem, workflow) or None,
        escalated=workflow.escalated_at is not None,
        cancelled=workflow.status == Status.CANCELLED,
    )


def grade_of(
    problem: Problem, workflow: Workflow, received: list[Assessment], accuracy: Mapping[str, int] | None = None
) -> Grade | None:
    """The grade the rules give: the latest staff grade, else the peers that count, else the self grade.

    The peers that count are the first ones, up to the number required; later reviews are shown but not counted.
    With the calibrated strategy the peers' points are the response's ``adjusted_points`` (the refresh's
    calibration, :mod:`.calibrated`) when set, else the median of the counted reviews (the fallback: too few
    reviews yet). ``accuracy``: reviewers' accuracy scores, by anonymous id, where the caller has them (else the
    learner's is read, one query, only when the peer step's ``accuracy_weight`` counts).
    """
    definition = problem.definition
    step = definition.step(StepName.PEER)
    counted = required_reviews(problem, workflow)
    peers = [_points(a) for a in received if a.kind == Assessment.Kind.PEER][:counted]
    selves = [_points(a) for a in received if a.kind == Assessment.Kind.SELF]
    staff = [_points(a) for a in received if a.kind == Assessment.Kind.STAFF]
    final = grade(
        definition,
        peer=peers if len(peers) >= counted else (),
        self_assessed=selves[0] if selves else None,
        staff=staff[-1] if staff else None,
        peer_points=workflow.adjusted_points if calibrated(step) and len(peers) >= counted else None,
    )
    if final is None or final.source is not StepName.PEER or not calibrated(step) or not step.accuracy_weight:
        return final
    if accuracy is None:
        mine = ReviewerAccuracy.objects.filter(item_id=workflow.item_id, reviewer_id=workflow.student_id)
        own = mine.values_list("score", flat=True).first()
    else:
        own = accuracy.get(workflow.student_id)
    return final if own is None else weighted(final, own, step.accuracy_weight)


def calibrated(step: object) -> TypeGuard[PeerStep]:
    """Whether ``step`` is a peer step graded by the calibrated strategy."""
    return isinstance(step, PeerStep) and step.grading_strategy is GradingStrategy.CALIBRATED


def weighted(final: Grade, accuracy: int, weight: int) -> Grade:
    """The peer grade with ``weight`` percent of it given by the learner's accuracy as a reviewer (0-100, scaled
    to the problem's points), rounded half up. A learner with no accuracy yet is graded by their peers alone."""
    hundredths = final.earned * (100 - weight) * 100 + accuracy * final.possible * weight
    return replace(final, earned=(hundredths + 5000) // 10000)


def advance(problem: Problem, workflow: Workflow) -> list[Assessment]:
    """Recompute the workflow's status and score after a change; publish the score once committed.

    Runs inside the caller's transaction, with the workflow row locked. A score the gradebook does not have is
    marked due to publish in the same save, so that the refresh sends it if the send after commit never happens.
    Returns the submission's assessments, which it had to read anyway.
    """
    received = assessments_of(workflow)
    if calibrated(problem.definition.step(StepName.PEER)) and any(a.kind == Assessment.Kind.PEER for a in received):
        from .calibrated import mark_due  # the refresh calibrates the problem, never this request

        mark_due(problem, workflow.item_id)
    new_status = status(problem.definition, progress(problem, workflow, received))
    workflow.status = new_status.value
    workflow.updated_at = problem.now
    if new_status is Status.DONE:
        final = grade_of(problem, workflow, received)
        if final is not None:
            workflow.score_earned, workflow.score_possible = final.earned, final.possible
            workflow.score_source = final.source.value
    elif new_status is Status.CANCELLED:  # removed from peer grading: zero, until staff reset the learner
        workflow.score_earned, workflow.score_possible = 0, problem.definition.max_score
        workflow.score_source = ""
    pending = workflow.needs_publishing
    if pending and (workflow.publish_due_at is None or workflow.publish_due_at > problem.now + GRACE):
        workflow.publish_due_at = problem.now + GRACE
    workflow.save()
    if pending:
        _publish_after_commit(workflow.pk, problem.now, problem.definition.title)
    return received


def publish(workflow_id: int, now: datetime | None = None, name: str | None = None) -> bool:
    """Send the workflow's score to edx-submissions, unless it is already there; returns whether it sent.

    The score is sent and marked sent in one transaction, under the workflow's row lock: a second call, at once
    or later, sends nothing. A score course staff gave goes with its annotation: the grader's anonymous id and
    the reason they gave (edx-submissions stores an annotation only with its creator). While the platform keeps
    the course's grades frozen nothing is sent: the gradebook must not change, and the score stays due, looked
    at again :data:`FROZEN_RETRY` from ``now``. The learner's notice of the grade is recorded in the same
    transaction (``name``: the problem's title, read from its definition when not given). Raises what
    ``set_score`` raises, with nothing changed.
    """
    with transaction.atomic():
        workflow = Workflow.objects.select_for_update().filter(pk=workflow_id).first()
        if workflow is None:
            return False
        if not workflow.needs_publishing:
            if workflow.publish_due_at is not None:  # the score went back to the one the gradebook has
                workflow.publish_due_at = None
                workflow.save(update_fields=["publish_due_at"])
            return False
        if platform.grades_frozen(workflow.course_id):
            log.info(
                "Grades of %s are frozen: the score of workflow %s stays out of the gradebook",
                workflow.course_id,
                workflow.pk,
            )
            workflow.publish_due_at = (now or platform.now()) + FROZEN_RETRY
            workflow.save(update_fields=["publish_due_at"])
            return False
        submissions_api.set_score(
            workflow.submission_uuid, workflow.score_earned, workflow.score_possible, **_annotation(workflow)
        )
        before = workflow.published_earned
        workflow.published_earned, workflow.published_possible = workflow.score_earned, workflow.score_possible
        workflow.publish_due_at = None
        workflow.save(update_fields=["published_earned", "published_possible", "publish_due_at"])
        # the learner hears of it once the score is published; of a calibrated peer score, as a change from before
        recalibrated = workflow.adjusted_points is not None and workflow.score_source == StepName.PEER.value
        notices.grade(workflow, name, now or platform.now(), before if recalibrated else None)
    return True


def republish_pending(now: datetime, limit: int = BATCH) -> Republished:
    """Send the scores due by ``now`` that are still not in the gradebook, longest due first, ``limit`` at most.

    What the refresh runs: a score whose send after commit never happened or failed goes out here, once. A
    course whose grades are frozen is asked once, and all its due scores wait :data:`FROZEN_RETRY`; a send that
    fails is logged and tried again :data:`RETRY_AFTER` later. Costs two queries (the scores due, their problems'
    titles for the learners' notices), plus a fixed few per score sent.
    """
    due = Workflow.objects.filter(publish_due_at__lte=now).order_by("publish_due_at", "pk")
    found = list(due.values_list("pk", "course_id", "item_id")[: limit + 1])
    batch = found[:limit]
    frozen = {course for course in {course for _, course, _ in batch} if platform.grades_frozen(course)}
    if frozen:  # every due score of the course, in one statement, so they never fill a batch
        Workflow.objects.filter(course_id__in=frozen, publish_due_at__lte=now).update(publish_due_at=now + FROZEN_RETRY)
    names = notices.problem_names({item for _, _, item in batch}) if batch else {}  # for the learners' notices
    sent, failed = 0, []
    for pk, course, item in batch:
        if course in frozen:
            continue
        try:
            sent += publish(pk, now, names[item])
        except Exception:  # one score must not stop the others
            log.exception("ora_xblock: sending the score of workflow %s to edx-submissions failed", pk)
            failed.append(pk)
    if failed:
        _retry_later(failed, now)
    frozen_count = sum(course in frozen for _, course, _ in batch)
    return Republished(sent=sent, failed=len(failed), frozen=frozen_count, more=len(found) > limit)


def next_due(now: datetime, within: timedelta) -> datetime | None:
    """When the earliest score waiting to be sent is due, if that is by ``now + within`` (one indexed query)."""
    return Workflow.objects.filter(publish_due_at__lte=now + within).aggregate(first=Min("publish_due_at"))["first"]


def _publish_after_commit(workflow_id: int, now: datetime, name: str) -> None:
    """Once the current transaction commits, send the score; a failure is logged and left to the refresh.

    The learner's or staff member's action is committed by then: nothing here may turn it into an error.
    """

    def publish_committed_score() -> None:  # named: Django logs a robust callback's failure by __qualname__
        try:
            publish(workflow_id, now, name)
        except Exception:
            log.exception("ora_xblock: sending the score of workflow %s to edx-submissions failed", workflow_id)
            _retry_later([workflow_id], now)
            return
        _wake_for_left_behind(now)

    transaction.on_commit(publish_committed_score, robust=True)


def publish_all_after_commit(workflow_ids: Iterable[int], now: datetime, name: str) -> None:
    """Once the current transaction commits, send each of these workflows' scores (a team's members, graded in
    one statement), one by one as :func:`publish` does; a failure is logged and left to the refresh, and the
    others still go."""
    ids = list(workflow_ids)

    def publish_committed_scores() -> None:  # named: Django logs a robust callback's failure by __qualname__
        failed = []
        for workflow_id in ids:
            try:
                publish(workflow_id, now, name)
            except Exception:
                log.exception("ora_xblock: sending the score of workflow %s to edx-submissions failed", workflow_id)
                failed.append(workflow_id)
        if failed:
            _retry_later(failed, now)
        else:
            _wake_for_left_behind(now)

    if ids:
        transaction.on_commit(publish_committed_scores, robust=True)


def reset_after_commit(course_id: str, item_id: str, student_id: str, now: datetime) -> None:
    """Reset the learner's edx-submissions score once the current transaction (which deleted their work) commits.

    The reset is recorded as a :class:`PendingReset` in that transaction and removed when ``reset_score`` went
    through; a reset that never happened or failed is left to :func:`resend_resets`, run by the refresh.
    """
    pending = PendingReset.objects.create(
        course_id=course_id, item_id=item_id, student_id=student_id, due_at=now + GRACE
    )

    def reset_committed_score() -> None:  # named: Django logs a robust callback's failure by __qualname__
        if not _reset(pending.pk):
            _retry_resets_later([pending.pk], now)

    transaction.on_commit(reset_committed_score, robust=True)


def reset_all_after_commit(course_id: str, item_id: str, student_ids: list[str], now: datetime) -> None:
    """Reset these learners' edx-submissions scores (a team's members) once the current transaction commits, as
    :func:`reset_after_commit` does: their :class:`PendingReset` rows in one statement, each sent on its own."""
    due = now + GRACE
    PendingReset.objects.bulk_create(
        PendingReset(course_id=course_id, item_id=item_id, student_id=student_id, due_at=due)
        for student_id in student_ids
    )

    def reset_committed_scores() -> None:  # named: Django logs a robust callback's failure by __qualname__
        pending = PendingReset.objects.filter(item_id=item_id, student_id__in=student_ids)
        failed = [pk for pk in pending.values_list("pk", flat=True) if not _reset(pk)]
        if failed:
            _retry_resets_later(failed, now)

    transaction.on_commit(reset_committed_scores, robust=True)


def resend_resets(now: datetime, limit: int = BATCH) -> int:
    """Reset the scores whose reset after commit never happened or failed, oldest first; returns how many went."""
    due = list(
        PendingReset.objects.filter(due_at__lte=now).order_by("due_at", "pk").values_list("pk", flat=True)[:limit]
    )
    failed = [pk for pk in due if not _reset(pk)]
    if failed:
        _retry_resets_later(failed, now)
    return len(due) - len(failed)


def _reset(pending_id: int) -> bool:
    """Send one pending reset and drop its row, in one transaction under the row lock; whether it went (or was
    gone already: another pass sent it)."""
    try:
        with transaction.atomic():
            pending = PendingReset.objects.select_for_update().filter(pk=pending_id).first()
            if pending is not None:
                submissions_api.reset_score(pending.student_id, pending.course_id, pending.item_id, clear_state=True)
                pending.delete()
    except Exception:
        log.exception("ora_xblock: resetting the score of %s in edx-submissions failed", pending_id)
        return False
    return True


def _retry_resets_later(pending_ids: Iterable[int], now: datetime) -> None:
    try:
        PendingReset.objects.filter(pk__in=list(pending_ids)).update(due_at=now + RETRY_AFTER)
    except Exception:
        log.warning("ora_xblock: could not schedule resetting %s again", pending_ids, exc_info=True)


def _retry_later(workflow_ids: Iterable[int], now: datetime) -> None:
    """Have the refresh send these scores :data:`RETRY_AFTER` from ``now``, and its clock run by then.

    If even this fails (the database is down too), the scores stay due as they were, for the next refresh.
    """
    from . import overdue  # overdue refreshes learners through this module

    due = now + RETRY_AFTER
    try:
        with transaction.atomic():
            pending = Workflow.objects.filter(pk__in=list(workflow_ids), publish_due_at__isnull=False)
            pending.update(publish_due_at=due)
            for item_id in set(pending.values_list("item_id", flat=True)):
                overdue.due_by(item_id, due, now)
    except Exception:
        log.warning("ora_xblock: could not schedule sending %s again", workflow_ids, exc_info=True)


def _wake_for_left_behind(now: datetime) -> None:
    """After a send, at most every :data:`LOOK_EVERY` (Django cache): if another score is past due (its sender
    died after its commit), make sure the refresh's clock runs to send it, even if it was idle. One indexed
    query, where the clock can run at all."""
    from . import overdue

    if not overdue.can_schedule():
        return
    try:
        first_in_a_while = cache.add(LOOK_KEY, True, LOOK_EVERY.total_seconds())
    except Exception:  # noqa: BLE001 - a cache that is down skips the look; the refresh still comes
        first_in_a_while = False
    if first_in_a_while and Workflow.objects.filter(publish_due_at__lt=now).exists():
        overdue.wake(now + RETRY_AFTER, now)


def _annotation(workflow: Workflow) -> dict[str, Any]:
    """The annotation of a staff score for edx-submissions ``set_score``: who graded last and why; none otherwise."""
    if workflow.score_source != StepName.STAFF.value:
        return {}
    staff = workflow.assessments.filter(kind=Assessment.Kind.STAFF).order_by("-created_at", "-id")
    grader = staff.values_list("scorer_id", flat=True).first()
    entries = AuditEntry.objects.filter(
        item_id=workflow.item_id, student_id=workflow.student_id, action__in=(audit.GRADE, audit.OVERRIDE)
    )
    reason = entries.order_by("-created_at", "-id").values_list("reason", flat=True).first()
    # The reason column is NOT NULL: None would make set_score drop the whole score on the IntegrityError.
    return {"annotation_creator": grader or "", "annotation_type": STAFF_OVERRIDE, "annotation_reason": reason or ""}


def _points(assessment: Assessment) -> dict[str, int]:
    return {part["criterion"]: part["points"] for part in assessment.parts if part["option"] is not None}
