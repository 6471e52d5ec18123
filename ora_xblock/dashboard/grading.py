"""The course dashboard's grading pages (docs/course-queue.md): one staff grading queue across the course's
problems, and grading one learner now, as ora2's waiting-step view lets staff grade a learner who waits for
peer reviews.

A GET only shows: nothing is taken from the queue by loading a page (a reload or a prefetch never holds a
response); "Grade the next response" posts. The rubric form is posted as JSON by static/js/course_queue.js and
answered with where to go next; the queue's other buttons are plain forms, answered by a redirect. Only course
staff pass (``access.course_staff_only``: 403, and the anonymous are sent to sign in), and every problem named
must be one of this course's.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_http_methods

from ..definition.errors import N_
from ..handlers.endpoints import HandlerError, max_json_bytes, status_of
from ..handlers.inputs import text
from ..json_body import BadJson, read_object
from ..services import appeals, learners, queue, staff
from ..services.common import Conflict, Invalid, Refusal
from . import grading_context as context
from .access import course_staff_only
from .grading_events import staff_assessed
from .grading_page import DONE, after, answer, error, page, refused
from .grading_present import record_view, turn_view

TEAM_GRADED = N_("The team's grade was saved; it is on its way to every member's gradebook.")
QUEUE_DONE = {
    "graded": N_("The grade was saved; it is on its way to the gradebook."),
    "graded_team": TEAM_GRADED,
    "skip": N_("You skipped a response: it is back in the queue for others."),
    "release": N_("The response went back to the queue."),
    "appeal": N_("The appeal was decided: the learner can read your reason."),
}
APPEAL_DECIDED = "appeal"
GRADE_DONE = {"graded": QUEUE_DONE["graded"], "graded_team": TEAM_GRADED}
ACTIONS = ("next", "skip", "release", "uphold")  # uphold: an appeal (docs/appeals.md)
TRY_AGAIN = N_("Nothing was saved: the server could not reach its database. Try again.")

log = logging.getLogger(__name__)


@require_http_methods(["GET", "POST"])
@course_staff_only
def course_queue(request: HttpRequest, course_id: str) -> HttpResponse:
    """The response the grader holds from the course's queue, with the rubric; POST grades it (JSON), or takes
    the next one, skips it or gives it back (``action``)."""
    return _answered(request, course_id, _queue)


@require_http_methods(["GET", "POST"])
@course_staff_only
def course_grade(request: HttpRequest, course_id: str, item_id: str, student_id: str) -> HttpResponse:
    """One learner's response in one problem of the course, with the rubric; POST (JSON) grades it now."""
    return _answered(request, course_id, lambda request, grader: _grade(request, grader, item_id, student_id))


def _answered(request: HttpRequest, course_id: str, view: Callable[..., HttpResponse]) -> HttpResponse:
    """Run ``view(request, grader)`` in a savepoint; a refusal, or a database failure (``try_again``, 503: nothing
    was changed), rolls it back."""
    grader = context.grader(request, course_id)
    try:
        with transaction.atomic():  # a savepoint where the host runs each request in a transaction
            return view(request, grader)
    except DatabaseError:
        log.exception("A grading page's transaction failed and was rolled back")
        return _refused(request, grader, 503, "try_again", grader._(TRY_AGAIN), {})
    except (Refusal, HandlerError, BadJson) as refusal:
        return _refused(request, grader, *_refusal(refusal, grader))


def _refused(
    request: HttpRequest, grader: context.Grader, status: int, code: str, message: str, extra: dict[str, Any]
) -> HttpResponse:
    """A refusal as JSON to the page's script, as a page otherwise."""
    if _json(request):
        return error(status, code, message, **extra)
    return refused(request, grader, status, message)


