"""The one seam between ora_xblock and its host (LMS, Studio, demo, tests).

Everything the block learns about the person in front of it, the time and
the language goes through here, so that the block behaves the same in
edx-platform, in the demo server and in tests, and copes when a service is
missing.
"""

from __future__ import annotations

import gettext
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from xblock.exceptions import NoSuchServiceError

from .conf import ora_settings
from .definition.schedule import HostDates
from .when import Reader

STAFF_ROLES = frozenset({"staff", "instructor", "administrator"})
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Viewer:
    """The person a request comes from, as far as the host tells."""

    anonymous_id: str | None = None
    username: str | None = None
    is_staff: bool = False
    role: str | None = None
    masquerading: bool = False  # course staff "viewing as" this learner: they may look, never act
    is_beta_tester: bool = False  # one of the course's beta testers, who meet every start days_early_for_beta sooner
    time_zone: str | None = None  # their ``time_zone`` preference (an IANA name), where the host gives it
    language: str | None = None  # their ``pref-lang`` preference, where the host gives it
    user_id: int | None = None  # their account's id (``edx-platform.user_id``), where the host gives it

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
    return _aware(_field(block, name))


def _field(block: Any, name: str) -> Any:
    """The value of the block's field ``name``, or None where the host gives the block no such field."""
    return getattr(block, name, None) if name in getattr(block, "fields", {}) else None


def host_dates(block: Any, beta_tester: bool = False) -> HostDates:
    """The dates the platform owns for this block and learner.

    The block's ``start``, ``due`` and ``days_early_for_beta`` are fields it
    inherits from its subsection and course (xmodule/modulestore/inheritance.py
    ``InheritanceMixin``; the LMS personalises ``due``); the course's start and
    end come from the modulestore's course, as ora2 reads them.
    """
    course = _course(block)
    early = _field(block, "days_early_for_beta")
    return HostDates(
        block_start=_field_date(block, "start"),
        block_due=_field_date(block, "due"),
        course_start=_aware(getattr(course, "start", None)),
        course_end=_aware(getattr(course, "end", None)),
        days_early_for_beta=float(early) if isinstance(early, int | float) and not isinstance(early, bool) else None,
        beta_tester=beta_tester,
    )


def _aware(value: Any) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _course(block: Any) -> Any:
    """The block's course from the runtime's modulestore, or None (workbench, tests, a course that is gone)."""
    try:
        return block.runtime.modulestore.get_course(block.scope_ids.usage_id.course_key)
    except Exception:  # noqa: BLE001 - hosts without a modulestore (workbench, tests) or a course
        return None


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
        is_beta_tester=bool(attrs.get("edx-platform.user_is_beta_tester", False)),
        masquerading=_masquerading(block, service, attrs),
        user_id=_user_id(attrs),
        **_preferences(attrs),
    )


def _user_id(attrs: dict[str, Any]) -> int | None:
    found = attrs.get("edx-platform.user_id")
    return found if isinstance(found, int) and not isinstance(found, bool) else None


def _preferences(attrs: dict[str, Any]) -> dict[str, str | None]:
    """The person's time zone and language preferences, which the LMS's user service hands over as
    ``edx-platform.user_preferences`` (``time_zone``, ``pref-lang``), common/djangoapps/xblock_django/user_service.py.
    """
    preferences = attrs.get("edx-platform.user_preferences")
    if not isinstance(preferences, dict):
        return {}
    texts = {key: value for key, value in preferences.items() if isinstance(value, str) and value.strip()}
    return {"time_zone": texts.get("time_zone"), "language": texts.get("pref-lang")}


def _masquerading(block: Any, service: Any, attrs: dict[str, Any]) -> bool:
    """Whether someone else is behind the learner the user service names ("View this course as: Specific learner").

    The LMS binds the block to the learner, who then carries ``real_user``, while
    the request's own user (crum's) stays the staff member, who carries
    ``masquerade_settings`` (lms/djangoapps/courseware/masquerade.py
    ``setup_masquerade``). Any of these signs is enough.
    """
    bound = getattr(service, "_django_user", None)  # DjangoXBlockUserService keeps the user it was made for
    real = getattr(bound, "real_user", None)
    if real is not None and getattr(real, "pk", real) != getattr(bound, "pk", bound):
        return True
    requester = _request_user()
    if requester is None or not getattr(requester, "is_authenticated", False):
        return False
    course = course_id(block)
    settings = getattr(requester, "masquerade_settings", None) or {}
    if any(str(key) == course and getattr(entry, "user_name", None) for key, entry in settings.items()):
        return True
    bound_id = attrs.get("edx-platform.user_id")
    return bound_id is not None and getattr(requester, "pk", None) != bound_id


