"""The demo's platform services: who is asking (from the workbench's ``?student=<id>``) and who may edit.

They behave as edx-platform's do where it matters to the block: learners and
staff get the LMS's user service, the author gets Studio's (no role, no staff
flag, no anonymous id) plus ``studio_user_permissions``, and "Staff as Bob"
gets Bob's identity while the request stays the staff member's
(demo.middleware.request_user).
"""

from __future__ import annotations

import hashlib
import re

import crum
from django.conf import settings
from django.contrib.auth import get_user_model
from xblock.reference.user_service import UserService, XBlockUser

from .personas import COURSE_TEAM, DEFAULT_ID, STAFF_IDS, persona


def anonymous_id(user_id: str) -> str:
    """A stable anonymous id for ``user_id``, as edx-platform gives each learner."""
    return hashlib.sha256(f"ora-demo:{user_id}".encode()).hexdigest()[:32]


# Account preferences the LMS hands to blocks (only those set; common/djangoapps/xblock_django/user_service.py
# USER_PREFERENCES_WHITE_LIST): Carol has chosen her time zone; everyone else sees dates in their browser's.
PREFERENCES = {"carol": {"time_zone": "Asia/Kolkata"}}


def _current_id() -> str:
    """The request's ``?student=``, from which the workbench builds its runtime (``Runtime.user_id`` is deprecated)."""
    request = crum.get_current_request()
    return (request.GET.get("student") if request is not None else None) or DEFAULT_ID


class DemoUserService(UserService):
    """The current user, as the LMS's user service (common/djangoapps/xblock_django/user_service.py) or, for
    the author, as Studio's editor builds it.

    The workbench builds services with no arguments and sets ``runtime`` afterwards.
    """

    runtime = None

    def get_current_user(self) -> XBlockUser:
        """The person the workbench is rendering for."""
        who = persona(_current_id())
        if who.view_name == "studio_view":  # cms load_services_for_studio: DjangoXBlockUserService(user), defaults
            return self._as_xblock_user(who.user_id, anonymous=None, is_staff=False, role="student")
        learner = who.views_as or who.user_id  # staff viewing as a learner are bound to the learner
        is_staff = learner in STAFF_IDS
        return self._as_xblock_user(learner, anonymous_id(learner), is_staff, "instructor" if is_staff else "student")

    def get_user_by_anonymous_id(self, uid: str | None = None) -> object | None:
        """The account behind an anonymous id of the course (the current person's without one), or None."""
        wanted = uid or self.get_current_user().opt_attrs.get("edx-platform.anonymous_user_id")
        return next((user for user in get_user_model().objects.all() if anonymous_id(user.username) == wanted), None)

    @staticmethod
    def _as_xblock_user(username: str, anonymous: str | None, is_staff: bool, role: str) -> XBlockUser:
        user = XBlockUser(is_current_user=True, emails=[f"{username}@example.com"], full_name=username.title())
        user.opt_attrs.update(
            {
                "edx-platform.anonymous_user_id": anonymous,
                "edx-platform.username": username,
                "edx-platform.user_id": _account_id(username),
                "edx-platform.user_is_staff": is_staff,
                "edx-platform.user_role": role,
                "edx-platform.user_preferences": dict(PREFERENCES.get(username, {})),
            }
        )
        return user


def _account_id(username: str) -> int | None:
    """The id of ``username``'s account (the request's own user where it is theirs), None without one."""
    requester = crum.get_current_user()
    if getattr(requester, "username", None) == username:
        return requester.pk
    return get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()


class DemoStudioPermissions:
    """Studio's ``studio_user_permissions`` (cms/djangoapps/contentstore/utils.py): the course team may edit."""

    runtime = None

    def can_read(self, course_key: object) -> bool:
        return self.can_write(course_key)

    def can_write(self, course_key: object) -> bool:
        return persona(_current_id()).user_id in COURSE_TEAM


class DemoReplaceURLService:
    """The platform's ``replace_urls`` service (common/djangoapps/static_replace/services.py) for the demo course.

    The LMS turns an author's ``/static/<name>`` into the course file's asset URL; here the course files
    are the demo's own static files in demo/static/demo/course/. Without this service the prompt's
    ``/static/<name>`` would find nothing and the image would break.
    """

    runtime = None
    FOLDER = "demo/course/"
    _LINK = re.compile(r"""(?P<quote>["'])/static/(?!demo/course/)(?P<name>[^"'?]+)(?P=quote)""")

    def replace_urls(self, text: str, static_replace_only: bool = False) -> str:
        base = f"{settings.STATIC_URL}{self.FOLDER}"
        return self._LINK.sub(lambda link: f"{link['quote']}{base}{link['name']}{link['quote']}", text)
