"""Turn a definition and a learner's state into what the templates show; no markup is built here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .definition.codec import to_dict
from .definition.errors import N_
from .definition.model import DateConfig, Definition, Necessity, PeerStep, PromptsType, StaffStep, StepName
from .definition.schedule import HostDates, open_dates
from .definition.validate import warnings
from .html import answers_html, plain_text
from .services.common import Problem
from .when import Moment, Reader
from .workflow import STEP_STATUS, Status, Window

if TYPE_CHECKING:
    from .services.state import LearnerState

STEP_TITLES = {
    "submission": N_("Your response"),
    StepName.TRAINING: N_("Learn to assess responses"),
    StepName.PEER: N_("Assess peers"),
    StepName.SELF: N_("Assess your response"),
    StepName.STAFF: N_("Staff assessment"),
    "grade": N_("Your grade"),
}

WHAT_NEXT = {
    None: N_("Answer the prompts below, then submit your response."),
    Status.TRAINING: N_("Next, practise assessing sample responses."),
    Status.PEER: N_("Next, assess your peers' responses."),
    Status.SELF: N_("Next, assess your own response with the rubric."),
    Status.STAFF: N_("Your part is done. Course staff will grade your response; your grade appears here then."),
    Status.WAITING: N_("Your part is done. Your grade appears here once enough peers have assessed your response."),
    Status.DONE: N_("Your response has been graded."),
    Status.CANCELLED: N_("Your response was removed by course staff, so it will not be graded."),
}


def student_context(
    definition: Definition, gettext: Callable[[str], str], author_html: Callable[[str], str]
) -> dict[str, Any]:
    """The problem itself: title, prompts, rubric and steps, the same for everyone.

    ``author_html`` turns the author's markup into what the page shows (see ``Page.author_html``).
    """
    return {
        "title": definition.title,
        "prompts": prompt_views(definition, author_html),
        "criteria": definition.rubric.criteria,
        "rubric": definition.rubric,
        "max_score": definition.max_score,
        "show_rubric": definition.show_rubric_during_response,
    }


SUMMARY_CHARACTERS = 160  # a prompt shown beside an answer is cut to this, at a word, with the whole a click away


def prompt_views(definition: Definition, author_html: Callable[[str], str]) -> list[dict[str, Any]]:
    """Each prompt as the templates show it: whole (``html`` for HTML prompts, else ``text``), and as a one-line
    ``summary`` (``truncated`` when cut) that labels the answers to it wherever a response is shown."""
    html_prompts = definition.prompts_type is PromptsType.HTML
    views = []
    for prompt in definition.prompts:
        words = plain_text(prompt.description) if html_prompts else " ".join(prompt.description.split())
        summary = words
        if len(words) > SUMMARY_CHARACTERS:
            summary = words[:SUMMARY_CHARACTERS].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
        views.append(
            {
                "html": author_html(prompt.description) if html_prompts else None,
                "text": prompt.description,
                "summary": summary,
                "truncated": summary != words,
            }
        )
    return views


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


def author_context(
    definition: Definition, gettext: Callable[[str], str], dates: Reader, host: HostDates | None = None
) -> dict[str, Any]:
    """Values for ``author_summary.html``: steps with their dates (as ``dates`` reads them) and settings, points,
    advice.

    When the platform owns the dates, each step shows the window ``host`` gives it (the subsection's or the
    course's dates), not the unused dates the author set.
    """
    owned = open_dates(definition, host) if definition.date_config_type is not DateConfig.MANUAL else None
    windows = [("submission", definition.submission_start, definition.submission_due, "")]
    for step in definition.steps:
        detail = ""
        if isinstance(step, PeerStep):
            detail = gettext("Must Grade {must_grade}, Graded By {graded_by}").format(
                must_grade=step.must_grade, graded_by=step.must_be_graded_by
            )
        elif isinstance(step, StaffStep):
            detail = gettext("required") if step.required else gettext("optional")
        windows.append((step.name, step.start, step.due, detail))
    steps = []
    for key, start, due, detail in windows:
        shown = (owned[key][0], owned[key][1]) if owned else (start, due)
        steps.append(
            {
                "title": gettext(STEP_TITLES[key]),
                "start": _bounded(shown[0], dates),
                "due": _bounded(shown[1], dates),
                "detail": detail,
            }
        )
    return {
        "max_score": definition.max_score,
        "steps": steps,
        "dates_from": gettext(DATES_FROM[definition.date_config_type]),
        "warnings": [warning.message(gettext) for warning in warnings(definition)],
    }


DATES_FROM = {
    DateConfig.MANUAL: N_("Dates: set on each step of this problem."),
    DateConfig.SUBSECTION: N_("Dates: every step is open from the subsection's release date to its due date."),
    DateConfig.COURSE_END: N_("Dates: every step is open from the course start to the course end."),
}

AUTHOR_STEP_TITLES = {
    StepName.TRAINING: N_("Learner training"),
    StepName.PEER: N_("Peer assessment"),
    StepName.SELF: N_("Self assessment"),
    StepName.STAFF: N_("Staff assessment"),
}
_NEW_STEP = {
    StepName.TRAINING: {"examples": []},
    StepName.PEER: {
        "must_grade": PeerStep.must_grade,
        "must_be_graded_by": PeerStep.must_be_graded_by,
        "enable_flexible_grading": False,
        "grading_strategy": "median",
    },
    StepName.SELF: {},
    StepName.STAFF: {"required": False},
}


def studio_context(definition: Definition, *, released: bool) -> dict[str, Any]:
    """Values for ``studio_form.html``: the editor's JSON, with every step shown, the problem's first."""
    data = to_dict(definition)
    used = {step["name"]: step for step in data["steps"]}
    unused = [
        {"name": str(name), "start": None, "due": None, **_NEW_STEP[name]} for name in StepName if name not in used
    ]
    return {
        "data": data,
        "steps": [{**step, "enabled": True} for step in data["steps"]] + [{**s, "enabled": False} for s in unused],
        "step_titles": {str(name): title for name, title in AUTHOR_STEP_TITLES.items()},
        "max_score": definition.max_score,
        "released": released,
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
    if state.status is None:
        return "submission"
    reverse = {status: name for name, status in STEP_STATUS.items()}
    if state.status in reverse:
        return reverse[state.status]
    return StepName.STAFF if state.status is Status.STAFF else None


def _window_view(state: Window, start: datetime, due: datetime, dates: Reader) -> dict[str, Any]:
    return {"window": state.value, "start": _bounded(start, dates), "due": _bounded(due, dates)}


def _step_window(problem: Problem, name: StepName, dates: Reader) -> dict[str, Any] | None:
    if name not in problem.windows:
        return None
    window = problem.windows[name]
    return _window_view(window.state, window.start, window.due, dates)


def _bounded(moment: datetime | None, dates: Reader) -> Moment | None:
    """A real date as the reader sees it; None for no date and the open-ended defaults (years 1 and 9999)."""
    return dates.moment(moment) if moment is not None and 1 < moment.year < 9999 else None


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
