"""The platform's user retirement, as ora_xblock's receiver meets it.

Mirrors openedx/core/djangoapps/user_api/accounts/signals.py (``USER_RETIRE_LMS_CRITICAL``, a plain Django
signal) and the LMS ``retire`` step that sends it, ``AccountRetirementView.post`` in
openedx/core/djangoapps/user_api/accounts/views.py: the signal goes out with ``user`` still under its original
username and email, ``retired_username`` and ``retired_email`` (older releases send ``user`` alone); then the
account gets the retired username and email. From common/djangoapps/student/models: ``AnonymousUserId``
(every per-course anonymous id is saved with its user by ``anonymous_id_for_user``) and
``get_retired_username_by_username`` (``RETIRED_USERNAME_FMT``: a prefix and a salted hash).
"""

from __future__ import annotations

import hashlib
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from django.dispatch import Signal

SALT = "retirement-salt"


@dataclass
class AnonymousUserIds:
    """common/djangoapps/student/models ``AnonymousUserId`` rows, with the queries the receiver may make."""

    rows: list[tuple[int, str, str]] = field(default_factory=list)  # (user id, anonymous id, course id)

    def anonymous_id_for_user(self, user: Any, course_id: str) -> str:
        """``anonymous_id_for_user``: a stable id per user and course, saved as it is handed out."""
        anonymous = hashlib.md5(f"secret{user.pk}{course_id}".encode()).hexdigest()
        if (user.pk, anonymous, course_id) not in self.rows:
            self.rows.append((user.pk, anonymous, course_id))
        return anonymous

    def model(self) -> type:
        rows = self.rows

        class Rows(list):
            def values_list(self, name: str, flat: bool = False) -> list[str]:
                assert (name, flat) == ("anonymous_user_id", True)
                return [anonymous for _, anonymous, _ in self]

        class Manager:
            def filter(self, user: Any) -> Rows:
                return Rows(row for row in rows if row[0] == user.pk)

        return type("AnonymousUserId", (), {"objects": Manager()})


def get_retired_username_by_username(username: str) -> str:
    """``get_retired_username_by_username``: ``retired__user_`` and the salted SHA-1 of the lower-cased name."""
    return "retired__user_" + hashlib.sha1(f"{SALT}{username.lower()}".encode()).hexdigest()


@dataclass
class Platform:
    """The LMS modules the receiver imports, and the retirement step that sends the signal."""

    signal: Signal
    anonymous_ids: AnonymousUserIds
    sends_retired_username: bool = True

    def retire(self, user: Any) -> None:
        """``AccountRetirementView.post``: the signal, then the account's new username and email."""
        retired_username = get_retired_username_by_username(user.username)
        retired_email = f"{retired_username}@retired.invalid"
        extra = {"retired_username": retired_username, "retired_email": retired_email}
        self.signal.send(sender=AccountRetirementView, user=user, **(extra if self.sends_retired_username else {}))
        user.first_name, user.last_name, user.is_active = "", "", False
        user.username, user.email = retired_username, retired_email
        user.save()


class AccountRetirementView:
    """The sender: openedx/core/djangoapps/user_api/accounts/views.py ``AccountRetirementView``."""


@contextmanager
def lms(sends_retired_username: bool = True) -> Iterator[Platform]:
    """The platform's modules, importable as in an LMS process, for the length of the block."""
    platform = Platform(Signal(), AnonymousUserIds(), sends_retired_username)
    names = (
        "openedx",
        "openedx.core",
        "openedx.core.djangoapps",
        "openedx.core.djangoapps.user_api",
        "openedx.core.djangoapps.user_api.accounts",
        "openedx.core.djangoapps.user_api.accounts.signals",
        "common",
        "common.djangoapps",
        "common.djangoapps.student",
        "common.djangoapps.student.models",
    )
    modules = {name: types.ModuleType(name) for name in names}
    signals = modules["openedx.core.djangoapps.user_api.accounts.signals"]
    signals.USER_RETIRE_LMS_CRITICAL = platform.signal  # type: ignore[attr-defined]
    student = modules["common.djangoapps.student.models"]
    student.AnonymousUserId = platform.anonymous_ids.model()  # type: ignore[attr-defined]
    student.get_retired_username_by_username = get_retired_username_by_username  # type: ignore[attr-defined]
    with mock.patch.dict(sys.modules, modules):
        yield platform
