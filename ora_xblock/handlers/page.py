"""The learner's page, composed from every role's pieces: the problem, the learner's step, the peer review, the
training sample, their files, the top responses, and for course staff the look-through and the staff area.

The services give the data, the presenters turn it into template values; the handlers that answer with the
page call :func:`page_html` after their action, so that the browser shows exactly what the server decided.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import platform
from ..definition.model import Necessity, StepName
from ..presenters.accuracy import feedback_view as accuracy_feedback
from ..presenters.appeals import learner_view as appeal_box_view
from ..presenters.common import prompt_views
from ..presenters.feedback import form_view
from ..presenters.learner import (
    WHAT_NEXT,
    files_view,
    learner_context,
    peer_view,
    review_view,
    score_notice,
    student_context,
    training_view,
    without_score,
)
from ..presenters.look_through import look_through_context
from ..presenters.team import TEAM_WHAT_NEXT
from ..services import accuracy, appeals, feedback, files, overdue, peer, teams, top, training
from ..services.state import LearnerState, learner_state, submitted_state
from ..templating import render
from ..workflow import Status
from . import staff
from .context import Request
from .team_view import team_state

if TYPE_CHECKING:
    from ..models import PeerLease


def student_page(request: Request) -> dict[str, Any]:
    """What ``student_view.html`` wraps: the page, the staff area for course staff, and whose page staff viewing
    as a learner are reading."""
    return {
        "content": page_html(request),
        "staff": staff.shell(request) if request.staff_here else "",
        "read_only_as": request.viewer.username if request.read_only else None,
    }


def page_answer(request: Request, state: LearnerState | None = None) -> dict[str, str]:
    """A handler's answer: the page as it stands now (``state``: the learner's, when the caller just made it)."""
    return {"html": page_html(request, state=state)}


def page_html(
    request: Request,
    state: LearnerState | None = None,
    review: PeerLease | None = None,
    training_result: list[str] | None = None,
) -> str:
    """The inside of the learner's page.

    ``state`` is the learner's state when the caller has just made it; ``review`` the lease the
    learner is reviewing; ``training_result`` the criteria their last training attempt got wrong.
    """
    learner, problem = request.learner, request.problem
    team = None
    if state is None and request.team_problem:
        state, team = team_state(request)
    elif state is None:
        state = learner_state(problem, learner) if learner else LearnerState(status=None, answers=[])
    if learner and not request.read_only and overdue.on_view(problem, request.item_id, state.workflow):
        state = learner_state(problem, learner)  # seven days without peers: graded or sent to staff now
    context = student_context(request.definition, request._, request.author_html)
    context |= learner_context(problem, state, request._, request.dates)
    context["peer"] = _peer(request, state, review) if learner else None
    context["training"] = _training(request, state, training_result)
    context["team"] = team
    answering = not (team and team["kind"] in ("none", "staff"))
    if team and team["kind"] == "none":
        context["what_next"] = request._("Join a team to answer this team assignment.")
    elif team and team["kind"] == "staff":
        context["what_next"] = request._("Learners answer this team assignment; course staff do not.")
        context["steps"] = [{**step, "state": "upcoming"} for step in context["steps"]]  # no step is theirs
    elif request.team_problem:
        context["what_next"] = request._(TEAM_WHAT_NEXT.get(state.status, WHAT_NEXT[state.status]))
    context["files"] = _files(request, state) if answering else None
    context["top_responses"] = _top_responses(request, state)
    context["look_through"] = _look_through(request)
    context |= _score_display(request, context["grade"])
    context["feedback_on_assessments"] = _assessments_feedback(request, state) if context["grade"] else None
    context["appeal"] = _appeal(request, state) if context["grade"] else None
    if learner is None:
        context["answers"] = [""] * len(request.definition.prompts)
    return render("learner.html", **context, uid=request.block.dom_id, **request.words())


def _score_display(request: Request, grade: dict[str, Any] | None) -> dict[str, Any]:
    """The grade as the viewer may see it now (the inherited ``show_correctness``), and whether course staff
    should be told that the course's grades are frozen."""
    rule, due = platform.show_correctness(request.block)
    notice = score_notice(rule, due, request.problem.now, request.viewer.can_author, request._, request.dates)
    return {
        "grade": without_score(grade) if grade and notice else grade,
        "score_notice": notice,
        "grades_frozen": request.staff_here and platform.grades_frozen(request.course_id, request.block),
    }


