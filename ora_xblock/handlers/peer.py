"""The learner's peer review handlers: get a response to review, and review it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..conf import ora_settings
from ..definition.model import StepName
from ..peer import LeasePolicy
from ..services import peer
from ..workflow import Status, Window
from .context import Request
from .inputs import number
from .page import page_html


def peer_next(request: Request) -> dict[str, Any]:
    """Hand the learner a peer's response to review, or the one they already hold."""
    lease = peer.next_review(request.problem, request.require_learner(), _lease_policy())
    message = None if lease else request._("No response is waiting for a review right now. Check back later.")
    return {"html": page_html(request, review=lease), "message": message}


def peer_assess(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Record the learner's review of the response leased to them, then hand out the next response while the
    learner still owes reviews."""
    lease_id = data.get("lease_id")
    learner, problem = request.require_learner(), request.problem
    workflow = peer.peer_assess(problem, learner, number(lease_id), data)
    # Only while the step is open: next_review refuses after the due date, which would roll back the review.
    owes = workflow.status == Status.PEER and problem.windows[StepName.PEER].state is Window.OPEN
    following = peer.next_review(problem, learner, _lease_policy()) if owes else None
    request.publish_completion(workflow.status)
    return {"html": page_html(request, review=following)}


def _lease_policy() -> LeasePolicy:
    return LeasePolicy(
        blocks_for=timedelta(minutes=ora_settings.ORA_XBLOCK_PEER_LEASE_BLOCK_MINUTES),
        valid_for=timedelta(hours=ora_settings.ORA_XBLOCK_PEER_LEASE_VALID_HOURS),
    )
