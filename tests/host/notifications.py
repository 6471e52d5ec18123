"""The platform's notifications framework as the block meets it, installed for a test and recording what it is
asked for.

Each part mirrors a file, named where it is defined:

- openedx-events ``openedx_events/learning/signals.py``: ``USER_NOTIFICATION_REQUESTED`` and
  ``COURSE_NOTIFICATION_REQUESTED``, public signals a sender fires with ``send_event(<data name>=...)``;
- openedx-events ``openedx_events/learning/data.py``: ``UserNotificationData`` and ``CourseNotificationData``,
  frozen records with these fields;
- openedx-platform ``openedx/core/djangoapps/notifications/base_notification.py``: ``COURSE_NOTIFICATION_TYPES``,
  the registered types, each with its app and the content keys its template fills in;
- openedx-platform ``openedx/core/djangoapps/notifications/handlers.py``: the receivers. A course notification
  goes to the audience its filters name (``course_roles`` may be ``staff`` and ``instructor``); the
  ``send_notifications`` task (tasks.py) fills the type's template from the context and drops a type nobody's
  preferences know, that is one the platform does not register.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from opaque_keys.edx.keys import CourseKey

# The ORA types the platform registers: their app and the keys their content template uses.
REGISTERED = {
    "ora_grade_assigned": ("grading", {"ora_name", "points_earned", "points_possible"}),
    "ora_staff_notifications": ("grading", {"ora_name"}),
}
COURSE_ROLES = {"staff", "instructor"}  # audience_filters.py CourseRoleAudienceFilter.allowed_filters


@dataclass(frozen=True)
class UserNotificationData:
    user_ids: list[int]
    notification_type: str
    content_url: str
    app_name: str
    course_key: CourseKey
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CourseNotificationData:
    course_key: CourseKey
    app_name: str
    notification_type: str
    content_url: str
    content_context: dict[str, Any] = field(default_factory=dict)
    audience_filters: dict[str, list[str]] = field(default_factory=dict)


class Refused(Exception):
    """What the platform's receivers or task would raise or log for a request they cannot carry out."""


@dataclass
class Framework:
    """What was asked for: ``sent`` (signal name, data) in order; ``failing`` makes the next requests raise, as a
    receiver that breaks does."""

    sent: list[tuple[str, Any]] = field(default_factory=list)
    failing: bool = False

    def requested(self, signal: str, data: Any) -> None:
        if self.failing:
            raise ConnectionError("the notifications task could not be queued")
        context = data.context if isinstance(data, UserNotificationData) else data.content_context
        check(data.notification_type, data.app_name, data.course_key, context)
        if isinstance(data, CourseNotificationData) and not set(data.audience_filters.get("course_roles", [])) <= (
            COURSE_ROLES
        ):
            raise Refused(f"invalid course roles {data.audience_filters}")
        self.sent.append((signal, data))

    def of_type(self, notification_type: str) -> list[Any]:
        return [data for _, data in self.sent if data.notification_type == notification_type]


def check(notification_type: str, app_name: str, course_key: Any, context: dict[str, Any]) -> None:
    """The platform's checks: a course key, the type's app, and every key its template fills in."""
    if not isinstance(course_key, CourseKey):
        raise Refused(f"not a course key: {course_key!r}")
    app, keys = REGISTERED.get(notification_type, (app_name, set()))
    if app != app_name or not keys <= set(context):
        raise Refused(f"{notification_type} needs app {app} and {sorted(keys)}, got {app_name} and {sorted(context)}")


class PublicSignal:
    """An ``OpenEdxPublicSignal``: ``send_event`` takes the one data argument the signal defines."""

    def __init__(self, name: str, data_name: str, framework: Framework) -> None:
        self.name, self.data_name, self.framework = name, data_name, framework

    def send_event(self, **kwargs: Any) -> list[Any]:
        if set(kwargs) != {self.data_name}:
            raise TypeError(f"{self.name} takes {self.data_name}, not {sorted(kwargs)}")
        self.framework.requested(self.name, kwargs[self.data_name])
        return []


@contextmanager
def installed(registry: bool = True) -> Iterator[Framework]:
    """openedx-events importable, for the test's duration, with its notification signals recording into the
    returned :class:`Framework`; ``registry``: inside openedx-platform, whose notifications app registers the ORA
    types (``REGISTERED``)."""
    framework = Framework()
    signals = types.ModuleType("openedx_events.learning.signals")
    signals.USER_NOTIFICATION_REQUESTED = PublicSignal("USER_NOTIFICATION_REQUESTED", "notification_data", framework)
    signals.COURSE_NOTIFICATION_REQUESTED = PublicSignal(
        "COURSE_NOTIFICATION_REQUESTED", "course_notification_data", framework
    )
    data = types.ModuleType("openedx_events.learning.data")
    data.UserNotificationData, data.CourseNotificationData = UserNotificationData, CourseNotificationData
    modules = {
        "openedx_events": types.ModuleType("openedx_events"),
        "openedx_events.learning": types.ModuleType("openedx_events.learning"),
        "openedx_events.learning.signals": signals,
        "openedx_events.learning.data": data,
    }
    if registry:
        base = types.ModuleType("openedx.core.djangoapps.notifications.base_notification")
        base.COURSE_NOTIFICATION_TYPES = {
            name: {"notification_app": app, "name": name, "content_context": dict.fromkeys(keys, "")}
            for name, (app, keys) in REGISTERED.items()
        }
        for package in ("openedx", "openedx.core", "openedx.core.djangoapps", "openedx.core.djangoapps.notifications"):
            modules[package] = types.ModuleType(package)
        modules[base.__name__] = base
    with mock.patch.dict(sys.modules, modules):
        yield framework
