"""The course dashboard's one grading queue in a real browser: course staff grade the responses of two problems
from one page, the learners see their grades, and the page passes axe."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from .test_journey import scenario_url, submit_answer
from .test_smoke import assert_accessible
from .test_staff import answer_and_assess

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails under CI
    expect = None

pytestmark = pytest.mark.browser

DEMO_COURSE = "course-v1:local+ora_xblock+demo"  # demo/middleware.py
SHOTS = os.environ.get("ORA_SCREENSHOTS")  # a folder to keep the page's screenshots in, to look at them


def queue_url(server: str, persona: str = "staff") -> str:
    return f"{server}/ora_xblock/courses/{DEMO_COURSE}/queue/?student={persona}"


def grade_url(server: str, item_id: str, student_id: str) -> str:
    return f"{server}/ora_xblock/courses/{DEMO_COURSE}/grade/{item_id}/{student_id}/?student=staff"


def shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def grade_shown(page: Any) -> tuple[str, str, str]:
    """Grade the response the queue shows with each criterion's last option; returns whose (their name, then the
    "grade now" page's address of them) and which problem."""
    turn = page.locator(".ora-course-queue-turn")
    who = turn.get_by_role("heading", name=re.compile("^Response of ")).inner_text().removeprefix("Response of ")
    problem = turn.locator(".ora-course-queue-problem a").inner_text()
    form = turn.locator("form.ora-rubric-form")
    ids = [form.locator(f"input[name={name}]").get_attribute("value") for name in ("item_id", "student_id")]
    for criterion in turn.locator("fieldset.ora-criterion").all():
        criterion.locator("label.ora-option").last.click()
    with page.expect_navigation():
        turn.get_by_role("button", name="Save the grade and get the next response").click()
    expect(page.locator(".ora-course-note")).to_contain_text("The grade was saved")
    return who, grade_url("", *ids), problem


def test_staff_grade_two_problems_from_one_queue(page: Any, demo_server: str, axe: Any) -> None:
    page.goto(scenario_url(demo_server, "staff_only.xml", "quinn"))
    submit_answer(page, "Boiling point falls with altitude.")
    answer_and_assess(page, demo_server, "self_staff.xml", "ruth", "School uniforms help focus.", "Stated")

    page.goto(queue_url(demo_server))
    expect(page.get_by_role("heading", name="Grade the responses waiting for staff")).to_be_visible()
    expect(page.locator(".ora-staff-remaining")).to_contain_text("waiting for staff")
    assert_accessible(axe, page)
    page.get_by_role("button", name="Grade the next response").click()
    expect(page.get_by_role("heading", name=re.compile("^Response of "))).to_be_visible()
    expect(page.get_by_role("link", name="Grade from one queue")).to_have_attribute("aria-current", "page")
    problem_page = re.compile(r"^/scenario/.*student=staff")  # the staff persona's view of it, where its staff area is
    expect(page.locator(".ora-course-queue-problem a")).to_have_attribute("href", problem_page)
    shot(page, "course_queue")
    assert_accessible(axe, page)

    page.locator(".ora-course-queue-turn").get_by_role("button", name=re.compile("Save the grade")).click()
    expect(page.locator(".ora-rubric-form .ora-errors")).not_to_be_empty()  # nothing chosen: refused, listed
    shot(page, "course_queue_refused")

    graded = []
    while page.locator(".ora-course-queue-turn").count():  # the responses other tests left wait too
        graded.append(grade_shown(page))
        assert len(graded) < 20, graded
    expect(page.locator(".ora-staff-remaining")).to_have_text("No response is waiting for a staff grade.")
    mine = {who: problem for who, _, problem in graded if who in ("quinn", "ruth")}
    assert mine == {"quinn": "Lab report graded by staff", "ruth": "Self check, then staff review"}, graded
    shot(page, "course_queue_empty")

    page.goto(scenario_url(demo_server, "staff_only.xml", "quinn"))
    expect(page.get_by_role("heading", name="Your grade: 20 out of 20")).to_be_visible()
    page.goto(scenario_url(demo_server, "self_staff.xml", "ruth"))
    expect(page.get_by_role("heading", name="Your grade: 5 out of 5")).to_be_visible()

    # staff change Ruth's grade now, from her page: a reason is asked for, and the learner sees the new grade
    page.goto(demo_server + next(url for who, url, _ in graded if who == "ruth"))
    expect(page.get_by_role("heading", name="Grade the response of ruth", level=1)).to_be_visible()
    expect(page.locator(".ora-staff-facts")).to_contain_text("5 / 5")
    page.get_by_text("Stated", exact=True).click()
    page.get_by_role("button", name="Save the grade", exact=True).click()
    expect(page.locator(".ora-rubric-form .ora-errors")).to_contain_text("Say why you are changing")
    page.get_by_label("Why you are changing the grade").fill("Reasons are thin.")
    assert_accessible(axe, page)
    shot(page, "course_grade_now")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the grade", exact=True).click()
    expect(page.locator(".ora-course-note")).to_contain_text("The grade was saved")
    expect(page.locator(".ora-staff-facts")).to_contain_text("3 / 5")
    page.goto(scenario_url(demo_server, "self_staff.xml", "ruth"))
    expect(page.get_by_role("heading", name="Your grade: 3 out of 5")).to_be_visible()


def test_learners_cannot_open_the_queue(page: Any, demo_server: str) -> None:
    response = page.goto(queue_url(demo_server, "alice"))
    assert response is not None and response.status == 403
    expect(page.get_by_role("alert")).to_contain_text("course's staff")
