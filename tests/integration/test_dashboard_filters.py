"""Reaching the course dashboard from the Instructor Dashboard: the openedx-filters steps of
ora_xblock/dashboard/filters.py, run as the platform runs them (tests/host/instructor_dashboard.py)."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import crum
import pytest
from django.contrib.auth import get_user_model
from django.urls import include, path
from lxml import html

from ora_xblock.dashboard import filters
from ora_xblock.models import Workflow
from ora_xblock.workflow import Status
from tests.host.instructor_dashboard import (
    LEGACY_FILTER,
    TABS_FILTER,
    EdxmakoLookups,
    legacy_dashboard,
    mfe_tabs,
    render_section,
)
from tests.integration.staff_world import COURSE, PEER_ONLY, START

urlpatterns = [path("ora_xblock/", include("ora_xblock.dashboard.urls"))]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

EMPTY_COURSE = "course-v1:Org+Empty+2026"
LMS = "https://lms.example.com"


class CourseHost:
    """Two problems in ``COURSE``, none in ``EMPTY_COURSE``; "staff" is staff of both."""

    def problems(self, course_id: str) -> list[tuple[Any, str]]:
        if course_id != COURSE:
            return []
        return [(_block(f"item-{n}"), f"/units/{n}") for n in range(2)]

    def is_staff(self, user: Any, course_id: str) -> bool:
        return getattr(user, "username", None) == "staff"


def _block(item_id: str) -> Any:
    return SimpleNamespace(definition=PEER_ONLY, display_name=item_id, scope_ids=SimpleNamespace(usage_id=item_id))


HOST = CourseHost()


@pytest.fixture(autouse=True)
def platform(settings, monkeypatch) -> EdxmakoLookups:
    settings.ORA_XBLOCK_COURSE_HOST = f"{__name__}.HOST"
    settings.LMS_ROOT_URL = LMS
    settings.OPEN_EDX_FILTERS_CONFIG = {
        LEGACY_FILTER: {"fail_silently": False, "pipeline": ["ora_xblock.dashboard.filters.AddCourseDashboardSection"]},
        TABS_FILTER: {"fail_silently": False, "pipeline": ["ora_xblock.dashboard.filters.AddCourseDashboardTab"]},
    }
    lookups = EdxmakoLookups()
    lookups.install(monkeypatch)
    monkeypatch.setattr(filters, "_lookup_added", False)
    return lookups


def as_user(username: str) -> Any:
    return crum.impersonate(get_user_model().objects.get_or_create(username=username)[0])


def waiting(item_id: str, status: Status, count: int) -> None:
    Workflow.objects.bulk_create(
        Workflow(
            course_id=COURSE,
            item_id=item_id,
            student_id=f"{item_id}-{status}-{n}",
            submission_uuid=str(uuid.uuid4()),
            status=status,
            submitted_at=START,
            updated_at=START,
        )
        for n in range(count)
    )


def test_the_legacy_dashboard_gets_a_section_for_course_staff(platform: EdxmakoLookups) -> None:
    waiting("item-0", Status.STAFF, 3)
    waiting("item-1", Status.WAITING, 2)
    with as_user("staff"):
        sections = legacy_dashboard(COURSE)["sections"]
    assert [section["section_key"] for section in sections][-2:] == ["data_download", "ora_xblock_course_dashboard"]
    ours = sections[-1]
    assert ours["section_display_name"] == "Open responses (ora_xblock)"
    assert (ours["course_id"], ours["template_path_prefix"]) == (COURSE, "/ora_xblock/")
    page = html.fromstring(render_section(platform, ours))
    assert page.xpath("normalize-space(//p)") == "2 problems. 2 wait for peer reviews; 3 wait for staff."
    links = page.xpath("//a/@href")
    assert links[0] == f"{LMS}/ora_xblock/courses/{COURSE}/"
    assert links[1:] in ([], [f"{LMS}/ora_xblock/courses/{COURSE}/queue/"])  # the queue, where installed


def test_the_section_template_escapes_what_it_shows(platform: EdxmakoLookups) -> None:
    with as_user("staff"):
        ours = legacy_dashboard(COURSE)["sections"][-1]
    ours["ora_xblock"]["summary"] = "<script>alert(1)</script>"
    ours["ora_xblock"]["links"] = [('javascript:"><b>', "<i>x</i>")]
    shown = render_section(platform, ours)
    assert "<script>" not in shown and "&lt;script&gt;" in shown
    assert "<i>" not in shown and '"><b>' not in shown


def test_no_section_for_anyone_but_course_staff_nor_for_a_course_without_problems(platform) -> None:
    with as_user("alice"):
        assert [s["section_key"] for s in legacy_dashboard(COURSE)["sections"]][-1] == "data_download"
    with as_user("staff"):
        assert [s["section_key"] for s in legacy_dashboard(EMPTY_COURSE)["sections"]][-1] == "data_download"
    assert platform.main.directories == []  # nothing added to the LMS's templates either


def test_the_template_folder_is_added_to_the_lms_lookup_once(platform: EdxmakoLookups) -> None:
    with as_user("staff"):
        legacy_dashboard(COURSE)
        legacy_dashboard(COURSE)
    (folder,) = platform.main.directories
    assert folder.endswith("ora_xblock/templates/lms")


def test_the_mfe_gets_a_tab_after_the_platforms_for_course_staff() -> None:
    staff = get_user_model().objects.create(username="staff")
    tabs = mfe_tabs(staff, COURSE)
    assert [tab["tab_id"] for tab in tabs] == ["course_info", "special_exams", "ora_xblock"]
    assert tabs[-1] == {
        "tab_id": "ora_xblock",
        "title": "Open responses (ora_xblock)",
        "url": f"{LMS}/ora_xblock/courses/{COURSE}/",  # the MFE's navigation opens a tab's url as a link
        "sort_order": 125,
    }
    twice = filters.AddCourseDashboardTab(filter_type=TABS_FILTER, running_pipeline=[]).run_filter(tabs, staff, COURSE)
    assert [tab["tab_id"] for tab in twice["tabs"]] == ["course_info", "special_exams", "ora_xblock"]


def test_no_tab_for_anyone_but_course_staff_nor_for_a_course_without_problems() -> None:
    alice = get_user_model().objects.create(username="alice")
    staff = get_user_model().objects.create(username="staff")
    assert [tab["tab_id"] for tab in mfe_tabs(alice, COURSE)] == ["course_info", "special_exams"]
    assert [tab["tab_id"] for tab in mfe_tabs(staff, EMPTY_COURSE)] == ["course_info", "special_exams"]
    assert [tab["tab_id"] for tab in mfe_tabs(None, COURSE)] == ["course_info", "special_exams"]
