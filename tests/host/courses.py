"""The course around a block in the LMS: its dates, its subsection's, and who is a beta tester.

Each part mirrors a file of openedx-platform (formerly edx-platform):

- ``InheritanceFields``: the date fields of ``InheritanceMixin``
  (xmodule/modulestore/inheritance.py), which the LMS mixes into every block
  (``XBLOCK_MIXINS`` in lms/envs/common.py): ``start`` (default
  ``DEFAULT_START_DATE``, xmodule/course_metadata_utils.py), ``due`` and
  ``days_early_for_beta`` (a Float, default None).
- ``InheritingFieldData``: an inheritable field the block does not set takes
  the nearest ancestor's value (``InheritingFieldData`` in the same file), so
  a problem's ``start`` and ``due`` are its subsection's release and due dates.
- ``Course``: the course's own ``start``, ``end`` and ``days_early_for_beta``
  (xmodule/course_block.py ``CourseFields``), found through
  ``modulestore().get_course(course_key)`` (xmodule/modulestore/mixed.py),
  which answers None for a course it does not hold.
- The beta-tester flag reaches the block as the user service's
  ``edx-platform.user_is_beta_tester`` (``CourseBetaTesterRole(course_id).has_user(user)``
  in lms/djangoapps/courseware/block_render.py ``prepare_runtime_for_user``). The
  block's ``start`` field is never moved for beta testers: only the LMS's access
  check is (lms/djangoapps/courseware/access_utils.py ``adjust_start_date``).
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from xblock.core import XBlockMixin
from xblock.field_data import DictFieldData, FieldData
from xblock.fields import Date, Float, Scope
from xblock.runtime import Mixologist

from ora_xblock.block import OraXBlock

from .lms import COURSE, LmsRuntime, LmsUserService, Problem, anonymous_id_for_user

DEFAULT_START_DATE = datetime(2030, 1, 1, tzinfo=UTC)
INHERITED = ("start", "due", "days_early_for_beta")


class InheritanceFields(XBlockMixin):
    """The inheritable date fields every block carries in the LMS."""

    start = Date(default=DEFAULT_START_DATE, scope=Scope.settings)
    due = Date(scope=Scope.settings)
    days_early_for_beta = Float(default=None, scope=Scope.settings)


@dataclass
class Course:
    """The course block's dates; ``end`` None means the course never ends."""

    start: datetime = DEFAULT_START_DATE
    end: datetime | None = None
    days_early_for_beta: float | None = None


@dataclass
class Subsection:
    """A sequential's release (``start``) and due dates, as Studio's course outline sets them."""

    start: datetime | None = None
    due: datetime | None = None


class Modulestore:
    """The runtime's ``modulestore``: ``get_course`` gives the course block, or None for another course."""

    def __init__(self, course: Course) -> None:
        self.course = course

    def get_course(self, course_key: Any, depth: int = 0, **kwargs: Any) -> Course | None:
        return self.course if str(course_key) == str(COURSE) else None


class InheritingFieldData(FieldData):
    """The block's own field data; for an inheritable field it does not set, its ancestors' value."""

    def __init__(self, own: FieldData, ancestors: list[dict[str, Any]]) -> None:
        super().__init__()
        self.own = own
        self.ancestors = ancestors  # nearest first: the subsection, then the course

    def get(self, block: Any, name: str) -> Any:
        return self.own.get(block, name)

    def set(self, block: Any, name: str, value: Any) -> None:
        self.own.set(block, name, value)

    def delete(self, block: Any, name: str) -> None:
        self.own.delete(block, name)

    def has(self, block: Any, name: str) -> bool:
        return self.own.has(block, name)

    def default(self, block: Any, name: str) -> Any:
        if name in INHERITED:
            for ancestor in self.ancestors:
                if ancestor.get(name) is not None:
                    return block.fields[name].to_json(ancestor[name])
        raise KeyError(name)


def course_problem(olx: str, course: Course, subsection: Subsection) -> Problem:
    """An ORA problem in ``subsection`` of ``course``: the block inherits the subsection's and course's dates."""
    ancestors = [
        {"start": subsection.start, "due": subsection.due},
        {"start": course.start, "days_early_for_beta": course.days_early_for_beta},
    ]
    problem = Problem(olx)
    problem.content = InheritingFieldData(DictFieldData({}), ancestors)  # type: ignore[assignment]
    return problem


def block_in_course(
    problem: Problem, user: Any, course: Course, *, beta: bool = False, staff: bool = False
) -> OraXBlock:
    """``problem`` as the LMS renders it for ``user``: inherited date fields, the course in the modulestore,
    and the user service's beta-tester and staff flags."""
    service = LmsUserService(
        user,
        user_is_staff=staff,
        user_role="instructor" if staff else "student",
        anonymous_user_id=anonymous_id_for_user(user),
        user_is_beta_tester=beta,
    )
    runtime = LmsRuntime({"user": service, "i18n": gettext.NullTranslations()})
    runtime.mixologist = Mixologist([InheritanceFields])
    runtime.modulestore = Modulestore(course)
    return problem.block_for(runtime)
