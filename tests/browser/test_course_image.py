"""A prompt that shows a course image keeps showing it after every action (the demo's replace_urls service)."""

from __future__ import annotations

from typing import Any

import pytest

from .test_journey import scenario_url, submit_answer
from .test_smoke import assert_accessible

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails under CI
    expect = None

pytestmark = pytest.mark.browser

COURSE_FILE = "/static/demo/course/coffee-market.svg"  # where the demo's service sends /static/coffee-market.svg


def expect_diagram_shown(page: Any) -> None:
    """The prompt's diagram is on the page, loaded from the course file, and not broken."""
    diagram = page.get_by_role("img", name="Supply and demand diagram", exact=False)
    expect(diagram).to_have_attribute("src", COURSE_FILE)
    expect(diagram).to_have_js_property("complete", True)
    assert diagram.evaluate("image => image.naturalWidth") > 0


def test_the_prompt_image_shows_before_and_after_each_action(page: Any, demo_server: str, axe: Any) -> None:
    page.goto(scenario_url(demo_server, "coffee_frost.xml", "quentin"))
    expect_diagram_shown(page)
    assert_accessible(axe, page)
    page.get_by_label("Your answer").fill("The price rises from P1 to P2")
    expect(page.locator(".ora-draft-status")).to_have_text("Draft saved", timeout=10_000)
    expect_diagram_shown(page)
    submit_answer(page, "The price rises from P1 to P2 and fewer bags are sold.")
    expect(page.get_by_role("heading", name="Assess your response", level=3)).to_be_focused()
    expect_diagram_shown(page)
    page.get_by_text("The price rises from P1 to P2 and the quantity falls").click()
    page.get_by_text("Explains the shift in supply, but not who gains").click()
    page.get_by_role("button", name="Submit your assessment").click()
    expect(page.get_by_role("heading", name="Your grade: 6 out of 8")).to_be_focused()
    expect_diagram_shown(page)
