"""The learner's own handlers: the page, the draft, submitting and withdrawing, self assessment and training."""

from __future__ import annotations

from typing import Any

from .. import events
from ..conf import ora_settings
from ..definition.olx import to_olx
from ..services import assessments, overdue, responses, training
from ..services.state import submitted_state
from ..workflow import Status
from .context import Request
from .page import page_answer, page_html


def render_page(request: Request) -> dict[str, Any]:
    """The learner's page as it stands now."""
    return page_answer(request)


def save_draft(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Keep the learner's unsent answers."""
    answers = data.get("answers")
    responses.save_draft(request.problem, request.require_learner(), answers, _max_bytes())
    request.block.has_worked_here = True
    request.track(events.SAVE_SUBMISSION, events.save_submission(answers))  # checked: a list of texts
    return {"saved_at": request.problem.now.isoformat()}


def submit(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Submit the learner's answers, and remember the problem for the overdue refresh."""
    answers = data.get("answers")
    problem = request.problem
    learner = request.require_learner()
    workflow, submission = responses.submit(problem, learner, answers, _max_bytes(), request.limits)
    olx = request.block.definition_olx or to_olx(request.definition)
    overdue.remember(problem, request.item_id, request.course_id, olx)
    request.block.has_worked_here = True
    request.publish_completion(workflow.status)
    request.track(
        events.CREATE_SUBMISSION,
        events.create_submission(
            submission["uuid"],
            submission["attempt_number"],
            submission["created_at"],
            submission["submitted_at"],
            submission["answer"],
        ),
    )
    request.track_status(workflow.submission_uuid, learner.student_id, workflow.status)
    return page_answer(request, submitted_state(problem, workflow, received=[], answers=answers))


def withdraw(request: Request) -> dict[str, Any]:
    """Take a submitted response back to edit, where the problem allows it."""
    learner = request.require_learner()
    submission_uuid = responses.withdraw(request.problem, learner)
    request.track(events.RESPONSE_WITHDRAWN, events.response_withdrawn(submission_uuid, learner.student_id), rich=True)
    return page_answer(request)


def self_assess(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Record the learner's self assessment."""
    learner = request.require_learner()
    workflow, received, saved = assessments.self_assess(request.problem, learner, data)
    request.publish_completion(workflow.status)
    request.track_assessment(events.SELF_ASSESS, saved, workflow.submission_uuid)
    request.track_status(workflow.submission_uuid, learner.student_id, workflow.status)
    return page_answer(request, submitted_state(request.problem, workflow, received=received))


def training_assess(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Check the learner's assessment of a training sample against the author's."""
    learner, options_selected = request.require_learner(), data.get("options_selected")
    attempt = training.training_assess(request.problem, learner, options_selected)
    request.track(
        events.TRAINING_ASSESS,
        events.training_assess(attempt.submission_uuid, options_selected, attempt.corrections),  # checked: a dict
    )
    if attempt.status != Status.TRAINING:  # out of training: on to the next step
        request.track_status(attempt.submission_uuid, learner.student_id, attempt.status)
    differing = list(attempt.corrections)
    return {"html": page_html(request, training_result=differing), "matched": not differing}


def _max_bytes() -> int:
    return int(ora_settings.ORA_XBLOCK_MAX_RESPONSE_BYTES)
