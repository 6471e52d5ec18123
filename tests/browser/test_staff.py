"""The staff area in a real browser, as course staff use it; the learners' pages show what staff did."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests import samples

from .test_journey import scenario_url, submit_answer
from .test_smoke import assert_accessible

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails under CI
    expect = None

pytestmark = pytest.mark.browser


def answer_and_assess(page: Any, server: str, filename: str, learner: str, text: str, option: str) -> None:
    page.goto(scenario_url(server, filename, learner))
    submit_answer(page, text)
    page.get_by_text(option, exact=True).click()
    page.get_by_role("button", name="Submit your assessment").click()
    expect(page.locator(".ora-self")).to_have_count(0)


def open_tool(page: Any, name: str) -> Any:
    page.get_by_role("button", name=name, exact=True).click()
    heading = page.get_by_role("heading", name=name, exact=True)
    expect(heading).to_be_focused()
    return page.locator(".ora-staff-work")


def test_staff_find_a_learner_and_override_their_grade(page: Any, demo_server: str, axe: Any) -> None:
    answer_and_assess(page, demo_server, "self_only.xml", "dave", "I learned about feedback loops.", "Deep reflection")
    expect(page.get_by_role("heading", name="Your grade: 4 out of 4")).to_be_visible()

    page.goto(scenario_url(demo_server, "self_only.xml", "staff"))
    work = open_tool(page, "Manage a learner")
    page.get_by_label("Username or email").fill(
        "Dave@Example.com"
    )  # the demo persona's account: found by email, any case
    page.get_by_role("button", name="Find learner").click()
    expect(work.get_by_role("heading", name="Learner dave")).to_be_visible()
    expect(work).to_contain_text("I learned about feedback loops.")
    expect(work.locator(".ora-staff-assessments")).to_contain_text("Self")
    work.get_by_text("Summary only").click()
    work.get_by_role("button", name="Save the grade").click()
    expect(work.locator(".ora-rubric-form .ora-errors")).to_contain_text(
        "Say why you are changing the learner's grade."
    )
    work.get_by_label("Why you are changing the grade").fill("Restates the lecture.")
    work.get_by_role("button", name="Save the grade").click()
    expect(work.locator(".ora-staff-facts")).to_contain_text("0 / 4")
    expect(work.locator(".ora-staff-history")).to_contain_text("Overrode the grade, by staff")
    expect(work.locator(".ora-staff-history")).to_contain_text("Restates the lecture.")
    assert_accessible(axe, page)

    page.goto(scenario_url(demo_server, "self_only.xml", "dave"))
    expect(page.get_by_role("heading", name="Your grade: 0 out of 4")).to_be_visible()
    expect(page.locator(".ora-grade-source")).to_contain_text("Staff")


def test_two_staff_grading_from_the_queue_never_get_the_same_response(
    browser: Any, page: Any, demo_server: str, axe: Any
) -> None:
    for learner in ("jane", "kim"):
        answer_and_assess(page, demo_server, "self_staff.xml", learner, f"Uniforms, says {learner}.", "Stated")
    first, second = browser.new_page(), browser.new_page()
    try:
        seen = []
        for window, persona in ((first, "staff"), (second, "sam")):  # the author edits in Studio, not in courses
            window.goto(scenario_url(demo_server, "self_staff.xml", persona))
            work = open_tool(window, "Grade available responses")
            heading = work.get_by_role("heading", name=re.compile("^Response of "))
            expect(heading).to_be_visible()
            seen.append(heading.inner_text())
        assert seen[0] != seen[1]
        assert {name.removeprefix("Response of ") for name in seen} == {"jane", "kim"}
        expect(first.locator(".ora-staff-remaining")).to_contain_text("1 other response is waiting")
        expect(second.locator(".ora-staff-remaining")).to_contain_text("0 other responses are waiting")
        assert_accessible(axe, first)
        for window in (first, second):
            work = window.locator(".ora-staff-work")
            work.get_by_text("Convincing").click()
            work.get_by_role("button", name="Save the grade and get the next response").click()
            expect(work).to_contain_text("No response is waiting for a staff grade.")
    finally:
        first.close()
        second.close()
    for learner in ("jane", "kim"):
        page.goto(scenario_url(demo_server, "self_staff.xml", learner))
        expect(page.get_by_role("heading", name="Your grade: 5 out of 5")).to_be_visible()


def test_a_report_downloads_for_five_minutes_and_matches_the_learners_grades(
    page: Any, demo_server: str, axe: Any
) -> None:
    answer_and_assess(page, demo_server, "self_only.xml", "lena", "Spaced repetition works.", "Some reflection")
    expect(page.get_by_role("heading", name="Your grade: 2 out of 4")).to_be_visible()
    page.goto(scenario_url(demo_server, "self_only.xml", "staff"))
    work = open_tool(page, "Reports")
    expect(work).to_contain_text("personal data")
    work.get_by_role("button", name="Generate ORA grade report").click()
    link = work.get_by_role("link", name=re.compile(r"_ora_grade_report_\d{4}-\d{2}-\d{2}-\d{4}\.csv$"))
    expect(link).to_be_visible()
    assert_accessible(axe, page)
    with page.expect_download() as download:
        link.click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    lena = next(row for row in rows if row["username"] == "lena")
    assert (lena["score"], lena["points_possible"]) == ("2", "4")

    href = link.get_attribute("href")
    page.request.post(demo_server + "/_test/clock/", form={"seconds": "301"})
    refused = page.request.get(demo_server + href)
    assert refused.status == 403
    assert refused.json()["error"]["code"] == "link_expired"


def test_a_zip_of_every_submitted_file_is_built_in_the_background_and_downloaded(
    page: Any, demo_server: str, axe: Any, tmp_path: Path
) -> None:
    figure = tmp_path / "figure.png"
    figure.write_bytes(samples.sized("png", 2056))
    for learner in ("otto", "pia"):
        page.goto(scenario_url(demo_server, "staff_only.xml", learner))
        page.get_by_label("File to upload").set_input_files(str(figure))
        page.get_by_label("Description of the file (required)").fill(f"Figure of {learner}")
        page.get_by_role("button", name="Upload file").click()
        expect(page.locator(".ora-file-list")).to_contain_text("figure.png")
        submit_answer(page, f"The lab report of {learner}.")
    page.goto(scenario_url(demo_server, "staff_only.xml", "staff"))
    work = open_tool(page, "Reports")
    expect(work.locator(".ora-storage-warning").first).to_contain_text("ORA_XBLOCK_REPORT_STORAGE")  # /media/ is served
    work.get_by_role("button", name="Build a zip of every submitted file").click()
    link = work.get_by_role("link", name=re.compile(r"_ora_files_\d{4}-\d{2}-\d{2}-\d{4}\.zip$"))
    expect(link).to_be_visible()  # built by the background task (run at once: the demo's Celery is eager)
    assert_accessible(axe, page)
    with page.expect_download() as download:
        link.click()
    with zipfile.ZipFile(download.value.path()) as bundle:
        names = bundle.namelist()
        mine = [name for name in names if name.split("-")[0] in ("otto", "pia")]
        assert len(mine) == 2 and all(name.endswith("/1-figure.png") for name in mine), names
        assert bundle.read(mine[0]) == figure.read_bytes()

    href = link.get_attribute("href")
    page.request.post(demo_server + "/_test/clock/", form={"seconds": "301"})
    refused = page.request.get(demo_server + href)
    assert (refused.status, refused.json()["error"]["code"]) == (403, "link_expired")


def test_the_gradebook_is_filtered_and_searched(page: Any, demo_server: str, axe: Any) -> None:
    for learner, option in (("mona", "Summary only"), ("mohan", "Deep reflection"), ("nils", "Some reflection")):
        answer_and_assess(page, demo_server, "self_only.xml", learner, f"Notes of {learner}.", option)
    page.goto(scenario_url(demo_server, "self_only.xml", "staff"))
    work = open_tool(page, "Gradebook")
    page.get_by_label("Username starts with").fill("MO")
    page.get_by_role("button", name="Show").click()
    expect(work).to_contain_text("2 learners match.")
    table = work.get_by_role("table")
    expect(table.get_by_role("rowheader")).to_have_text(["mohan", "mona"])
    page.get_by_label("Score from").fill("3")
    page.get_by_role("button", name="Show").click()
    expect(work).to_contain_text("1 learner matches.")
    expect(work.get_by_role("table").get_by_role("row", name=re.compile("^mohan"))).to_contain_text("4 / 4")
    page.get_by_label("Username starts with").fill("")
    page.get_by_label("Score from").fill("")
    page.get_by_label("Status").select_option(label="Graded")
    page.get_by_role("button", name="Show").click()
    expect(work.get_by_role("table").get_by_role("rowheader").filter(has_text="nils")).to_be_visible()
    assert_accessible(axe, page)
    work.get_by_role("button", name="Open or override nils").click()
    expect(work.get_by_role("heading", name="Learner nils")).to_be_visible()


def test_the_queue_opened_in_a_second_tab_shows_the_response_the_grader_holds(
    browser: Any, page: Any, demo_server: str, axe: Any
) -> None:
    answer_and_assess(page, demo_server, "self_staff.xml", "lena", "Uniforms, says lena.", "Stated")
    first, second = browser.new_page(), browser.new_page()
    try:
        first.goto(scenario_url(demo_server, "self_staff.xml", "staff"))
        held = open_tool(first, "Grade available responses").get_by_role("heading", name=re.compile("^Response of "))
        expect(held).to_be_visible()
        expect(first.locator(".ora-staff-resumed")).to_have_count(0)  # just taken

        second.goto(scenario_url(demo_server, "self_staff.xml", "staff"))
        work = open_tool(second, "Grade available responses")
        held_name = held.inner_text()
        expect(work.get_by_role("heading", name=held_name)).to_be_visible()  # the same response
        expect(work.locator(".ora-staff-resumed")).to_contain_text("You are already grading the response of")
        assert_accessible(axe, second)
        # the course dashboard's queue shows it too (its URL as demo/middleware.py's course, course_queue.html)
        first.goto(f"{demo_server}/ora_xblock/courses/course-v1:local+ora_xblock+demo/queue/?student=staff")
        expect(first.locator(".ora-staff-resumed")).to_contain_text("You are already grading the response of")
        expect(first.get_by_role("heading", name=held_name)).to_be_visible()
        work.get_by_role("button", name="Stop grading and give it back").click()  # left for the other tests
        expect(second.locator(".ora-staff-work")).not_to_contain_text("You are already grading")
    finally:
        first.close()
        second.close()
