"""The step registry declares every step type once, and agrees with the names stored elsewhere."""

from ora_xblock.definition.model import StepName
from ora_xblock.definition.validate import ASSESSING_STEPS
from ora_xblock.steps import BY_KIND, GRADE_PRECEDENCE, STEPS, step_type
from ora_xblock.workflow import Status


def test_every_olx_step_name_is_declared_exactly_once():
    assert sorted(step.name for step in STEPS) == sorted(StepName)


def test_kinds_are_unique_and_name_a_workflow_status():
    assert len(BY_KIND) == len(STEPS)
    assert all(Status(step.kind) for step in STEPS)


def test_a_step_is_found_by_its_olx_name_or_its_kind():
    assert step_type("peer-assessment") is step_type("peer") is step_type(StepName.PEER)


def test_only_grading_steps_give_grades_in_precedence():
    assert {step.name for step in STEPS if step.grades} == set(GRADE_PRECEDENCE)


def test_the_validator_asks_for_a_grading_step():
    """definition/ sits below the registry (steps.py imports its model), so the validator keeps its own set."""
    assert {step.name for step in STEPS if step.grades} == ASSESSING_STEPS
