"""Peer review: handing out responses to review, and recording the reviews.

A reviewer gets a lease on one response (see :class:`~ora_xblock.models.PeerLease`)
and keeps it across reloads until they submit it or it expires. The next
response comes from one indexed query over the pool ordered by
:func:`ora_xblock.peer.rank`; ``FOR UPDATE SKIP LOCKED`` keeps
reviewers asking at the same moment from taking the same row. Both calls run on
every peer page, so they send a few raw statements (:mod:`ora_xblock.models.statements`)
and touch only the counters while no status can change (docs/decisions/0033-peer-hot-path.md).
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.db.models import F

from .. import peer
from ..assessing import Checked
from ..definition.errors import N_
from ..definition.model import PeerStep, StepName
from ..models import Assessment, PeerLease, Workflow
from ..models.statements import PeerStatements, statements
from ..workflow import Status
from .assessments import checked_assessment, new_assessment
from .calibrated import mark_due
from .common import Conflict, Gone, Learner, NotAllowed, NotFound, Problem
from .grades import advance, calibrated, required_reviews

CAN_REVIEW = (Status.PEER, Status.SELF, Status.STAFF, Status.WAITING, Status.DONE)
QUEUE_PLACE = ("reviews_load", "peer_rank", "peer_tiebreak")  # what handing out a review changes
AUTHOR_COUNTERS = ("reviews_received", "reviews_load", "peer_rank", "peer_tiebreak", "updated_at")
REVIEWER_COUNTERS = ("peers_assessed", "peer_rank", "peer_tiebreak", "updated_at")


def next_review(problem: Problem, learner: Learner, policy: peer.LeasePolicy | None = None) -> PeerLease | None:
    """The reviewer's current lease, or a new one on the response that needs a review most; None if none is left.

    Four statements when a response is handed out (the reviewer with their current lease, the pick, the lease,
    the response's place in the queue). Leases whose hold lapsed are given back by the refresh
    (:func:`reclaim_lapsed`); here only when the best response left is one that open leases cover, which a lapsed
    lease may be behind.
    """
    policy = policy or peer.LeasePolicy()
    step, sql = peer_step(problem), statements()
    with transaction.atomic(savepoint=False):
        row = sql.row(sql.reviewer_and_lease, _who(learner))
        reviewer = sql.workflow_r.instance(row) if row else None
        _check_reviewer(reviewer)
        current = _lease_in(sql, row)
        if current is not None and current.valid_until > problem.now:
            return current
        problem.require_open(StepName.PEER)
        if current is not None:  # expired without a review: let the response go back to the pool
            _end_lapsed(current.pk)
        candidate = _candidate(sql, learner)
        if (
            candidate is not None
            and candidate.peer_rank == peer.COVERED_BY_LEASES
            and _reclaim(problem, learner.item_id)
        ):
            candidate = _candidate(sql, learner)
        if candidate is None:
            return None
        blocks_until, valid_until = policy.times(problem.now)
        lease = PeerLease(
            item_id=learner.item_id,
            reviewer_id=learner.student_id,
            workflow=candidate,
            created_at=problem.now,
            blocks_until=blocks_until,
            valid_until=valid_until,
            active_key=_active_key(learner),
        )
        lease.pk = sql.insert(
            sql.hand_out,
            {
                "item_id": lease.item_id,
                "reviewer_id": lease.reviewer_id,
                "workflow_id": candidate.pk,
                "created_at": sql.moment(lease.created_at),
                "blocks_until": sql.moment(blocks_until),
                "valid_until": sql.moment(valid_until),
                "blocking": True,
                "active_key": lease.active_key,
                "done": False,
            },
        )
        lease._state.adding, lease._state.db = False, sql.db.alias
        candidate.reviews_load += 1
        rerank(step, candidate)
        sql.set_columns(candidate, QUEUE_PLACE)
        return lease


def peer_assess(
    problem: Problem, learner: Learner, lease_id: object, data: Mapping[str, object]
) -> tuple[Workflow, Assessment]:
    """Record the reviewer's assessment of the response leased to them, and move both learners on; returns the
    reviewer's workflow and the assessment saved (its ``workflow`` is the author's).

    ``lease_id`` is the lease the page was showing: an assessment from a
    stale tab is refused rather than landing on another response. Five statements while neither learner's status
    changes (their counters tell): the three rows locked in one, the review, the lease and the two workflows.
    """
    step, sql = peer_step(problem), statements()
    checked = checked_assessment(problem, data)
    with transaction.atomic(savepoint=False):
        row = sql.row(sql.review_in_hand, _who(learner))
        if row is None:
            _reviewer(learner)  # refuses if the learner may not review; else they hold no lease
            raise Conflict("stale_review", N_("This review is no longer yours to submit. Reload the page."))
        reviewer, lease, target = (
            sql.workflow_r.instance(row),
            _lease_in(sql, row),
            sql.workflow_t.instance(row, sql.workflow_r.width + sql.lease_l.width),
        )
        _check_reviewer(reviewer)
        if lease.pk != lease_id:
            raise Conflict("stale_review", N_("This review is no longer yours to submit. Reload the page."))
        if lease.valid_until <= problem.now:
            raise Gone("review_expired", N_("The time to submit this review has run out. Reload the page."))
        try:
            saved = _record(sql, problem, target, learner.student_id, checked)
        except IntegrityError:
            raise Conflict("already_assessed", N_("You have already reviewed this response.")) from None
        sql.update(sql.finish_lease, {"done": True, "blocking": False, "id": lease.pk})
        target.reviews_received += 1
        if not lease.blocking:  # its hold had lapsed, so the load no longer counted it
            target.reviews_load += 1
        rerank(step, target)
        _settle_author(problem, step, target)
        reviewer.peers_assessed += 1
        rerank(step, reviewer)
        if reviewer.status == Status.PEER and reviewer.peers_assessed >= step.must_grade:
            advance(problem, reviewer)
        else:  # still reviewing, or reviewing more than required: only the counters move
            reviewer.updated_at = problem.now
            sql.set_columns(reviewer, REVIEWER_COUNTERS)
        return reviewer, saved


def _settle_author(problem: Problem, step: PeerStep, target: Workflow) -> None:
    """The author got a review: only a learner waiting for reviews (or sent to staff for want of them) may move
    on, once the review makes enough; anyone else keeps their status and grade, and only the counters move."""
    waiting = target.status in (Status.WAITING, Status.STAFF)
    if waiting and target.reviews_received >= required_reviews(problem, target):
        advance(problem, target)
        return
    target.updated_at = problem.now
    statements().set_columns(target, AUTHOR_COUNTERS)
    if calibrated(step):
        mark_due(problem, target.item_id)


def _record(sql: PeerStatements, problem: Problem, target: Workflow, scorer_id: str, checked: Checked) -> Assessment:
    """Insert the peer assessment; the unique ``once_key`` refuses a second review of the same response."""
    saved = new_assessment(problem, target, Assessment.Kind.PEER, scorer_id, checked, f"peer:{target.pk}:{scorer_id}")
    saved.pk = sql.insert(
        sql.record,
        {
            "workflow_id": target.pk,
            "kind": saved.kind,
            "scorer_id": scorer_id,
            "parts": sql.parts.get_db_prep_save(saved.parts, sql.db),
            "overall_feedback": saved.overall_feedback,
            "points_earned": saved.points_earned,
            "points_possible": saved.points_possible,
            "created_at": sql.moment(saved.created_at),
            "once_key": saved.once_key,
        },
    )
    saved._state.adding, saved._state.db = False, sql.db.alias
    return saved


def _candidate(sql: PeerStatements, learner: Learner) -> Workflow | None:
    """The response this reviewer should review next (locked, skipping rows others hold): one indexed query."""
    params = {"item": learner.item_id, "student": learner.student_id, "cancelled": Status.CANCELLED.value}
    row = sql.row(sql.candidate, params)
    return sql.workflow_t.instance(row) if row else None


def _lease_in(sql: PeerStatements, row: tuple[object, ...] | None) -> PeerLease | None:
    """The lease read with the reviewer, with its response, read with it too."""
    if row is None:
        return None
    lease = sql.lease_l.instance(row, sql.workflow_r.width)
    if lease is not None:
        lease.workflow = sql.workflow_t.instance(row, sql.workflow_r.width + sql.lease_l.width)
    return lease


def handed_out_rank(problem: Problem, lease: PeerLease) -> int:
    """The queue tier a lease's response was handed out from: its rank without this lease's load. Exact in the
    request that made the lease (the response is ``lease.workflow``, already read)."""
    step, workflow = peer_step(problem), lease.workflow
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


def _reclaim(problem: Problem, item_id: str) -> int:
    from .lapsed import reclaim  # the refresh's work, done here only when the pool looks covered

    return reclaim(item_id, problem.now, peer_step(problem))


def _end_lapsed(lease_id: int) -> None:
    """The reviewer's own lease ran out without a review: it stops counting against its response, and goes."""
    lease = PeerLease.objects.select_for_update().filter(pk=lease_id).first()
    if lease is not None and lease.blocking:
        Workflow.objects.filter(pk=lease.workflow_id).update(reviews_load=F("reviews_load") - 1)
    PeerLease.objects.filter(pk=lease_id).delete()