def csrf() -> dict[str, str]:
    """What the browser needs to send Django's CSRF token: the cookie's name (the site's ``CSRF_COOKIE_NAME``)
    and, where the current request is known (django-crum), the token itself."""
    name = str(setting("CSRF_COOKIE_NAME", "csrftoken"))
    try:
        from crum import get_current_request
        from django.middleware.csrf import get_token
    except ImportError:
        return {"cookie": name, "token": ""}
    request = get_current_request()
    return {"cookie": name, "token": get_token(request) if request is not None else ""}


def _request_user() -> Any:
    """The user who made the current request, where the host records it (django-crum, as edx-platform does)."""
    try:
        from crum import get_current_user
    except ImportError:
        return None
    return get_current_user()


def language(block: Any, who: Viewer | None = None) -> str:
    """The language the page speaks: the ``i18n`` service's (the LMS's passes Django's active language on),
    else Django's active language, else the person's ``pref-lang``, else English. Dates follow it, so that they
    read in the language of the sentences around them."""
    service = _service(block, "i18n")
    found = getattr(service, "get_language", None)
    code = found() if callable(found) else None
    if not code and callable(getattr(service, "info", None)):  # a gettext catalog: the language in its header
        code = service.info().get("language")
    if not code:
        code = _django_language()
    return str(code or (who.language if who else None) or "en")


def _django_language() -> str | None:
    from django.conf import settings

    if not settings.configured:
        return None
    from django.utils import translation

    return translation.get_language()


def reader(block: Any, when: datetime, who: Viewer | None = None) -> Reader:
    """Whoever looks at ``block``, as dates are shown to them at ``when``: their time zone preference (none:
    the browser's, see static/js/when.js) and the page's language."""
    who = who or viewer(block)
    return Reader(who.time_zone, language(block, who), when, translations(block).gettext)


def translations(block: Any) -> Any:
    """The runtime's ``i18n`` service (``gettext``, ``ngettext``), or no translation."""
    service = _service(block, "i18n")
    return service if hasattr(service, "ngettext") else gettext.NullTranslations()


def rewrite_urls(block: Any, html: str) -> str:
    """``html`` with its course links made real by the host's ``replace_urls`` service
    (common/djangoapps/static_replace/services.py): ``/static/...`` to the course asset, and in the LMS
    ``/course/...`` and ``/jump_to_id/...`` to course pages; Studio's preview rewrites ``/static/`` only.

    The LMS rewrites the fragment a view returns, never a handler's JSON, so the block rewrites author
    HTML itself wherever it renders it. Without the service, or when it fails, ``html`` comes back as it was:
    a link left unrewritten is better than a broken page.
    """
    if not html:
        return html
    try:
        service = _service(block, "replace_urls")
        if not hasattr(service, "replace_urls"):
            return html
        rewritten = service.replace_urls(html, static_replace_only=in_studio_preview(block))
    except Exception:  # the host's service may fail in any way; the page must still render
        log.warning("replace_urls failed; the links are left as the author wrote them", exc_info=True)
        return html
    return rewritten if isinstance(rewritten, str) else html


def _service(block: Any, name: str) -> Any:
    try:
        return block.runtime.service(block, name)
    except NoSuchServiceError:
        return None


def extra_prohibited_extensions() -> tuple[str, ...]:
    """Extensions the operator prohibits beyond the seed list (``ORA_XBLOCK_EXTRA_PROHIBITED_EXTENSIONS``)."""
    return tuple(ora_settings.ORA_XBLOCK_EXTRA_PROHIBITED_EXTENSIONS)


def _plain(key: Any) -> Any:
    """An opaque key without the branch or version Studio adds (``draft-branch``, ``version@...``)."""
    if hasattr(key, "version_agnostic") and hasattr(key, "for_branch"):
        return key.version_agnostic().for_branch(None)
    return key


