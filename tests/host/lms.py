"""The LMS as a block meets it: real opaque keys, the user service, masquerade, and the gradebook.

Each part mirrors a file of openedx-platform (formerly edx-platform), named
where it is defined. Only what ora_xblock can observe is reproduced.
"""

from __future__ import annotations

import gettext
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import crum
from django.contrib.auth import get_user_model
from lxml import etree
from opaque_keys.edx.locator import BlockUsageLocator, CourseLocator
from submissions import api as submissions_api
from xblock.field_data import DictFieldData, FieldData
from xblock.fields import Scope, ScopeIds
from xblock.reference.user_service import UserService, XBlockUser
from xblock.test.tools import TestRuntime

from ora_xblock.block import OraXBlock

COURSE = CourseLocator("OraOrg", "ORA101", "2026")
# What Studio hands its runtimes: the same course on the draft branch, at a version.
STUDIO_COURSE = CourseLocator(
    "OraOrg", "ORA101", "2026", branch="draft-branch", version_guid="6744e26ad7e4a2b9e0f6d2c1"
)


def usage_key(block_id: str = "ora1", course: CourseLocator = COURSE) -> BlockUsageLocator:
    return BlockUsageLocator(course, "ora_xblock", block_id)


def account(username: str, *, staff: bool = False) -> Any:
    """A saved django.contrib.auth user (the platform's accounts are these)."""
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.com", "is_staff": staff}
    )
    return user


def anonymous_id_for_user(user: Any, course: CourseLocator = COURSE) -> str:
    """common/djangoapps/student/models (anonymous_id_for_user): a stable per-course id, 32 hex characters."""
    return hashlib.md5(f"secret{course}{user.pk}".encode()).hexdigest()


class LmsUserService(UserService):
    """common/djangoapps/xblock_django/user_service.py DjangoXBlockUserService, as the LMS builds it.

    lms/djangoapps/courseware/block_render.py passes the staff flag, the course role, the
    per-course anonymous id and the beta-tester flag; Studio's editor passes none of them.
    """

    def __init__(self, django_user: Any, **kwargs: Any) -> None:
        super().__init__()
        self._django_user = django_user
        self._kwargs = kwargs

    def get_current_user(self) -> XBlockUser:
        user = XBlockUser(is_current_user=True)
        django_user = self._django_user
        if django_user is None or not django_user.is_authenticated:
            user.opt_attrs["edx-platform.is_authenticated"] = False
            return user
        user.emails = [django_user.email]
        user.opt_attrs.update(
            {
                "edx-platform.anonymous_user_id": self._kwargs.get("anonymous_user_id"),
                "edx-platform.is_authenticated": True,
                "edx-platform.user_id": django_user.pk,
                "edx-platform.username": django_user.username,
                "edx-platform.user_is_beta_tester": self._kwargs.get("user_is_beta_tester", False),
                "edx-platform.user_is_global_staff": self._kwargs.get("user_is_global_staff", False),
                "edx-platform.user_is_staff": self._kwargs.get("user_is_staff", False),
                "edx-platform.user_role": self._kwargs.get("user_role", "student"),
            }
        )
        return user


@dataclass
class CourseMasquerade:
    """lms/djangoapps/courseware/masquerade.py CourseMasquerade: who staff are viewing the course as."""

    course_key: CourseLocator
    role: str = "student"
    user_partition_id: int | None = None
    group_id: int | None = None
    user_name: str | None = None


class LmsRuntime(TestRuntime):
    """The LMS's runtime for one user: services only for the blocks that declare them, events recorded.

    While staff view the course as a specific learner, grade and completion
    events are dropped, as the platform's event publishing does for masquerades.
    """

    def __init__(self, services: dict[str, Any], masquerading: bool = False) -> None:
        super().__init__(services=services)
        self.masquerading = masquerading
        self.published: list[tuple[str, dict[str, Any]]] = []

    def publish(self, block: Any, event_type: str, event_data: dict[str, Any]) -> None:
        if event_type == "completion":  # the LMS's event publishing asks for the service: undeclared, it raises
            self.service(block, "completion")
        if self.masquerading and event_type in ("grade", "completion"):
            return
        self.published.append((event_type, event_data))

    def handler_url(self, block: Any, handler_name: str, suffix: str = "", query: str = "", thirdparty: bool = False):
        return f"/courses/{COURSE}/xblock/{block.scope_ids.usage_id}/handler/{handler_name}/{suffix}"


