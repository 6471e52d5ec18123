"""Learner training: grade the author's sample responses until every criterion matches."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from django.db import transaction

from ..definition.errors import N_
from ..definition.model import StepName, TrainingExample, TrainingStep
from ..models import Workflow
from ..workflow import Status
from .common import Conflict, Invalid, Learner, Problem
from .grades import advance


class Attempt(NamedTuple):
    """A learner's grading of a training sample: ``corrections`` maps each criterion they got wrong to the
    author's option; their submission's uuid and their workflow's status after it."""

    corrections: dict[str, str]
    submission_uuid: str
    status: str


def current_example(problem: Problem, workflow: Workflow) -> tuple[int, TrainingExample] | None:
    """The sample the learner is on (numbered from 1), or None once training is passed."""
    step = problem.definition.step(StepName.TRAINING)
    if not isinstance(step, TrainingStep) or workflow.training_done or workflow.training_position >= len(step.examples):
        return None
    return workflow.training_position + 1, step.examples[workflow.training_position]


def training_assess(problem: Problem, learner: Learner, options_selected: object) -> Attempt:
    """Compare the learner's choices with the author's: the criteria that differ, with the author's option (none:
    passed), and the learner's submission.

    A match moves the learner to the next sample, and after the last one out of training.
    """
    if not isinstance(options_selected, Mapping):
        raise Invalid("bad_request", N_("Send options_selected as an object."))
    with transaction.atomic(savepoint=False):
        workflow = Workflow.objects.lock_for(learner.item_id, learner.student_id)
        if workflow is None or workflow.status != Status.TRAINING:
            raise Conflict("not_this_step", N_("Learner training is not your current step."))
        problem.require_open(StepName.TRAINING)
        current = current_example(problem, workflow)
        if current is None:
            raise Conflict("not_this_step", N_("Learner training is not your current step."))
        _, example = current
        expected = {selection.criterion: selection.option for selection in example.selections}
        missing = [name for name in expected if not options_selected.get(name)]
        if missing:
            raise Invalid(
                "option_missing", N_("Choose an option for every criterion: {names}."), names=", ".join(missing)
            )
        corrections = {name: option for name, option in expected.items() if options_selected.get(name) != option}
        if corrections:
            return Attempt(corrections, workflow.submission_uuid, workflow.status)
        step = problem.definition.step(StepName.TRAINING)
        workflow.training_position += 1
        workflow.training_done = isinstance(step, TrainingStep) and workflow.training_position >= len(step.examples)
        advance(problem, workflow)
        return Attempt({}, workflow.submission_uuid, workflow.status)
