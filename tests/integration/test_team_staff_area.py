"""The staff area of a team problem through its handlers: the team in the record, the queue and the gradebook,
the team graded or one member overridden (``scope``), and the team reset from any member's record."""

from __future__ import annotations

import html
import json

import pytest

from ora_xblock import platform, scenarios
from ora_xblock.models import StaffLease, Workflow
from ora_xblock.models.teams import TeamResponse
from tests.conftest import call_handler
from tests.integration.test_team_staff import GOOD, team

pytestmark = pytest.mark.django_db


@pytest.fixture
def block(make_block, users):
    """The staff-only lab report, where ann submitted for her team (ann, bob, cat) and dan answered alone."""
    made = make_block(scenarios.demo_olx("staff_only.xml"))
    item, course = platform.item_id(made), platform.course_id(made)
    team("ann", "bob", "cat", item=item, course=course)
    team("dan", item=item, course=course, team_id="t2")
    Workflow.objects.filter(student_id="anon-dan").update(team_response=None)  # answered alone
    TeamResponse.objects.filter(team_id="t2").delete()
    users.as_user("staff", staff=True)
    made.runtime.handler_url = lambda block, name, suffix="", *args, **kwargs: f"/handler/{name}/{suffix}"
    return made


def answer(block, handler: str, data: dict) -> dict:
    response = call_handler(block, handler, data)
    assert response.status_code in (200, 400), response.body
    return {"status": response.status_code, **json.loads(response.body)}


def test_a_members_record_names_the_team_its_members_and_offers_grading_the_team_or_the_member(
    block, django_capture_on_commit_callbacks
) -> None:
    shown = html.unescape(answer(block, "staff_learner", {"student_id": "anon-bob"})["html"])
    assert "Team t1 (team response): one response for the whole team, submitted by ann." in shown
    assert "Team Team" not in shown  # the team's own name, however it begins
    assert "(submitted the response)" in shown and "cat" in shown
    assert 'name="scope" value="team"' in shown and 'name="scope" value="member"' not in shown
    assert "Once the team has its grade, you may change one member's grade here." in shown
    assert "Reset the team" in shown and "Remove from peer grading" not in shown
    assert "chart.png" in shown  # the response's files, though bob's row holds none

    with django_capture_on_commit_callbacks(execute=True):
        answer(block, "staff_grade", {"student_id": "anon-cat", **GOOD})
    graded = answer(block, "staff_learner", {"student_id": "anon-bob"})["html"]
    assert 'name="scope" value="team"' in graded and 'name="scope" value="member"' in graded
    # the team's form is the page's; the member's override waits, closed, behind its summary (a keyboard control)
    before, override = graded.split('<details class="ora-staff-override">')
    assert 'name="scope" value="team"' in before and 'name="scope" value="member"' not in before
    summary, form = override.split("</summary>")
    assert "<summary>Override this member: give bob a grade of their own" in summary
    assert 'name="scope" value="member"' in form.split("</details>")[0]

    alone = answer(block, "staff_learner", {"student_id": "anon-dan"})["html"]
    assert "Grade or override" in alone and 'name="scope"' not in alone and "Reset the learner" in alone


def test_grading_from_a_members_record_grades_the_team_and_says_so(block, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        graded = answer(block, "staff_grade", {"student_id": "anon-cat", "scope": "team", **GOOD})
    assert graded["message"] == "The team's grade was saved; it is on its way to every member's gradebook."
    assert set(Workflow.objects.filter(team_response__isnull=False).values_list("score_earned", flat=True)) == {15}

    member = {"student_id": "anon-cat", "scope": "member", "reason": "absent", **GOOD}
    assert answer(block, "staff_grade", member)["message"] == "The grade was saved; it is on its way to the gradebook."


def test_a_scope_other_than_team_or_member_is_a_clear_refusal(block) -> None:
    refused = answer(block, "staff_grade", {"student_id": "anon-bob", "scope": "all", **GOOD})
    assert refused["status"] == 400 and refused["error"]["code"] == "bad_scope"
    assert "whole team or this member" in refused["error"]["message"]


def test_the_queue_hands_out_the_team_once_with_its_members(block) -> None:
    shown = answer(block, "staff_queue_next", {})["html"]
    assert "Response of Team t1" in shown and "Team t1 (team response): one response for the whole team" in shown
    assert "1 other response is waiting for staff." in shown  # dan's; bob's and cat's rows share ann's
    assert "You are already grading" not in shown


def test_the_queue_opened_again_shows_the_team_the_grader_already_holds(block) -> None:
    answer(block, "staff_queue_next", {})  # held in one tab
    again = html.unescape(answer(block, "staff_queue_next", {})["html"])  # the queue opened in another
    assert "Response of Team t1" in again and "1 other response is waiting for staff." in again
    assert "You are already grading the response of Team t1 (taken earlier, perhaps in another tab)" in again
    assert "No response is waiting" not in again
    assert list(StaffLease.objects.values_list("workflow__student_id", flat=True)) == ["anon-ann"]


def test_the_overview_says_its_counts_are_of_learners_and_a_team_is_graded_once(block, make_block) -> None:
    alone = html.unescape(answer(block, "staff_overview", {})["html"])  # a problem learners answer alone
    assert "4 learners have submitted a response." in alone and "a team's response" not in alone
    teams = make_block(scenarios.demo_olx("team_project.xml"))
    teams.runtime.handler_url = block.runtime.handler_url
    shown = html.unescape(answer(teams, "staff_overview", {})["html"])
    assert (
        "a team's response counts once for each of its members" in shown and "the grading queue holds it once" in shown
    )


def test_the_gradebook_has_a_team_column(block) -> None:
    shown = answer(block, "staff_gradebook", {})["html"]
    assert '<th scope="col">Team</th>' in shown
    assert shown.count("<td>Team t1</td>") == 3


def test_resetting_a_member_resets_the_team_and_says_so(block, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        reset = answer(block, "staff_reset", {"student_id": "anon-bob"})
    assert reset["message"] == "The team's response was reset for every member: the team can answer again."
    assert list(Workflow.objects.values_list("student_id", flat=True)) == ["anon-dan"]
