"""What course staff do to a team's response (docs/decisions/0031-team-responses.md): grade it once for every
member, and reset it for the whole team.

The submitter's workflow holds the response and is the one graded; every other member's row gets a copy of the
staff assessment and the same score, in a fixed number of statements whatever the team's size. Each member's
score is then published after commit, one ``set_score`` per member, as edx-submissions requires.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from submissions.models import DELETED, TeamSubmission

from ..conf import ora_settings
from ..definition.errors import N_
from ..models import Assessment, AuditEntry, Draft, PartialUpload, ResponseFile, StaffLease, Workflow
from ..models.teams import TeamResponse
from ..workflow import Status
from . import audit, grades, queue
from .assessments import copied, staff_assess
from .audit import Actor
from .common import Conflict, Invalid, NotFound, Problem, Team
from .file_pieces import discard
from .files import Limits, drop_files

TEAM, MEMBER = "team", "member"  # whom a staff grade of a team member's row is for
SCOPES = (TEAM, MEMBER)


def checked_scope(scope: object) -> str | None:
    """The scope a grade request names: ``team``, ``member``, or none (a team's row is graded for the team)."""
    if scope is None or scope == "":
        return None
    if scope not in SCOPES:
        raise Invalid("bad_scope", N_("Choose to grade the whole team or this member only."))
    return str(scope)


def locked_with_team(item_id: str, student_id: str) -> list[Workflow]:
    """The learner's workflow and, if they share a team's response, every member's, locked in the order of their
    ids; empty if the learner has not submitted.

    Two statements on indexes: which team, read without a lock, then the rows locked. A single statement (the
    learner's row or the team's) would scan the whole table, and InnoDB locks every row it scans. Locking a team's
    rows together, in one order, lets two graders of one team from different members' rows wait for each other
    rather than deadlock.
    """
    mine = Workflow.objects.filter(item_id=item_id, student_id=student_id)
    found = mine.values_list("team_response_id", flat=True).first()
    rows = Workflow.objects.filter(team_response_id=found) if found is not None else mine
    return list(rows.select_for_update().order_by("pk"))


def refuse_before_team_grade(rows: list[Workflow]) -> None:
    """Refuse to override one member before the team has its grade: the team's response would leave the queue
    (its submitter's row graded) with the other members ungraded."""
    if all(row.score_earned is None for row in rows if not row.shares_response):
        raise Conflict("team_not_graded", N_("Grade the whole team first; then you may change one member's grade."))


def grade_team(
    problem: Problem, rows: list[Workflow], actor: Actor, data: Mapping[str, object], reason: str, from_queue: bool
) -> Assessment:
    """Grade the team's response (``rows``: every member's workflow, locked) from its submitter's row, and give
    every other member the same assessment and score; returns the submitter's assessment.

    A reason is needed once any member has a score (the team's, or one member's override), which this replaces.
    """
    submitter = next((row for row in rows if not row.shares_response), None)
    if submitter is None:
        raise NotFound("not_submitted", N_("There is no submitted response to assess."))
    queue.check_hold(submitter, actor, problem.now, required=from_queue)
    if not reason and any(row.score_earned is not None and row.status != Status.CANCELLED for row in rows):
        raise Invalid("reason_required", N_("Say why you are changing the learner's grade."))
    saved = staff_assess(problem, submitter.item_id, submitter.student_id, actor.anonymous_id, data)
    graded = saved.workflow
    StaffLease.objects.filter(workflow=graded).delete()
    members = [row for row in rows if row.pk != graded.pk and row.status != Status.CANCELLED]
    Assessment.objects.bulk_create(copied(saved, member) for member in members)
    Workflow.objects.filter(pk__in=[member.pk for member in members]).update(
        status=graded.status,
        score_earned=graded.score_earned,
        score_possible=graded.score_possible,
        score_source=graded.score_source,
        updated_at=problem.now,
        publish_due_at=problem.now + grades.GRACE,
    )
    AuditEntry.objects.bulk_create(_graded(row, graded, actor, problem.now, reason) for row in [submitter, *members])
    grades.publish_all_after_commit([member.pk for member in members], problem.now, problem.definition.title)
    return saved


def delete_team(item_id: str, team_response_id: int, actor: Actor, now: datetime, reason: str) -> list[str]:
    """Delete the team's response for every member, in the caller's transaction: their workflows (with their
    assessments), the response's files, the team's draft and its files, and the :class:`TeamResponse`; the team
    submission is withdrawn in edx-submissions so that the team may submit again. Records a reset for each
    member, and returns their anonymous ids (the caller resets their scores)."""
    response = TeamResponse.objects.get(pk=team_response_id)
    members = list(
        Workflow.objects.filter(team_response_id=team_response_id).values_list("pk", "student_id", "score_earned")
    )
    owners = [student_id for _, student_id, _ in members] + [Team(response.team_id, "", ()).draft_owner]
    limits = Limits(storage_alias=ora_settings.ORA_XBLOCK_FILE_STORAGE)
    # the response's files, then the draft's and any member's of their own: two statements on two indexes
    drop_files(ResponseFile.objects.filter(workflow_id__in=[pk for pk, _, _ in members]), limits)
    drop_files(ResponseFile.objects.filter(item_id=item_id, student_id__in=owners), limits)
    discard(PartialUpload.objects.filter(item_id=item_id, student_id__in=owners), limits)
    Draft.objects.filter(item_id=item_id, student_id__in=owners).delete()
    response.delete()  # and, with it, every member's workflow
    TeamSubmission.objects.filter(uuid=response.team_submission_uuid).update(status=DELETED)
    entries = [
        AuditEntry(
            item_id=item_id,
            student_id=student_id,
            actor_id=actor.anonymous_id,
            actor_username=actor.username,
            action=audit.RESET,
            reason=reason,
            created_at=now,
            details={"previous": previous, "team": response.team_name},
        )
        for _, student_id, previous in members
    ]
    AuditEntry.objects.bulk_create(entries)
    return [student_id for _, student_id, _ in members]


def _graded(row: Workflow, graded: Workflow, actor: Actor, now: datetime, reason: str) -> AuditEntry:
    """The team grade in one member's history (``row`` as it was before), as :func:`.audit.record` writes it."""
    previous = row.score_earned
    return AuditEntry(
        item_id=row.item_id,
        student_id=row.student_id,
        actor_id=actor.anonymous_id,
        actor_username=actor.username,
        action=audit.GRADE if previous is None else audit.OVERRIDE,
        reason=reason,
        created_at=now,
        details={"earned": graded.score_earned, "possible": graded.score_possible, "previous": previous, "scope": TEAM},
    )
