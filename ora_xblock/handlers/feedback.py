"""The learner's feedback on the peer assessments their response received (ora2's ``submit_feedback``)."""

from __future__ import annotations

from typing import Any

from ..services import feedback
from .context import Request
from .page import page_answer

EVENT = "openassessmentblock.submit_feedback_on_assessments"


def submit_feedback(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Record the learner's feedback, once, and emit ora2's event with its fields once committed."""
    given = feedback.give(request.problem, request.require_learner(), data.get("options"), data.get("comment"))
    request.track(
        EVENT,
        {"submission_uuid": given.workflow.submission_uuid, "feedback_text": given.comment, "options": given.options},
    )
    return page_answer(request)
