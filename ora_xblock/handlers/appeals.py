"""Appeals of a peer grade: the learner's ``appeal``, and staff's ``staff_decide_appeal`` (docs/appeals.md)."""

from __future__ import annotations

from typing import Any

from .. import events
from ..definition.errors import N_
from ..services import appeals
from .context import Request
from .inputs import text
from .page import page_answer
from .staff import _actor, staff_learner, staff_queue_next


def appeal(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Ask staff to review the learner's peer grade, with a ``reason``: once per response, within the window."""
    made = appeals.appeal(request.problem, request.require_learner(), data.get("reason"))
    workflow = made.workflow
    request.track(
        events.APPEALED, {"submission_uuid": workflow.submission_uuid, "student_id": workflow.student_id}, rich=True
    )
    message = request._(N_("Your appeal was sent to course staff. Your grade stays as it is until they decide."))
    return {**page_answer(request), "message": message}


def staff_decide_appeal(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Decide a learner's open appeal (``decision``: ``uphold`` or ``regrade`` with the rubric's options) with a
    ``reason`` the learner reads; from the queue (``from_queue``), the next response follows."""
    actor = _actor(request)
    student_id = text(data.get("student_id"), "student_id", request._)
    decided = appeals.decide(
        request.problem, request.item_id, student_id, actor, data.get("decision"), data.get("reason"), data
    )
    workflow = decided.workflow
    request.track(
        events.APPEAL_DECIDED,
        {"submission_uuid": workflow.submission_uuid, "student_id": student_id, "status": decided.status},
        rich=True,
    )
    if decided.status == decided.State.REGRADED:
        request.track_status(workflow.submission_uuid, student_id, workflow.status)
    message = request._(N_("The appeal was decided: the learner can read your reason."))
    if data.get("from_queue"):
        return staff_queue_next(request, {}, message=message)
    return staff_learner(request, {"student_id": student_id}, message=message)
