"""The staff area's sections as ``staff_area.html`` shows them: overview, one learner, the queue's response, the
gradebook and the reports, each a plain value with its dates formatted for the reader."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from ..definition.errors import N_
from ..definition.model import Definition, StepName
from ..html import answers_html
from ..services.accuracy import measured
from ..steps import BY_KIND
from ..when import Reader
from ..workflow import Status
from .accuracy import staff_view as accuracy_view
from .appeals import staff_view as appeal_view
from .common import file_view, learner_name
from .feedback import record_view as feedback_view

Gettext = Callable[[str], str]
FileUrl = Callable[[int], str]

STATUS_LABELS = {
    Status.TRAINING: N_("In learner training"),
    Status.PEER: N_("Assessing peers"),
    Status.SELF: N_("Assessing their own response"),
    Status.STAFF: N_("Waiting for staff"),
    Status.WAITING: N_("Waiting for peer reviews"),
    Status.DONE: N_("Graded"),
    Status.CANCELLED: N_("Removed from peer grading"),
}
ACTION_LABELS = {
    "grade": N_("Graded"),
    "override": N_("Overrode the grade"),
    "cancel": N_("Removed from peer grading"),
    "reset": N_("Reset the learner's state"),
    "appeal": N_("Appealed the peer grade"),
    "appeal_upheld": N_("Upheld the appeal: the peer grade stands"),
    "appeal_regraded": N_("Regraded on appeal"),
}
STEP_FILTERS = {  # the gradebook's "whose grade counts" choices, by the step that gave it
    StepName.PEER: N_("Peer grade counts"),
    StepName.SELF: N_("Self grade counts"),
    StepName.STAFF: N_("Staff grade counts"),
}


def overview_view(summary: Any, gettext: Gettext) -> dict[str, Any]:
    """The overview (``services.overview.Overview``): learners per status, and each bucket's bar as a width in
    percent of the fullest (at least 2, so that a bucket with learners shows; none for an empty one)."""
    most = max([bucket.count for bucket in summary.distribution] + [1])
    return {
        "submitted": summary.submitted,
        "by_status": [(gettext(STATUS_LABELS[status]), count) for status, count in summary.by_status.items()],
        "escalated": summary.escalated,
        "distribution": [
            {
                "low": bucket.low,
                "high": bucket.high,
                "count": bucket.count,
                "width": max(2, round(100 * bucket.count / most)) if bucket.count else 0,
            }
            for bucket in summary.distribution
        ],
    }


def response_view(
    workflow: Any, answers: list[str], files: list[Any], definition: Definition, file_url: FileUrl
) -> dict[str, Any]:
    """A learner's submitted response as staff read it: who, their answers and their files."""
    return {
        "student_id": workflow.student_id,
        "username": learner_name(workflow.username, workflow.student_id),
        "answers": answers,
        "answers_html": answers_html(answers, definition.rich_text),
        "files": [file_view(item, item.name, file_url(item.pk)) for item in files],
    }


def team_view(team: Any) -> dict[str, Any] | None:
    """The team's response a learner shares (``services.learners.TeamRecord``; None: they answered alone): the
    team's name, who submitted, every member with their score, and whether the team has its grade (one member's
    may be changed only then)."""
    if team is None:
        return None
    response, submitter = team.response, team.submitter
    return {
        "name": response.team_name,
        "graded": submitter is not None and submitter.score_earned is not None,
        "submitted_by": learner_name(response.submitted_by_username, response.submitter_id),
        "members": [
            {
                "student_id": member.student_id,
                "name": learner_name(member.username, member.student_id),
                "submitter": not member.shares_response,
                "score": None if member.score_earned is None else (member.score_earned, member.score_possible),
            }
            for member in team.members
        ],
    }


def record_view(
    record: Any, scorers: dict[str, str], definition: Definition, dates: Reader, gettext: Gettext, file_url: FileUrl
) -> dict[str, Any]:
    """A learner's record (``services.learners.LearnerRecord``) with ``scorers``, the usernames of those who
    assessed them by id: the facts, the response, the assessments received and given, and staff's history."""
    workflow, state, lease = record.workflow, record.state, record.lease
    earned = workflow.score_earned
    return response_view(workflow, state.answers, record.files, definition, file_url) | {
        "status": gettext(STATUS_LABELS[state.status]),
        "open": state.status is not Status.CANCELLED,
        "submitted": dates.moment(workflow.submitted_at),
        "score": None if earned is None else (earned, workflow.score_possible),
        "sending": workflow.needs_publishing,
        "published": record.published,
        "removal_comment": state.removal_comment if state.removed else None,
        "team": team_view(record.team),
        "accuracy": accuracy_view(record.accuracy, definition, gettext),
        "held": lease is not None and lease.expires_at > dates.now,
        "held_by": lease and lease.holder_username,
        "held_until": lease and dates.moment(lease.expires_at, "time"),
        "received": [
            _assessment(
                assessment,
                scorers.get(assessment.scorer_id)
                or (None if assessment.kind == "staff" else learner_name("", assessment.scorer_id)),
                dates,
                gettext,
            )
            for assessment in state.received
        ],
        "given": [
            _assessment(
                assessment, learner_name(assessment.workflow.username, assessment.workflow.student_id), dates, gettext
            )
            for assessment in record.given
        ],
        "feedback_taken": definition.step(StepName.PEER) is not None,  # where learners are asked for it
        "assessments_feedback": feedback_view(record.feedback, gettext, dates),
        "appeal": appeal_view(record.appeal, gettext, dates),
        "history": [
            {
                "when": dates.moment(entry.created_at),
                "action": gettext(ACTION_LABELS[entry.action]) if entry.action in ACTION_LABELS else entry.action,
                "by": entry.actor_username,
                "reason": entry.reason,
            }
            for entry in record.history
        ],
    }