def item_id(block: Any) -> str:
    """The problem's id in learner data: its usage key, without the branch or version Studio adds."""
    return str(_plain(block.scope_ids.usage_id))


def in_lms() -> bool:
    """Whether this process is edx-platform's LMS (its URLconf), where course content is read-only."""
    return str(setting("ROOT_URLCONF", "")).startswith("lms.")


def course_key(block: Any) -> Any:
    """The course the block is in, as an opaque key without branch or version; None outside a course."""
    return _plain(getattr(block.scope_ids.usage_id, "course_key", None))


def course_id(block: Any) -> str:
    """The course the block is in: from its usage key in the platform, else what the runtime says."""
    key = course_key(block)
    return str(key or getattr(block.runtime, "course_id", None) or "course-v1:local+ora_xblock+demo")


def can_edit(block: Any) -> bool:
    """Whether the person may change the problem.

    Studio builds the editor's ``user`` service with no role or staff flag
    (cms/djangoapps/contentstore/utils.py ``load_services_for_studio``) and
    answers for authors through ``studio_user_permissions.can_write(course_key)``;
    only hosts without that service fall back to the course-staff role.
    """
    permissions = _service(block, "studio_user_permissions")
    if permissions is None:  # the LMS edits no content (its content fields are read-only); elsewhere, the role
        return not in_lms() and viewer(block).can_author
    return bool(permissions.can_write(course_key(block) or course_id(block)))


def setting(name: str, default: Any) -> Any:
    """A Django setting of the operator's, or ``default`` when Django or the setting is absent."""
    from django.conf import settings

    return getattr(settings, name, default) if settings.configured else default


def course_forces_flexible(block: Any) -> bool:
    """The course's "force flexible peer grading" advanced setting, else the operator's Django setting."""
    forced = getattr(_course(block), "force_on_flexible_peer_openassessments", None)
    if forced is None:
        return bool(ora_settings.ORA_XBLOCK_FORCE_FLEXIBLE_PEER)
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


def show_correctness(block: Any) -> tuple[str, datetime | None]:
    """When learners may see their score: the block's inherited ``show_correctness`` ("always", "past_due",
    "never", "never_but_include_grade"; "always" where the host has no such field) and the moment "past_due"
    counts from, the due date plus the grace period, as capa's ``close_date`` reads them (xmodule/capa_block.py)."""
    rule = _field(block, "show_correctness") or "always"
    due = _field_date(block, "due")
    grace = _field(block, "graceperiod")
    if due is not None and isinstance(grace, timedelta):
        due += grace
    return str(rule), due


def grades_frozen(course_id: str, block: Any = None) -> bool:
    """Whether edx-platform has frozen the course's grades (``ENFORCE_FREEZE_GRADE_AFTER_COURSE_END``, some days
    after the course ends); no score may change after that.

    Asked of the block's ``grade_utils`` service (lms/djangoapps/grades/services.py) when there is a block, else
    of the grades app that service wraps (lms/djangoapps/grades/grade_utils.py), for work done away from a block;
    False outside the LMS.
    """
    service = _service(block, "grade_utils") if block is not None else None
    if hasattr(service, "are_grades_frozen"):
        return bool(service.are_grades_frozen())
    try:
        from lms.djangoapps.grades.grade_utils import are_grades_frozen  # type: ignore[import-not-found]
        from opaque_keys.edx.keys import CourseKey
    except Exception:  # noqa: BLE001 - not the LMS (ImportError), or Studio, where its grades app is not installed
        return False
    return bool(are_grades_frozen(CourseKey.from_string(course_id)))


def username_of(block: Any, anonymous_id: str) -> str:
    """The username behind an anonymous id of the course, as the ``user`` service finds it
    (``get_user_by_anonymous_id``, common/djangoapps/xblock_django/user_service.py); empty where it cannot."""
    find = getattr(_service(block, "user"), "get_user_by_anonymous_id", None)
    if not anonymous_id or find is None:
        return ""
    try:
        return str(getattr(find(anonymous_id), "username", "") or "")
    except Exception:  # noqa: BLE001 - a failed lookup leaves the name out, never the action
        return ""


# The platform's teams (platform_teams.py), reached through this seam like everything else of the host's.
from .platform_teams import team_of, teams_page_url, teamset_name  # noqa: E402, F401
