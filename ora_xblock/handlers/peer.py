"""The learner's peer review handlers: get a response to review, and review it."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from .. import events
from ..conf import ora_settings
from ..definition.model import StepName
from ..peer import LeasePolicy
from ..services import peer
from ..services.common import Learner
from ..workflow import Status, Window
from .context import Request
from .inputs import number
from .page import page_html

if TYPE_CHECKING:
    from ..models import PeerLease


def peer_next(request: Request) -> dict[str, Any]:
    """Hand the learner a peer's response to review, or the one they already hold."""
    learner = request.require_learner()
    lease = peer.next_review(request.problem, learner, _lease_policy())
    message = None if lease else request._("No response is waiting for a review right now. Check back later.")
    html = page_html(request, review=lease)  # reads the response, so the event's fields cost no query
    _track_handed_out(request, learner, lease)
    return {"html": html, "message": message}


def peer_assess(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Record the learner's review of the response leased to them, then hand out the next response while the
    learner still owes reviews."""
    lease_id = data.get("lease_id")
    learner, problem = request.require_learner(), request.problem
    workflow, saved = peer.peer_assess(problem, learner, number(lease_id), data)
    # Only while the step is open: next_review refuses after the due date, which would roll back the review.
    owes = workflow.status == Status.PEER and problem.windows[StepName.PEER].state is Window.OPEN
    following = peer.next_review(problem, learner, _lease_policy()) if owes else None
    request.publish_completion(workflow.status)
    author = saved.workflow
    request.track_assessment(events.PEER_ASSESS, saved, author.submission_uuid)
    request.track_status(workflow.submission_uuid, learner.student_id, workflow.status)
    request.track_status(author.submission_uuid, author.student_id, author.status)
    html = page_html(request, review=following)
    if owes:
        _track_handed_out(request, learner, following)
    return {"html": html}


def _track_handed_out(request: Request, learner: Learner, lease: PeerLease | None) -> None:
    """ora2's event for a response asked for (the one held, a new one or none); ours for a new one, with the
    queue tier it came from."""
    returned = lease.workflow if lease else None
    uuid = returned.submission_uuid if returned else None
    request.track(
        events.GET_PEER_SUBMISSION,
        events.get_peer_submission(learner.student_id, learner.course_id, learner.item_id, uuid),
    )
    if lease is None or returned is None or lease.created_at != request.problem.now:
        return
    rank = peer.handed_out_rank(request.problem, lease)
    handed = events.peer_handed_out(
        returned.submission_uuid, learner.student_id, rank, returned.reviews_received, returned.reviews_load
    )
    request.track(events.PEER_HANDED_OUT, handed, rich=True)


def _lease_policy() -> LeasePolicy:
    return LeasePolicy(
        blocks_for=timedelta(minutes=ora_settings.ORA_XBLOCK_PEER_LEASE_BLOCK_MINUTES),
        valid_for=timedelta(hours=ora_settings.ORA_XBLOCK_PEER_LEASE_VALID_HOURS),
    )
