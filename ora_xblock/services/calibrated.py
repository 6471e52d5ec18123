"""Calibrated peer grades in use: the refresh's pass over a problem graded by the calibrated strategy.

A peer review landing only marks the problem due (:func:`mark_due`, :data:`AFTER` later, so reviews arriving
together share a pass); the periodic refresh (:mod:`.overdue`) then runs :func:`run` once per problem it refreshes.
The pass reads the problem's peer and staff assessments, calls :func:`ora_xblock.calibration.calibrate`, and in
one transaction writes each response's ``adjusted_points`` (None: on the median) and each reviewer's
:class:`~ora_xblock.models.ReviewerAccuracy`, in bulk statements, in a constant number of queries. A score that
changes is marked due to publish (decision 0016); the refresh's sending of due scores publishes it, and the
learner's grade notice says it changed. Never on a learner's request; never a staff grade, nor in a course whose
grades are frozen. Re-publication policy: docs/decisions/0032-calibrated-peer-grades.md, "Re-publication".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction

from .. import calibration, platform
from ..definition.dates import DISTANT_FUTURE
from ..definition.model import StepName
from ..models import Assessment, ReviewerAccuracy, Workflow
from ..workflow import Status
from . import grades
from .common import Problem

AFTER = timedelta(minutes=5)  # a problem is calibrated this long after a peer review lands
WINDOW = timedelta(days=14)  # without a peer due date, a grade may go down until this long after the submission
STAFF = StepName.STAFF.value


@dataclass(frozen=True)
class Calibrated:
    """What a pass changed: responses whose points changed, scores changed (due to publish), lower scores the
    policy held back, reviewers' accuracy rows written."""

    adjusted: int = 0
    rescored: int = 0
    held: int = 0
    reviewers: int = 0


def mark_due(problem: Problem, item_id: str) -> None:
    """A peer review landed in a calibrated problem: have the refresh calibrate it :data:`AFTER` from now."""
    from . import overdue  # overdue runs this module's pass

    overdue.due_by(item_id, problem.now + AFTER, problem.now)


def run(problem: Problem, item_id: str, course_id: str) -> Calibrated:
    """Calibrate the problem's peer grades and apply them (a problem not graded by the calibrated strategy: no
    query). Deterministic: the same reviews give the same rows, and a second pass writes nothing."""
    step = problem.definition.step(StepName.PEER)
    if not grades.calibrated(step):
        return Calibrated()
    workflows = list(Workflow.objects.filter(item_id=item_id).order_by("pk"))
    received = _received(Assessment.objects.filter(workflow__item_id=item_id))
    reviews = [
        (a.scorer_id, str(a.workflow_id), _points(a))
        for mine in received.values()
        for a in mine
        if a.kind == Assessment.Kind.PEER
    ]
    staff = {str(pk): _points(_staff(given)[-1]) for pk, given in received.items() if _staff(given)}
    options = {c.name: [o.points for o in c.options] for c in problem.definition.rubric.criteria if c.options}
    result = calibration.calibrate(reviews, options, graded_by=step.must_be_graded_by, staff=staff)
    accuracy = {reviewer: result.accuracy(reviewer) or 0 for reviewer in result.reviewers}
    frozen = platform.grades_frozen(course_id)
    due = [w.pk for w in workflows if not frozen and _changes(problem, w, received.get(w.pk, []), result, accuracy)]
    with transaction.atomic():
        reviewers = _write_accuracy(item_id, result, reviews, problem.now)
        done = _apply(problem, due, result, accuracy) if due else Calibrated()
    return Calibrated(done.adjusted, done.rescored, done.held, reviewers)


def _changes(
    problem: Problem, workflow: Workflow, given: list[Assessment], result: calibration.Calibration, accuracy: Any
) -> bool:
    """Whether the pass would change the response's points or score (read before locking anything)."""
    if workflow.score_source == STAFF or _staff(given):
        return False
    if _target(workflow, result) != workflow.adjusted_points:
        return True
    if workflow.status != Status.DONE:
        return False
    final = grades.grade_of(problem, workflow, given, accuracy)
    return final is not None and final.earned != workflow.score_earned


