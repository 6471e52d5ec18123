"""The team part of the learner's page in a team problem (docs/decisions/0031-team-responses.md): whose team,
its shared draft, or the response it submitted; and, for a learner in no team, why they cannot answer."""

from __future__ import annotations

from typing import Any

from .. import platform
from ..presenters.team import draft_view, no_team_view, staff_view, submitted_view
from ..services import teams
from ..services.state import LearnerState, submitted_state
from .context import Request


def team_state(request: Request) -> tuple[LearnerState, dict[str, Any] | None]:
    """The learner's state in a team problem and the team part of their page.

    A learner who joined a team after it submitted gets its response here (never staff viewing as them, who are
    shown the team's response as it stands); before the team submits, the state holds the team's draft.
    """
    learner, problem, team = request.learner, request.problem, request.team
    if learner is None:
        return LearnerState(status=None, answers=[]), None
    workflow = teams.workflow_of(learner)
    state = submitted_state(problem, workflow) if workflow else LearnerState(status=None, answers=[])
    if state.workflow is None and team is not None:
        joined = teams.join_submitted(problem, learner, team) if not request.read_only else _submitter(request, team)
        if joined is not None:
            state = submitted_state(problem, joined)
    if state.workflow is not None:
        _mark_member(request, state.workflow)
        response = teams.response_of(state.workflow)
        return state, submitted_view(response, team, request.dates, learner.username) if response else None
    if team is None and request.staff_here and not request.read_only:
        return state, staff_view(request.teamset_name)
    if team is None:
        return state, no_team_view(request.teamset_name, platform.teams_page_url(request.block))
    draft = teams.team_draft(problem, learner, team)
    return LearnerState(status=None, answers=list(draft.texts)), draft_view(
        team, draft, request.dates, learner.username
    )


def _submitter(request: Request, team: Any) -> Any:
    """Read-only: the workflow of the team's response, where the team has submitted, to show as it stands."""
    response = teams.team_response(request.item_id, team)
    return teams.submitter_of(response) if response is not None else None


def _mark_member(request: Request, workflow: Any) -> None:
    """A member whose team submitted without them at the keyboard: the problem is done for them too (completion,
    which the platform takes only from their own requests), and they have a row of state for "Delete learner
    state". Once: the row remembers it."""
    if workflow.shares_response and not request.read_only and not request.block.has_worked_here:
        request.block.has_worked_here = True
        request.publish_completion(workflow.status)
