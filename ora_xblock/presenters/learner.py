"""The learner's page: the problem, where the learner stands, their grade, and the peer, training and files pieces."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import uploads
from ..definition.errors import N_
from ..definition.model import Definition, Necessity, PeerStep, StepName, TrainingStep
from ..html import answers_html
from ..services.common import Problem
from ..steps import BY_KIND, STEPS
from ..when import Reader
from ..workflow import Status, Window
from .common import STEP_TITLES, file_view, moment, prompt_views

if TYPE_CHECKING:
    from ..services.state import LearnerState

Gettext = Callable[[str], str]

WHAT_NEXT = {
    None: N_("Answer the prompts below, then submit your response."),
    **{Status(step.kind): step.next_hint for step in STEPS},
    Status.WAITING: N_("Your part is done. Your grade appears here once enough peers have assessed your response."),
    Status.DONE: N_("Your response has been graded."),
    Status.CANCELLED: N_("Your response was removed by course staff, so it will not be graded."),
}


def student_context(
    definition: Definition, gettext: Callable[[str], str], author_html: Callable[[str], str]
) -> dict[str, Any]:
    """The problem itself: title, prompts, rubric and steps, the same for everyone.

    ``author_html`` turns the author's markup into what the page shows (see ``Request.author_html``).
    """
    return {
        "title": definition.title,
        "prompts": prompt_views(definition, author_html),
        "criteria": definition.rubric.criteria,
        "rubric": definition.rubric,
        "max_score": definition.max_score,
        "show_rubric": definition.show_rubric_during_response,
    }


def learner_context(
    problem: Problem, state: LearnerState, gettext: Callable[[str], str], dates: Reader
) -> dict[str, Any]:
    """Where the learner is, what they may do now, and what they have received; dates as ``dates`` reads them."""
    definition = problem.definition
    rich = definition.rich_text
    submission_window = problem.windows["submission"]
    return {
        "status": state.status.value if state.status else None,
        "steps": _steps(problem, state, gettext, dates),
        "what_next": gettext(WHAT_NEXT[state.status]),
        "removal_comment": state.removal_comment,
        "answers": state.answers,
        "answers_html": answers_html(state.answers, rich),
        "rich": rich,
        "text_required": definition.text_response is Necessity.REQUIRED,
        "takes_text": definition.text_response is not Necessity.NONE,
        "submission_window": _window_view(
            submission_window.state, submission_window.start, submission_window.due, dates
        ),
        "can_resubmit": definition.allow_learner_resubmissions,
        "can_withdraw": state.submitted
        and definition.allow_learner_resubmissions
        and not state.received
        and submission_window.state is Window.OPEN,
        "self_window": _step_window(problem, StepName.SELF, dates),
        "current_title": gettext(STEP_TITLES[current]) if (current := _current_key(state)) else "",
        "grade": _grade_view(state, gettext),
    }


def _steps(problem: Problem, state: LearnerState, gettext: Callable[[str], str], dates: Reader) -> list[dict[str, Any]]:
    definition = problem.definition
    order = ["submission", *definition.step_names]
    current = _current_key(state)
    steps = []
    reached = True
    for key in order:
        window = problem.windows[key]
        is_current = key == current
        if is_current:
            reached = False
        steps.append(
            {
                "key": str(key),
                "title": gettext(STEP_TITLES[key]),
                "state": "current" if is_current else ("done" if reached and state.submitted else "upcoming"),
                **_window_view(window.state, window.start, window.due, dates),
            }
        )
    if StepName.STAFF in definition.step_names and state.status is Status.STAFF:
        steps[-1]["state"] = "waiting"
    return steps


def _current_key(state: LearnerState) -> str | StepName | None:
    """The part of the page the learner is at: the response, the step their status names, or none (finished)."""
    if state.status is None:
        return "submission"
    step = BY_KIND.get(state.status)
    return step.name if step else None


def _window_view(state: Window, start: datetime, due: datetime, dates: Reader) -> dict[str, Any]:
    return {"window": state.value, "start": moment(start, dates), "due": moment(due, dates)}


def _step_window(problem: Problem, name: StepName, dates: Reader) -> dict[str, Any] | None:
    if name not in problem.windows:
        return None
    window = problem.windows[name]
    return _window_view(window.state, window.start, window.due, dates)


def _grade_view(state: LearnerState, gettext: Callable[[str], str]) -> dict[str, Any] | None:
    if state.grade is None:
        return None
    titles = {StepName.PEER: gettext("Peers"), StepName.SELF: gettext("You"), StepName.STAFF: gettext("Staff")}
    feedback = []
    authors = (
        ("staff", titles[StepName.STAFF]),
        ("peer", None),
        ("self", titles[StepName.SELF]),
    )
    for kind, who in authors:
        for number, assessment in enumerate(state.of_kind(kind), start=1):
            author = who or gettext("Peer {number}").format(number=number)
            comments = [(part["criterion"], part["feedback"]) for part in assessment.parts if part["feedback"]]
            if comments or assessment.overall_feedback:
                feedback.append({"author": author, "comments": comments, "overall": assessment.overall_feedback})
    return {
        "earned": state.grade.earned,
        "possible": state.grade.possible,
        "source": titles[state.grade.source],
        # the calibrated strategy's points counted (decision 0032), not the median of the reviews
        "adjusted": state.grade.source is StepName.PEER
        and state.workflow is not None
        and state.workflow.adjusted_points is not None,
        "criteria": [
            {
                "label": item.label,
                "points": item.points,
                "possible": item.possible,
                "by_step": [(titles[step], points) for step, points in item.by_step.items()],
            }
            for item in state.grade.criteria
        ],
        "feedback": feedback,
    }


SCORES_HIDDEN = ("never", "never_but_include_grade")


def score_notice(
    show_correctness: str,
    due: datetime | None,
    now: datetime,
    staff: bool,
    gettext: Callable[[str], str],
    dates: Reader,
) -> dict[str, Any] | None:
    """None when the viewer may see their score now, as the platform decides for its problems
    (xmodule/graders.py ``ShowCorrectness.correctness_available``: "never" hides it from everyone, staff see it
    before the due date); otherwise the sentence saying when scores are shown (``text``, its ``{date}`` the
    ``date`` moment, if any)."""
    if show_correctness in SCORES_HIDDEN:
        return {"text": gettext("The course team has chosen not to show scores for this problem."), "date": None}
    if show_correctness == "past_due" and not staff and due is not None and now <= due:
        return {
            "text": gettext("Scores for this problem are shown after the due date, {date}."),
            "date": dates.moment(due),
        }
    return None


def without_score(grade: dict[str, Any]) -> dict[str, Any]:
    """The grade view with every number taken out: the feedback stays, the score and the points do not."""
    return {**grade, "earned": None, "possible": None, "criteria": []}


def peer_view(
    problem: Problem, state: LearnerState, review: dict[str, Any] | None, accuracy: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """The peer step as the learner stands in it: reviews done and owed, its window, the response they review
    (``review``, see :func:`review_view`), their accuracy as a reviewer (``accuracy``, see
    ``presenters.accuracy.feedback_view``) and the percent of the grade it counts for; None without a peer step or
    before submitting."""
    step = problem.definition.step(StepName.PEER)
    if not isinstance(step, PeerStep) or state.workflow is None:
        return None
    return {
        "done": state.workflow.peers_assessed,
        "required": step.must_grade,
        "can_continue": state.status in (Status.SELF, Status.STAFF, Status.WAITING, Status.DONE),
        "window": problem.windows[StepName.PEER].state.value,
        "review": review,
        "accuracy": accuracy,
        "accuracy_weight": step.accuracy_weight,
    }


def review_view(
    lease_id: int, answers: list[str], rich: bool, files: list[Any], file_url: Callable[[int], str], gettext: Gettext
) -> dict[str, Any]:
    """A peer's response under review: its answers, and its files under neutral names that say nothing of the
    author's own."""
    return {
        "lease_id": lease_id,
        "answers": answers,
        "answers_html": answers_html(answers, rich),
        "files": [
            file_view(
                item,
                gettext("File {number} (.{extension})").format(number=number, extension=item.extension),
                file_url(item.pk),
            )
            for number, item in enumerate(files, start=1)
        ],
    }