def _apply(problem: Problem, pks: Sequence[int], result: calibration.Calibration, accuracy: Any) -> Calibrated:
    """The rows that change, locked and read again with their assessments: their points and scores, in one
    statement; a score going down after the policy's window keeps the row as it was."""
    locked = list(Workflow.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
    received = _received(Assessment.objects.filter(workflow_id__in=pks))
    changed, rescored, held = [], 0, 0
    for workflow in locked:
        given = received.get(workflow.pk, [])
        if workflow.score_source == STAFF or _staff(given):
            continue
        before = workflow.adjusted_points
        workflow.adjusted_points = _target(workflow, result)
        final = grades.grade_of(problem, workflow, given, accuracy) if workflow.status == Status.DONE else None
        rescoring = final is not None and final.earned != workflow.score_earned
        if final is not None and rescoring:
            if final.earned < (workflow.score_earned or 0) and problem.now > window_end(problem, workflow):
                workflow.adjusted_points, held = before, held + 1
                continue
            workflow.score_earned, workflow.score_possible = final.earned, final.possible
            workflow.score_source, workflow.updated_at = final.source.value, problem.now
            if workflow.needs_publishing:  # sent by the refresh's sending of due scores, in this same pass
                workflow.publish_due_at = min(problem.now, workflow.publish_due_at or problem.now)
            rescored += 1
        if rescoring or workflow.adjusted_points != before:
            changed.append(workflow)
    fields = ["adjusted_points", "score_earned", "score_possible", "score_source", "updated_at", "publish_due_at"]
    if changed:
        Workflow.objects.bulk_update(changed, fields, batch_size=1000)
    return Calibrated(adjusted=len(changed), rescored=rescored, held=held)


def window_end(problem: Problem, workflow: Workflow) -> datetime:
    """Until when a calibrated grade may also go down: the peer step's due date, else :data:`WINDOW` after the
    learner submitted; after that it only goes up."""
    due = problem.windows[StepName.PEER].due
    return due if due < DISTANT_FUTURE else workflow.submitted_at + WINDOW


def _write_accuracy(
    item_id: str, result: calibration.Calibration, reviews: Sequence[tuple[str, str, Any]], now: datetime
) -> int:
    """Each reviewer's accuracy row, written only where it changed (one read, one upsert, one delete at most)."""
    given: dict[str, int] = {}
    for reviewer, _, _ in reviews:
        given[reviewer] = given.get(reviewer, 0) + 1
    wanted = {
        reviewer: (result.accuracy(reviewer) or 0, given[reviewer], _criteria(by_criterion))
        for reviewer, by_criterion in sorted(result.reviewers.items())
    }
    rows = ReviewerAccuracy.objects.filter(item_id=item_id)
    rows = rows.values_list("pk", "reviewer_id", "score", "reviews", "criteria")
    stored = {reviewer: (pk, (score, count, criteria)) for pk, reviewer, score, count, criteria in rows}
    fresh = [
        ReviewerAccuracy(item_id=item_id, reviewer_id=r, score=s, reviews=n, criteria=c, updated_at=now)
        for r, (s, n, c) in wanted.items()
        if r not in stored or stored[r][1] != (s, n, c)
    ]
    if fresh:
        target = ["item_id", "reviewer_id"] if connection.features.supports_update_conflicts_with_target else None
        ReviewerAccuracy.objects.bulk_create(  # MySQL's upsert takes no target: the unique constraint is the only one
            fresh,
            update_conflicts=True,
            unique_fields=target,
            update_fields=["score", "reviews", "criteria", "updated_at"],
        )
    gone = [pk for reviewer, (pk, _) in stored.items() if reviewer not in wanted]
    if gone:
        ReviewerAccuracy.objects.filter(pk__in=gone).delete()
    return len(fresh)


def _criteria(by_criterion: Mapping[str, calibration.Accuracy]) -> dict[str, dict[str, Any]]:
    return {
        name: {"reviews": item.reviews, "bias": item.bias, "error": item.error, "score": item.score}
        for name, item in sorted(by_criterion.items())
    }


def _target(workflow: Workflow, result: calibration.Calibration) -> dict[str, int] | None:
    key = str(workflow.pk)
    return dict(result.points[key]) if key in result.calibrated else None


def _received(assessments: Any) -> dict[int, list[Assessment]]:
    """Peer, self and staff assessments by workflow, oldest first (one query)."""
    kinds = (Assessment.Kind.PEER, Assessment.Kind.SELF, Assessment.Kind.STAFF)
    found: dict[int, list[Assessment]] = {}
    for assessment in assessments.filter(kind__in=kinds).order_by("created_at", "id"):
        found.setdefault(assessment.workflow_id, []).append(assessment)
    return found


def _staff(given: Sequence[Assessment]) -> list[Assessment]:
    return [a for a in given if a.kind == Assessment.Kind.STAFF]


def _points(assessment: Assessment) -> dict[str, int]:
    return {part["criterion"]: part["points"] for part in assessment.parts if part["option"] is not None}