class LearnerFieldData(FieldData):
    """lms/djangoapps/lms_xblock/field_data.py: authored fields from the course, the learner's own fields in
    their StudentModule row (lms/djangoapps/courseware/model_data.py), which exists once a field is saved."""

    def __init__(self, authored: DictFieldData, rows: dict[str, dict[str, Any]], learner: str | None) -> None:
        super().__init__()
        self._authored, self._rows, self._learner = authored, rows, learner

    def _learners(self, block: Any, name: str) -> bool:
        return block.fields[name].scope == Scope.user_state and self._learner is not None

    def get(self, block: Any, name: str) -> Any:
        if self._learners(block, name):
            return self._rows[self._learner][name]  # KeyError: never set, the default applies
        return self._authored.get(block, name)

    def set(self, block: Any, name: str, value: Any) -> None:
        if self._learners(block, name):
            self._rows.setdefault(self._learner, {})[name] = value
        else:
            self._authored.set(block, name, value)

    def delete(self, block: Any, name: str) -> None:
        if self._learners(block, name):
            del self._rows[self._learner][name]
        else:
            self._authored.delete(block, name)

    def has(self, block: Any, name: str) -> bool:
        if self._learners(block, name):
            return name in self._rows.get(self._learner, {})
        return self._authored.has(block, name)

    def default(self, block: Any, name: str) -> Any:
        return self._authored.default(block, name)  # inherited settings, where the authored data has them


@dataclass
class Problem:
    """One ORA problem in the course: its authored content, shared by every user's runtime, and each learner's
    StudentModule row (``student_modules``, by username)."""

    olx: str
    key: BlockUsageLocator = field(default_factory=usage_key)
    content: DictFieldData = field(default_factory=lambda: DictFieldData({}))
    student_modules: dict[str, dict[str, Any]] = field(default_factory=dict)
    built: bool = False

    def block_for(
        self, runtime: TestRuntime, key: BlockUsageLocator | None = None, learner: str | None = None
    ) -> OraXBlock:
        """The block as ``runtime`` binds it for ``learner`` (a username); the first call imports the OLX, as
        course import does."""
        key = key or self.key
        runtime._services["field-data"] = LearnerFieldData(self.content, self.student_modules, learner)
        scope_ids = ScopeIds(None, "ora_xblock", key, key)
        if not self.built:
            self.built = True
            return OraXBlock.parse_xml(etree.fromstring(self.olx), runtime, scope_ids)
        return runtime.construct_xblock_from_class(OraXBlock, scope_ids)


def lms_block(
    problem: Problem,
    user: Any,
    *,
    staff: bool = False,
    beta: bool = False,
    extra: dict[str, Any] | None = None,
    user_service: type[LmsUserService] | None = None,
) -> OraXBlock:
    """``problem`` as the LMS renders it for ``user`` (block_render.py get_module_system_for_user); ``extra``
    services beside the user's and i18n, and the user service's class (``user_service``, teams.py's)."""
    service = (user_service or LmsUserService)(
        user,
        user_is_staff=staff,
        user_role="instructor" if staff else "student",
        anonymous_user_id=anonymous_id_for_user(user),
        user_is_beta_tester=beta,
    )
    services = {"user": service, "i18n": gettext.NullTranslations(), **(extra or {})}
    masquerading = hasattr(user, "real_user")
    runtime = LmsRuntime(services, masquerading=masquerading)
    # While masquerading, field writes go to the staff member's session (courseware/masquerade.py), not the row.
    learner = None if not user.is_authenticated else f"session of {user.real_user}" if masquerading else user.username
    return problem.block_for(runtime, learner=learner)


@contextmanager
def request_by(user: Any) -> Iterator[None]:
    """The request's own user as crum records it (edx-platform's CurrentRequestUserMiddleware)."""
    with crum.impersonate(user):
        yield


def masquerade_as(staff: Any, learner_username: str) -> Any:
    """What setup_masquerade (lms/djangoapps/courseware/masquerade.py) does for "View as: Specific learner".

    The staff member (the request's user) carries ``masquerade_settings``;
    the learner the block is bound to carries the same and ``real_user``.
    """
    settings = {COURSE: CourseMasquerade(COURSE, user_name=learner_username)}
    staff.masquerade_settings = settings
    learner = get_user_model().objects.get(username=learner_username)
    learner.masquerade_settings = settings
    learner.real_user = staff
    return learner


def gradebook_entry(problem: Problem, user: Any) -> tuple[int, int] | None:
    """The learner's score as the LMS's grades read it (lms/djangoapps/grades/scores.py ``get_score``):
    submissions scores of the course, looked up by the block's location string."""
    scores = submissions_api.get_scores(str(COURSE), anonymous_id_for_user(user))
    entry = scores.get(str(problem.key))
    return None if entry is None else (entry["points_earned"], entry["points_possible"])
