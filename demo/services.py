"""The demo's user service: turns the workbench's ``?student=<id>`` into an Open edX-like user."""

from __future__ import annotations

import hashlib

from xblock.reference.user_service import UserService, XBlockUser

from .personas import STAFF_IDS

DEFAULT_ID = "student_1"  # what the workbench uses when the URL has no ?student=


def anonymous_id(user_id: str) -> str:
    """A stable anonymous id for ``user_id``, as edx-platform gives each learner."""
    return hashlib.sha256(f"ora-demo:{user_id}".encode()).hexdigest()[:32]


class DemoUserService(UserService):
    """The current user, from the workbench runtime's ``user_id``; "staff" and "author" are course staff.

    The workbench builds services with no arguments and sets ``runtime`` afterwards.
    """

    runtime = None

    def get_current_user(self) -> XBlockUser:
        """The person the workbench is rendering for."""
        user_id = str(getattr(self.runtime, "user_id", None) or DEFAULT_ID)
        is_staff = user_id in STAFF_IDS
        user = XBlockUser(is_current_user=True, emails=[f"{user_id}@example.com"], full_name=user_id.title())
        user.opt_attrs.update(
            {
                "edx-platform.anonymous_user_id": anonymous_id(user_id),
                "edx-platform.username": user_id,
                "edx-platform.user_is_staff": is_staff,
                "edx-platform.user_role": "instructor" if is_staff else "student",
            }
        )
        return user
