"""The step registry: every assessment step type declared once, in the pure core.

A step type is known by its OLX name (``StepName``, the ``name`` of an
``<assessment>`` element). Everything else that differs between step types
is a field of its :class:`StepType` here: the short kind that names its
workflow status and its stored assessments, who acts in it, whether its
assessments can give the grade, and the words learners, staff and authors
see. Workflow, scoring, validation, the gradebook, reports, presenters and
the editor read :data:`STEPS` instead of listing step names themselves;
``docs/decisions/0022-step-registry.md`` lists what adding a step type
touches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .definition.errors import N_
from .definition.model import PeerStep, StepName


@dataclass(frozen=True)
class StepType:
    """What the rest of the product needs to know about one step type."""

    name: StepName  # the OLX ``<assessment name=...>``, stored in definitions and as a grade's source
    kind: str  # the workflow status while the learner is in it, and ``Assessment.kind`` of what it stores
    learner_acts: bool  # the learner has work to do in it (status ``kind`` until it is done)
    grades: bool  # its assessments can give the learner's grade
    title: str  # the learner's step heading
    author_title: str  # the Studio editor's section heading
    staff_label: str  # the staff area's name for an assessment of this kind
    next_hint: str  # what the learner reads when this step is next
    opens: str  # refusal before the step opens; ``{date}`` is its start
    closed: str  # refusal after the step closed; ``{date}`` is its due date
    new_settings: dict[str, Any] = field(default_factory=dict)  # the editor's settings for a step just switched on


STEPS: tuple[StepType, ...] = (
    StepType(
        name=StepName.TRAINING,
        kind="training",
        learner_acts=True,
        grades=False,
        title=N_("Learn to assess responses"),
        author_title=N_("Learner training"),
        staff_label=N_("Training"),
        next_hint=N_("Next, practise assessing sample responses."),
        opens=N_("Learner training opens on {date}."),
        closed=N_("Learner training closed on {date}."),
        new_settings={"examples": []},
    ),
    StepType(
        name=StepName.PEER,
        kind="peer",
        learner_acts=True,
        grades=True,
        title=N_("Assess peers"),
        author_title=N_("Peer assessment"),
        staff_label=N_("Peer"),
        next_hint=N_("Next, assess your peers' responses."),
        opens=N_("Peer assessment opens on {date}."),
        closed=N_("Peer assessment closed on {date}."),
        new_settings={
            "must_grade": PeerStep.must_grade,
            "must_be_graded_by": PeerStep.must_be_graded_by,
            "enable_flexible_grading": False,
            "grading_strategy": "median",
            "accuracy_weight": PeerStep.accuracy_weight,
            "allow_appeals": PeerStep.allow_appeals,
            "appeal_days": PeerStep.appeal_days,
        },
    ),
    StepType(
        name=StepName.SELF,
        kind="self",
        learner_acts=True,
        grades=True,
        title=N_("Assess your response"),
        author_title=N_("Self assessment"),
        staff_label=N_("Self"),
        next_hint=N_("Next, assess your own response with the rubric."),
        opens=N_("Self assessment opens on {date}."),
        closed=N_("Self assessment closed on {date}."),
    ),
    StepType(
        name=StepName.STAFF,
        kind="staff",
        learner_acts=False,
        grades=True,
        title=N_("Staff assessment"),
        author_title=N_("Staff assessment"),
        staff_label=N_("Staff"),
        next_hint=N_("Your part is done. Course staff will grade your response; your grade appears here then."),
        opens=N_("Staff assessment opens on {date}."),
        closed=N_("Staff assessment closed on {date}."),
        new_settings={"required": False},
    ),
)

BY_NAME: dict[StepName, StepType] = {step.name: step for step in STEPS}
BY_KIND: dict[str, StepType] = {step.kind: step for step in STEPS}

# A grade comes from the first of these the learner has (staff overrides peers; self counts only without a peer step).
GRADE_PRECEDENCE: tuple[StepName, ...] = (StepName.STAFF, StepName.PEER, StepName.SELF)


def step_type(name: StepName | str) -> StepType:
    """The registry entry of a step, by its OLX name or its kind."""
    if name in BY_KIND:
        return BY_KIND[name]
    return BY_NAME[StepName(name)]
