"""The course dashboard as ``course_dashboard.html`` shows it: plain values, dates formatted for the reader.

Each problem: its steps and their dates, its learners per status, those waiting for peers and for staff (how many
the peer step sent on, since when the oldest waits) and the feedback its learners gave; then the learners waiting
for peer reviews, the learners' feedback, and the course's reports.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..definition.errors import N_
from ..definition.model import DateConfig, PeerStep, StaffStep, StepName
from ..definition.schedule import open_dates
from ..presenters.common import DATES_FROM, learner_name, moment
from ..presenters.feedback import label
from ..services.course import Tally
from ..services.feedback import OPTIONS, Counts, Recent
from ..steps import BY_NAME
from ..when import Reader
from ..workflow import Status
from .problems import CourseProblem

Gettext = Callable[[str], str]
Link = Callable[[str, str], str | None]  # (item id, student id) -> the "grade now" page, if installed

RESPONSE = N_("Response")
WORKING = (  # the statuses of learners with work of their own to do, each with its short label
    (Status.TRAINING, N_("Training: {count}")),
    (Status.PEER, N_("Assessing peers: {count}")),
    (Status.SELF, N_("Self assessment: {count}")),
)


def problem_view(
    problem: CourseProblem, tally: Tally, feedback: Counts | None, dates: Reader, _: Gettext, appeals: int | None = None
) -> dict[str, Any]:
    """One row of the problems table; ``appeals``: its open appeals of peer grades (in the staff queue too)."""
    manual = problem.definition.date_config_type is DateConfig.MANUAL  # the dates shown are the step's own
    working = [_(text).format(count=tally.by_status[status]) for status, text in WORKING if tally.by_status[status]]
    return {
        "item_id": problem.item_id,
        "title": problem.title,
        "url": problem.url,
        "steps": steps_view(problem, dates, _),
        "dates_from": "" if manual else _(DATES_FROM[problem.definition.date_config_type]),
        "submitted": tally.submitted,  # responses: a team's counts once
        "teams": tally.team_responses,
        "working": working,
        "peers": tally.waiting_for_peers,
        "oldest_peer": moment(tally.oldest_peer, dates),
        "staff": tally.waiting_for_staff,
        "escalated": tally.escalated,
        "appeals": appeals or 0,
        "oldest_staff": moment(tally.oldest_staff, dates),
        "done": tally.by_status[Status.DONE],
        "cancelled": tally.by_status[Status.CANCELLED],
        "feedback": feedback.given if feedback else 0,
    }


def steps_view(problem: CourseProblem, dates: Reader, _: Gettext) -> list[dict[str, Any]]:
    """The response and each step, in order, with the window it is open in where one is known, and its settings."""
    definition = problem.definition
    owned = definition.date_config_type is not DateConfig.MANUAL
    windows = open_dates(definition, problem.dates) if problem.dates is not None or not owned else None
    views = [{"title": _(RESPONSE), "detail": "", **_window(windows, "submission", dates)}]
    for step in definition.steps:
        detail = ""
        if isinstance(step, PeerStep):
            detail = _("Must Grade {must_grade}, Graded By {graded_by}").format(
                must_grade=step.must_grade, graded_by=step.must_be_graded_by
            )
        elif isinstance(step, StaffStep):
            detail = _("required") if step.required else _("optional")
        views.append(
            {"title": _(BY_NAME[step.name].author_title), "detail": detail, **_window(windows, step.name, dates)}
        )
    return views


def _window(windows: dict[Any, Any] | None, key: object, dates: Reader) -> dict[str, Any]:
    start, due = windows[key] if windows else (None, None)
    return {"start": moment(start, dates, "date"), "due": moment(due, dates, "date")}


def waiting_view(
    workflows: Sequence[Any], by_item: dict[str, CourseProblem], grade_link: Link, dates: Reader
) -> list[dict[str, Any]]:
    """The learners waiting for peer reviews (``Workflow`` rows, longest waiting first): where, who, since when,
    the reviews they have and need, and the page to grade them now."""
    rows = []
    for workflow in workflows:
        problem = by_item[workflow.item_id]
        peer = problem.definition.step(StepName.PEER)
        rows.append(
            {
                "problem": problem.title,
                "learner": learner_name(workflow.username, workflow.student_id),
                "since": dates.moment(workflow.submitted_at),
                "received": workflow.reviews_received,
                "needed": peer.must_be_graded_by if isinstance(peer, PeerStep) else 0,
                "grade_url": grade_link(workflow.item_id, workflow.student_id),
            }
        )
    return rows


def feedback_view(
    counts: dict[str, Counts], recent: Sequence[Recent], by_item: dict[str, CourseProblem], dates: Reader, _: Gettext
) -> dict[str, Any]:
    """Learners' feedback on the assessments they received: per problem, how many chose each statement; then the
    latest given, with their comments."""
    return {
        "statements": [label(option, _) for option in OPTIONS],
        "problems": [
            {"title": by_item[item].title, "given": found.given, "chosen": [found.by_option[o] for o in OPTIONS]}
            for item, found in counts.items()
            if item in by_item
        ],
        "recent": [
            {
                "problem": by_item[given.item_id].title,
                "learner": learner_name(given.username, given.student_id),
                "when": dates.moment(given.created_at),
                "options": [label(option, _) for option in given.options],
                "comment": given.comment,
            }
            for given in recent
            if given.item_id in by_item
        ],
    }


def totals_view(tallies: dict[str, Tally]) -> dict[str, int]:
    """The course at a glance: problems, responses submitted (a team's once; ``teams``: how many are teams'),
    and those waiting for peers and for staff."""
    return {
        "problems": len(tallies),
        "submitted": sum(tally.submitted for tally in tallies.values()),
        "teams": sum(tally.team_responses for tally in tallies.values()),
        "peers": sum(tally.waiting_for_peers for tally in tallies.values()),
        "staff": sum(tally.waiting_for_staff for tally in tallies.values()),
    }
