"""The one seam between ora_xblock and its host (LMS, Studio, demo, tests).

Everything the block learns about the person in front of it, the time and
the language goes through here, so that the block behaves the same in
edx-platform, in the demo server and in tests, and copes when a service is
missing.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from xblock.exceptions import NoSuchServiceError

STAFF_ROLES = frozenset({"staff", "instructor", "administrator"})


@dataclass(frozen=True)
class Viewer:
    """The person a request comes from, as far as the host tells."""

    anonymous_id: str | None = None
    username: str | None = None
    is_staff: bool = False
    role: str | None = None

    @property
    def can_author(self) -> bool:
        return self.is_staff or (self.role or "") in STAFF_ROLES


def now() -> datetime:
    """The current time in UTC; tests patch this one function."""
    return datetime.now(UTC)


def in_studio_preview(block: Any) -> bool:
    """Whether the block is rendered in Studio's preview, where nobody learns or grades."""
    return bool(getattr(block.runtime, "is_author_mode", False))


def course_dates(block: Any) -> tuple[datetime | None, datetime | None]:
    """The block's release and due dates, as the platform's inherited fields give them, in UTC.

    Only real fields count: a host that merely sets an attribute (the
    workbench sets ``due`` to "now" on every call) has no such dates.
    """
    return _field_date(block, "start"), _field_date(block, "due")


def _field_date(block: Any, name: str) -> datetime | None:
    value = getattr(block, name, None) if name in getattr(block, "fields", {}) else None
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def viewer(block: Any) -> Viewer:
    """Who is looking at ``block``, from the runtime's ``user`` service."""
    service = _service(block, "user")
    if service is None:
        return Viewer()
    user = service.get_current_user()
    attrs = getattr(user, "opt_attrs", {}) or {}
    return Viewer(
        anonymous_id=attrs.get("edx-platform.anonymous_user_id"),
        username=attrs.get("edx-platform.username"),
        is_staff=bool(attrs.get("edx-platform.user_is_staff", False)),
        role=attrs.get("edx-platform.user_role"),
    )


def translations(block: Any) -> Any:
    """The runtime's ``i18n`` service (``gettext``, ``ngettext``), or no translation."""
    service = _service(block, "i18n")
    return service if hasattr(service, "ngettext") else gettext.NullTranslations()


def _service(block: Any, name: str) -> Any:
    try:
        return block.runtime.service(block, name)
    except NoSuchServiceError:
        return None


def extra_prohibited_extensions() -> tuple[str, ...]:
    """Extensions the operator prohibits beyond the seed list (``ORA_XBLOCK_EXTRA_PROHIBITED_EXTENSIONS``)."""
    return tuple(setting("ORA_XBLOCK_EXTRA_PROHIBITED_EXTENSIONS", ()))


def item_id(block: Any) -> str:
    """The problem's id in learner data: its usage key, without the branch or version Studio adds."""
    usage = block.scope_ids.usage_id
    if hasattr(usage, "version_agnostic") and hasattr(usage, "for_branch"):
        usage = usage.version_agnostic().for_branch(None)
    return str(usage)


def course_id(block: Any) -> str:
    """The course the block is in: from its usage key in the platform, else what the runtime says."""
    key = getattr(block.scope_ids.usage_id, "course_key", None)
    return str(key or getattr(block.runtime, "course_id", None) or "course-v1:local+ora_xblock+demo")


def setting(name: str, default: Any) -> Any:
    """A Django setting of the operator's, or ``default`` when Django or the setting is absent."""
    from django.conf import settings

    return getattr(settings, name, default) if settings.configured else default


def course_forces_flexible(block: Any) -> bool:
    """The course's "force flexible peer grading" advanced setting, else the operator's Django setting."""
    try:
        course = block.runtime.modulestore.get_course(block.scope_ids.usage_id.course_key)
    except Exception:  # noqa: BLE001 - hosts without a modulestore (workbench, tests) or a course
        course = None
    forced = getattr(course, "force_on_flexible_peer_openassessments", None)
    if forced is None:
        return bool(setting("ORA_XBLOCK_FORCE_FLEXIBLE_PEER", False))
    return bool(forced)


def _user_model() -> Any:
    """django.contrib.auth's user model, or None where the host has no auth app."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    return get_user_model() if apps.is_installed("django.contrib.auth") else None


def usernames_for_email(email: str) -> list[str]:
    """The usernames of the accounts with this email address, compared case-insensitively."""
    users = _user_model()
    if users is None:
        return []
    return list(users.objects.filter(email__iexact=email.strip()).values_list("username", flat=True))


def emails_of(usernames: Iterable[str]) -> dict[str, str]:
    """Each username's email address, for those the host knows (one query)."""
    users = _user_model()
    if users is None:
        return {}
    return dict(users.objects.filter(username__in=list(usernames)).values_list("username", "email"))


def course_team(course_id: str) -> frozenset[str]:
    """The lower-cased usernames of the course team (every course access role: staff, admin, beta tester,
    data researcher), which the gradebook leaves out by default; empty outside edx-platform."""
    try:
        from common.djangoapps.student.models import CourseAccessRole  # type: ignore[import-not-found]
        from opaque_keys.edx.keys import CourseKey
    except ImportError:
        return frozenset()
    roles = CourseAccessRole.objects.filter(course_id=CourseKey.from_string(course_id))
    return frozenset(name.lower() for name in roles.values_list("user__username", flat=True))
