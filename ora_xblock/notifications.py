"""The host adapter to the platform's notifications framework (openedx-events), imported lazily.

edx-platform sends notifications when it receives openedx-events' ``USER_NOTIFICATION_REQUESTED`` (one user, a
:class:`UserNotificationData`) or ``COURSE_NOTIFICATION_REQUESTED`` (an audience of the course, a
``CourseNotificationData`` with ``audience_filters``); its ``send_notifications`` task refuses a notification type
it does not register (``base_notification.COURSE_NOTIFICATION_TYPES``). Where openedx-events is not installed
(the demo, the workbench) every function here does nothing and says so: the notice stays recorded, unsent to
anyone. See docs/notifications.md.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from typing import Any

from . import platform

APP_NAME = "grading"  # the platform's notification app of the ORA types
GRADE_TYPE = "ora_grade_assigned"  # registered by the platform: ora_name, course_name, points_earned/_possible
STAFF_TYPE = "ora_staff_notifications"  # registered by the platform (for course staff and instructors): ora_name
REMINDER_TYPE = "ora_peer_review_reminder"  # ours: the platform registers no reminder (docs/notifications.md)
STAFF_AUDIENCE = {"course_roles": ["staff", "instructor"]}  # the audience filter ora2 gives staff notifications
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notification:
    """What to ask the framework for: one notification type, its content, and who gets it.

    A notification with ``audience_filters`` goes to that audience of the course (course staff, for ours); one
    without goes to the users ``usernames`` name, and to nobody when they name none: never, by mistake, to the
    whole course (the platform's meaning of a course notification with no filter).
    """

    notification_type: str
    course_id: str
    content_url: str
    context: dict[str, Any]
    usernames: tuple[str, ...] = ()
    audience_filters: dict[str, list[str]] = field(default_factory=dict)


def available() -> bool:
    """Whether openedx-events' notification signals are importable here."""
    return _events() is not None


def deliverable(notification_type: str) -> bool:
    """Whether a notification of this type can go anywhere here: the framework is installed and the platform
    registers the type (it drops one it does not know)."""
    return available() and registered(notification_type)


def registered(notification_type: str) -> bool:
    """Whether the platform registers this notification type; True where its registry can't be read (another
    receiver, or a test's), since then nothing is known to refuse it."""
    try:
        module = importlib.import_module("openedx.core.djangoapps.notifications.base_notification")
    except Exception:  # noqa: BLE001 - not inside edx-platform
        return True
    return notification_type in getattr(module, "COURSE_NOTIFICATION_TYPES", {})


def send(notification: Notification) -> bool:
    """Ask the framework to send ``notification``; False where there is no framework, or no such user, or the
    platform does not register the type. Raises what the signal raises (the caller leaves the notice unsent)."""
    events = _events()
    if events is None or not registered(notification.notification_type):
        return False
    user_ids = [] if notification.audience_filters else _user_ids(notification.usernames)
    if not (notification.audience_filters or user_ids):
        return False
    signals, data = events
    course_key = _course_key(notification.course_id)
    context = {"course_name": course_name(course_key, notification.course_id), **notification.context}
    if notification.audience_filters:
        signals.COURSE_NOTIFICATION_REQUESTED.send_event(
            course_notification_data=data.CourseNotificationData(
                course_key=course_key,
                app_name=APP_NAME,
                notification_type=notification.notification_type,
                content_url=notification.content_url,
                content_context=context,
                audience_filters=notification.audience_filters,
            )
        )
        return True
    signals.USER_NOTIFICATION_REQUESTED.send_event(
        notification_data=data.UserNotificationData(
            user_ids=user_ids,
            notification_type=notification.notification_type,
            content_url=notification.content_url,
            app_name=APP_NAME,
            course_key=course_key,
            context=context,
        )
    )
    return True


def jump_url(course_id: str, item_id: str) -> str:
    """The LMS page of the problem, as ora2 links a grade notification."""
    return f"{platform.setting('LMS_ROOT_URL', '')}/courses/{course_id}/jump_to/{item_id}"


def grading_url(item_id: str) -> str:
    """The staff grading app's page of the problem, as ora2 links a staff notification."""
    return f"{platform.setting('ORA_GRADING_MICROFRONTEND_URL', '')}/{item_id}"


def dashboard_url(course_id: str) -> str:
    """The course's Instructor Dashboard, Open Responses tab, for the staff digest."""
    return f"{platform.setting('LMS_ROOT_URL', '')}/courses/{course_id}/instructor#view-open_response_assessment"


def course_name(course_key: Any, course_id: str) -> str:
    """The course's display name from the platform's modulestore, else its id."""
    try:
        store = importlib.import_module("xmodule.modulestore.django").modulestore()
        return str(store.get_course(course_key).display_name)
    except Exception:  # noqa: BLE001 - no modulestore here, or no such course
        return course_id


def _events() -> tuple[Any, Any] | None:
    try:
        signals = importlib.import_module("openedx_events.learning.signals")
        data = importlib.import_module("openedx_events.learning.data")
    except ImportError:
        return None
    return signals, data


def _course_key(course_id: str) -> Any:
    from opaque_keys.edx.keys import CourseKey

    return CourseKey.from_string(course_id)


def _user_ids(usernames: tuple[str, ...]) -> list[int]:
    from django.apps import apps
    from django.contrib.auth import get_user_model

    if not apps.is_installed("django.contrib.auth"):
        return []
    return list(get_user_model().objects.filter(username__in=usernames).values_list("id", flat=True))
