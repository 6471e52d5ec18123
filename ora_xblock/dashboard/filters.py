"""Reaching the course dashboard from the Instructor Dashboard: two openedx-filters pipeline steps the operator
adds to ``OPEN_EDX_FILTERS_CONFIG`` (docs/course-dashboard.md).

- :class:`AddCourseDashboardSection` on ``org.openedx.learning.instructor.dashboard.render.started.v1``
  (``InstructorDashboardRenderStarted``, run by lms/djangoapps/instructor/views/instructor_dashboard.py with the
  page's ``context`` and ``template_name``): a section of the legacy dashboard, "Open responses (ora_xblock)", with
  what waits for staff and peers and the links to the course dashboard and its grading queue. The legacy page
  includes each section's template, ``template_path_prefix`` + ``section_key`` + ``.html``, from its Mako lookup
  (lms/templates/instructor/instructor_dashboard_2/instructor_dashboard_2.html): ours is
  ``templates/lms/ora_xblock/ora_xblock_course_dashboard.html``, whose folder the step adds to that lookup once.
- :class:`AddCourseDashboardTab` on ``org.openedx.learning.instructor.dashboard.tabs.requested.v1``
  (``InstructorDashboardTabsRequested``, openedx-filters 3.x, for the instructor dashboard MFE): a tab whose link,
  the course dashboard's LMS address, the MFE's navigation opens as it is.

Each adds nothing for anyone but the course's staff, nor to a course without an ora_xblock problem. Outside the
platform (no openedx-filters installed) the steps are importable and never run.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from ..definition.errors import N_
from ..services import course
from . import host, i18n
from .problems import course_problems

try:
    from openedx_filters import PipelineStep  # type: ignore[import-not-found]
except ImportError:  # not the platform

    class PipelineStep:  # type: ignore[no-redef]
        """openedx-filters' base step, as far as its constructor goes (openedx_filters/filters.py)."""

        def __init__(self, filter_type: str, running_pipeline: list[str], **extra_config: Any) -> None:
            self.filter_type, self.running_pipeline, self.extra_config = filter_type, running_pipeline, extra_config


SECTION_KEY = "ora_xblock_course_dashboard"
TEMPLATES = "templates/lms"  # in the package: the legacy dashboard's section template, under ora_xblock/
TAB_ID = "ora_xblock"
TAB_SORT_ORDER = 125  # after the platform's own tabs (the last, Special Exams, is 110)
TITLE = N_("Open responses (ora_xblock)")
_lookup_added = False  # edxmako's lookup has our folder


class AddCourseDashboardSection(PipelineStep):
    """The legacy Instructor Dashboard's section for ora_xblock's problems."""

    def run_filter(self, context: dict[str, Any], template_name: str) -> dict[str, Any]:  # type: ignore[override]
        unchanged = {"context": context, "template_name": template_name}
        course_id = str(getattr(context.get("course"), "id", "") or "")
        sections = context.get("sections")
        item_ids = _problems_shown(course_id, host.user_of(get_current_request())) if course_id else []
        if not item_ids or not isinstance(sections, list):
            return unchanged
        _add_template_lookup()
        texts = i18n.catalog()
        tallies = course.tallies(item_ids).values()
        staff, peers = sum(t.waiting_for_staff for t in tallies), sum(t.waiting_for_peers for t in tallies)
        summary = [
            texts.ngettext("{count} problem.", "{count} problems.", len(item_ids)).format(count=len(item_ids)),
            texts.ngettext("{count} waits for peer reviews;", "{count} wait for peer reviews;", peers).format(
                count=peers
            ),
            texts.ngettext("{count} waits for staff.", "{count} wait for staff.", staff).format(count=staff),
        ]
        links = [
            (dashboard_url(course_id), texts.gettext("See every problem of the course, and its reports")),
            (_course_url("course_queue", course_id), texts.gettext("Grade the responses waiting for staff")),
        ]
        section = {
            "section_key": SECTION_KEY,
            "section_display_name": texts.gettext(TITLE),
            "course_id": course_id,
            "template_path_prefix": "/ora_xblock/",
            "ora_xblock": {"summary": " ".join(summary), "links": [(url, text) for url, text in links if url]},
        }
        sections.append(section)
        return unchanged


class AddCourseDashboardTab(PipelineStep):
    """The instructor dashboard MFE's tab for ora_xblock's problems."""

    def run_filter(self, tabs: list[dict[str, Any]], user: Any, course_key: Any) -> dict[str, Any]:  # type: ignore[override]
        unchanged = {"tabs": tabs, "user": user, "course_key": course_key}
        course_id = str(course_key)
        if any(tab.get("tab_id") == TAB_ID for tab in tabs) or not _problems_shown(course_id, user):
            return unchanged
        tab = {
            "tab_id": TAB_ID,
            "title": i18n.catalog().gettext(TITLE),
            "url": dashboard_url(course_id),
            "sort_order": TAB_SORT_ORDER,
        }
        return {**unchanged, "tabs": [*tabs, tab]}


def dashboard_url(course_id: str) -> str:
    """The course dashboard's full address on the LMS (``LMS_ROOT_URL``, where set)."""
    return _course_url("course_dashboard", course_id) or ""


def _course_url(name: str, course_id: str) -> str | None:
    try:
        path = reverse(f"ora_xblock:{name}", kwargs={"course_id": course_id})
    except NoReverseMatch:  # that page is not installed
        return None
    return f"{str(getattr(settings, 'LMS_ROOT_URL', '') or '').rstrip('/')}{path}"


def _problems_shown(course_id: str, user: Any) -> list[str]:
    """The course's problems, when ``user`` is the course's staff; none for anyone else."""
    if not host.is_course_staff(user, course_id):
        return []
    return [problem.item_id for problem in course_problems(course_id)]


def get_current_request() -> Any:
    """The request being handled (django-crum, as the platform records it); None outside one."""
    try:
        from crum import get_current_request as current
    except ImportError:  # pragma: no cover - crum is a dependency of the platform and of the demo
        return None
    return current()


def _add_template_lookup() -> None:
    """Have the LMS's Mako lookup find our section template (edxmako's ``add_lookup``), once per process."""
    global _lookup_added
    if _lookup_added:
        return
    from common.djangoapps.edxmako.paths import add_lookup  # type: ignore[import-not-found]

    with resources.as_file(resources.files("ora_xblock") / TEMPLATES) as folder:
        add_lookup("main", str(folder))
    _lookup_added = True
