"""Grades people can trust, in a real browser (issue 18): on the demo's calibrated problem a learner reads that
their peer score was adjusted and how close their own reviews came, appeals, and staff decide from the queue."""

from __future__ import annotations

from typing import Any

import pytest

from .test_journey import scenario_url
from .test_smoke import assert_accessible
from .test_staff import open_tool

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails under CI
    expect = None

pytestmark = pytest.mark.browser

CALIBRATED = "calibrated_peer.xml"
WRITER = "writer7"  # one of the writers the demo seeds, graded by their peers and calibrated
REASON = "The second reviewer read my letter as asking for a car park; it asks for trees."
DECISION = "All three reviews and the calibration agree on Ideas; the grade stands."


def test_a_learner_appeals_a_calibrated_peer_grade_and_staff_uphold_it_from_the_queue(
    browser: Any, demo_server: str, axe: Any
) -> None:
    learner, staff = browser.new_page(), browser.new_page()
    try:
        learner.goto(scenario_url(demo_server, CALIBRATED, WRITER))
        expect(
            learner.get_by_text("Your peer score was adjusted for how lenient or harsh your reviewers were.")
        ).to_be_visible()
        expect(learner.get_by_text("Your accuracy as a reviewer:")).to_be_visible()
        assert_accessible(axe, learner)
        learner.get_by_label("Why should staff review your grade?").fill(REASON)
        learner.get_by_role("button", name="Send appeal").click()
        expect(learner.locator(".ora-appeal-state")).to_have_text("Waiting for course staff")
        expect(learner.locator(".ora-appeal-state")).to_be_focused()

        staff.goto(scenario_url(demo_server, CALIBRATED, "staff"))
        work = open_tool(staff, "Grade available responses")
        expect(work.get_by_role("heading", name=f"Response of {WRITER}")).to_be_visible()
        expect(work.locator(".ora-appeal-mark")).to_be_visible()
        expect(work.locator(".ora-appeal-reason")).to_have_text(REASON)
        assert_accessible(axe, staff)
        work.get_by_label("Why the peer grade stands (the learner reads this)").fill(DECISION)
        work.get_by_role("button", name="Uphold: the peer grade stands").click()
        expect(staff.locator(".ora-staff-work")).not_to_contain_text(f"Response of {WRITER}")

        learner.reload()
        expect(learner.locator(".ora-appeal-state")).to_have_text("Upheld: your peer grade stands")
        expect(learner.locator(".ora-appeal-decision")).to_have_text(DECISION)
        expect(learner.get_by_role("button", name="Send appeal")).to_have_count(0)
    finally:
        learner.close()
        staff.close()
