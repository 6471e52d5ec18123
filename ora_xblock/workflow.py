"""Where a learner stands in a problem, as pure functions of the definition and their progress.

Before a learner submits there is no workflow: they are answering. After,
the status is the first of their own steps still to do (training, peer,
self); then ``staff`` while a required staff grade is pending, ``waiting``
while peers still owe reviews, and ``done`` once the grade is final. A
staff grade finishes the workflow at any point; ``cancelled`` is final.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from .definition.model import Definition, PeerStep, StaffStep, StepName
from .definition.schedule import HostDates, open_dates
from .steps import STEPS


class Status(enum.StrEnum):
    """A submitted learner's place in the problem."""

    TRAINING = "training"
    PEER = "peer"
    SELF = "self"
    STAFF = "staff"
    WAITING = "waiting"
    DONE = "done"
    CANCELLED = "cancelled"


# The steps in which the learner has work to do, and their status meanwhile (from the step registry).
STEP_STATUS = {step.name: Status(step.kind) for step in STEPS if step.learner_acts}
FINAL = frozenset({Status.DONE, Status.CANCELLED})


@dataclass(frozen=True)
class Progress:
    """What a submitted learner has done, and what has been done for them."""

    training_done: bool = False
    peers_assessed: int = 0
    peer_reviews_received: int = 0
    self_done: bool = False
    staff_graded: bool = False
    cancelled: bool = False
    peer_reviews_required: int | None = None  # when flexible grading has lowered Graded By
    escalated: bool = False  # no peer review in time: staff will grade


def status(definition: Definition, progress: Progress) -> Status:
    """The learner's status after a submission, given their progress."""
    if progress.cancelled:
        return Status.CANCELLED
    if progress.staff_graded:
        return Status.DONE
    for name in definition.step_names:
        if name in STEP_STATUS and not learner_step_done(name, definition, progress):
            return STEP_STATUS[name]
    staff = definition.step(StepName.STAFF)
    if isinstance(staff, StaffStep) and staff.required:
        return Status.STAFF
    if not peer_grading_done(definition, progress):
        return Status.STAFF if progress.escalated else Status.WAITING
    return Status.DONE


def learner_step_done(name: StepName, definition: Definition, progress: Progress) -> bool:
    """Whether the learner has done their part of step ``name`` (peer: their own reviews)."""
    if name is StepName.TRAINING:
        return progress.training_done
    if name is StepName.SELF:
        return progress.self_done
    step = definition.step(name)
    if isinstance(step, PeerStep):
        return progress.peers_assessed >= step.must_grade
    return True


def peer_grading_done(definition: Definition, progress: Progress) -> bool:
    """Whether enough peers have assessed the learner (trivially so without a peer step)."""
    step = definition.step(StepName.PEER)
    if not isinstance(step, PeerStep):
        return True
    required = progress.peer_reviews_required or step.must_be_graded_by
    return progress.peer_reviews_received >= required


class Window(enum.StrEnum):
    """Whether a step is open now."""

    NOT_OPEN = "not_open"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class StepWindow:
    """A step's resolved dates and whether it is open at a moment."""

    start: datetime
    due: datetime
    state: Window


def windows(definition: Definition, now: datetime, host: HostDates | None = None) -> dict[str | StepName, StepWindow]:
    """Each step's window at ``now`` (``"submission"`` for the response), from where the problem takes its dates
    and the dates the platform gives this learner (:func:`~.definition.schedule.open_dates`)."""
    return {
        name: StepWindow(start, due, _state(start, due, now))
        for name, (start, due) in open_dates(definition, host).items()
    }


def _state(start: datetime, due: datetime, now: datetime) -> Window:
    if now < start:
        return Window.NOT_OPEN
    return Window.OPEN if now < due else Window.CLOSED
