"""What the course dashboard asks of its host: who is asking, whether they are course staff, the course's problems.

In Open edX these are the platform's own answers: the LMS's access check (``has_access(user, "staff",
course_key)``, lms/djangoapps/courseware/access.py, which counts course staff, instructors and global staff),
the per-course anonymous id (``anonymous_id_for_user``, common/djangoapps/student/models), and the modulestore
(``modulestore().get_items(course_key, qualifiers={"category": "ora_xblock"})``, xmodule/modulestore/django.py).
Elsewhere the object named by ``ORA_XBLOCK_COURSE_HOST`` answers (the demo's: ``demo.course_host``), each of its
functions optional: ``problems(course_id)`` yields ``(block, url)``, ``is_staff(user, course_id)``,
``anonymous_id(user, course_id)`` and ``link(request, url)`` (a link of these pages as the host must write it: the
demo's carry its persona). Without either, only Django's global staff pass, and the problems come from
the content's own index.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from .. import platform
from ..conf import ora_settings

BLOCK_TYPE = "ora_xblock"  # the entry point's name (setup.py, xblock.v1): the modulestore's category


def custom() -> Any:
    """The host object the operator names (``ORA_XBLOCK_COURSE_HOST``), or None."""
    path = str(ora_settings.ORA_XBLOCK_COURSE_HOST or "")
    return import_string(path) if path else None


def user_of(request: Any) -> Any:
    """Who made the request: the user the host records for it (django-crum, as the platform and the demo do),
    else Django's."""
    try:
        from crum import get_current_user
    except ImportError:  # pragma: no cover - crum is a dependency of the platform and of the demo
        get_current_user = None
    user = get_current_user() if get_current_user else None
    return user if user is not None and user.is_authenticated else getattr(request, "user", None)


def is_course_staff(user: Any, course_id: str) -> bool:
    """Whether ``user`` is course staff (or an instructor, or global staff) in the course."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    host = custom()
    if host is not None and hasattr(host, "is_staff"):
        return bool(host.is_staff(user, course_id))
    try:
        from lms.djangoapps.courseware.access import has_access  # type: ignore[import-not-found]
        from opaque_keys.edx.keys import CourseKey
    except ImportError:
        return bool(getattr(user, "is_staff", False))
    return bool(has_access(user, "staff", CourseKey.from_string(course_id)))


def anonymous_id(user: Any, course_id: str) -> str:
    """The user's anonymous id in the course, the one the block's staff area knows them by (staff queue holds)."""
    host = custom()
    if host is not None and hasattr(host, "anonymous_id"):
        return str(host.anonymous_id(user, course_id))
    try:
        from common.djangoapps.student.models import anonymous_id_for_user  # type: ignore[import-not-found]
        from opaque_keys.edx.keys import CourseKey
    except ImportError:
        secret = f"{settings.SECRET_KEY}:{course_id}:{user.pk}"
        return hashlib.sha256(secret.encode()).hexdigest()[:32]
    return str(anonymous_id_for_user(user, CourseKey.from_string(course_id)))


def course_blocks(course_id: str) -> Iterable[tuple[Any, str]] | None:
    """The course's problem blocks with the URL of the page each is on, from the host; None where the host has no
    course content to ask (then the content's own index lists the problems)."""
    host = custom()
    if host is not None and hasattr(host, "problems"):
        return list(host.problems(course_id))
    try:
        from opaque_keys.edx.keys import CourseKey
        from xmodule.modulestore.django import modulestore  # type: ignore[import-not-found]
    except ImportError:
        return None
    key = CourseKey.from_string(course_id)
    blocks = modulestore().get_items(key, qualifiers={"category": BLOCK_TYPE})
    return [(block, jump_to(course_id, platform.item_id(block))) for block in blocks]


def jump_to(course_id: str, item_id: str) -> str:
    """The LMS page of the unit the problem is in, where its staff area is (lms/urls.py ``jump_to``)."""
    return f"/courses/{course_id}/jump_to/{item_id}"


def link(request: Any, url: str) -> str:
    """``url``, one of the course pages' own links, as the host must write it for this request (as it is, but for
    a host that says otherwise)."""
    host = custom()
    return str(host.link(request, url)) if host is not None and hasattr(host, "link") else url
