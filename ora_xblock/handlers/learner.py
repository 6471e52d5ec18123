"""The learner's own handlers: the page, the draft, submitting and withdrawing, self assessment and training."""

from __future__ import annotations

from typing import Any

from ..conf import ora_settings
from ..definition.olx import to_olx
from ..services import assessments, overdue, responses, training
from ..services.state import submitted_state
from .context import Request
from .page import page_answer, page_html


def render_page(request: Request) -> dict[str, Any]:
    """The learner's page as it stands now."""
    return page_answer(request)


def save_draft(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Keep the learner's unsent answers."""
    responses.save_draft(request.problem, request.require_learner(), data.get("answers"), _max_bytes())
    request.block.has_worked_here = True
    return {"saved_at": request.problem.now.isoformat()}


def submit(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Submit the learner's answers, and remember the problem for the overdue refresh."""
    answers = data.get("answers")
    problem = request.problem
    workflow = responses.submit(problem, request.require_learner(), answers, _max_bytes(), request.limits)
    olx = request.block.definition_olx or to_olx(request.definition)
    overdue.remember(problem, request.item_id, request.course_id, olx)
    request.block.has_worked_here = True
    request.publish_completion(workflow.status)
    return page_answer(request, submitted_state(problem, workflow, received=[], answers=answers))


def withdraw(request: Request) -> dict[str, Any]:
    """Take a submitted response back to edit, where the problem allows it."""
    responses.withdraw(request.problem, request.require_learner())
    return page_answer(request)


def self_assess(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Record the learner's self assessment."""
    workflow, received = assessments.self_assess(request.problem, request.require_learner(), data)
    request.publish_completion(workflow.status)
    return page_answer(request, submitted_state(request.problem, workflow, received=received))


def training_assess(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Check the learner's assessment of a training sample against the author's."""
    differing = training.training_assess(request.problem, request.require_learner(), data.get("options_selected"))
    return {"html": page_html(request, training_result=differing), "matched": not differing}


def _max_bytes() -> int:
    return int(ora_settings.ORA_XBLOCK_MAX_RESPONSE_BYTES)
