"""What course staff do to one learner's work: list it, grade or override it, remove it from peer grading, reset it.

Every action but listing adds an entry to the learner's history (:mod:`.audit`). Actions that would change the
gradebook are refused while the platform keeps the course's grades frozen.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import partial

from django.db import transaction
from submissions import api as submissions_api

from .. import platform
from ..conf import ora_settings
from ..definition.errors import N_
from ..definition.model import StepName
from ..models import Appeal, Assessment, Draft, StaffLease, Workflow
from ..workflow import Status
from . import audit, files, grades, peer, queue, team_staff, top
from .assessments import locked, staff_assess
from .audit import Actor
from .common import Conflict, Invalid, NotAllowed, NotFound, Problem
from .grades import advance

MAX_REASON = 1000


def grade(
    problem: Problem,
    item_id: str,
    student_id: str,
    actor: Actor,
    data: Mapping[str, object],
    reason: str = "",
    from_queue: bool = False,
    scope: object = None,
) -> Assessment:
    """Grade the learner with the rubric, overriding any other score; published once committed. Returns the
    assessment saved (its ``workflow`` is the learner's).

    Overriding a score the learner already has needs a ``reason``. ``from_queue``: the grader must hold the
    response from the staff queue; otherwise nobody else may be holding it. Any hold on it is released.

    A member of a team's response is graded for the whole team (``scope`` ``"team"``, the default there; see
    :mod:`.team_staff`), or ``"member"``: their own row only, with a reason, once the team has its grade, until
    the team is graded again.
    """
    reason = _checked_text(reason, "reason_too_long")
    scope = team_staff.checked_scope(scope)
    with transaction.atomic(savepoint=False):
        rows = team_staff.locked_with_team(item_id, student_id)
        workflow = next((row for row in rows if row.student_id == student_id), None)
        if workflow is None:
            raise NotFound("not_submitted", N_("There is no submitted response to assess."))
        _refuse_if_frozen(workflow.course_id)
        in_team = workflow.team_response_id is not None
        if in_team and scope != team_staff.MEMBER:
            return team_staff.grade_team(problem, rows, actor, data, reason, from_queue)
        if in_team:
            team_staff.refuse_before_team_grade(rows)
        queue.check_hold(workflow, actor, problem.now, required=from_queue)
        previous = workflow.score_earned
        if in_team and not reason:
            raise Invalid("reason_required", N_("Say why this member's grade differs from their team's."))
        if previous is not None and not reason and workflow.status != Status.CANCELLED:
            raise Invalid("reason_required", N_("Say why you are changing the learner's grade."))
        peer_graded = workflow.score_source == StepName.PEER.value
        saved = staff_assess(problem, item_id, student_id, actor.anonymous_id, data)
        workflow = saved.workflow
        StaffLease.objects.filter(workflow=workflow).delete()
        if peer_graded:  # a staff grade decides the learner's open appeal of their peer grade, however given
            _close_appeal(workflow, actor, problem.now, reason)
        audit.record(
            item_id,
            student_id,
            actor,
            audit.GRADE if previous is None else audit.OVERRIDE,
            problem.now,
            reason,
            earned=workflow.score_earned,
            possible=workflow.score_possible,
            previous=previous,
            **({"scope": team_staff.MEMBER} if in_team else {}),
        )
        return saved


def _close_appeal(workflow: Workflow, actor: Actor, now: datetime, reason: str) -> None:
    """Mark the learner's open appeal regraded by this staff grade (one statement; none open, nothing changes)."""
    open_appeal = Appeal.objects.filter(workflow=workflow, status=Appeal.State.OPEN)
    open_appeal.update(
        status=Appeal.State.REGRADED,
        decided_by=actor.username,
        decider_id=actor.anonymous_id,
        decided_at=now,
        decision_reason=reason,
    )


def remove_from_peer_grading(problem: Problem, item_id: str, student_id: str, actor: Actor, comment: str) -> Workflow:
    """Cancel the learner's response: it leaves peer grading, the staff queue and the top responses.

    The learner sees the ``comment`` and gets a grade of zero, until staff reset their state so they answer again.
    """
    comment = _checked_text(comment, "comment_too_long")
    if not comment:
        raise Invalid("comment_required", N_("Say why the response is removed; the learner will read it."))
    with transaction.atomic(savepoint=False):
        workflow = locked(item_id, student_id)
        _refuse_if_frozen(workflow.course_id)
        if workflow.status == Status.CANCELLED:
            raise Conflict("already_cancelled", N_("This response was already removed from peer grading."))
        previous = workflow.score_earned
        workflow.status = Status.CANCELLED.value
        workflow.cancelled_at, workflow.cancelled_by, workflow.cancel_comment = problem.now, actor.username, comment
        peer.withdraw(workflow)
        StaffLease.objects.filter(workflow=workflow).delete()
        advance(problem, workflow)
        audit.record(item_id, student_id, actor, audit.CANCEL, problem.now, comment, previous=previous)
        transaction.on_commit(partial(top.forget, item_id))
        return workflow


