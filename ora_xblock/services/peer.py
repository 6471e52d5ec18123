"""Peer review: handing out responses to review, and recording the reviews.

A reviewer gets a lease on one response (see :class:`~ora_xblock.models.PeerLease`)
and keeps it across reloads until they submit it or it expires. The next
response comes from one indexed query over the pool ordered by
:func:`ora_xblock.peer.rank`; ``select_for_update(skip_locked=True)`` keeps
reviewers asking at the same moment from taking the same row.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.db.models import F, Value

from .. import peer
from ..definition.errors import N_
from ..definition.model import PeerStep, StepName
from ..models import Assessment, PeerLease, Workflow
from ..workflow import Status
from .assessments import checked_assessment, store_assessment
from .common import Conflict, Gone, Learner, NotAllowed, NotFound, Problem
from .grades import advance

RECLAIM_BATCH = 50
CAN_REVIEW = (Status.PEER, Status.SELF, Status.STAFF, Status.WAITING, Status.DONE)


def next_review(problem: Problem, learner: Learner, policy: peer.LeasePolicy | None = None) -> PeerLease | None:
    """The reviewer's current lease, or a new one on the response that needs a review most; None if none is left."""
    policy = policy or peer.LeasePolicy()
    step = _peer_step(problem)
    with transaction.atomic(savepoint=False):
        _reviewer(learner)
        current = current_lease(learner)
        if current is not None and current.valid_until > problem.now:
            return current
        problem.require_open(StepName.PEER)
        if current is not None:  # expired without a review: let the response go back to the pool
            _release(current)
            current.delete()
        _reclaim_expired(problem, learner.item_id)
        mine = PeerLease.objects.filter(reviewer_id=learner.student_id).values("workflow_id")
        candidate = (
            Workflow.objects.select_for_update(skip_locked=True)
            .filter(item_id=learner.item_id)
            .exclude(student_id=learner.student_id)
            .exclude(status=Status.CANCELLED)
            .exclude(pk__in=mine)
            .order_by("peer_rank", "reviews_load", "peer_tiebreak")
            .first()
        )
        if candidate is None:
            return None
        blocks_until, valid_until = policy.times(problem.now)
        lease = PeerLease.objects.create(
            item_id=learner.item_id,
            reviewer_id=learner.student_id,
            workflow=candidate,
            created_at=problem.now,
            blocks_until=blocks_until,
            valid_until=valid_until,
            active_key=_active_key(learner),
        )
        candidate.reviews_load += 1
        rerank(step, candidate)
        candidate.save(update_fields=["reviews_load", "peer_rank", "peer_tiebreak"])
        return lease


def peer_assess(
    problem: Problem, learner: Learner, lease_id: object, data: Mapping[str, object]
) -> tuple[Workflow, Assessment]:
    """Record the reviewer's assessment of the response leased to them, and move both learners on; returns the
    reviewer's workflow and the assessment saved (its ``workflow`` is the author's).

    ``lease_id`` is the lease the page was showing: an assessment from a
    stale tab is refused rather than landing on another response.
    """
    step = _peer_step(problem)
    checked = checked_assessment(problem, data)
    with transaction.atomic(savepoint=False):
        reviewer = _reviewer(learner)
        lease = current_lease(learner, lock=True)
        if lease is None or lease.pk != lease_id:
            raise Conflict("stale_review", N_("This review is no longer yours to submit. Reload the page."))
        if lease.valid_until <= problem.now:
            raise Gone("review_expired", N_("The time to submit this review has run out. Reload the page."))
        target = Workflow.objects.select_for_update().get(pk=lease.workflow_id)
        once_key = f"peer:{target.pk}:{learner.student_id}"
        try:
            saved = store_assessment(problem, target, Assessment.Kind.PEER, learner.student_id, checked, once_key)
        except IntegrityError:
            raise Conflict("already_assessed", N_("You have already reviewed this response.")) from None
        target.reviews_received += 1
        if not lease.blocking:  # its hold had lapsed, so the load no longer counted it
            target.reviews_load += 1
        rerank(step, target)
        advance(problem, target)
        lease.active_key, lease.done, lease.blocking = None, True, False
        lease.save(update_fields=["active_key", "done", "blocking"])
        reviewer.peers_assessed += 1
        rerank(step, reviewer)
        advance(problem, reviewer)
        return reviewer, saved


