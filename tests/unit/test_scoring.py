"""Scoring exactly as the Open edX documentation states it."""

from __future__ import annotations

import pytest

from ora_xblock import scenarios
from ora_xblock.definition import load_olx
from ora_xblock.definition.model import GradingStrategy, StepName
from ora_xblock.scoring import aggregate, grade, mean, median

ESSAY = load_olx(scenarios.resource_text("scenarios/ideas_content_grammar.xml"))  # Ideas 10, Content 10, Grammar 5


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([10, 7, 8], 8),  # the seed's Ideas example
        ([7, 9, 8], 8),
        ([4, 4, 5], 4),
        ([5], 5),
        ([1, 2], 2),  # even count: ceiling of the mean of the two middle values
        ([3, 4, 0, 10], 4),
        ([0, 0, 1, 1], 1),
        ([2, 2, 2, 2], 2),
        ([], 0),
    ],
)
def test_median(values: list[int], expected: int) -> None:
    assert median(values) == expected


@pytest.mark.parametrize(
    ("values", "expected"), [([5, 6, 12, 16, 22, 53], 19), ([1, 2], 2), ([3, 3, 3], 3), ([0, 1, 1], 1), ([], 0)]
)
def test_mean_is_the_ceiling_of_the_mean(values: list[int], expected: int) -> None:
    assert mean(values) == expected
    assert aggregate(values, GradingStrategy.MEAN) == expected


def test_the_seed_worked_example_scores_20_of_25() -> None:
    peers = [
        {"Ideas": 10, "Content": 7, "Grammar": 4},
        {"Ideas": 7, "Content": 9, "Grammar": 4},
        {"Ideas": 8, "Content": 8, "Grammar": 5},
    ]
    result = grade(ESSAY, peer=peers)
    assert result is not None
    assert (result.earned, result.possible, result.source) == (20, 25, StepName.PEER)
    assert [(item.name, item.points, item.possible) for item in result.criteria] == [
        ("Ideas", 8, 10),
        ("Content", 8, 10),
        ("Grammar", 4, 5),
    ]


def test_with_peer_and_self_only_peer_counts() -> None:
    result = grade(
        ESSAY, peer=[{"Ideas": 4, "Content": 4, "Grammar": 4}], self_assessed={"Ideas": 10, "Content": 10, "Grammar": 5}
    )
    assert result is not None
    assert (result.earned, result.source) == (12, StepName.PEER)
    assert result.criteria[0].by_step == {StepName.PEER: 4, StepName.SELF: 10}


def test_staff_overrides_everything() -> None:
    result = grade(
        ESSAY,
        peer=[{"Ideas": 10, "Content": 10, "Grammar": 5}],
        self_assessed={"Ideas": 10, "Content": 10, "Grammar": 5},
        staff={"Ideas": 0, "Content": 7, "Grammar": 4},
    )
    assert result is not None
    assert (result.earned, result.source) == (11, StepName.STAFF)


def test_self_only_uses_the_self_score_and_feedback_only_criteria_count_nothing() -> None:
    reflection = load_olx(scenarios.resource_text("scenarios/self_only.xml"))
    result = grade(reflection, self_assessed={"Reflection": 2})
    assert result is not None
    assert (result.earned, result.possible, result.source) == (2, 4, StepName.SELF)
    war = load_olx(scenarios.resource_text("scenarios/hundred_years_war.xml"))
    scored = grade(war, peer=[{"Origins": 3}, {"Origins": 5}])
    assert scored is not None
    assert (scored.earned, scored.possible) == (4, 5)
    assert [(item.name, item.points, item.possible) for item in scored.criteria] == [
        ("Origins", 4, 5),
        ("Sources", 0, 0),
    ]


def test_nothing_to_score_yet() -> None:
    assert grade(ESSAY) is None
    assert grade(ESSAY, self_assessed={"Ideas": 1, "Content": 1, "Grammar": 1}) is None  # peers decide here
    staff_only = load_olx(scenarios.resource_text("scenarios/staff_only.xml"))
    assert grade(staff_only) is None


def test_mean_strategy_applies_when_the_problem_asks() -> None:
    peer_only = load_olx(scenarios.resource_text("scenarios/peer_only.xml"))  # grading_strategy="mean"
    result = grade(peer_only, peer=[{"Users": 0, "Feasibility": 2}, {"Users": 3, "Feasibility": 3}])
    assert result is not None
    assert [item.points for item in result.criteria] == [2, 3]


@pytest.mark.parametrize(
    ("scenario", "given", "expected"),
    [
        ("peer_only.xml", {"staff"}, StepName.STAFF),  # a staff grade overrides even without a staff step
        ("ideas_content_grammar.xml", {"peer", "self"}, StepName.PEER),  # a staff step alone decides nothing
        ("self_staff.xml", {"self"}, StepName.SELF),
        ("self_staff.xml", {"self", "staff"}, StepName.STAFF),
        ("staff_only.xml", {"self", "peer"}, None),  # assessments of steps the problem lacks count for nothing
        ("self_only.xml", {"peer"}, None),
        ("default.xml", {"self"}, None),  # with a peer step, the peers decide
    ],
)
def test_the_grade_comes_from_the_first_step_in_precedence_the_problem_has(
    scenario: str, given: set[str], expected: StepName | None
) -> None:
    definition = load_olx(scenarios.resource_text(f"scenarios/{scenario}"))
    points = {criterion.name: 0 for criterion in definition.rubric.criteria if criterion.options}
    result = grade(
        definition,
        peer=[points] if "peer" in given else (),
        self_assessed=points if "self" in given else None,
        staff=points if "staff" in given else None,
    )
    assert (result.source if result else None) == expected
