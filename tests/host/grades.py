"""The LMS's grades app as a block meets it: the score signals it listens to, frozen course grades, and the
settings a problem inherits from its subsection (when scores are shown, the due date).

Each part mirrors a file of openedx-platform (formerly edx-platform), named where it is defined.
"""

from __future__ import annotations

import gettext
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

from django.contrib.auth import get_user_model
from django.dispatch import Signal
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey, UsageKey
from submissions.models import score_reset, score_set
from xblock.core import XBlockMixin
from xblock.fields import Date, Scope, String, Timedelta
from xblock.runtime import Mixologist

from ora_xblock.block import OraXBlock

from .lms import COURSE, LmsRuntime, LmsUserService, Problem, anonymous_id_for_user

SCORE_SET_UID = "submissions_score_set_handler"
SCORE_RESET_UID = "submissions_score_reset_handler"
FREEZE_AFTER = timedelta(days=30)


class InheritedSettings(XBlockMixin):
    """The settings of xmodule/modulestore/inheritance.py ``InheritanceMixin`` that decide when scores show:
    every block in the LMS has them, set on its subsection and inherited."""

    due = Date(scope=Scope.settings)
    graceperiod = Timedelta(scope=Scope.settings)
    show_correctness = String(scope=Scope.settings, default="always")


@dataclass
class GradeFreeze:
    """lms/djangoapps/grades/grade_utils.py ``are_grades_frozen``: with the course waffle flag
    ``ENFORCE_FREEZE_GRADE_AFTER_COURSE_END`` on, a course's grades freeze 30 days after it ends."""

    course_ends: dict[CourseKey, datetime] = field(default_factory=dict)  # the courses with the flag on

    def are_grades_frozen(self, course_key: CourseKey) -> bool:
        end = self.course_ends.get(course_key)
        return end is not None and timezone.now() > end + FREEZE_AFTER


class GradesUtilService:
    """lms/djangoapps/grades/services.py ``GradesUtilService``: made for the block's course by
    lms/djangoapps/courseware/block_render.py, it asks grade_utils."""

    def __init__(self, freeze: GradeFreeze, course_id: CourseKey = COURSE):
        self._freeze, self.course_id = freeze, course_id

    def are_grades_frozen(self) -> bool:
        return self._freeze.are_grades_frozen(self.course_id)


@contextmanager
def grades_app(freeze: GradeFreeze) -> Iterator[None]:
    """The LMS's ``lms.djangoapps.grades.grade_utils`` module, importable as in an LMS process (web or Celery)."""
    names = ("lms", "lms.djangoapps", "lms.djangoapps.grades", "lms.djangoapps.grades.grade_utils")
    modules = {name: types.ModuleType(name) for name in names}
    modules["lms.djangoapps.grades.grade_utils"].are_grades_frozen = freeze.are_grades_frozen  # type: ignore[attr-defined]
    with mock.patch.dict(sys.modules, modules):
        yield


@dataclass(frozen=True)
class ScoreEvent:
    """What lms/djangoapps/grades/signals/handlers.py sends on (``PROBLEM_WEIGHTED_SCORE_CHANGED``) for a
    submissions score, with the keys its subsection task parses from the strings (grades/tasks.py)."""

    username: str
    course_key: CourseKey
    usage_key: UsageKey
    earned: int
    possible: int
    deleted: bool = False


@dataclass
class GradesListener:
    """The grades app's receivers of edx-submissions' ``score_set`` and ``score_reset``
    (lms/djangoapps/grades/signals/handlers.py): the user is found by anonymous id and unknown ones are
    ignored, a score of 0 possible is ignored, and the course and usage ids must parse as opaque keys."""

    events: list[ScoreEvent] = field(default_factory=list)

    def score_set(self, sender: Any, **kwargs: Any) -> None:
        user = user_by_anonymous_id(kwargs["anonymous_user_id"])
        if user is None or kwargs["points_possible"] == 0:
            return
        self._record(user, kwargs, kwargs["points_earned"], kwargs["points_possible"], deleted=False)

    def score_reset(self, sender: Any, **kwargs: Any) -> None:
        user = user_by_anonymous_id(kwargs["anonymous_user_id"])
        if user is not None:
            self._record(user, kwargs, 0, 0, deleted=True)

    def _record(self, user: Any, kwargs: dict[str, Any], earned: int, possible: int, deleted: bool) -> None:
        course_key = CourseKey.from_string(kwargs["course_id"])
        usage_key = UsageKey.from_string(kwargs["item_id"]).replace(course_key=course_key)
        self.events.append(ScoreEvent(user.username, course_key, usage_key, earned, possible, deleted))


_CONNECTED: dict[str, Any] = {}  # dispatch uid: the receiver connected under it


@contextmanager
def listening() -> Iterator[GradesListener]:
    """The grades app's receivers, connected under the platform's dispatch uids, as the LMS runs them."""
    listener = GradesListener()
    _CONNECTED.update({SCORE_SET_UID: listener.score_set, SCORE_RESET_UID: listener.score_reset})
    score_set.connect(listener.score_set, dispatch_uid=SCORE_SET_UID, weak=False)
    score_reset.connect(listener.score_reset, dispatch_uid=SCORE_RESET_UID, weak=False)
    try:
        yield listener
    finally:
        score_set.disconnect(dispatch_uid=SCORE_SET_UID)
        score_reset.disconnect(dispatch_uid=SCORE_RESET_UID)
        _CONNECTED.clear()


@contextmanager
def disconnect_submissions_signal_receiver(signal: Signal) -> Iterator[None]:
    """lms/djangoapps/grades/signals/handlers.py: the grades app's receiver of ``score_set`` or ``score_reset``
    is disconnected for the block, and connected again afterwards."""
    uid = SCORE_SET_UID if signal is score_set else SCORE_RESET_UID
    signal.disconnect(dispatch_uid=uid)
    try:
        yield
    finally:
        if uid in _CONNECTED:
            signal.connect(_CONNECTED[uid], dispatch_uid=uid, weak=False)


def user_by_anonymous_id(anonymous_id: str) -> Any:
    """common/djangoapps/student/models ``user_by_anonymous_id``: the account behind a course's anonymous id."""
    for user in get_user_model().objects.all():
        if anonymous_id_for_user(user) == anonymous_id:
            return user
    return None


def graded_block(
    problem: Problem,
    user: Any,
    *,
    staff: bool = False,
    freeze: GradeFreeze | None = None,
    inherited: dict[str, Any] | None = None,
) -> OraXBlock:
    """``problem`` as the LMS renders it for ``user``, with the inherited settings and, given ``freeze``, the
    ``grade_utils`` service (lms/djangoapps/courseware/block_render.py)."""
    service = LmsUserService(
        user,
        user_is_staff=staff,
        user_role="instructor" if staff else "student",
        anonymous_user_id=anonymous_id_for_user(user),
    )
    services: dict[str, Any] = {"user": service, "i18n": gettext.NullTranslations()}
    if freeze is not None:
        services["grade_utils"] = GradesUtilService(freeze)
    runtime = LmsRuntime(services)
    runtime.mixologist = Mixologist([InheritedSettings])  # the LMS's XBLOCK_MIXINS include InheritanceMixin
    block = problem.block_for(runtime)
    for name, value in (inherited or {}).items():
        setattr(block, name, value)
    return block