def handed_out_rank(problem: Problem, lease: PeerLease) -> int:
    """The queue tier a lease's response was handed out from: its rank without this lease's load. Exact in the
    request that made the lease (the response is ``lease.workflow``, already read)."""
    step, workflow = _peer_step(problem), lease.workflow
    return peer.rank(
        author_reviews=workflow.peers_assessed,
        must_grade=step.must_grade,
        received=workflow.reviews_received,
        load=workflow.reviews_load - 1,
        required=step.must_be_graded_by,
    )


def withdraw(workflow: Workflow) -> None:
    """Take a response staff removed out of reviewers' hands: unfinished leases on it end and stop blocking.

    Their holders get another response on their next request; ``next_review`` never hands out a cancelled one.
    """
    unfinished = PeerLease.objects.filter(workflow=workflow, done=False)
    workflow.reviews_load -= unfinished.filter(blocking=True).count()
    unfinished.update(blocking=False, active_key=None)
    workflow.save(update_fields=["reviews_load"])


def rerank(step: PeerStep, workflow: Workflow) -> None:
    """Put the response where it belongs in the queue, from its counters, against the full Graded By whatever
    flexible grading allows (decision 0025). A graded response is over-graded in random order; one short of
    reviews waits by submission time (again so, should a larger Graded By take it out of the graded ones)."""
    new_rank = peer.rank(
        author_reviews=workflow.peers_assessed,
        must_grade=step.must_grade,
        received=workflow.reviews_received,
        load=workflow.reviews_load,
        required=step.must_be_graded_by,
    )
    if new_rank == peer.GRADED and workflow.peer_rank != peer.GRADED:
        workflow.peer_tiebreak = random.random()  # noqa: S311 - spreading over-grading, not security
    elif new_rank != peer.GRADED and workflow.peer_rank == peer.GRADED:
        workflow.peer_tiebreak = workflow.submitted_at.timestamp()
    workflow.peer_rank = new_rank


def initial_placement(step: PeerStep | None, workflow: Workflow) -> None:
    """A new response joins the queue, ordered by when it was submitted."""
    workflow.peer_tiebreak = workflow.submitted_at.timestamp()
    if step is not None:
        rerank(step, workflow)


def _reclaim_expired(problem: Problem, item_id: str) -> None:
    """Leases past their hold stop counting against their response; their holders may still submit."""
    # Value(True): a bare True compiles to `WHERE "blocking"`, which SQLite cannot match to the index. The order
    # makes PostgreSQL walk the index: taking "blocking" and "hold in the past" as independent, it expects thousands
    # of matches and would otherwise scan the table for the first 50, reading all of it when none match.
    expired = list(
        PeerLease.objects.select_for_update(skip_locked=True)
        .filter(item_id=item_id, blocking=Value(True), blocks_until__lte=problem.now)
        .order_by("blocks_until")
        .values_list("pk", "workflow_id")[:RECLAIM_BATCH]
    )
    if not expired:
        return
    step = _peer_step(problem)
    PeerLease.objects.filter(pk__in=[pk for pk, _ in expired]).update(blocking=False)
    for workflow in Workflow.objects.select_for_update().filter(pk__in={wid for _, wid in expired}):
        workflow.reviews_load -= sum(1 for _, wid in expired if wid == workflow.pk)
        rerank(step, workflow)
        workflow.save(update_fields=["reviews_load", "peer_rank", "peer_tiebreak"])


def _release(lease: PeerLease) -> None:
    if lease.blocking:
        Workflow.objects.filter(pk=lease.workflow_id).update(reviews_load=F("reviews_load") - 1)


def _reviewer(learner: Learner) -> Workflow:
    reviewer = Workflow.objects.lock_for(learner.item_id, learner.student_id)
    if reviewer is None:
        raise NotAllowed("submit_first", N_("Submit your own response before you review others."))
    if reviewer.status not in CAN_REVIEW:
        raise Conflict("not_this_step", N_("Peer assessment is not your current step."))
    return reviewer


def current_lease(learner: Learner, lock: bool = False) -> PeerLease | None:
    """The lease the reviewer holds now, if any (it may have expired)."""
    leases = PeerLease.objects.select_for_update() if lock else PeerLease.objects
    return leases.filter(active_key=_active_key(learner)).first()


def _active_key(learner: Learner) -> str:
    return f"{learner.item_id}:{learner.student_id}"


def _peer_step(problem: Problem) -> PeerStep:
    step = problem.definition.step(StepName.PEER)
    if not isinstance(step, PeerStep):
        raise NotFound("no_peer_step", N_("This problem has no peer assessment."))
    return step