def training_view(
    problem: Problem,
    current: tuple[int, Any] | None,
    differing: list[str] | None,
    author_html: Callable[[str], str],
) -> dict[str, Any] | None:
    """The training sample the learner assesses now (``current``: its number and the example), and the labels of
    the criteria their last attempt got wrong (``differing``: their names)."""
    definition = problem.definition
    step = definition.step(StepName.TRAINING)
    if current is None or not isinstance(step, TrainingStep):
        return None
    number, example = current
    labels = {criterion.name: criterion.display_label for criterion in definition.rubric.criteria}
    rich = definition.rich_text  # a sample is written as the learners write: HTML in a rich-text problem
    return {
        "number": number,
        "count": len(step.examples),
        "answers": list(example.answer),
        "answers_html": [author_html(text) if rich else None for text in example.answer],
        "differing": [labels.get(name, name) for name in differing or []],
        "passed_previous": differing == [] and number > 1,
    }


def files_view(
    definition: Definition,
    max_files: int,
    max_file_bytes: int,
    listed: list[Any],
    file_url: Callable[[int], str],
    dates: Reader,
    me: str = "",
) -> dict[str, Any]:
    """The learner's files (``listed``) and what they may add, in a problem that asks for files; a team's files
    name the member who uploaded each (``me``, the reader, as "you"), and when."""
    allowed = uploads.allowed_extensions(definition.file_upload_type, definition.white_listed_file_types)
    return {
        "required": definition.file_upload_response is Necessity.REQUIRED,
        "allowed": ", ".join(f".{extension}" for extension in allowed),
        "accept": ",".join(f".{extension}" for extension in allowed),
        "max_files": max_files if definition.allow_multiple_files else 1,
        "max_file_mb": max_file_bytes // 10**6,
        "items": [
            {
                **file_view(item, item.name, file_url(item.pk)),
                "uploaded_by": item.uploaded_by,
                "by_me": bool(me) and item.uploaded_by == me,
                "uploaded_at": moment(item.uploaded_at, dates),
            }
            for item in listed
        ],
    }
