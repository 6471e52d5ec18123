"""What learners and staff see, in a real browser (issue 15): each answer under its question, the grade first,
the staff area's reason field, reviewers, histogram and filters, and every date in the reader's time zone.

The tests share the demo server's database and run in file order: the first two take two learners of the
two-question problem through training, peer review and self assessment; the staff tests then look at them.
With ``ORA_SCREENSHOTS=<folder>`` each screen is saved there as a PNG, to be looked at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ora_xblock.scenarios import DEMO_PROBLEMS

from .test_journey import scenario_url
from .test_smoke import assert_accessible

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails under CI
    expect = None

pytestmark = pytest.mark.browser

PROBLEM = "two_questions.xml"
AMY, BEN = "sc_amy", "sc_ben"  # learners of this module only
ANSWERS = {
    AMY: ("The Tower Bridge: road traffic over the Thames, steel on granite piers.", "The chains are pulled taut."),
    BEN: ("The railway viaduct in my town: trains over a valley, in brick.", "Each arch is pushed into its piers."),
}
TRAINED = {"Observation": "Recognisable", "Explanation": "Partly"}
REVIEWED = {"Observation": "Precise", "Explanation": "Complete"}
LONG_QUESTION_END = "what would happen to the rest of the bridge if one of those parts failed."
DUE_UTC = "2030-12-31T20:00:00+00:00"  # the problem's response due date


def shoot(page: Any, name: str) -> None:
    """Save the whole page as ``<ORA_SCREENSHOTS>/<name>.png`` when that folder is given."""
    folder = os.environ.get("ORA_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture
def window(browser: Any) -> Iterator[Any]:
    """``window(timezone_id=None, width=1280)``: a page in a browser context of its own, in that zone and width."""
    contexts = []

    def open_window(timezone_id: str | None = None, width: int = 1280) -> Any:
        options: dict[str, Any] = {"viewport": {"width": width, "height": 900}, "locale": "en-US"}
        if timezone_id:
            options["timezone_id"] = timezone_id
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_window
    for context in contexts:
        context.close()


def region(page: Any, name: str) -> Any:
    return page.get_by_role("region", name=name, exact=True)


def choose(scope: Any, choices: dict[str, str]) -> None:
    for criterion, name in choices.items():
        group = scope.get_by_role("group", name=criterion, exact=True)
        group.get_by_role("radio", name=re.compile(rf"^{re.escape(name)} \d+ points?\b")).check()


def submit_two(page: Any, student: str) -> None:
    first, second = ANSWERS[student]
    page.get_by_label("Your answer to question 1").fill(first)
    page.get_by_label("Your answer to question 2").fill(second)
    page.get_by_role("button", name="Submit your response").click()
    page.get_by_role("dialog").get_by_role("button", name="Submit", exact=True).click()
    expect(region(page, "Learn to assess responses")).to_be_visible()


def pass_training(page: Any) -> None:
    training = region(page, "Learn to assess responses")
    choose(training, TRAINED)
    with page.expect_response(lambda response: "/peer_next/" in response.url):
        training.get_by_role("button", name="Check my assessment").click()


def review_and_assess_self(page: Any) -> None:
    peer = region(page, "Assess peers")
    choose(peer, REVIEWED)
    peer.get_by_role("button", name="Submit your review").click()
    own = region(page, "Assess your response")
    choose(own, TRAINED)
    own.get_by_role("button", name="Submit your assessment").click()
    expect(own).to_have_count(0)


def box(locator: Any) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not shown"
    return found


def assert_answers_under_questions(scope: Any, heading_level: int, answers: tuple[str, str]) -> None:
    """``scope`` shows the two answers in order, each under its "Question N of 2" heading, the long question cut."""
    headings = scope.get_by_role("heading", level=heading_level, name=re.compile(r"^Question [12] of 2$"))
    expect(headings).to_have_text(["Question 1 of 2", "Question 2 of 2"])
    parts = scope.locator(".ora-answer-part")
    expect(parts).to_have_count(2)
    for number, answer in enumerate(answers):
        expect(parts.nth(number).locator(".ora-submitted-answer")).to_have_text(answer)
    expect(parts.nth(0).locator(".ora-prompt-recall")).to_have_text(re.compile("^Describe a bridge you cross often"))
    summary = parts.nth(1).locator("details.ora-prompt-recall > summary")
    expect(summary).to_have_text(re.compile("…$"), use_inner_text=True)  # the cut question, until opened
    expect(parts.nth(1).get_by_text(LONG_QUESTION_END)).to_be_hidden()


def test_a_reviewer_reads_each_answer_under_its_question(window: Any, demo_server: str, axe: Any) -> None:
    amy = window()
    amy.goto(scenario_url(demo_server, PROBLEM, AMY))
    submit_two(amy, AMY)
    training = region(amy, "Learn to assess responses")
    expect(training.get_by_role("heading", level=4, name="Question 2 of 2")).to_be_visible()
    expect(training.locator(".ora-answer-part").nth(0)).to_contain_text("The footbridge over the river")
    shoot(amy, "01-training-sample-two-questions")
    pass_training(amy)
    expect(region(amy, "Assess peers")).to_contain_text("No response is waiting for a review right now.")

    ben = window()
    ben.goto(scenario_url(demo_server, PROBLEM, BEN))
    submit_two(ben, BEN)
    pass_training(ben)
    peer = region(ben, "Assess peers")
    assert_answers_under_questions(peer, 4, ANSWERS[AMY])
    peer.locator("details.ora-prompt-recall > summary").click()
    expect(peer.get_by_text(LONG_QUESTION_END)).to_be_visible()
    expect(peer.locator("details.ora-prompt-recall > summary")).to_have_text("The whole question:", use_inner_text=True)
    assert_accessible(axe, ben)
    shoot(ben, "02-peer-review-two-questions")
    review_and_assess_self(ben)
    expect(ben.locator(".ora-waiting")).to_contain_text("once enough peers have assessed your response")


def test_once_graded_the_grade_comes_first_and_the_invitation_to_review_more_after(
    window: Any, demo_server: str, axe: Any
) -> None:
    amy = window()
    amy.goto(scenario_url(demo_server, PROBLEM, AMY))
    assert_answers_under_questions(region(amy, "Assess peers"), 4, ANSWERS[BEN])
    review_and_assess_self(amy)
    grade = amy.get_by_role("heading", level=3, name=re.compile(r"^Your grade: \d+ out of 10$"))
    expect(grade).to_be_focused()
    invitation = amy.get_by_role("button", name="Continue assessing peers")
    expect(invitation).to_be_visible()
    grade_box = box(amy.locator(".ora-grade"))
    response_box = box(region(amy, "Questions"))
    invitation_box = box(amy.locator(".ora-peer-more"))
    assert grade_box["y"] + grade_box["height"] <= response_box["y"] <= invitation_box["y"]
    top = region(amy, "Top responses")
    expect(top.get_by_role("heading", level=4, name="Question 1 of 2").first).to_be_visible()
    assert_accessible(axe, amy)
    shoot(amy, "03-grade-first")


def test_dates_are_in_the_persons_time_zone_or_else_the_browsers(window: Any, demo_server: str, axe: Any) -> None:
    carol = window(timezone_id="America/Los_Angeles")  # her preference (Asia/Kolkata) wins over the browser's
    carol.goto(scenario_url(demo_server, PROBLEM, "carol"))
    due = carol.locator(".ora-step").first.locator("time")
    expect(due).to_have_attribute("datetime", DUE_UTC)
    expect(due).to_have_text(re.compile(r"^Jan 1, 2031, 1:30\sAM GMT\+05:30$"))  # already 1 January in Kolkata
    expect(carol.locator(".ora-step").first.locator(".ora-relative")).to_have_text(re.compile(r"^\(in \d+ years?\)$"))
    assert_accessible(axe, carol)
    shoot(carol, "04-dates-in-carols-time-zone")

    dora = window(timezone_id="America/New_York")  # no preference: the browser's zone, the server's language
    dora.goto(scenario_url(demo_server, PROBLEM, "sc_dora"))
    due = dora.locator(".ora-step").first.locator("time")
    expect(due).to_have_attribute("datetime", DUE_UTC)
    expect(due).to_have_text(re.compile(r"^Dec 31, 2030, 3:00\sPM EST$"))
    submit_two(dora, AMY)  # the page is drawn again by the server: its dates are put in the browser's zone again
    expect(dora.locator(".ora-step").first.locator("time")).to_have_text(re.compile(r"^Dec 31, 2030, 3:00\sPM EST$"))
    expect(dora.locator("time[data-ora-local]")).to_have_count(0)


def open_tool(page: Any, name: str) -> Any:
    page.get_by_role("button", name=name, exact=True).click()
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_focused()
    return page.locator(".ora-staff-work")


def test_staff_see_answers_under_questions_who_reviewed_and_a_full_width_reason(
    window: Any, demo_server: str, axe: Any
) -> None:
    staff = window(timezone_id="Europe/Paris")
    staff.goto(scenario_url(demo_server, PROBLEM, "staff"))
    work = open_tool(staff, "Manage a learner")
    work.get_by_label("Username or email").fill(AMY)
    work.get_by_role("button", name="Find learner").click()
    expect(work.get_by_role("heading", name=f"Learner {AMY}")).to_be_visible()
    assert_answers_under_questions(work.locator(".ora-staff-record"), 6, ANSWERS[AMY])
    received = work.locator(".ora-staff-assessments").first
    expect(received.locator("li").filter(has_text="Peer")).to_contain_text(f"by {BEN},")
    expect(received.locator("li").filter(has_text="Self")).to_contain_text(f"by {AMY},")
    submitted = work.locator(".ora-staff-facts time").first
    expect(submitted).to_have_text(re.compile(r"GMT\+1$"))  # the browser's zone: Paris in winter
    reason = work.get_by_label("Why you are changing the grade")
    form = work.locator("form[data-ora-action=staff_grade]")
    label = form.locator("label", has_text="Why you are changing the grade")
    save = form.get_by_role("button", name="Save the grade")
    reason_box, form_box = box(reason), box(form)
    assert reason_box["width"] >= 0.98 * form_box["width"]  # the whole width of the form
    assert box(label)["y"] + box(label)["height"] <= reason_box["y"] + 1  # its label above it
    assert box(save)["y"] >= reason_box["y"] + reason_box["height"]  # Save on the line below, not beside it
    assert reason_box["height"] >= 60  # room for a sentence or two
    assert_accessible(axe, staff)
    reason.scroll_into_view_if_needed()
    shoot(staff, "05-staff-learner-record")


def test_the_grading_queue_shows_each_answer_under_its_question(window: Any, demo_server: str, axe: Any) -> None:
    learner = window()
    learner.goto(scenario_url(demo_server, "staff_only.xml", "sc_lab"))
    learner.get_by_label("Your answer to question 1").fill("We timed a pendulum of three lengths.")
    learner.get_by_label("Your answer to question 2").fill("Use a light gate instead of a stopwatch.")
    learner.get_by_role("button", name="Submit your response").click()
    learner.get_by_role("dialog").get_by_role("button", name="Submit", exact=True).click()
    expect(learner.locator(".ora-waiting")).to_be_visible()

    staff = window()
    staff.goto(scenario_url(demo_server, "staff_only.xml", "staff"))
    work = open_tool(staff, "Grade available responses")
    record = work.locator(".ora-staff-record")
    headings = record.get_by_role("heading", level=6)
    expect(headings).to_have_text(["Question 1 of 2", "Question 2 of 2"])
    expect(record.locator(".ora-answer-part").nth(1)).to_contain_text("Use a light gate instead of a stopwatch.")
    expect(record.locator(".ora-answer-part").nth(1)).to_contain_text("What would you change")
    assert_accessible(axe, staff)
    shoot(staff, "06-staff-grading-queue")
    work.get_by_role("button", name="Stop grading and give it back").click()


def test_the_histogram_draws_no_stray_marks_for_empty_buckets(window: Any, demo_server: str, axe: Any) -> None:
    staff = window()
    staff.goto(scenario_url(demo_server, PROBLEM, "staff"))
    chart = staff.get_by_role("table", name="Final scores")
    rows = chart.locator("tbody tr")
    expect(rows.first).to_be_visible()
    counts = [int(text) for text in rows.locator("td:nth-child(2)").all_inner_texts()]
    assert sum(counts) > 0 and counts.count(0) > 0
    for number, count in enumerate(counts):
        row = rows.nth(number)
        expect(row.locator(".ora-bar")).to_have_count(1 if count else 0)
        assert box(row.locator(".ora-bar-track"))["width"] > 50  # an even track, visible, under every bar
        if count:
            assert box(row.locator(".ora-bar"))["width"] >= 4
    assert_accessible(axe, staff)
    shoot(staff, "07-staff-overview-histogram")


@pytest.mark.parametrize("width", [1280, 375])
def test_the_gradebook_filters_line_up(window: Any, demo_server: str, axe: Any, width: int) -> None:
    staff = window(width=width)
    staff.goto(scenario_url(demo_server, PROBLEM, "staff"))
    work = open_tool(staff, "Gradebook")
    controls = work.locator(".ora-filter-fields").locator("input, select")
    expect(controls).to_have_count(5)
    boxes = [box(controls.nth(number)) for number in range(5)]
    heights = {round(found["height"]) for found in boxes}
    assert len(heights) == 1, f"controls of different heights: {boxes}"
    if width >= 1024:  # one row: every control at the same height on the page
        assert max(found["y"] for found in boxes) - min(found["y"] for found in boxes) <= 1, boxes
    else:  # narrow: fields stack or pair up, always left-aligned in their columns and within the page
        assert len({round(found["x"]) for found in boxes}) <= 2, boxes
        assert staff.evaluate("document.documentElement.scrollWidth") <= width
    show = work.get_by_role("button", name="Show")
    team = work.get_by_label("Include the course team")
    assert box(show)["y"] > max(found["y"] + found["height"] for found in boxes)  # the actions after the fields
    if width >= 1024:  # the checkbox and the button side by side, centred on one line
        assert abs((box(show)["y"] + box(show)["height"] / 2) - (box(team)["y"] + box(team)["height"] / 2)) <= 4
    expect(work.get_by_role("table").locator("time").first).to_have_attribute("datetime", re.compile(r"\+00:00$"))
    assert_accessible(axe, staff)
    shoot(staff, f"08-staff-gradebook-{width}")


def test_studio_preview_and_the_look_through_show_dates_in_the_browsers_zone(
    window: Any, demo_server: str, axe: Any
) -> None:
    index = [name for name, _ in DEMO_PROBLEMS].index(PROBLEM)
    author = window(timezone_id="Asia/Tokyo")
    author.goto(f"{demo_server}/scenario/ora_xblock.{index}/author_view/?student=author")
    summary = author.get_by_role("region", name="Problem summary")
    due = summary.locator("time").first
    expect(due).to_have_attribute("datetime", DUE_UTC)
    expect(due).to_have_text(re.compile(r"^Jan 1, 2031, 5:00\sAM GMT\+9$"))
    shoot(author, "09-studio-preview-summary")

    staff = window(timezone_id="Asia/Tokyo")
    staff.goto(scenario_url(demo_server, PROBLEM, "staff"))
    staff.get_by_text("Look through every step (course staff only)").click()
    look = staff.locator(".ora-look-through")
    expect(look.locator("time").first).to_have_text(re.compile(r"^Jan 1, 2031, 5:00\sAM GMT\+9$"))
    expect(look.locator(".ora-look-example").get_by_role("heading", level=6)).to_have_text(
        ["Question 1 of 2", "Question 2 of 2"]
    )
    assert_accessible(axe, staff)
    shoot(staff, "10-look-through")