def _queue(request: HttpRequest, grader: context.Grader) -> HttpResponse:
    known = context.problems(grader.course_id)
    items, actor, now = list(known), grader.actor, grader.now
    if request.method == "POST" and _json(request):
        data = read_object(request.body, max_json_bytes())
        item_id, student_id = _learner(data, grader)
        problem = context.problem_of(grader.course_id, item_id, now, known)
        if data.get("decision") is not None:  # an appeal regraded (docs/appeals.md)
            appeals.decide(problem, item_id, student_id, actor, data.get("decision"), data.get("reason"), data)
            done = APPEAL_DECIDED
        else:
            saved = staff.grade(problem, item_id, student_id, actor, data, from_queue=True)
            staff_assessed(request, grader, problem, saved, from_queue=True)
            done = _graded(saved.workflow, None)
        _next(items, actor, now)
        return answer({"redirect": after(request, done)})
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ACTIONS:
            raise Invalid("bad_request", N_("Send an action: next, skip or release."))
        if action == "next":
            queue.next_among(items, actor, now)
        elif action == appeals.UPHOLD:
            item_id, student_id = _learner(request.POST, grader)
            problem = context.problem_of(grader.course_id, item_id, now, known)
            appeals.decide(problem, item_id, student_id, actor, action, request.POST.get("reason"), {})
            _next(items, actor, now)
            return HttpResponseRedirect(after(request, APPEAL_DECIDED))
        else:
            item_id, student_id = _learner(request.POST, grader)
            context.problem_of(grader.course_id, item_id, now, known)
            queue.release(item_id, student_id, actor)
            if action == "skip":
                queue.next_among(items, actor, now, skip=(item_id, student_id))
        return HttpResponseRedirect(after(request, action))
    turn = queue.held_among(items, actor, now)
    shown = None
    if turn.workflow is not None:
        problem = context.problem_of(grader.course_id, turn.workflow.item_id, now, known)
        shown = turn_view(grader, problem, turn, resumed=DONE not in request.GET)  # not just taken by an action
    message = _done(request, grader, QUEUE_DONE)
    return page(request, grader, "course_queue.html", turn=shown, remaining=turn.remaining, message=message)


def _grade(request: HttpRequest, grader: context.Grader, item_id: str, student_id: str) -> HttpResponse:
    problem = context.problem_of(grader.course_id, item_id, grader.now)
    if request.method == "POST":
        if not _json(request):
            raise Invalid("bad_request", N_("Send the grade as JSON, from the page's form."))
        data = read_object(request.body, max_json_bytes())
        reason, scope = data.get("reason", ""), data.get("scope")  # a team member: the team's grade, or theirs alone
        saved = staff.grade(problem, item_id, student_id, grader.actor, data, reason=reason, scope=scope)
        staff_assessed(request, grader, problem, saved, from_queue=False)
        return answer({"redirect": after(request, _graded(saved.workflow, scope))})
    record = learners.record(problem, item_id, student_id)
    shown = record_view(grader, problem, record)
    return page(request, grader, "course_queue_grade.html", record=shown, message=_done(request, grader, GRADE_DONE))


def _next(items: list[str], actor: Any, now: Any) -> None:
    """Hold the next response for the grader once this is committed; others taking responses: the page offers one."""
    with contextlib.suppress(Conflict), transaction.atomic():
        queue.next_among(items, actor, now)


def _graded(workflow: Any, scope: Any) -> str:
    """What was graded: a team's response (every member), or one learner's grade."""
    return "graded_team" if workflow.team_response_id is not None and scope != "member" else "graded"


def _learner(data: Any, grader: context.Grader) -> tuple[str, str]:
    return text(data.get("item_id"), "item_id", grader._), text(data.get("student_id"), "student_id", grader._)


def _json(request: HttpRequest) -> bool:
    return bool(request.method == "POST" and request.content_type == "application/json")


def _done(request: HttpRequest, grader: context.Grader, messages: dict[str, str]) -> str:
    done = request.GET.get("done", "")
    return grader._(messages[done]) if done in messages else ""


def _refusal(refusal: Exception, grader: context.Grader) -> tuple[int, str, str, dict[str, Any]]:
    """A refusal's status, code, message (in the grader's language) and listed errors."""
    if isinstance(refusal, HandlerError):
        return refusal.status, refusal.code, refusal.message, refusal.extra
    if isinstance(refusal, BadJson):
        return 400, "bad_json", grader._(refusal.template).format(**refusal.params), {}
    assert isinstance(refusal, Refusal)
    errors = [item.as_dict(grader.translations.gettext) for item in refusal.errors]
    return status_of(refusal), refusal.code, grader.refusal_text(refusal), ({"errors": errors} if errors else {})
