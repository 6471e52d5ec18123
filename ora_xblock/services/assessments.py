"""Assessing a response with the rubric: the learner's own (self) and course staff's."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import IntegrityError, transaction

from ..assessing import Checked, InvalidAssessment, check
from ..definition.errors import N_
from ..definition.model import StepName
from ..models import Assessment, Workflow
from ..workflow import Status
from .common import Conflict, Invalid, Learner, NotFound, Problem
from .grades import advance


def self_assess(
    problem: Problem, learner: Learner, data: Mapping[str, object]
) -> tuple[Workflow, list[Assessment], Assessment]:
    """Record the learner's one self assessment and move them on; returns the workflow, its assessments and the
    self assessment saved."""
    with transaction.atomic(savepoint=False):
        workflow = locked(learner.item_id, learner.student_id)
        if workflow.status != Status.SELF:
            raise Conflict("not_this_step", N_("Self assessment is not your current step."))
        problem.require_open(StepName.SELF)
        checked = checked_assessment(problem, data)
        try:
            with transaction.atomic(savepoint=False):
                saved = store_assessment(
                    problem, workflow, Assessment.Kind.SELF, learner.student_id, checked, f"{workflow.pk}:self"
                )
        except IntegrityError:
            raise Conflict("already_assessed", N_("You have already assessed your response.")) from None
        return workflow, advance(problem, workflow), saved


def staff_assess(
    problem: Problem, item_id: str, student_id: str, scorer_id: str, data: Mapping[str, object]
) -> Assessment:
    """Record a staff grade, which overrides all others; staff may grade again and the latest counts. Returns the
    assessment saved; its ``workflow`` is the learner's, moved on."""
    with transaction.atomic(savepoint=False):
        workflow = locked(item_id, student_id)
        if workflow.status == Status.CANCELLED:
            raise Conflict("cancelled", N_("This response was cancelled and cannot be graded."))
        saved = store_assessment(
            problem, workflow, Assessment.Kind.STAFF, scorer_id, checked_assessment(problem, data), None
        )
        advance(problem, workflow)
        return saved


def locked(item_id: str, student_id: str) -> Workflow:
    """The learner's workflow in the problem, locked for this transaction."""
    workflow = Workflow.objects.lock_for(item_id, student_id)
    if workflow is None:
        raise NotFound("not_submitted", N_("There is no submitted response to assess."))
    return workflow


def checked_assessment(problem: Problem, data: Mapping[str, object]) -> Checked:
    """The assessment in ``data`` checked against the rubric, or a refusal listing every problem."""
    options, feedback = data.get("options_selected", {}), data.get("criterion_feedback", {})
    if not isinstance(options, Mapping) or not isinstance(feedback, Mapping):
        raise Invalid("bad_request", N_("Send options_selected and criterion_feedback as objects."))
    try:
        return check(problem.definition.rubric, options, feedback, data.get("overall_feedback", ""))
    except InvalidAssessment as invalid:
        raise Invalid(
            "invalid_assessment", N_("The assessment is incomplete: correct the fields listed."), invalid.errors
        ) from None


def store_assessment(
    problem: Problem, workflow: Workflow, kind: str, scorer_id: str, checked: Checked, once_key: str | None
) -> Assessment:
    """Save a checked assessment of ``workflow``'s response."""
    saved = new_assessment(problem, workflow, kind, scorer_id, checked, once_key)
    saved.save(force_insert=True)
    return saved


def new_assessment(
    problem: Problem, workflow: Workflow, kind: str, scorer_id: str, checked: Checked, once_key: str | None
) -> Assessment:
    """A checked assessment of ``workflow``'s response, not saved yet."""
    return Assessment(
        workflow=workflow,
        kind=kind,
        scorer_id=scorer_id,
        parts=[part.as_dict() for part in checked.parts],
        overall_feedback=checked.overall_feedback,
        points_earned=checked.earned,
        points_possible=problem.definition.max_score,
        created_at=problem.now,
        once_key=once_key,
    )


def copied(assessment: Assessment, workflow: Workflow) -> Assessment:
    """An unsaved copy of ``assessment`` for another ``workflow``: a team's grade in each member's row."""
    return Assessment(
        workflow=workflow,
        kind=assessment.kind,
        scorer_id=assessment.scorer_id,
        parts=assessment.parts,
        overall_feedback=assessment.overall_feedback,
        points_earned=assessment.points_earned,
        points_possible=assessment.points_possible,
        created_at=assessment.created_at,
    )