def _assessments_feedback(request: Request, state: LearnerState) -> dict[str, Any] | None:
    """The learner's feedback on the peer assessments they received, where ora2 offers it (services.feedback)."""
    if state.workflow is None or not feedback.is_open(request.problem, state.status, state.received):
        return None
    return form_view(feedback.of_workflow(state.workflow), request._)


def _appeal(request: Request, state: LearnerState) -> dict[str, Any] | None:
    """The learner's appeal of their peer grade, or its form while they may send one (services.appeals)."""
    if state.workflow is None or request.definition.step(StepName.PEER) is None:
        return None
    made = appeals.of_workflow(state.workflow)
    closes = None if made is not None else appeals.offer(request.problem, state.workflow).closes
    return appeal_box_view(made, closes, request._, request.dates)


def _peer(request: Request, state: LearnerState, review: PeerLease | None) -> dict[str, Any] | None:
    if request.definition.step(StepName.PEER) is None or state.workflow is None or request.learner is None:
        return None
    if review is None and state.status is Status.PEER:
        review = peer.current_lease(request.learner)
    shown = None
    if review is not None:
        answers = submitted_state(request.problem, review.workflow, received=[]).answers
        rich = request.definition.rich_text
        shown = review_view(review.pk, answers, rich, response_files(review.workflow), request.file_url, request._)
    return peer_view(request.problem, state, shown, _accuracy(request))


def _accuracy(request: Request) -> dict[str, Any] | None:
    """The learner's accuracy as a reviewer, in a problem that measures it (one query)."""
    if request.learner is None or not accuracy.measured(request.definition):
        return None
    standing = accuracy.of_reviewer(request.item_id, request.learner.student_id)
    return accuracy_feedback(standing, request.definition, request._)


def _training(request: Request, state: LearnerState, result: list[str] | None) -> dict[str, Any] | None:
    if state.status is not Status.TRAINING or state.workflow is None:
        return None
    current = training.current_example(request.problem, state.workflow)
    return training_view(request.problem, current, result, request.author_html)


def _files(request: Request, state: LearnerState) -> dict[str, Any] | None:
    """The learner's files: the draft's before submitting, the submitted ones after."""
    learner, limits = request.learner, request.limits
    if request.definition.file_upload_response is Necessity.NONE:
        return None
    if learner is None:
        listed: list[Any] = []
    elif state.workflow is None:
        owner = teams.team_learner(learner, request.team) if request.team else learner
        listed = files.draft_files(owner)
    else:
        listed = files.submitted_files(state.workflow)
    me = learner.username if learner else ""
    return files_view(
        request.definition, limits.max_files, limits.max_file_bytes, listed, request.file_url, request.dates, me
    )


def response_files(workflow: Any) -> list[Any]:
    """A submitted response's files, in the order they are listed and numbered everywhere."""
    return list(workflow.files.in_order())


def _look_through(request: Request) -> str:
    """Course staff only: every step as learners meet it, whatever the dates; read-only (see look_through)."""
    if not request.staff_here:
        return ""
    context = look_through_context(request.problem, request.i18n, request.author_html, request.dates)
    return render("look_through.html", **context, **request.words())


def _top_responses(request: Request, state: LearnerState) -> str:
    """The best responses in the problem, once the learner has finished every step."""
    count = request.definition.leaderboard_show
    done = state.status is Status.DONE and count
    rows = top.top_responses(request.problem, request.item_id, count) if done else []
    if not rows:
        return ""
    prompts = prompt_views(request.definition, request.author_html)
    return render("top_responses.html", responses=rows, prompts=prompts, uid=request.block.dom_id, **request.words())
