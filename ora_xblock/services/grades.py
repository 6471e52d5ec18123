"""Turning stored assessments into a status and a grade, and sending the grade to the gradebook."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.db import transaction
from submissions import api as submissions_api

from .. import peer, platform
from ..definition.model import PeerStep, StepName
from ..models import Assessment, AuditEntry, Workflow
from ..scoring import Grade, grade
from ..workflow import Progress, Status, status
from . import audit
from .common import Problem

STAFF_OVERRIDE = "staff_override"  # the annotation type of a score course staff gave
log = logging.getLogger(__name__)


def assessments_of(workflow: Workflow) -> list[Assessment]:
    """Every assessment of the workflow's submission, oldest first (one query)."""
    return list(workflow.assessments.order_by("created_at", "id"))


def required_reviews(problem: Problem, workflow: Workflow) -> int:
    """Peer reviews this response needs now (flexible grading may have lowered Graded By)."""
    step = problem.definition.step(StepName.PEER)
    if not isinstance(step, PeerStep):
        return 0
    return peer.required_reviews(step, workflow.submitted_at, problem.now, problem.flexible)


def progress(problem: Problem, workflow: Workflow, received: list[Assessment]) -> Progress:
    """What the learner has done and been given: their own counters, and the assessments of their response."""
    kinds = {assessment.kind for assessment in received}
    return Progress(
        training_done=workflow.training_done,
        peers_assessed=workflow.peers_assessed,
        self_done=Assessment.Kind.SELF in kinds,
        staff_graded=Assessment.Kind.STAFF in kinds,
        peer_reviews_received=sum(assessment.kind == Assessment.Kind.PEER for assessment in received),
        peer_reviews_required=required_reviews(problem, workflow) or None,
        escalated=workflow.escalated_at is not None,
        cancelled=workflow.status == Status.CANCELLED,
    )


def grade_of(problem: Problem, workflow: Workflow, received: list[Assessment]) -> Grade | None:
    """The grade the rules give: the latest staff grade, else the peers that count, else the self grade.

    The peers that count are the first ones, up to the number required; later reviews are shown but not counted.
    """
    definition = problem.definition
    counted = required_reviews(problem, workflow)
    peers = [_points(a) for a in received if a.kind == Assessment.Kind.PEER][:counted]
    selves = [_points(a) for a in received if a.kind == Assessment.Kind.SELF]
    staff = [_points(a) for a in received if a.kind == Assessment.Kind.STAFF]
    return grade(
        definition,
        peer=peers if len(peers) >= counted else (),
        self_assessed=selves[0] if selves else None,
        staff=staff[-1] if staff else None,
    )


def advance(problem: Problem, workflow: Workflow) -> list[Assessment]:
    """Recompute the workflow's status and score after a change; publish the score once committed.

    Runs inside the caller's transaction, with the workflow row locked.
    Returns the submission's assessments, which it had to read anyway.
    """
    received = assessments_of(workflow)
    new_status = status(problem.definition, progress(problem, workflow, received))
    workflow.status = new_status.value
    workflow.updated_at = problem.now
    if new_status is Status.DONE:
        final = grade_of(problem, workflow, received)
        if final is not None:
            workflow.score_earned, workflow.score_possible = final.earned, final.possible
            workflow.score_source = final.source.value
    elif new_status is Status.CANCELLED:  # removed from peer grading: zero, until staff reset the learner
        workflow.score_earned, workflow.score_possible = 0, problem.definition.max_score
        workflow.score_source = ""
    workflow.save()
    if workflow.needs_publishing:
        transaction.on_commit(partial(publish, workflow.pk))
    return received


def publish(workflow_id: int) -> bool:
    """Send the workflow's score to edx-submissions, unless it is already there; returns whether it sent.

    A score course staff gave goes with its annotation: the grader's anonymous id and the reason they gave
    (edx-submissions stores an annotation only with its creator). While the platform keeps the course's grades
    frozen nothing is sent: the gradebook must not change, and the score stays waiting to be published.
    """
    with transaction.atomic():
        workflow = Workflow.objects.select_for_update().filter(pk=workflow_id).first()
        if workflow is None or not workflow.needs_publishing:
            return False
        if platform.grades_frozen(workflow.course_id):
            log.info(
                "Grades of %s are frozen: the score of workflow %s stays out of the gradebook",
                workflow.course_id,
                workflow.pk,
            )
            return False
        submissions_api.set_score(
            workflow.submission_uuid, workflow.score_earned, workflow.score_possible, **_annotation(workflow)
        )
        workflow.published_earned, workflow.published_possible = workflow.score_earned, workflow.score_possible
        workflow.save(update_fields=["published_earned", "published_possible"])
    return True


def _annotation(workflow: Workflow) -> dict[str, Any]:
    """The annotation of a staff score for edx-submissions ``set_score``: who graded last and why; none otherwise."""
    if workflow.score_source != StepName.STAFF.value:
        return {}
    staff = workflow.assessments.filter(kind=Assessment.Kind.STAFF).order_by("-created_at", "-id")
    grader = staff.values_list("scorer_id", flat=True).first()
    entries = AuditEntry.objects.filter(
        item_id=workflow.item_id, student_id=workflow.student_id, action__in=(audit.GRADE, audit.OVERRIDE)
    )
    reason = entries.order_by("-created_at", "-id").values_list("reason", flat=True).first()
    # The reason column is NOT NULL: None would make set_score drop the whole score on the IntegrityError.
    return {"annotation_creator": grader or "", "annotation_type": STAFF_OVERRIDE, "annotation_reason": reason or ""}


def _points(assessment: Assessment) -> dict[str, int]:
    return {part["criterion"]: part["points"] for part in assessment.parts if part["option"] is not None}
