"""Course staff's area inside a problem: overview, one learner, the grading queue, the gradebook and reports.

Each handler checks that the viewer is course staff in the course itself, calls the services, and answers
with one section of ``staff_area.html``. Learners, anonymous users, beta testers and Studio's preview are
refused before anything is read.
"""

from __future__ import annotations

from typing import Any

from webob import Response

from .. import events, platform, uploads
from ..definition.errors import N_
from ..definition.model import Necessity
from ..presenters.accuracy import least_reliable_view
from ..presenters.common import prompt_views
from ..presenters.staff import (
    appeal_turn_view,
    gradebook_view,
    overview_view,
    record_view,
    reports_view,
    storage_warnings_view,
    turn_view,
)
from ..services import accuracy, appeals, gradebook, learners, overview, queue, reports, scorers, staff, storage_checks
from ..services.audit import Actor
from ..templating import render
from .context import Request
from .endpoints import attachment
from .inputs import bounded, choice, text, whole

FILES = "files"  # the report kind that zips every submitted file
MAX_USERNAME = 150  # django.contrib.auth's, as the platform's accounts have it
MAX_QUERY = 254  # the longest email address (Django's EmailField)
SEARCH_TOO_LONG = N_("Search for at most {limit} characters: no username is longer.")
QUERY_TOO_LONG = N_("Enter a username or an email address of at most {limit} characters.")


def shell(request: Request) -> str:
    """The staff area as the page first shows it, to course staff: the tools, and the overview."""
    request.require_staff()
    return _render(request, "shell", work=_render(request, "overview_section", **_overview(request)))


def staff_overview(request: Request) -> dict[str, Any]:
    """Learners per step and the spread of final scores."""
    request.require_staff()
    return _answer(request, "overview_section", **_overview(request))


def staff_learner(request: Request, data: dict[str, Any], message: str = "") -> dict[str, Any]:
    """Find a learner by username or email (``query``), or open one (``student_id``)."""
    request.require_staff()
    query = data.get("query")
    student_id = data.get("student_id")
    if query is None and not student_id:
        return _answer(request, "learner_section", record=None, query="")
    if not student_id:
        query = bounded(text(query, "query", request._), MAX_QUERY, "bad_request", QUERY_TOO_LONG, request._)
        student_id = learners.find(request.item_id, query, platform.usernames_for_email)
    record = learners.record(request.problem, request.item_id, str(student_id))
    names = scorers.scorer_names(record.workflow, record.state.received, record.history)
    shown = record_view(record, names, request.definition, request.dates, request._, request.file_url)
    return _answer(request, "learner_section", record=shown, query=query or "", message=message)


