"""Reviewers' accuracy in a problem, as the calibration pass stored it (``ReviewerAccuracy``), read for the
reviewer's own page, staff's learner record, the gradebook, the data report and the staff area.

Only a problem whose peer step is calibrated has these rows; elsewhere nothing is read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import JSONField, OuterRef, QuerySet, Subquery

from ..definition.model import Definition, GradingStrategy, PeerStep, StepName
from ..models import ReviewerAccuracy, Workflow

LEAST_RELIABLE = 10  # the staff area lists this many reviewers at most ...
MIN_REVIEWS = 3  # ... among those with at least this many reviews (calibration.MIN_REVIEWS_EACH)


@dataclass(frozen=True)
class Standing:
    """One reviewer's accuracy in a problem: ``score`` 0-100 over every criterion, ``reviews`` given, and
    ``criteria`` by name, each ``{"reviews", "bias", "error", "score"}`` (bias in points, positive: lenient)."""

    reviewer_id: str
    score: int
    reviews: int
    criteria: dict[str, dict[str, Any]]
    username: str = ""


def measured(definition: Definition) -> bool:
    """Whether the problem grades its reviewers: a calibrated peer step."""
    step = definition.step(StepName.PEER)
    return isinstance(step, PeerStep) and step.grading_strategy is GradingStrategy.CALIBRATED


def of_reviewer(item_id: str, reviewer_id: str) -> Standing | None:
    """The reviewer's accuracy in the problem, None before the calibration pass measured it (one query)."""
    row = ReviewerAccuracy.objects.filter(item_id=item_id, reviewer_id=reviewer_id).first()
    return None if row is None else Standing(row.reviewer_id, row.score, row.reviews, row.criteria)


def least_reliable(item_id: str, count: int = LEAST_RELIABLE, min_reviews: int = MIN_REVIEWS) -> list[Standing]:
    """Up to ``count`` reviewers with at least ``min_reviews`` reviews, the lowest score first (ties by id), each
    with their username: one query, on the ``ora_accuracy_least`` index."""
    username = Workflow.objects.filter(item_id=OuterRef("item_id"), student_id=OuterRef("reviewer_id"))
    rows = (
        ReviewerAccuracy.objects.filter(item_id=item_id, reviews__gte=min_reviews)
        .annotate(username=Subquery(username.values("username")[:1]))
        .order_by("score", "reviewer_id")[:count]
    )
    return [Standing(row.reviewer_id, row.score, row.reviews, row.criteria, row.username or "") for row in rows]


def _of(field: str, reviewer: str = "student_id") -> Subquery:
    found = ReviewerAccuracy.objects.filter(item_id=OuterRef("item_id"), reviewer_id=OuterRef(reviewer))
    return Subquery(found.values(field)[:1], output_field=JSONField() if field == "criteria" else None)


def with_score(workflows: QuerySet[Workflow]) -> QuerySet[Workflow]:
    """``workflows`` with each learner's accuracy score as a reviewer (``accuracy_score``, None without), in the
    same query."""
    return workflows.annotate(accuracy_score=_of("score"))


def scores_of(workflows: Iterable[Workflow]) -> dict[str, int]:
    """The accuracy scores :func:`with_score` read with ``workflows``, by anonymous id (for ``grade_of``)."""
    found = ((workflow.student_id, getattr(workflow, "accuracy_score", None)) for workflow in workflows)
    return {student_id: score for student_id, score in found if score is not None}


def with_standing(workflows: QuerySet[Workflow]) -> QuerySet[Workflow]:
    """``workflows`` with each learner's whole accuracy as a reviewer, in the same query (see :func:`standing`)."""
    return workflows.annotate(
        accuracy_score=_of("score"), accuracy_reviews=_of("reviews"), accuracy_criteria=_of("criteria")
    )


def standing(workflow: Workflow) -> Standing | None:
    """The accuracy :func:`with_standing` read with the learner's workflow; None without (or not read)."""
    score = getattr(workflow, "accuracy_score", None)
    if score is None:
        return None
    criteria = getattr(workflow, "accuracy_criteria", None) or {}
    return Standing(workflow.student_id, score, getattr(workflow, "accuracy_reviews", 0) or 0, criteria)


def scorer_score(item_id: str) -> Subquery:
    """An assessment's scorer's accuracy score in the problem ``item_id`` (an annotation; None without)."""
    found = ReviewerAccuracy.objects.filter(item_id=item_id, reviewer_id=OuterRef("scorer_id"))
    return Subquery(found.values("score")[:1])
