"""Studio as a block meets it: the editor's runtime, the preview's, and which view the preview shows."""

from __future__ import annotations

import gettext
from typing import Any

from xblock.test.tools import TestRuntime

from ora_xblock.block import OraXBlock

from .lms import STUDIO_COURSE, LmsUserService, Problem, anonymous_id_for_user, usage_key


class StudioPermissionsService:
    """cms/djangoapps/contentstore/utils.py StudioPermissionsService: the course team's Studio access.

    Course access roles are kept per course key without branch or version
    (common/djangoapps/student/roles.py), so a key with either finds no role.
    """

    def __init__(self, user: Any, writers: frozenset[str] = frozenset(), readers: frozenset[str] = frozenset()):
        self._user, self._writers, self._readers = user, writers, readers | writers

    def _role_key(self, course_key: Any) -> bool:
        return getattr(course_key, "branch", None) is None and getattr(course_key, "version_guid", None) is None

    def can_read(self, course_key: Any) -> bool:
        return self._role_key(course_key) and self._user.username in self._readers

    def can_write(self, course_key: Any) -> bool:
        return self._role_key(course_key) and self._user.username in self._writers


class StudioRuntime(TestRuntime):
    """A Studio runtime; ``is_author_mode`` is what the preview sets (cms/djangoapps/contentstore/views/preview.py)."""

    def __init__(self, services: dict[str, Any], author_mode: bool) -> None:
        super().__init__(services={"i18n": gettext.NullTranslations(), **services})
        self.is_author_mode = author_mode
        self.published: list[tuple[str, dict[str, Any]]] = []

    def publish(self, block: Any, event_type: str, event_data: dict[str, Any]) -> None:
        self.published.append((event_type, event_data))

    def handler_url(self, block: Any, handler_name: str, suffix: str = "", query: str = "", thirdparty: bool = False):
        return f"/xblock/{block.scope_ids.usage_id}/handler/{handler_name}/{suffix}"


def editor_block(problem: Problem, user: Any, writers: frozenset[str]) -> OraXBlock:
    """The block as ``component_handler`` (cms/djangoapps/contentstore/views/component.py) hands it the
    editor's calls: ``load_services_for_studio`` gives a user service with defaults only (role
    'student', not staff, no anonymous id) and the permissions service; keys carry branch and version."""
    services = {"user": LmsUserService(user), "studio_user_permissions": StudioPermissionsService(user, writers)}
    return problem.block_for(StudioRuntime(services, author_mode=False), usage_key(problem.key.block_id, STUDIO_COURSE))


def preview_block(problem: Problem, user: Any, writers: frozenset[str], role: str = "staff") -> OraXBlock:
    """The block in Studio's preview (``_prepare_runtime_for_preview``): the user's course role and
    anonymous id, the permissions service, and ``is_author_mode``."""
    services = {
        "user": LmsUserService(user, user_role=role, anonymous_user_id=anonymous_id_for_user(user)),
        "studio_user_permissions": StudioPermissionsService(user, writers),
    }
    return problem.block_for(StudioRuntime(services, author_mode=True), usage_key(problem.key.block_id, STUDIO_COURSE))


def preview_fragment(block: OraXBlock) -> Any:
    """What the preview renders: ``author_view`` only when the class says ``has_author_view``
    (xmodule/studio_editable.py), else ``student_view``."""
    view = "author_view" if getattr(block, "has_author_view", False) else "student_view"
    return block.runtime.render(block, view)