def reset(
    course_id: str,
    item_id: str,
    student_id: str,
    actor: Actor | None = None,
    now: datetime | None = None,
    reason: str = "",
) -> list[str]:
    """Delete the learner's state in the problem so they start again; their score is reset once committed. A
    member of a team's response resets the whole team's (every member's score is reset). Returns whose state
    went: the learner's, or every member's of their team.

    The reset is recorded in the learner's history, which survives it; refused when there is nothing to delete,
    and while the course's grades are frozen.
    """
    reason = _checked_text(reason, "reason_too_long")
    now = now or platform.now()
    with transaction.atomic(savepoint=False):
        _refuse_if_frozen(course_id)
        gone = _delete_state(item_id, student_id, actor or Actor(""), now, reason)
        if not gone:
            raise NotFound("nothing_to_reset", N_("This learner has nothing to reset in this problem."))
        if gone == [student_id]:
            grades.reset_after_commit(course_id, item_id, student_id, now)
        else:
            grades.reset_all_after_commit(course_id, item_id, gone, now)
    return gone


def clear(course_id: str, item_id: str, student_id: str, actor: Actor, now: datetime) -> bool:
    """The platform's "Delete learner state": delete the learner's state as :func:`reset` does (a team member's:
    the whole team's), and reset their edx-submissions score (every member's), which the platform then leaves to
    the block.

    The score is reset within the call, as the platform's own reset does: the caller mutes the grades app's
    receivers only while it lasts (lms/djangoapps/instructor/enrollment.py). All of it runs in a savepoint of the
    caller's transaction, so a failure changes nothing and leaves that transaction usable. A learner with nothing
    here is no error (their score is reset all the same); frozen grades do not stop it, as they do not stop the
    platform's reset. Returns whether any state of the learner was deleted.
    """
    with transaction.atomic():
        gone = _delete_state(item_id, student_id, actor, now, "")
        for learner in dict.fromkeys([student_id, *gone]):
            submissions_api.reset_score(learner, course_id, item_id, clear_state=True)
    return bool(gone)


def _delete_state(item_id: str, student_id: str, actor: Actor, now: datetime, reason: str) -> list[str]:
    """Delete the learner's workflow (with its assessments), draft and files, and record it; returns whose state
    went: the learner's, every member's of a team response they share (:func:`.team_staff.delete_team`), or none.

    The files leave storage once the caller's transaction commits, and a storage failure is retried by
    ``ora_clean_uploads`` (see :func:`.files.forget_learner`).
    """
    found = Workflow.objects.filter(item_id=item_id, student_id=student_id)
    previous = found.values_list("score_earned", "team_response_id").first()
    if previous is not None and previous[1] is not None:
        team = team_staff.delete_team(item_id, previous[1], actor, now, reason)
        transaction.on_commit(partial(top.forget, item_id))
        return team
    storage = files.Limits(storage_alias=ora_settings.ORA_XBLOCK_FILE_STORAGE)
    had_files = files.forget_learner(item_id, student_id, storage)
    deleted, _ = found.delete()
    drafts, _ = Draft.objects.filter(item_id=item_id, student_id=student_id).delete()
    if not (deleted or drafts or had_files):
        return []
    audit.record(item_id, student_id, actor, audit.RESET, now, reason, previous=previous[0] if previous else None)
    transaction.on_commit(partial(top.forget, item_id))
    return [student_id]


def _refuse_if_frozen(course_id: str) -> None:
    """Refuse a change to the gradebook once the platform has frozen the course's grades."""
    if platform.grades_frozen(course_id):
        raise NotAllowed("grades_frozen", N_("The course's grades are frozen: they can no longer be changed."))


def _checked_text(text: object, too_long: str) -> str:
    if not isinstance(text, str):
        raise Invalid("bad_request", N_("Send the comment as text."))
    text = text.strip()
    if len(text) > MAX_REASON:
        raise Invalid(too_long, N_("Keep the comment under {limit} characters."), limit=MAX_REASON)
    return text