def staff_grade(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Grade or override a learner with the rubric (``reason``); from the queue (``from_queue``), the next
    response follows. A member of a team's response is graded for the team, or (``scope`` ``"member"``) alone."""
    actor = _actor(request)
    student_id = text(data.get("student_id"), "student_id", request._)
    from_queue = bool(data.get("from_queue"))
    reason, scope = data.get("reason", ""), data.get("scope")
    saved = staff.grade(
        request.problem, request.item_id, student_id, actor, data, reason=reason, from_queue=from_queue, scope=scope
    )
    graded = saved.workflow
    # ora2's type: "full-grade" from its staff grading queue, "regrade" for an override of one learner
    assess_type = "full-grade" if from_queue else "regrade"
    request.track_assessment(events.STAFF_ASSESS, saved, graded.submission_uuid, type=assess_type)
    request.track_status(graded.submission_uuid, graded.student_id, graded.status)
    if from_queue:
        return staff_queue_next(request, {}, message=request._(N_("Grade saved. Here is the next response.")))
    message = request._(N_("The grade was saved; it is on its way to the gradebook."))
    if graded.team_response_id is not None and scope != "member":
        message = request._(N_("The team's grade was saved; it is on its way to every member's gradebook."))
    return staff_learner(request, {"student_id": student_id}, message=message)


def staff_remove(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Remove a learner's response from peer grading, with a ``comment`` the learner reads."""
    actor = _actor(request)
    student_id = text(data.get("student_id"), "student_id", request._)
    staff.remove_from_peer_grading(request.problem, request.item_id, student_id, actor, data.get("comment", ""))
    message = request._(N_("The response was removed from peer grading."))
    return staff_learner(request, {"student_id": student_id}, message=message)


def staff_reset(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Delete a learner's state in the problem so they start again."""
    actor = _actor(request)
    student_id = text(data.get("student_id"), "student_id", request._)
    now, reason = request.problem.now, data.get("reason", "")
    gone = staff.reset(request.course_id, request.item_id, student_id, actor, now, reason)
    message = request._(N_("The learner's state was reset: they can answer again."))
    if gone != [student_id]:  # every member of the learner's team
        message = request._(N_("The team's response was reset for every member: the team can answer again."))
    return _answer(request, "learner_section", record=None, query="", message=message)


def staff_queue_next(request: Request, data: dict[str, Any], message: str = "") -> dict[str, Any]:
    """Hold the next response waiting for staff for this grader (``skip``: let go of that one first)."""
    actor = _actor(request)
    skip, now = data.get("skip"), request.problem.now
    if skip:
        turn = queue.skip(request.item_id, str(skip), actor, now)
    else:
        turn = queue.next_response(request.item_id, actor, now)
    work = None
    if turn.workflow is not None:
        record = learners.record_of(request.problem, turn.workflow)
        answers, definition = record.state.answers, request.definition
        appeal = appeal_turn_view(record, request.dates, request._)
        work = turn_view(turn, answers, record.files, definition, request.dates, request.file_url, record.team, appeal)
    return _answer(request, "queue_section", turn=work, remaining=turn.remaining, skipped=bool(skip), message=message)


def staff_queue_release(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Give a held response back to the queue."""
    actor = _actor(request)
    student_id = text(data.get("student_id"), "student_id", request._)
    queue.release(request.item_id, student_id, actor)
    return staff_overview(request) | {"message": request._(N_("The response went back to the queue."))}


def staff_gradebook(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """A page of the gradebook, filtered."""
    request.require_staff()
    _ = request._
    filters = gradebook.Filters(
        status=choice(data.get("status"), _),
        min_score=whole(data.get("min_score"), _),
        max_score=whole(data.get("max_score"), _),
        step=choice(data.get("step"), _),
        search=bounded(str(data.get("search") or ""), MAX_USERNAME, "bad_filter", SEARCH_TOO_LONG, _),
        include_team=bool(data.get("include_team")),
    )
    number = whole(data.get("page"), _) or 1
    team = () if filters.include_team else platform.course_team(request.course_id)
    found = gradebook.page(request.problem, request.item_id, filters, number, team=team)
    book = gradebook_view(found, filters, request.definition, request.dates, _)
    return _answer(request, "gradebook_section", book=book)


def staff_reports(request: Request, message: str = "") -> dict[str, Any]:
    """The problem's reports and zips of its files, with download links valid for 5 minutes."""
    actor = _actor(request)
    now = request.problem.now
    listed = reports.reports(request.item_id, now)  # a report whose worker died is shown failed
    links = {
        task.pk: request.handler_url(
            "staff_files_zip" if task.kind == FILES else "staff_report_download",
            reports.link_token(task, actor.anonymous_id, now),
        )
        for task in listed.finished
    }
    return _answer(
        request,
        "reports_section",
        listed=reports_view(listed, links, request.dates),
        takes_files=_takes_files(request),
        message=message,
    )


def staff_report_start(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Generate the grade or data report, or the zip of every submitted file (``kind``), in the background."""
    actor = _actor(request)
    kind = str(data.get("kind"))
    reports.start(request.course_id, request.item_id, kind, actor.username, request.problem.now)
    if kind == FILES:
        return staff_reports(request, request._(N_("The zip is being built. Its link appears below when it is ready.")))
    return staff_reports(request, request._(N_("The report is being generated. It appears below when it is ready.")))


def staff_report_download(request: Request, token: str) -> Response:
    """A finished report, through the signed link (``token``) made for this staff member, within 5 minutes."""
    actor = _actor(request)
    task, stored = reports.download(token, request.item_id, actor.anonymous_id, request.problem.now)
    name = task.file_name.rsplit("/", 1)[-1]
    return attachment(stored, "text/csv", uploads.content_disposition(name, "report.csv"))


def staff_files_zip(request: Request, token: str) -> Any:
    """A finished zip of every submitted file, through the signed link (``token``) made for this staff member,
    within 5 minutes."""
    actor = _actor(request)
    task, stored = reports.download(token, request.item_id, actor.anonymous_id, request.problem.now, kinds=(FILES,))
    name = task.file_name.rsplit("/", 1)[-1]
    return attachment(stored, "application/zip", uploads.content_disposition(name, "ora-files.zip"))


def _actor(request: Request) -> Actor:
    """The staff member acting, as the audit records them; anyone else is refused."""
    request.require_staff()
    return Actor(request.viewer.anonymous_id or "", request.viewer.username or "")


def _overview(request: Request) -> dict[str, Any]:
    summary = overview_view(overview.overview(request.item_id), request._)
    teams = request.definition.teams.enabled  # counts are of learners; a team's response is queued once
    measured = accuracy.measured(request.definition)  # the least reliable reviewers: one query, where measured
    least = least_reliable_view(accuracy.least_reliable(request.item_id), accuracy.MIN_REVIEWS) if measured else None
    appealed = appeals.open_in(request.problem, request.item_id)  # in the queue too (docs/appeals.md)
    return {
        "summary": summary,
        "takes_files": _takes_files(request),
        "teams": teams,
        "least_reliable": least,
        "appeals": appealed,
    }


def _takes_files(request: Request) -> bool:
    return request.definition.file_upload_response is not Necessity.NONE


def _answer(request: Request, section: str, message: str = "", **context: Any) -> dict[str, Any]:
    return {"html": _render(request, section, **context), "message": message}


def _render(request: Request, section: str, **context: Any) -> str:
    return render(
        "staff_area.html",
        section=section,
        storage_warnings=storage_warnings_view(storage_checks.public_storages(), request._),
        uid=request.block.dom_id,
        rubric=request.definition.rubric,
        prompts=prompt_views(request.definition, request.author_html),
        **context,
        **request.words(),
    )
