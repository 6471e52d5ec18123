"""How assessments become a grade, exactly as the Open edX documentation states. Pure Python.

Each assessment is a mapping from criterion name to the points of the option
chosen. Criteria without options carry feedback only and count no points.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .definition.model import Definition, GradingStrategy, PeerStep, StepName
from .steps import GRADE_PRECEDENCE

Points = Mapping[str, int]


def median(values: Sequence[int]) -> int:
    """The median; for an even count, the ceiling of the mean of the two middle values."""
    if not values:
        return 0
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return math.ceil((ordered[middle - 1] + ordered[middle]) / 2)


def mean(values: Sequence[int]) -> int:
    """The ceiling of the mean."""
    return math.ceil(sum(values) / len(values)) if values else 0


def aggregate(values: Sequence[int], strategy: GradingStrategy) -> int:
    """Combine peers' points for one criterion. The calibrated strategy needs the whole problem's reviews
    (:mod:`.calibration`, its points given to :func:`grade` as ``peer_points``): on one response's alone, the median."""
    return mean(values) if strategy is GradingStrategy.MEAN else median(values)


@dataclass(frozen=True)
class CriterionGrade:
    """One criterion's points that counted, out of its best option, and what each step gave."""

    name: str
    label: str
    points: int
    possible: int
    by_step: Mapping[StepName, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Grade:
    """The final score and where it came from."""

    earned: int
    possible: int
    source: StepName
    criteria: tuple[CriterionGrade, ...]


def grade(
    definition: Definition,
    *,
    peer: Sequence[Points] = (),
    self_assessed: Points | None = None,
    staff: Points | None = None,
    peer_points: Points | None = None,
) -> Grade | None:
    """The grade the problem's rules give, or None when nothing can be scored yet.

    A staff assessment overrides everything. Otherwise a problem with a peer
    step is scored by its peers (each criterion aggregated, then summed),
    even when it also has a self step. A problem without peers uses the self
    assessment. ``peer`` holds only the peer assessments that count;
    ``peer_points``, when given, are the peer step's points already combined
    (the calibrated strategy's, :func:`.calibration.calibrate`).
    """
    peer_step = definition.step(StepName.PEER)
    strategy = peer_step.grading_strategy if isinstance(peer_step, PeerStep) else GradingStrategy.MEDIAN
    by_step: dict[StepName, Points] = {}
    if peer_points is not None:
        by_step[StepName.PEER] = peer_points
    elif peer:
        by_step[StepName.PEER] = {
            criterion.name: aggregate([points[criterion.name] for points in peer], strategy)
            for criterion in definition.rubric.criteria
            if criterion.options
        }
    if self_assessed is not None:
        by_step[StepName.SELF] = self_assessed
    if staff is not None:
        by_step[StepName.STAFF] = staff
    source = _source(definition, by_step)
    if source is None:
        return None
    criteria = tuple(
        CriterionGrade(
            name=criterion.name,
            label=criterion.display_label,
            points=by_step[source].get(criterion.name, 0) if criterion.options else 0,
            possible=criterion.max_points,
            by_step={step: points[criterion.name] for step, points in by_step.items() if criterion.name in points},
        )
        for criterion in definition.rubric.criteria
    )
    return Grade(
        earned=sum(item.points for item in criteria),
        possible=definition.max_score,
        source=source,
        criteria=criteria,
    )


def _source(definition: Definition, available: Mapping[StepName, Points]) -> StepName | None:
    """A staff grade whenever there is one; else the problem's first other step in :data:`GRADE_PRECEDENCE`,
    once the learner has its assessments."""
    if StepName.STAFF in available:
        return StepName.STAFF
    deciding = next(
        (name for name in GRADE_PRECEDENCE if name is not StepName.STAFF and name in definition.step_names), None
    )
    return deciding if deciding in available else None
