"""The course dashboard and its grading pages with a team problem: a team's response counted and queued once,
shown with its team, graded for the team or for one member."""

from __future__ import annotations

import html
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import include, path, reverse
from django.utils import timezone

from ora_xblock import scenarios
from ora_xblock.models import Workflow
from ora_xblock.services import overdue, queue
from ora_xblock.services.audit import Actor
from tests.integration.staff_world import COURSE, ITEM
from tests.integration.test_team_staff import GOOD, STAFF_ONLY, alone, at, team

urlpatterns = [path("ora_xblock/", include("ora_xblock.dashboard.urls"))]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


class CourseHost:
    """The course's one problem, the staff-only lab report, and "staffann" as its staff."""

    def problems(self, course_id: str) -> list[tuple[Any, str]]:
        block = SimpleNamespace(
            scope_ids=SimpleNamespace(usage_id=ITEM), display_name="Lab report", definition=STAFF_ONLY
        )
        return [(block, "/units/lab")] if course_id == COURSE else []

    def is_staff(self, user: Any, course_id: str) -> bool:
        return course_id == COURSE and user.username == "staffann"

    def anonymous_id(self, user: Any, course_id: str) -> str:
        return f"anon-{user.username}"


HOST = CourseHost()


@pytest.fixture(autouse=True)
def course(settings) -> None:
    """Ann's team (ann, bob, cat) and dan alone answered the lab report."""
    settings.ORA_XBLOCK_COURSE_HOST = f"{__name__}.HOST"
    team("ann", "bob", "cat")
    alone("dan", hours=1)
    overdue.remember(at(), ITEM, COURSE, scenarios.resource_text("scenarios/staff_only.xml"))


def staff() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get_or_create(username="staffann")[0])
    return client


def url(name: str, **kwargs: str) -> str:
    return reverse(f"ora_xblock:{name}", kwargs={"course_id": COURSE, **kwargs})


def test_the_dashboard_counts_responses_and_says_a_teams_counts_once() -> None:
    page = html.unescape(staff().get(url("course_dashboard")).content.decode())
    assert "2 responses have been submitted (a team's counts once)." in page
    assert "1 team response" in page
    assert "The counts are of responses: a team's response counts once" in page
    assert "2 wait for staff." in page  # the team's response and dan's, not five members' rows


def test_the_queue_holds_the_team_once_and_shows_its_members() -> None:
    client = staff()
    taken = client.post(url("course_queue"), {"action": "next"})
    page = client.get(taken["Location"]).content.decode()
    assert (
        "Response of Team t1" in page
        and "Team t1 (team response): one response for the whole team, submitted by ann." in page
    )
    assert "(submitted the response)" in page and "chart.png" in page
    assert "1 other response is waiting for staff." in page
    assert "You are already grading" not in page  # just taken

    body = {"item_id": ITEM, "student_id": "anon-ann", "from_queue": "1", **GOOD}
    graded = client.post(url("course_queue"), json.dumps(body), content_type="application/json")
    assert graded.json()["redirect"].endswith("?done=graded_team")
    said = html.unescape(client.get(graded.json()["redirect"]).content.decode())
    assert "The team's grade was saved; it is on its way to every member's gradebook." in said


def test_the_queue_opened_again_names_the_team_the_grader_holds_from_the_problems_staff_area() -> None:
    queue.next_response(ITEM, Actor("anon-staffann", "staffann"), timezone.now())  # taken in the staff area
    page = html.unescape(staff().get(url("course_queue")).content.decode())
    assert "You are already grading the response of Team t1 (taken earlier, perhaps in another tab)" in page
    assert "Response of Team t1" in page and "Save the grade and get the next response" in page


def test_the_grade_page_of_a_member_grades_the_team_or_overrides_the_member(django_capture_on_commit_callbacks) -> None:
    client = staff()
    grade = url("course_grade", item_id=ITEM, student_id="anon-bob")
    page = client.get(grade).content.decode()
    assert "Grade the team" in page and 'name="scope" value="team"' in page
    assert "Override this member" not in page  # not before the team has its grade

    with django_capture_on_commit_callbacks(execute=True):
        graded = client.post(grade, json.dumps({"scope": "team", **GOOD}), content_type="application/json")
    assert graded.status_code == 200, graded.content
    assert graded.json()["redirect"].endswith("?done=graded_team")
    said = html.unescape(client.get(graded.json()["redirect"]).content.decode())
    assert "The team's grade was saved; it is on its way to every member's gradebook." in said
    page = client.get(grade).content.decode()
    assert "Override this member" in page and 'name="scope" value="member"' in page
    assert '<details class="ora-staff-override">' in page and "Team Team" not in page
    assert set(Workflow.objects.filter(team_response__isnull=False).values_list("score_earned", flat=True)) == {15}

    body = json.dumps({"scope": "member", "reason": "absent", "options_selected": {"Method": "No", "Findings": "No"}})
    with django_capture_on_commit_callbacks(execute=True):
        overridden = client.post(grade, body, content_type="application/json")
    assert overridden.json()["redirect"].endswith("?done=graded")  # this member's grade only
    scores = dict(Workflow.objects.filter(team_response__isnull=False).values_list("username", "score_earned"))
    assert scores == {"ann": 15, "bob": 0, "cat": 15}

    refused = client.post(grade, json.dumps({"scope": "all", **GOOD}), content_type="application/json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "bad_scope"
