"""The block in Arabic, right to left, in a real browser: the learner's page, the peer step, the grade, the staff
area and the editor each read from the right, speak Arabic and pass axe.

The work is done in English (so that the steps can be found by their English names), then each page is opened
again with ``&lang=ar``: the demo then serves that persona in Arabic, as the LMS serves a learner whose language
is Arabic, with ``<html lang="ar" dir="rtl">``. With ``ORA_SCREENSHOTS=<folder>`` each page is saved there.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from ora_xblock.scenarios import DEMO_PROBLEMS

from .test_journey import scenario_url, submit_answer
from .test_screens import shoot
from .test_smoke import assert_accessible

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails under CI
    expect = None

pytestmark = pytest.mark.browser

ARABIC = re.compile("[\u0600-\u06ff]{3}")
PEER, SELF = "peer_only.xml", "self_only.xml"


def in_arabic(page: Any, url: str) -> Any:
    """Open ``url`` in Arabic; check the page says so and that the block's text is Arabic. Returns the block."""
    page.goto(f"{url}&lang=ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    block = page.locator(".ora-block").first
    assert block.evaluate("node => getComputedStyle(node).direction") == "rtl"
    assert ARABIC.search(block.inner_text()), "the block is not in Arabic: is ar/LC_MESSAGES/text.mo compiled?"
    return block


def box(locator: Any) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not shown"
    return found


def assert_reads_from_the_right(first: Any, second: Any) -> None:
    """``first`` comes before ``second`` reading right to left: on its right on the same line, or above it and
    aligned to the right edge."""
    one, two = box(first), box(second)
    if abs(one["y"] - two["y"]) < 2:
        assert one["x"] > two["x"], f"{first} is left of {second}"
    else:
        assert one["y"] < two["y"] and abs((one["x"] + one["width"]) - (two["x"] + two["width"])) < 2


def test_the_learners_page_and_its_grade_read_right_to_left(page: Any, demo_server: str, axe: Any) -> None:
    url = scenario_url(demo_server, SELF, "rtl_dia")
    block = in_arabic(page, url)
    steps = block.locator(".ora-step-list > .ora-step")
    assert_reads_from_the_right(steps.nth(0), steps.nth(1))
    assert_accessible(axe, page)
    shoot(page, "rtl-01-learner")

    page.goto(f"{url}&lang=en")
    submit_answer(page, "Spaced repetition changed how I revise.")
    block = in_arabic(page, url)
    options = block.locator(".ora-rubric-form .ora-choice")
    assert_reads_from_the_right(options.nth(0), options.nth(1))  # the rubric too
    assert_accessible(axe, page)
    shoot(page, "rtl-02-rubric")

    page.goto(f"{url}&lang=en")
    page.get_by_text("Deep reflection").click()
    page.get_by_role("button", name="Submit your assessment").click()
    expect(page.get_by_role("heading", name="Your grade: 4 out of 4")).to_be_visible()
    block = in_arabic(page, url)
    cells = block.locator(".ora-grade-table tr").first.locator("th, td")
    assert_reads_from_the_right(cells.nth(0), cells.nth(1))
    assert cells.nth(0).evaluate("node => getComputedStyle(node).textAlign") in ("start", "right")
    assert_accessible(axe, page)
    shoot(page, "rtl-03-grade")


def test_the_peer_step_reads_right_to_left(page: Any, demo_server: str, axe: Any) -> None:
    for student in ("rtl_ana", "rtl_ben", "rtl_cai"):
        page.goto(scenario_url(demo_server, PEER, student) + "&lang=en")
        submit_answer(page, f"{student}: a shelter, a bench at two heights, and a timetable in large print.")
    block = in_arabic(page, scenario_url(demo_server, PEER, "rtl_cai"))
    expect(block.locator(".ora-submitted-answer").first).to_contain_text("rtl_")  # a peer's answer to review
    options = block.locator(".ora-rubric-form .ora-choice")
    assert_reads_from_the_right(options.nth(0), options.nth(1))
    assert_accessible(axe, page)
    shoot(page, "rtl-04-peer")


def test_the_staff_area_reads_right_to_left(page: Any, demo_server: str, axe: Any) -> None:
    block = in_arabic(page, scenario_url(demo_server, PEER, "staff"))
    block.locator('[data-staff="staff_overview"]').click()
    expect(block.locator(".ora-staff-work .ora-staff-heading")).to_be_focused()  # the overview has come
    table = block.locator(".ora-staff-work .ora-staff-table").first
    expect(table).to_be_visible()
    headers = table.locator("thead th")
    assert_reads_from_the_right(headers.nth(0), headers.nth(1))
    assert_accessible(axe, page)
    shoot(page, "rtl-05-staff")


def test_the_editor_reads_right_to_left(page: Any, demo_server: str, axe: Any) -> None:
    index = [name for name, _ in DEMO_PROBLEMS].index(PEER)
    block = in_arabic(page, f"{demo_server}/scenario/ora_xblock.{index}/studio_view/?student=author")
    step = block.locator(".ora-step-item").first
    panel = step.locator("xpath=ancestor::*[@role='tabpanel']")
    block.locator(f'[role="tab"][aria-controls="{panel.get_attribute("id")}"]').click()
    head = step.locator(".ora-step-head")
    assert_reads_from_the_right(head.locator(".ora-drag-handle"), head.locator(".ora-check"))
    assert_accessible(axe, page)
    shoot(page, "rtl-06-editor")


def test_the_landing_page_switches_everyone_and_each_persona_chooses_their_own(
    page: Any, demo_server: str, axe: Any
) -> None:
    page.goto(demo_server + "/")
    page.get_by_label("Language for everyone").select_option("ar")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_accessible(axe, page)

    url = scenario_url(demo_server, SELF, "rtl_eve")
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", "ar")  # everyone's language, until she chooses
    page.get_by_label("Language for Rtl_Eve").select_option("fr")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator(".ora-step-list > .ora-step").first).not_to_contain_text("Your response")
    page.goto(scenario_url(demo_server, SELF, "rtl_fay"))
    expect(page.locator("html")).to_have_attribute("lang", "ar")  # another persona keeps everyone's
