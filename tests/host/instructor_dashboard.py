"""The Instructor Dashboard as a plugin's filter steps meet it, legacy page and MFE alike.

Each part mirrors a file of the platform or of openedx-filters:

- ``run_pipeline``: openedx_filters/tooling.py ``OpenEdxPublicFilter.run_pipeline``: the steps named in
  ``OPEN_EDX_FILTERS_CONFIG[filter_type]["pipeline"]`` run in order, each built with keyword arguments
  (``filter_type``, ``running_pipeline`` and the config's other keys) and called with the data so far; a dict it
  returns updates that data, anything else stops the pipeline.
- ``legacy_dashboard``: lms/djangoapps/instructor/views/instructor_dashboard.py ``instructor_dashboard_2``: the
  page's context holds the ``course`` block and its ``sections`` (dicts with ``section_key``,
  ``section_display_name``, ``course_id``...), and ``InstructorDashboardRenderStarted.run_filter(context=...,
  template_name=...)`` runs before the page is rendered.
- ``render_section``: lms/templates/instructor/instructor_dashboard_2/instructor_dashboard_2.html includes, for
  each section, ``template_path_prefix`` + ``section_key`` + ``.html`` with ``args="section_data=..."``, from the
  LMS's Mako lookup, whose default filter only decodes (common/djangoapps/edxmako/paths.py ``add_lookup``); a
  plugin adds its folder to that lookup through ``add_lookup(namespace, directory)``.
- ``mfe_tabs``: the instructor API v2's course information (lms/djangoapps/instructor), whose ``tabs`` (dicts with
  ``tab_id``, ``title``, ``url``, ``sort_order``) pass through ``InstructorDashboardTabsRequested.run_filter(tabs=...,
  user=..., course_key=...)``.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from mako.lookup import TemplateLookup
from mako.template import Template

LEGACY_FILTER = "org.openedx.learning.instructor.dashboard.render.started.v1"
TABS_FILTER = "org.openedx.learning.instructor.dashboard.tabs.requested.v1"
LEGACY_TEMPLATE = "instructor/instructor_dashboard_2/instructor_dashboard_2.html"
PLATFORM_SECTIONS = ("course_info", "membership", "student_admin", "data_download")


def run_pipeline(filter_type: str, **data: Any) -> dict[str, Any]:
    config = dict(getattr(settings, "OPEN_EDX_FILTERS_CONFIG", {}).get(filter_type, {}))
    pipeline = config.pop("pipeline", [])
    config.pop("fail_silently", None)
    for path in pipeline:
        step = import_string(path)(filter_type=filter_type, running_pipeline=pipeline, **config)
        result = step.run_filter(**data)
        if not isinstance(result, dict):
            break
        data.update(result)
    return data


def legacy_dashboard(course_id: str) -> dict[str, Any]:
    """The legacy page's context once the filter has run."""
    course = types.SimpleNamespace(id=course_id, display_name="A course")
    sections = [
        {"section_key": key, "section_display_name": key.title(), "course_id": course_id} for key in PLATFORM_SECTIONS
    ]
    context = {"course": course, "sections": sections, "studio_url": None}
    return run_pipeline(LEGACY_FILTER, context=context, template_name=LEGACY_TEMPLATE)["context"]


class EdxmakoLookups:
    """common/djangoapps/edxmako/paths.py: the LMS's Mako lookups by namespace, which plugins add folders to."""

    def __init__(self) -> None:
        self.main = TemplateLookup(directories=[], default_filters=["str"])

    def add_lookup(self, namespace: str, directory: str, package: str | None = None, prepend: bool = False) -> None:
        assert namespace == "main" and package is None
        self.main.directories.insert(0, directory) if prepend else self.main.directories.append(directory)

    def install(self, monkeypatch: Any) -> None:
        """Make ``common.djangoapps.edxmako.paths`` importable, answering with this object."""
        for name in ("common", "common.djangoapps", "common.djangoapps.edxmako"):
            monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
        paths = types.ModuleType("common.djangoapps.edxmako.paths")
        paths.add_lookup = self.add_lookup  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "common.djangoapps.edxmako.paths", paths)


# How the legacy page includes one section's template, written for these tests (not the platform's markup).
_INCLUDE = (
    "<%include file=\"${section_data.get('template_path_prefix', '')}${section_data['section_key']}.html\" "
    'args="section_data=section_data"/>'
)


def render_section(lookups: EdxmakoLookups, section: dict[str, Any]) -> str:
    return Template(_INCLUDE, lookup=lookups.main, default_filters=["str"]).render(section_data=section)


def mfe_tabs(user: Any, course_key: Any) -> list[dict[str, Any]]:
    """The MFE's tabs once the filter has run."""
    tabs = [
        {
            "tab_id": "course_info",
            "title": "Course Info",
            "url": f"/instructor/{course_key}/course_info",
            "sort_order": 10,
        },
        {
            "tab_id": "special_exams",
            "title": "Special Exams",
            "url": f"/instructor/{course_key}/special_exams",
            "sort_order": 110,
        },
    ]
    return run_pipeline(TABS_FILTER, tabs=tabs, user=user, course_key=course_key)["tabs"]
