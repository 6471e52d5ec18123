"""The learner's own handlers: the page, the draft, submitting and withdrawing, self assessment and training."""

from __future__ import annotations

from typing import Any

from .. import events
from ..conf import ora_settings
from ..definition.olx import to_olx
from ..services import assessments, overdue, responses, teams, training
from ..services.state import submitted_state
from ..workflow import Status
from .context import Request
from .page import page_answer, page_html


def render_page(request: Request) -> dict[str, Any]:
    """The learner's page as it stands now."""
    return page_answer(request)


def save_draft(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Keep the learner's unsent answers; in a team problem, merge them into the team's draft (its answer
    says which prompts a teammate changed first, and their texts)."""
    answers, learner = data.get("answers"), request.require_learner()
    if request.team_problem:
        draft = teams.save_team_draft(
            request.problem, learner, request.require_team(), answers, data.get("revisions"), _max_bytes()
        )
        answer: dict[str, Any] = {"saved_at": request.problem.now.isoformat(), **team_draft_answer(draft)}
        saved = draft.texts
    else:
        responses.save_draft(request.problem, learner, answers, _max_bytes())
        answer, saved = {"saved_at": request.problem.now.isoformat()}, answers
    request.block.has_worked_here = True
    request.track(events.SAVE_SUBMISSION, events.save_submission(saved))  # checked: a list of texts
    return answer


def team_draft_answer(draft: teams.TeamDraft) -> dict[str, Any]:
    """A team draft as the browser merges it (static/js/team.js): per prompt its text, revision and last author,
    and the prompts this save was refused for (0-based)."""
    return {
        "texts": list(draft.texts),
        "revisions": list(draft.revisions),
        "authors": list(draft.authors),
        "conflicts": list(draft.conflicts),
    }


def submit(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Submit the learner's answers (for their whole team, in a team problem), and remember the problem for the
    overdue refresh."""
    answers = data.get("answers")
    problem = request.problem
    learner = request.require_learner()
    if request.team_problem:
        return _submit_team(request, learner, answers, data.get("revisions"))
    workflow, submission = responses.submit(problem, learner, answers, _max_bytes(), request.limits)
    _after_submit(request, workflow)
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


def _submit_team(request: Request, learner: Any, answers: Any, revisions: Any) -> dict[str, Any]:
    """One member submits for the team: ora2's ``create_team_submission`` event names the team submission."""
    team = request.require_team()
    workflow, submitted = teams.submit_team(
        request.problem, learner, team, answers, revisions, _max_bytes(), request.limits
    )
    _after_submit(request, workflow)
    data = events.create_submission(
        str(submitted["team_submission_uuid"]),
        submitted["attempt_number"],
        submitted["created_at"],
        submitted["submitted_at"],
        submitted["answer"],
    )
    request.track(events.CREATE_TEAM_SUBMISSION, {**data, "team_id": team.team_id})
    request.track_status(workflow.submission_uuid, learner.student_id, workflow.status)
    message = request._("Your response was submitted for your team, {team}.").format(team=team.name)
    return {**page_answer(request), "message": message}


def _after_submit(request: Request, workflow: Any) -> None:
    olx = request.block.definition_olx or to_olx(request.definition)
    overdue.remember(request.problem, request.item_id, request.course_id, olx)
    request.block.has_worked_here = True
    request.publish_completion(workflow.status)


def withdraw(request: Request) -> dict[str, Any]:
    """Take a submitted response back to edit, where the problem allows it (a team's, back to its draft)."""
    learner = request.require_learner()
    if request.team_problem:
        submission_uuid = teams.withdraw_team(request.problem, learner)
    else:
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
