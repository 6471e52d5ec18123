"""Who grades from the course dashboard, in which course, at what moment, in which language; and the course's
problems as the grading pages build them outside the block (from the content's own index)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from .. import platform
from ..definition import parse_olx_cached
from ..definition.errors import N_
from ..services import course
from ..services.audit import Actor
from ..services.common import NotFound, Problem, Refusal
from ..when import Reader
from . import host, i18n


@dataclass
class Grader:
    """A course staff member on a grading page of one course, at one moment."""

    course_id: str
    user: Any
    now: datetime

    @cached_property
    def actor(self) -> Actor:
        """The grader as the queue's holds and the learners' histories know them (the course's anonymous id)."""
        return Actor(host.anonymous_id(self.user, self.course_id), str(getattr(self.user, "username", "")))

    @cached_property
    def translations(self) -> Any:
        return i18n.catalog()

    def _(self, message: str) -> str:
        return str(self.translations.gettext(message))

    @cached_property
    def dates(self) -> Reader:
        return i18n.reader(self.now, self.translations)

    def refusal_text(self, refusal: Refusal) -> str:
        """A service's refusal as the grader reads it."""
        params = {
            key: self.dates.text(value) if isinstance(value, datetime) else value
            for key, value in refusal.params.items()
        }
        return self._(refusal.template).format(**params)


def grader(request: Any, course_id: str) -> Grader:
    """Whoever makes ``request`` (course staff, as ``access.course_staff_only`` has checked), now."""
    return Grader(course_id, host.user_of(request), platform.now())


def problems(course_id: str) -> dict[str, course.Indexed]:
    """The course's problems that learners have submitted to (one query), by usage key."""
    return {indexed.item_id: indexed for indexed in course.indexed_problems(course_id)}


def problem_of(course_id: str, item_id: str, now: datetime, known: dict[str, course.Indexed] | None = None) -> Problem:
    """Problem ``item_id`` of the course at ``now``; refused if the course has no such problem, as for a problem
    of another course."""
    indexed = known.get(item_id) if known is not None else course.indexed_problem(course_id, item_id)
    if indexed is None:
        raise NotFound("no_such_problem", N_("This course has no such problem."))
    return Problem(parse_olx_cached(indexed.olx), now, flexible_forced=indexed.flexible_forced)
