"""A learner's journey in a real browser: answer, assess, wait, get graded."""

from __future__ import annotations

from typing import Any

import pytest

from ora_xblock.scenarios import DEMO_PROBLEMS

from .test_smoke import assert_accessible

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails under CI
    expect = None

pytestmark = pytest.mark.browser


def scenario_url(server: str, filename: str, student: str) -> str:
    index = [name for name, _ in DEMO_PROBLEMS].index(filename)
    return f"{server}/scenario/ora_xblock.{index}/student_view/?student={student}"


def submit_answer(page: Any, text: str) -> None:
    page.get_by_label("Your answer").first.fill(text)
    page.get_by_role("button", name="Submit your response").click()
    page.get_by_role("dialog").get_by_role("button", name="Submit", exact=True).click()
    expect(page.locator(".ora-submitted-answer").first).to_contain_text(text)


def test_self_only_problem_from_answer_to_grade(page: Any, demo_server: str, axe: Any) -> None:
    page.goto(scenario_url(demo_server, "self_only.xml", "erin"))
    assert_accessible(axe, page)
    submit_answer(page, "Spaced repetition changed how I revise.")
    heading = page.get_by_role("heading", name="Assess your response", level=3)
    expect(heading).to_be_focused()
    expect(page.locator(".ora-live")).to_have_text("Your response was submitted.")
    assert_accessible(axe, page)
    page.get_by_role("button", name="Submit your assessment").click()
    expect(page.locator(".ora-self .ora-errors")).to_contain_text("Choose one of the options")
    page.get_by_text("Deep reflection").click()
    page.get_by_label("Comments on Reflection").fill("I explained the why.")
    page.get_by_role("button", name="Submit your assessment").click()
    grade = page.get_by_role("heading", name="Your grade: 4 out of 4")
    expect(grade).to_be_focused()
    expect(page.locator(".ora-grade")).to_contain_text("I explained the why.")
    assert_accessible(axe, page)
    page.reload()
    expect(page.get_by_role("heading", name="Your grade: 4 out of 4")).to_be_visible()


def test_staff_graded_problem_waits_for_staff_then_shows_the_grade(browser: Any, demo_server: str, axe: Any) -> None:
    learner = browser.new_page()
    learner.goto(scenario_url(demo_server, "self_staff.xml", "frank"))
    submit_answer(learner, "Uniforms save families money.")
    learner.get_by_text("Convincing").click()
    learner.get_by_role("button", name="Submit your assessment").click()
    expect(learner.locator(".ora-waiting")).to_contain_text("Course staff will grade your response")

    staff = browser.new_page()
    staff.goto(scenario_url(demo_server, "self_staff.xml", "staff"))
    staff.get_by_role("button", name="Manage a learner").click()
    expect(staff.get_by_role("heading", name="Manage a learner")).to_be_focused()
    staff.get_by_label("Username or email").fill("Frank")
    staff.get_by_role("button", name="Find learner").click()
    expect(staff.locator(".ora-staff-work")).to_contain_text("Uniforms save families money.")
    staff.locator(".ora-staff-work").get_by_text("Stated").click()
    staff.get_by_role("button", name="Save the grade").click()
    expect(staff.locator(".ora-staff-facts")).to_contain_text("3 / 5")
    assert_accessible(axe, staff)

    learner.reload()
    expect(learner.get_by_role("heading", name="Your grade: 3 out of 5")).to_be_visible()
    expect(learner.locator(".ora-grade-source")).to_contain_text("Staff")
    learner.close()
    staff.close()


def test_a_draft_survives_a_reload(page: Any, demo_server: str) -> None:
    url = scenario_url(demo_server, "staff_only.xml", "grace")
    page.goto(url)
    page.get_by_label("Your answer to question 1").fill("Half-written method section")
    expect(page.locator(".ora-draft-status")).to_have_text("Draft saved", timeout=10_000)
    page.goto(url)
    expect(page.get_by_label("Your answer to question 1")).to_have_value("Half-written method section")


def test_two_problems_in_one_page_work_independently(page: Any, demo_server: str) -> None:
    page.goto(f"{demo_server}/scenario/ora_xblock.{len(DEMO_PROBLEMS)}/student_view/?student=heidi")
    blocks = page.locator(".ora-block")
    expect(blocks).to_have_count(2)
    first, second = blocks.nth(0), blocks.nth(1)
    first.get_by_label("Your answer").fill("First problem answer")
    first.get_by_role("button", name="Submit your response").click()
    first.get_by_role("dialog").get_by_role("button", name="Submit", exact=True).click()
    expect(first.locator(".ora-submitted-answer")).to_contain_text("First problem answer")
    expect(second.locator(".ora-response-form")).to_be_visible()
    expect(second.get_by_label("Your answer")).to_have_value("")


def test_rich_text_answer_is_submitted_and_shown_sanitised(page: Any, demo_server: str, axe: Any) -> None:
    page.goto(scenario_url(demo_server, "hundred_years_war.xml", "ivan"))
    editor = page.get_by_role("textbox", name="Your answer")
    editor.click()
    page.keyboard.type("Salic law ")
    page.keyboard.press("Control+b")
    page.keyboard.type("mattered")
    expect(page.locator(".ora-draft-status")).to_have_text("Draft saved", timeout=10_000)
    assert_accessible(axe, page)
    page.get_by_role("button", name="Submit your response").click()
    page.get_by_role("dialog").get_by_role("button", name="Submit", exact=True).click()
    answer = page.locator(".ora-submitted-answer").first
    expect(answer.locator("strong")).to_have_text("mattered")
    expect(page.locator(".ora-peer .ora-notice")).to_contain_text("No response is waiting for a review")
