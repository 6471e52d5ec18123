"""The demo's notifications page: what the platform's notifications would tell each persona (issue 14, item 3)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from .test_journey import scenario_url, submit_answer
from .test_smoke import assert_accessible

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails under CI
    expect = None

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("ORA_NOTICES_SCREENSHOTS")  # a folder to keep the pages' pictures in, when set


def notices_of(page: Any, demo_server: str, student: str) -> None:
    page.goto(f"{demo_server}/notices/?student={student}")


def test_a_learner_sees_their_grade_and_staff_see_new_responses_and_the_digest(
    page: Any, demo_server: str, axe: Any
) -> None:
    page.goto(scenario_url(demo_server, "self_only.xml", "olga"))
    submit_answer(page, "I learnt to plan my week.")
    page.get_by_text("Deep reflection").click()
    page.get_by_role("button", name="Submit your assessment").click()
    expect(page.get_by_role("heading", name="Your grade: 4 out of 4")).to_be_visible()
    page.get_by_role("link", name="Notifications of Olga").click()
    expect(page.get_by_role("heading", name="Notifications of Olga", level=1)).to_be_visible()
    expect(page.locator(".demo-notices li")).to_have_count(1)
    expect(page.locator(".demo-notices")).to_contain_text("You received 4 out of 4 on Reflection")
    assert_accessible(axe, page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/notices-learner.png", full_page=True)

    page.goto(scenario_url(demo_server, "self_staff.xml", "pavel"))
    submit_answer(page, "Uniforms keep the focus on learning.")
    page.get_by_text("Convincing").click()
    page.get_by_role("button", name="Submit your assessment").click()
    notices_of(page, demo_server, "staff")
    expect(page.locator(".demo-notices")).to_contain_text("A new response waits for staff grading")
    page.get_by_role("button", name="Run the reminders now").click()
    expect(page.locator(".demo-message")).to_contain_text("1 digest(s)")
    expect(page.locator(".demo-notices li").first).to_contain_text("Daily digest")
    assert_accessible(axe, page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/notices-staff.png", full_page=True)


def test_a_learner_who_owes_reviews_is_reminded_a_day_later(page: Any, demo_server: str, axe: Any) -> None:
    for name in ("quinn", "rosa", "sven"):
        page.goto(scenario_url(demo_server, "peer_only.xml", name))
        submit_answer(page, f"A shelter with a bench, by {name}.")
    notices_of(page, demo_server, "quinn")
    page.get_by_role("button", name="Run the reminders now").click()
    expect(page.get_by_text("None yet.")).to_be_visible()  # not idle yet

    page.request.post(demo_server + "/_test/clock/", form={"seconds": str(25 * 3600)})
    page.get_by_role("button", name="Run the reminders now").click()
    expect(page.locator(".demo-notices li")).to_have_count(1)
    expect(page.locator(".demo-notices")).to_contain_text("You still have 2 peer reviews to do in Peer review")
    assert_accessible(axe, page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/notices-reminder.png", full_page=True)
