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

    @property
    def student_item(self) -> dict[str, str]:
        return {
            "student_id": self.student_id,
            "course_id": self.course_id,
            "item_id": self.item_id,
            "item_type": self.item_type,
        }


class Refusal(Exception):
    """A request that cannot be carried out; nothing was changed.

    ``template`` is marked for translation and filled in with ``params`` (a datetime among them is shown as the
    person reads dates, see ``page.refusals``);
    ``status`` is the HTTP status a handler answers with.
    """

    def __init__(
        self, status: int, code: str, template: str, errors: list[DefinitionError] | None = None, **params: Any
    ):
        super().__init__(template.format(**params))
        self.status, self.code, self.template, self.params = status, code, template, params
        self.errors = errors or []


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
            raise Refusal(403, "not_open", _refusals(name)[0], date=window.start)
        if window.state is Window.CLOSED:
            raise Refusal(403, "closed", _refusals(name)[1], date=window.due)


def _refusals(name: str | StepName) -> tuple[str, str]:
    """What a refusal says before the window of ``name`` opens, and after it closed (the response's own window,
    ``"submission"``, is no step of the registry)."""
    if name == "submission":
        return N_("Responses open on {date}."), N_("Responses closed on {date}.")
    step = step_type(name)
    return step.opens, step.closed
