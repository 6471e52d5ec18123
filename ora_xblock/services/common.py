"""What every service shares: who is acting, and how a request is refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from ..definition.errors import N_, DefinitionError
from ..definition.model import Definition, StepName
from ..definition.schedule import HostDates
from ..steps import step_type
from ..workflow import StepWindow, Window, windows


@dataclass(frozen=True)
class Learner:
    """A learner in one problem, as edx-submissions identifies them."""

    course_id: str
    item_id: str
    student_id: str
    item_type: str = "ora_xblock"
    username: str = ""
    user_id: int | None = None  # the platform's user id, where the host gives it (a team submission names it)

    @property
    def student_item(self) -> dict[str, str]:
        return {
            "student_id": self.student_id,
            "course_id": self.course_id,
            "item_id": self.item_id,
            "item_type": self.item_type,
        }


@dataclass(frozen=True)
class Team:
    """The learner's team in a team problem's team-set, as the platform's ``teams`` service tells it."""

    team_id: str
    name: str
    member_ids: tuple[str, ...]  # every member's anonymous id in the course, the learner's among them
    member_names: tuple[str, ...] = ()  # their usernames, in the same order, where the host tells them
    url: str = ""  # the team's page in the LMS, where the host gives it

    @property
    def draft_owner(self) -> str:
        """The ``student_id`` of the team's shared draft and draft files (an anonymous id has no colon)."""
        return f"team:{self.team_id}"


class Refusal(Exception):
    """A request that cannot be carried out; nothing was changed. Raise one of its kinds below, never itself.

    ``code`` is stable (ora_xblock/errors.py lists them all); ``template`` is marked for translation and filled
    in with ``params`` (a datetime among them is shown as the person reads dates, see ``handlers.endpoints``).
    The kind says what went wrong; the handlers' edge chooses the HTTP status from it.
    """

    def __init__(self, code: str, template: str, errors: list[DefinitionError] | None = None, **params: Any):
        super().__init__(template.format(**params))
        self.code, self.template, self.params = code, template, params
        self.errors = errors or []


class Invalid(Refusal):
    """The request itself is wrong: a missing, malformed or out-of-bounds value."""


class NotAllowed(Refusal):
    """The request is well formed, but this person may not do it now."""


class NotFound(Refusal):
    """What the request names does not exist (any more)."""


class Conflict(Refusal):
    """The request clashes with the state it found: done already, someone else's, or not this step."""


class Gone(Refusal):
    """What the request acts on has expired."""


class TooLarge(Refusal):
    """What the request sends is larger than allowed."""


class Unavailable(Refusal):
    """A service the request needs is not answering; trying again later may work."""


@dataclass(frozen=True)
class Problem:
    """A problem as served to one learner at one moment: its definition, the time, the platform's dates."""

    definition: Definition
    now: datetime
    dates: HostDates = field(default_factory=HostDates)  # the subsection's, the course's, and the learner's beta status
    flexible_forced: bool = False  # the course turns flexible peer grading on for every problem

    @property
    def flexible(self) -> bool:
        step = self.definition.step(StepName.PEER)
        return self.flexible_forced or bool(getattr(step, "enable_flexible_grading", False))

    @cached_property
    def windows(self) -> dict[str | StepName, StepWindow]:
        return windows(self.definition, self.now, self.dates)

    def require_open(self, name: str | StepName) -> None:
        """Refuse unless the window of step ``name`` is open now."""
        window = self.windows[name]
        if window.state is Window.NOT_OPEN:
            raise NotAllowed("not_open", _refusals(name)[0], date=window.start)
        if window.state is Window.CLOSED:
            raise NotAllowed("closed", _refusals(name)[1], date=window.due)


def _refusals(name: str | StepName) -> tuple[str, str]:
    """What a refusal says before the window of ``name`` opens, and after it closed (the response's own window,
    ``"submission"``, is no step of the registry)."""
    if name == "submission":
        return N_("Responses open on {date}."), N_("Responses closed on {date}.")
    step = step_type(name)
    return step.opens, step.closed