def _assessment(assessment: Any, who: str | None, dates: Reader, gettext: Gettext) -> dict[str, Any]:
    """An assessment as staff read it; ``who`` gave it or received it (None: course staff)."""
    kind = BY_KIND.get(assessment.kind)
    return {
        "kind": gettext(kind.staff_label) if kind else assessment.kind,
        "who": who,
        "when": dates.moment(assessment.created_at),
        "earned": assessment.points_earned,
        "possible": assessment.points_possible,
        "parts": assessment.parts,
        "overall": assessment.overall_feedback,
    }


def turn_view(
    turn: Any,
    answers: list[str],
    files: list[Any],
    definition: Definition,
    dates: Reader,
    file_url: FileUrl,
    team: Any = None,
    appeal: Any = None,
) -> dict[str, Any]:
    """The response the queue handed this grader (``services.queue.Turn``), with its answers and files, the
    ``team`` whose response it is (``services.learners.TeamRecord``), if any, and the learner's open ``appeal``
    (:func:`appeal_turn_view`)."""
    lease = turn.lease
    return response_view(turn.workflow, answers, files, definition, file_url) | {
        "team": team_view(team),
        "appeal": appeal,
        "escalated": turn.escalated,
        "resumed": turn.resumed,  # already theirs: taken in another tab or before a reload
        "held_until": lease and lease.expires_at and dates.moment(lease.expires_at, "time"),
    }


def appeal_turn_view(record: Any, dates: Reader, gettext: Gettext) -> dict[str, Any] | None:
    """What staff decide an open appeal on in the queue (``record``: ``services.learners.LearnerRecord``): its
    reason, the response's peer reviews (their reviewers anonymous) and its grade; None without an open appeal."""
    workflow = record.workflow
    if workflow.status != Status.DONE:  # only a final peer grade is appealed: no query for the staff step's queue
        return None
    appeal = record.appeal
    if appeal is None or appeal.status != "open":
        return None
    peers = [assessment for assessment in record.state.received if assessment.kind == "peer"]
    return appeal_view(appeal, gettext, dates) | {
        "received": [
            _assessment(assessment, learner_name("", assessment.scorer_id), dates, gettext) for assessment in peers
        ],
        "score": None if workflow.score_earned is None else (workflow.score_earned, workflow.score_possible),
    }


def gradebook_view(book: Any, chosen: Any, definition: Definition, dates: Reader, gettext: Gettext) -> dict[str, Any]:
    """A page of the gradebook (``services.gradebook.Page``) under the filters ``chosen``, with the choices of
    each filter."""
    criteria = [(criterion.name, criterion.display_label) for criterion in definition.rubric.criteria]
    return {
        "teams": definition.teams.enabled or any(row.team for row in book.rows),  # show the Team column
        "chosen": asdict(chosen),
        "statuses": [(status.value, gettext(STATUS_LABELS[status])) for status in Status],
        "step_filters": [(str(step), gettext(text)) for step, text in STEP_FILTERS.items()],
        "criteria": [label for _name, label in criteria],
        "accuracy": measured(definition) or any(row.accuracy is not None for row in book.rows),  # the column
        "total": book.total,
        "number": book.number,
        "pages": book.pages,
        "rows": [
            {
                "student_id": row.student_id,
                "name": learner_name(row.username, row.student_id),
                "username": row.username,
                "team": row.team,
                "status": gettext(STATUS_LABELS[row.status]),
                "points": [row.criteria.get(name) for name, _label in criteria],
                "score": None if row.earned is None else (row.earned, row.possible),
                "accuracy": row.accuracy,
                "submitted": dates.moment(row.submitted_at, "date"),
            }
            for row in book.rows
        ],
    }


def reports_view(listed: Any, links: dict[int, str], dates: Reader) -> dict[str, Any]:
    """The problem's reports (``services.reports.Reports``): pending, finished with their ``links`` by id, and
    failed."""
    return {
        "pending": [
            {
                "kind": task.kind,
                "requested": dates.moment(task.created_at),
                "by": task.requested_by,
                "running": task.status == "running",
            }
            for task in listed.pending
        ],
        "finished": [
            {"kind": task.kind, "url": links[task.pk], "name": task.file_name.rsplit("/", 1)[-1], "rows": task.rows}
            for task in listed.finished
        ],
        "failed": [
            {"kind": task.kind, "when": dates.moment(task.created_at), "error": task.error} for task in listed.failed
        ],
    }


STORAGE_WARNINGS = {
    "ORA_XBLOCK_REPORT_STORAGE": N_(
        'Reports and zips of files are saved in the storage "{alias}", and {reason}: anyone who comes by the '
        "address of one can read it. Ask the site operator to set {setting} to a private storage."
    ),
    "ORA_XBLOCK_FILE_STORAGE": N_(
        'Learners\' response files are saved in the storage "{alias}", and {reason}: anyone who comes by the '
        "address of one can read it. Ask the site operator to set {setting} to a private storage."
    ),
}


def storage_warnings_view(found: Any, _: Gettext) -> list[str]:
    """What staff read about each public storage (``services.storage_checks.PublicStorage``), translated."""
    return [
        _(STORAGE_WARNINGS[item.setting]).format(
            alias=item.alias, setting=item.setting, reason=_(item.reason).format(detail=item.detail)
        )
        for item in found
    ]
