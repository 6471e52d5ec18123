"""ora2's assessment data: which rubric parts are complete, and sample assessment payloads."""

from __future__ import annotations

from typing import Any

import pytest

from ora_xblock.assessing import InvalidAssessment, check
from ora_xblock.definition.model import Criterion, CriterionFeedback, Option, Rubric

from .ora2 import ASSESSMENT_DATA, cases, require_data

pytestmark = pytest.mark.usefixtures("conformance_data")


@pytest.fixture
def conformance_data() -> None:
    require_data()


@pytest.mark.parametrize("case", cases("models_check_criteria_assessed.json", ASSESSMENT_DATA))
def test_which_criterion_parts_are_complete(case: dict[str, Any]) -> None:
    options = () if case["has_zero_options"] else (Option("good", 1),)
    feedback = CriterionFeedback.REQUIRED if case["has_zero_options"] else CriterionFeedback.OPTIONAL
    rubric = Rubric(criteria=(Criterion("c", options=options, feedback=feedback),))
    selected = {"c": "good"} if case["has_option_selected"] else {}
    comments = {"c": "some feedback"} if case["has_feedback"] else {}
    try:
        check(rubric, selected, comments, "")
    except InvalidAssessment:
        assert case["expected_error"]
    else:
        assert not case["expected_error"]


# The rubric these payloads were written for, as its test describes it (14 points possible).
PAYLOAD_RUBRIC = Rubric(
    criteria=(
        Criterion("secret", options=(Option("no", 0), Option("yes", 1))),
        Criterion("ⓢⓐⓕⓔ", options=(Option("no", 0), Option("yes", 1))),
        Criterion("giveup", options=(Option("unwilling", 0), Option("reluctant", 3), Option("eager", 10))),
        Criterion("singing", options=(Option("no", 2), Option("yes", 0))),
    )
)


@pytest.mark.parametrize("case", cases("valid_assessments.json", ASSESSMENT_DATA))
def test_sample_assessments_are_accepted_and_scored(case: dict[str, Any]) -> None:
    checked = check(PAYLOAD_RUBRIC, case["options_selected"], case["criterion_feedback"], case["overall_feedback"])
    assert checked.earned == 6
    assert PAYLOAD_RUBRIC.max_points == 14
    assert checked.overall_feedback == case["overall_feedback"]
