"""A learner's feedback on the peer assessments they received, in a real browser (issue 14, item 6).

Three learners of their own ("fb_...") take the peer-only problem (Must Grade 2, Graded By 2) and review each other,
so all three are graded; one then sends feedback from her grade, is thanked, and finds it kept after a reload.
The peer step hands out responses that still need reviews before graded ones, so the learners other modules add to
this problem later (test_rtl.py) still get theirs. The screens are saved in var/screenshots/ to be looked at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .test_journey import scenario_url, submit_answer
from .test_smoke import assert_accessible

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails under CI
    expect = None

pytestmark = pytest.mark.browser

PROBLEM = "peer_only.xml"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
ANN, BOB, CAT = "fb_ann", "fb_bob", "fb_cat"
REVIEW = {"Users": "Yes", "Feasibility": "Plausible"}
COMMENT = "One review said my plan could not be built, without saying why."


@pytest.fixture
def open_as(browser: Any, demo_server: str) -> Iterator[Any]:
    """``open_as(student)``: the problem as ``student``, in a window of their own (a background tab is throttled)."""
    contexts = []

    def open_page(student: str) -> Any:
        context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-US")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(scenario_url(demo_server, PROBLEM, student))
        return page

    yield open_page
    for context in contexts:
        context.close()


def screenshot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"feedback-{name}.png"), full_page=True)


def asked(page: Any) -> Any:
    """Wait for the page's own request for a response to review, sent once it is drawn with none to review."""
    return page.expect_response(lambda response: "/peer_next/" in response.url)


def review_what_is_handed_out(page: Any, answer: Any) -> int:
    """Review each response the peer step hands ``page``'s learner, starting from ``answer`` (the page's request
    for one); the next comes with each review's answer. How many were reviewed."""
    reviewed = 0
    while 'class="ora-rubric-form' in answer.json()["html"]:
        form = page.get_by_role("region", name="Assess peers").locator(".ora-rubric-form")
        for criterion, option in REVIEW.items():
            group = form.get_by_role("group", name=criterion, exact=True)
            group.get_by_role("radio", name=re.compile(rf"^{option} \d+ points?\b")).check()
        with page.expect_response(lambda response: "/peer_assess/" in response.url) as sent:
            form.get_by_role("button", name="Submit your review").click()
        answer = sent.value
        assert answer.ok, answer.text()
        reviewed += 1
    return reviewed


def feedback_region(page: Any) -> Any:
    return page.get_by_role("region", name="Your feedback on the peer assessments")


def test_a_learner_graded_by_peers_sends_feedback_once_and_finds_it_kept(open_as: Any, axe: Any) -> None:
    pages, reviewed = {}, {}
    for student in (ANN, BOB, CAT):
        pages[student] = open_as(student)
        with asked(pages[student]) as answer:
            submit_answer(pages[student], f"{student}: benches at two heights and a timetable in large print.")
        reviewed[student] = review_what_is_handed_out(pages[student], answer.value)
    for student in (ANN, BOB):  # each reviews what came in after they submitted
        with asked(pages[student]) as answer:
            pages[student].reload()
        reviewed[student] += review_what_is_handed_out(pages[student], answer.value)
    assert reviewed == {ANN: 2, BOB: 2, CAT: 2}
    ann = pages[ANN]
    ann.reload()
    expect(ann.get_by_role("heading", level=3, name=re.compile(r"^Your grade: \d+ out of 6$"))).to_be_visible()
    section = feedback_region(ann)
    expect(section.get_by_role("button", name="Send feedback")).to_be_visible()
    section.scroll_into_view_if_needed()
    screenshot(ann, "01-grade-with-the-form")

    section.get_by_role("button", name="Send feedback").click()
    expect(section.locator(".ora-errors")).to_have_text("Choose at least one statement or write a comment.")
    screenshot(ann, "02-nothing-chosen")
    section.get_by_role("checkbox", name="The assessments I received were useful.").check()
    section.get_by_role("checkbox", name="I disagree with at least one of the peer assessments of my response.").check()
    section.get_by_label(re.compile(r"^Comment \(optional")).fill(COMMENT)
    with ann.expect_response(lambda response: "/submit_feedback/" in response.url) as sent:
        section.get_by_role("button", name="Send feedback").click()
    assert sent.value.ok

    thanks = feedback_region(ann).locator(".ora-feedback-thanks")
    expect(thanks).to_have_text("Thank you for your feedback")
    expect(thanks).to_be_focused()
    expect(ann.locator(".ora-live").first).to_have_text("Thank you for your feedback.")
    assert_kept(feedback_region(ann))
    violations = axe.run(ann, context=".ora-assessments-feedback").response["violations"]
    assert violations == [], [(v["id"], v["help"]) for v in violations]
    assert_accessible(axe, ann)
    screenshot(ann, "03-after-sending")

    ann.reload()
    assert_kept(feedback_region(ann))


def assert_kept(section: Any) -> None:
    """What ann sent, read back: the two statements she chose, in the page's order, and her comment; no form."""
    expect(section.locator(".ora-feedback-given li")).to_have_text(
        [
            "The assessments I received were useful.",
            "I disagree with at least one of the peer assessments of my response.",
        ]
    )
    expect(section.locator(".ora-feedback-given-comment")).to_have_text(COMMENT)
    expect(section.get_by_role("button", name="Send feedback")).to_have_count(0)


def test_staff_read_the_feedback_in_the_learners_record(open_as: Any, axe: Any) -> None:
    page = open_as("staff")  # after the test above: ann has sent her feedback, bob has not
    page.get_by_role("button", name="Manage a learner", exact=True).click()
    work = page.locator(".ora-staff-work")
    page.get_by_label("Username or email").fill(ANN)
    page.get_by_role("button", name="Find learner").click()
    expect(work.get_by_role("heading", name=f"Learner {ANN}")).to_be_visible()
    shown = work.locator(".ora-staff-feedback")
    expect(shown.locator(".ora-feedback-given li")).to_have_text(
        [
            "The assessments I received were useful.",
            "I disagree with at least one of the peer assessments of my response.",
        ]
    )
    expect(shown.locator(".ora-feedback-given-comment")).to_have_text(COMMENT)
    expect(shown).to_contain_text("Sent ")
    assert_accessible(axe, page)
    shown.scroll_into_view_if_needed()
    screenshot(page, "04-staff-record")

    page.get_by_label("Username or email").fill(BOB)
    page.get_by_role("button", name="Find learner").click()
    expect(work.get_by_role("heading", name=f"Learner {BOB}")).to_be_visible()
    expect(work).to_contain_text("The learner has not given feedback on the assessments they received.")
