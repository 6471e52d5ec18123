"""What the grading pages show of a learner's response, as plain values for ``course_queue.html``.

Files are listed by name and size only: they are downloaded through the block's own handler, which only the
problem's page can reach, so the page links to the problem (its staff area lists them for download).
"""

from __future__ import annotations

from typing import Any

from .. import platform
from ..definition.model import StepName
from ..html import answers_html, clean_author_html
from ..models import Appeal, Assessment
from ..presenters.appeals import staff_view as appeal_view
from ..presenters.common import learner_name, prompt_views
from ..presenters.staff import STATUS_LABELS, team_view
from ..services import appeals
from ..services.common import Problem
from ..services.files import submitted_files
from ..services.learners import LearnerRecord, team_of
from ..services.queue import Turn
from ..services.responses import submitted_answers
from ..workflow import Status
from . import host
from .grading_context import Grader


def problem_url(course_id: str, item_id: str) -> str:
    """The page the problem is on: the LMS's ``jump_to``, or where a host of our own (the demo) lists it."""
    if host.custom() is not None:
        for block, url in host.course_blocks(course_id) or ():
            if platform.item_id(block) == item_id:
                return url
    return host.jump_to(course_id, item_id)


def response_view(
    grader: Grader, problem: Problem, workflow: Any, answers: list[str], files: list[Any]
) -> dict[str, Any]:
    """A learner's submitted response as staff read it, with the problem it answers."""
    definition = problem.definition
    return {
        "item_id": workflow.item_id,
        "student_id": workflow.student_id,
        "username": learner_name(workflow.username, workflow.student_id),
        "title": definition.title or workflow.item_id,
        "problem_url": problem_url(grader.course_id, workflow.item_id),
        "prompts": prompt_views(definition, clean_author_html),
        "answers": answers,
        "answers_html": answers_html(answers, definition.rich_text),
        "files": [{"name": item.name, "size_kb": max(1, item.size // 1000)} for item in files],
        "submitted": grader.dates.moment(workflow.submitted_at),
        "rubric": definition.rubric,
    }


def turn_view(grader: Grader, problem: Problem, turn: Turn, resumed: bool = False) -> dict[str, Any] | None:
    """The response the queue holds for the grader (None: they hold none); ``resumed``: they took it earlier
    (in another tab, or in the problem's staff area), not by the action just done."""
    workflow, lease = turn.workflow, turn.lease
    if workflow is None:
        return None
    answers = submitted_answers(workflow.submission_uuid)
    return response_view(grader, problem, workflow, answers, submitted_files(workflow)) | {
        "team": team_view(team_of(workflow)),  # a team's response: its members, in one query
        "escalated": turn.escalated,
        "appeal": _appeal(grader, workflow),
        "resumed": resumed,
        "held_until": lease and grader.dates.moment(lease.expires_at, "time"),
    }


def _appeal(grader: Grader, workflow: Any) -> dict[str, Any] | None:
    """The learner's open appeal of their peer grade, with the grade and the peer reviews staff decide on (two
    queries; none for a response of the staff step, which has no final grade to appeal)."""
    found = appeals.of_workflow(workflow) if workflow.status == Status.DONE else None
    if found is None or found.status != Appeal.State.OPEN:
        return None
    peers = workflow.assessments.filter(kind=Assessment.Kind.PEER).order_by("created_at", "id")
    return appeal_view(found, grader._, grader.dates) | {
        "score": (workflow.score_earned, workflow.score_possible),
        "reviews": [
            {"earned": review.points_earned, "possible": review.points_possible, "parts": review.parts}
            for review in peers
        ],
    }


def record_view(grader: Grader, problem: Problem, record: LearnerRecord) -> dict[str, Any]:
    """A learner staff are about to grade now: their response, where it stands, and who else holds it."""
    workflow, lease, state = record.workflow, record.lease, record.state
    status = Status(workflow.status)
    held = lease is not None and lease.expires_at > grader.now and lease.holder_id != grader.actor.anonymous_id
    earned = workflow.score_earned
    return response_view(grader, problem, workflow, state.answers, record.files) | {
        "team": team_view(record.team),
        "status": grader._(STATUS_LABELS[status]),
        "open": status is not Status.CANCELLED,
        "score": None if earned is None else (earned, workflow.score_possible),
        "reviews": workflow.reviews_received if problem.definition.step(StepName.PEER) else None,
        "held_by": lease.holder_username if held and lease else None,
        "appealed": record.appeal is not None and record.appeal.status == Appeal.State.OPEN,  # read with the record
    }