def _check_reviewer(reviewer: Workflow | None) -> None:
    if reviewer is None:
        raise NotAllowed("submit_first", N_("Submit your own response before you review others."))
    if reviewer.status not in CAN_REVIEW:
        raise Conflict("not_this_step", N_("Peer assessment is not your current step."))


def _reviewer(learner: Learner) -> None:
    """Refuse a learner who may not review (one query)."""
    _check_reviewer(Workflow.objects.filter(item_id=learner.item_id, student_id=learner.student_id).first())


def current_lease(learner: Learner) -> PeerLease | None:
    """The lease the reviewer holds now, if any (it may have expired), with its response."""
    return PeerLease.objects.select_related("workflow").filter(active_key=_active_key(learner)).first()


def _who(learner: Learner) -> dict[str, str]:
    """The parameters naming the reviewer and their current lease."""
    return {"key": _active_key(learner), "item": learner.item_id, "student": learner.student_id}


def _active_key(learner: Learner) -> str:
    return f"{learner.item_id}:{learner.student_id}"


def peer_step(problem: Problem) -> PeerStep:
    """The problem's peer step, or a refusal: the problem has none."""
    step = problem.definition.step(StepName.PEER)
    if not isinstance(step, PeerStep):
        raise NotFound("no_peer_step", N_("This problem has no peer assessment."))
    return step
