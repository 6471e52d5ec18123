"""The Studio editor in a real browser, as an author uses it; after each save a learner sees the change."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ora_xblock import scenarios
from ora_xblock.definition import load_olx
from ora_xblock.definition.codec import to_dict
from ora_xblock.definition.olx import to_olx
from ora_xblock.scenarios import DEMO_PROBLEMS

from .test_smoke import assert_accessible

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails under CI
    expect = None

pytestmark = pytest.mark.browser

NUMBER = {filename: index for index, (filename, _) in enumerate(DEMO_PROBLEMS)}
BLANK = "default.xml"
CONFORMANCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "conformance" / "ora2" / "openassessment"
EXAMPLES = sorted((CONFORMANCE / "xblock" / "static" / "xml").glob("*.xml"))


@pytest.fixture
def kolkata(browser: Any) -> Any:
    """A page whose browser runs in India's time zone (UTC+05:30), to see dates converted."""
    context = browser.new_context(timezone_id="Asia/Kolkata")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def open_editor(page: Any, demo_server: str, filename: str, olx: str | None = None) -> None:
    """The author's editor of a demo problem; with ``olx``, first saved as that problem through the OLX editor."""
    page.goto(f"{demo_server}/scenario/ora_xblock.{NUMBER[filename]}/studio_view/?student=author")
    if olx is not None:
        save_olx(page, olx)
        expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()


SECTIONS = ("Settings", "Prompts", "Rubric", "Responses", "Steps", "Advanced: OLX")


def show(page: Any, section: str) -> Any:
    """Open a section of the editor by its tab, as an author does; the section's panel."""
    page.get_by_role("tab", name=re.compile(f"^{re.escape(section)}")).click()
    panel = page.locator("[role=tabpanel]:visible")
    expect(panel).to_have_count(1)
    return panel


def open_learner_view(page: Any, demo_server: str, filename: str) -> Any:
    page.goto(f"{demo_server}/scenario/ora_xblock.{NUMBER[filename]}/student_view/?student=dave")
    return page.locator(".ora-block")


def save(page: Any) -> Any:
    """Press Save; the server's answer, once the page has shown it."""
    with page.expect_response(lambda response: "/save_editor/" in response.url) as answer:
        page.get_by_role("button", name="Save", exact=True).click()
    return shown(page, answer.value)


def save_olx(page: Any, olx: str) -> Any:
    show(page, "Advanced")
    page.get_by_label("Problem OLX").fill(olx)
    with page.expect_response(lambda response: "/save_definition/" in response.url) as answer:
        page.get_by_role("button", name="Save the OLX").click()
    return shown(page, answer.value)


def shown(page: Any, response: Any) -> Any:
    """Wait until the editor has handled ``response`` (its status no longer says it is saving)."""
    expect(page.locator(".ora-studio-status")).not_to_have_text("Saving…")
    return response


def step_order(page: Any) -> list[str]:
    return page.locator(".ora-step-item").evaluate_all("items => items.map(item => item.dataset.step)")


def test_an_author_builds_a_peer_and_self_problem_from_scratch(kolkata: Any, demo_server: str, axe: Any) -> None:
    page = kolkata
    open_editor(page, demo_server, BLANK, scenarios.default_olx())
    show(page, "Settings")
    page.get_by_label("Display name").fill("Design a better bus stop")
    show(page, "Prompts")
    page.get_by_label("Prompt 1", exact=True).fill("Sketch a bus stop for your street and explain your choices.")
    show(page, "Rubric")
    while page.get_by_role("button", name=re.compile("^Remove criterion")).count():
        page.get_by_role("button", name=re.compile("^Remove criterion")).first.click()
    for label, options in (("Comfort", [("Bare", 0), ("Sheltered", 2)]), ("Access", [("Steps", 0), ("Level", 3)])):
        page.get_by_role("button", name="Add a criterion").click()
        criterion = page.get_by_role("group", name=re.compile(r"^Criterion \d$")).last
        criterion.get_by_label("Label", exact=True).first.fill(label)
        criterion.get_by_label("What the criterion judges").fill(f"How well does the design handle {label.lower()}?")
        for name, points in options:
            criterion.get_by_role("button", name="Add an option").click()
            option = criterion.locator("[data-item=option]").last
            option.get_by_label("Label").fill(name)
            option.get_by_label("Points").fill(str(points))
            option.get_by_label("Explanation").fill(f"The design is {name.lower()}.")
    expect(page.locator(".ora-total-points")).to_have_text("5")
    expect(page.get_by_role("group", name="Criterion 2").get_by_label("Name (identifier)").first).to_have_value(
        "access"
    )
    show(page, "Responses")
    page.get_by_label("Show the rubric while learners answer").check()
    show(page, "Steps")
    for step in ("Peer assessment", "Self assessment"):
        page.get_by_role("checkbox", name=step).uncheck()
    page.get_by_role("checkbox", name="Self assessment").check()
    page.get_by_role("checkbox", name="Peer assessment").check()
    peer = page.locator("[data-step=peer-assessment]")
    peer.get_by_label("Must Grade: reviews each learner gives").fill("3")
    peer.get_by_label("Graded By: reviews each response needs").fill("2")
    peer.get_by_label("Due").fill("2030-01-10T12:00:00")
    expect(page.locator(".ora-timezone")).to_contain_text(re.compile("Asia/(Kolkata|Calcutta)"))
    assert save(page).ok
    expect(page.get_by_role("status")).to_have_text("Saved.")
    olx = page.get_by_label("Problem OLX").input_value()
    assert 'due="2030-01-10T06:30:00+00:00"' in olx  # 12:00 in Kolkata, stored in UTC
    expect(page.locator("[data-step=peer-assessment]").get_by_label("Due")).to_have_value(
        re.compile("^2030-01-10T12:00")
    )
    assert_accessible(axe, page)

    block = open_learner_view(page, demo_server, BLANK)
    expect(block.get_by_role("heading", name="Design a better bus stop")).to_be_visible()
    expect(block).to_contain_text("Sketch a bus stop for your street")
    expect(block.get_by_role("heading", name="Comfort", exact=True)).to_be_visible()
    expect(block.get_by_role("heading", name="Access", exact=True)).to_be_visible()
    steps = block.locator(".ora-steps-bar li, .ora-step").all_inner_texts()
    assert [i for i, text in enumerate(steps) if "Assess peers" in text] < [
        i for i, text in enumerate(steps) if "Assess your response" in text
    ]


def tab(page: Any, section: str) -> Any:
    return page.get_by_role("tab", name=re.compile(f"^{re.escape(section)}"))


def test_an_invalid_problem_shows_each_error_at_its_field_and_saves_nothing(
    page: Any, demo_server: str, axe: Any
) -> None:
    open_editor(page, demo_server, BLANK, scenarios.default_olx())
    show(page, "Settings")
    page.get_by_label("Display name").fill("Never saved")
    show(page, "Rubric")
    ideas = page.get_by_role("group", name="Criterion 1")
    ideas.get_by_label("Name (identifier)").first.fill("")
    points = ideas.locator("[data-item=option]").nth(1).get_by_label("Points")
    points.fill("-1")
    show(page, "Settings")
    top = page.get_by_label("Top responses to show (0 to 100)")
    top.fill("500")
    assert save(page).status == 400
    summary = page.locator(".ora-studio-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("The problem was not saved. Errors to correct: 3")
    # The menu counts each section's errors, in words, so that none hides in a section not shown.
    expect(tab(page, "Settings")).to_have_accessible_name("Settings Errors: 1")
    expect(tab(page, "Rubric")).to_have_accessible_name("Rubric Errors: 2")
    for section in ("Prompts", "Responses", "Steps", "Advanced"):
        expect(tab(page, section).locator(".ora-tab-count:visible")).to_have_count(0)
    expect(tab(page, "Rubric").locator(".ora-tab-errors")).to_have_text("Errors: 2")
    # Each link in the summary opens the field's section and puts the author in the field.
    for section, field, message in (
        ("Rubric", ideas.get_by_label("Name (identifier)").first, "The criterion needs a name."),
        ("Rubric", points, "must be zero or more"),
        ("Settings", top, "between 0 and 100"),
    ):
        summary.get_by_role("link", name=re.compile(re.escape(message))).click()
        expect(tab(page, section)).to_have_attribute("aria-selected", "true")
        expect(field).to_be_focused()
        expect(field).to_have_attribute("aria-invalid", "true")
        note = page.locator("#" + field.get_attribute("aria-describedby").split()[-1])
        expect(note).to_contain_text(message)
        expect(note).to_be_visible()
        expect(summary.get_by_role("link", name=note.inner_text())).to_be_visible()
        assert_accessible(axe, page)
    top.fill("10")
    expect(summary.get_by_role("heading")).to_have_text("The problem was not saved. Errors to correct: 2")
    expect(top).not_to_have_attribute("aria-invalid", "true")
    expect(tab(page, "Settings")).to_have_accessible_name("Settings")  # the live check counts again
    expect(tab(page, "Rubric")).to_have_accessible_name("Rubric Errors: 2")

    block = open_learner_view(page, demo_server, BLANK)
    expect(block.get_by_role("heading", name="Open Response Assessment")).to_be_visible()


def test_best_practice_advice_is_shown_but_does_not_block_saving(page: Any, demo_server: str, axe: Any) -> None:
    open_editor(page, demo_server, BLANK, scenarios.default_olx())
    show(page, "Steps")
    peer = page.locator("[data-step=peer-assessment]")
    peer.get_by_label("Must Grade: reviews each learner gives").fill("3")
    peer.get_by_label("Graded By: reviews each response needs").fill("3")
    page.get_by_label("Responses due").fill("2030-01-01T12:00:00")
    peer.get_by_label("Due").fill("2030-01-03T12:00:00")
    assert save(page).ok
    advice = page.locator(".ora-studio-advice")
    expect(advice).to_contain_text("Set Must Grade above Graded By")
    expect(advice).to_contain_text("Leave at least a week")
    must_grade = peer.get_by_label("Must Grade: reviews each learner gives")
    expect(must_grade).to_have_value("3")
    note = page.locator("#" + must_grade.get_attribute("aria-describedby").split()[-1])
    expect(note).to_have_class("ora-field-warning")
    # Suggestions are counted in the menu too, apart from errors: a pale badge of their own, in words.
    expect(tab(page, "Steps")).to_have_accessible_name("Steps Suggestions: 2")
    expect(tab(page, "Steps").locator(".ora-tab-warnings")).to_have_text("Suggestions: 2")
    expect(page.locator(".ora-tab-errors:visible")).to_have_count(0)
    assert_accessible(axe, page)


def test_steps_are_enabled_and_reordered_with_the_keyboard(page: Any, demo_server: str, axe: Any) -> None:
    open_editor(page, demo_server, BLANK, scenarios.default_olx())
    show(page, "Steps")
    staff = page.get_by_role("checkbox", name="Staff assessment")
    staff.focus()
    page.keyboard.press("Space")
    expect(staff).to_be_checked()
    move_up = page.get_by_role("button", name="Move Staff assessment up")
    move_up.focus()
    for _ in range(2):
        page.keyboard.press("Enter")
    expect(move_up).to_be_focused()
    assert step_order(page)[:3] == ["peer-assessment", "staff-assessment", "self-assessment"]
    expect(page.get_by_role("status")).to_have_text("Moved to position 2 of 4.")
    assert save(page).status == 400
    expect(page.locator(".ora-studio-summary")).to_contain_text("The staff step must come last.")
    page.get_by_role("button", name="Move Staff assessment down").focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Move Self assessment up").focus()
    page.keyboard.press("Enter")
    assert step_order(page)[:3] == ["self-assessment", "peer-assessment", "staff-assessment"]
    assert save(page).ok
    assert_accessible(axe, page)

    block = open_learner_view(page, demo_server, BLANK)
    steps = block.locator(".ora-step-title").all_inner_texts()
    assert steps.index("Assess your response") < steps.index("Assess peers") < steps.index("Staff assessment")


def test_steps_are_reordered_by_dragging(page: Any, demo_server: str) -> None:
    # Both steps on screen (the peer step has grown), as a mouse user drags them.
    page.set_viewport_size({"width": 1100, "height": 1400})
    open_editor(page, demo_server, BLANK, scenarios.default_olx())
    show(page, "Steps")
    page.locator("[data-step=peer-assessment]").scroll_into_view_if_needed()
    handle = page.locator("[data-step=self-assessment] .ora-drag-handle")
    handle.drag_to(page.locator("[data-step=peer-assessment] .ora-step-head"), target_position={"x": 5, "y": 2})
    assert step_order(page)[:2] == ["self-assessment", "peer-assessment"]
    expect(page.locator(".ora-studio-status")).to_have_text("Step order changed.")
    assert save(page).ok
    assert page.get_by_label("Problem OLX").input_value().index("self-assessment") < page.get_by_label(
        "Problem OLX"
    ).input_value().index("peer-assessment")


def test_the_olx_is_edited_in_place_and_checked_by_the_same_validator(page: Any, demo_server: str) -> None:
    open_editor(page, demo_server, BLANK, scenarios.default_olx())
    olx = scenarios.default_olx().replace("<title>Open Response Assessment</title>", "<title>Edited as OLX</title>")
    broken = olx.replace('must_grade="5"', 'must_grade="many"')
    assert save_olx(page, broken).status == 400
    expect(page.locator(".ora-studio-summary")).to_contain_text("must_grade")
    expect(tab(page, "Advanced")).to_have_accessible_name(re.compile(r"^Advanced: OLX Errors: [1-9]"))
    assert save_olx(page, olx).ok
    expect(tab(page, "Advanced")).to_have_accessible_name("Advanced: OLX")
    expect(page.get_by_label("Display name")).to_have_value("Edited as OLX")
    # Save, when only the OLX was edited, keeps the OLX rather than the form the author did not touch.
    page.get_by_label("Problem OLX").fill(olx.replace("Edited as OLX", "Saved with Save"))
    with page.expect_response(lambda response: "/save_definition/" in response.url) as answer:
        page.get_by_role("button", name="Save", exact=True).click()
    assert shown(page, answer.value).ok
    expect(page.get_by_label("Display name")).to_have_value("Saved with Save")
    block = open_learner_view(page, demo_server, BLANK)
    expect(block.get_by_role("heading", name="Saved with Save")).to_be_visible()


def test_a_released_problem_keeps_its_rubric_locked(page: Any, demo_server: str, axe: Any) -> None:
    open_editor(page, demo_server, "released.xml")
    show(page, "Rubric")
    rubric = page.get_by_role("tabpanel", name="Rubric")
    expect(rubric.locator(".ora-locked")).to_contain_text("learners may already have answered")
    summary = page.get_by_role("group", name="Criterion 1")
    expect(summary.get_by_label("Name (identifier)").first).to_have_attribute("readonly", "")
    expect(summary.locator("[data-item=option]").first.get_by_label("Points")).to_have_attribute("readonly", "")
    for section, button in (
        ("Rubric", "Add a criterion"),
        ("Prompts", "Add a prompt"),
        ("Rubric", "Remove criterion 1"),
        ("Steps", "Move Peer assessment down"),
    ):
        show(page, section)
        expect(page.get_by_role("button", name=button)).to_be_disabled()
    expect(page.get_by_role("checkbox", name="Peer assessment")).to_be_disabled()
    show(page, "Rubric")
    summary.get_by_label("Label", exact=True).first.fill("What the book is about")
    assert save(page).ok
    assert_accessible(axe, page)
    block = open_learner_view(page, demo_server, "released.xml")
    expect(block.get_by_role("heading", name="What the book is about")).to_be_visible()


def visible_panels(page: Any) -> list[str]:
    return page.locator("[role=tabpanel]").evaluate_all(
        "panels => panels.filter(panel => panel.checkVisibility()).map(panel => panel.dataset.section)"
    )


def test_the_editor_shows_one_section_at_a_time_each_accessible(
    page: Any, demo_server: str, axe: Any, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": 900, "height": 900})  # Studio's editor modal
    open_editor(page, demo_server, "ideas_content_grammar.xml")
    expect(tab(page, "Settings")).to_have_attribute("aria-selected", "true")
    assert visible_panels(page) == ["settings"]
    heights = {}
    for section in SECTIONS:
        show(page, section)
        expect(tab(page, section)).to_have_attribute("aria-selected", "true")
        expect(page.locator("[role=tab][aria-selected=true]")).to_have_count(1)
        expect(page.get_by_role("tabpanel", name=re.compile(f"^{re.escape(section.split(':')[0])}"))).to_be_visible()
        assert len(visible_panels(page)) == 1
        assert_accessible(axe, page)
        editor = page.locator(".ora-studio")
        heights[section] = editor.bounding_box()["height"]
        editor.screenshot(path=str(tmp_path / f"studio-{section.split(':')[0].lower()}.png"))
    assert max(heights.values()) < 7000, heights  # the whole form was about 10,000 pixels tall


def test_the_section_menu_works_with_the_keyboard(page: Any, demo_server: str) -> None:
    open_editor(page, demo_server, "ideas_content_grammar.xml")
    tab(page, "Settings").focus()
    for key, section in (
        ("ArrowRight", "Prompts"),
        ("ArrowRight", "Rubric"),
        ("End", "Advanced"),
        ("ArrowRight", "Settings"),  # round to the first
        ("ArrowLeft", "Advanced"),  # and back to the last
        ("Home", "Settings"),
        ("ArrowLeft", "Advanced"),
        ("ArrowLeft", "Steps"),
    ):
        page.keyboard.press(key)
        expect(tab(page, section)).to_be_focused()
        expect(tab(page, section)).to_have_attribute("aria-selected", "true")
        assert visible_panels(page) == [section.lower()]
        expect(page.locator("[role=tab][tabindex='0']")).to_have_count(1)  # one stop in the Tab order
    page.keyboard.press("Tab")  # from the menu into the section shown
    expect(page.get_by_role("tabpanel", name="Steps")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("radio", name="Dates set here for each step")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(tab(page, "Steps")).to_be_focused()


def test_the_section_viewed_last_stays_open_after_a_save_and_hidden_sections_are_saved(
    page: Any, demo_server: str
) -> None:
    open_editor(page, demo_server, BLANK, scenarios.default_olx())
    show(page, "Settings")
    page.get_by_label("Display name").fill("Saved from another section")
    show(page, "Responses")
    page.get_by_label("Render LaTeX in responses").check()
    show(page, "Steps")
    page.get_by_label("Responses due").fill("2030-01-01T12:00:00")
    assert visible_panels(page) == ["steps"]
    assert save(page).ok
    expect(tab(page, "Steps")).to_have_attribute("aria-selected", "true")
    assert visible_panels(page) == ["steps"]
    olx = page.get_by_label("Problem OLX").input_value()
    assert "<title>Saved from another section</title>" in olx
    assert 'allow_latex="true"' in olx


def test_a_new_criterion_and_option_take_their_names_from_their_labels_until_named_by_hand(
    page: Any, demo_server: str, axe: Any
) -> None:
    open_editor(page, demo_server, BLANK, scenarios.default_olx())
    show(page, "Rubric")
    page.get_by_role("button", name="Add a criterion").click()
    criterion = page.locator("[data-item=criterion]").last
    label = criterion.get_by_label("Label", exact=True).first
    name = criterion.get_by_label("Name (identifier)").first
    for control in (label, name):  # the hint that tells them apart, read with each
        hint = page.locator("#" + control.get_attribute("aria-describedby").split()[0])
        expect(hint).to_contain_text("Learners see the label, or the name if the label is empty.")
        expect(hint).to_be_visible()
    label.press_sequentially("Use of evidence")
    expect(name).to_have_value("use-of-evidence")
    name.fill("evidence")
    label.fill("Evidence, used well")
    expect(name).to_have_value("evidence")  # named by hand: the label no longer renames it

    criterion.get_by_role("button", name="Add an option").click()
    option = criterion.locator("[data-item=option]").last
    option_hint = page.locator("#" + option.get_by_label("Label").get_attribute("aria-describedby").split()[0])
    expect(option_hint).to_contain_text("Learners choose an option by its label")
    option.get_by_label("Label").fill("Strong sources")
    expect(option.get_by_label("Name (identifier)")).to_have_value("strong-sources")
    option.get_by_label("Points").fill("3")
    criterion.get_by_label("What the criterion judges").fill("Are claims backed by sources?")
    assert_accessible(axe, page)
    assert save(page).ok
    olx = page.get_by_label("Problem OLX").input_value()
    assert "<name>evidence</name>" in olx
    assert "<label>Evidence, used well</label>" in olx
    assert "<name>strong-sources</name>" in olx

    # Once saved, the name is the problem's: changing the label leaves it alone.
    show(page, "Rubric")
    saved = page.locator("[data-item=criterion]").last
    saved.get_by_label("Label", exact=True).first.fill("Evidence")
    expect(saved.get_by_label("Name (identifier)").first).to_have_value("evidence")


def test_an_empty_label_shows_the_name_learners_see_and_is_saved_empty(page: Any, demo_server: str) -> None:
    source = CONFORMANCE / "xblock" / "static" / "xml" / "promptless_rubric_example.xml"
    open_editor(page, demo_server, BLANK, source.read_text())
    show(page, "Rubric")
    criterion = page.get_by_role("group", name="Criterion 1")
    label = criterion.get_by_label("Label", exact=True).first
    expect(label).to_have_value("")
    expect(label).to_have_attribute("placeholder", "concise")
    option = criterion.locator("[data-item=option]").first
    expect(option.get_by_label("Label")).to_have_value("")
    expect(option.get_by_label("Label")).to_have_attribute("placeholder", "The Bible")
    option.get_by_label("Name (identifier)").fill("The Holy Bible")
    expect(option.get_by_label("Label")).to_have_attribute("placeholder", "The Holy Bible")
    expect(option.get_by_label("Label")).to_have_value("")  # an existing item is never renamed for the author
    assert save(page).ok
    olx = page.get_by_label("Problem OLX").input_value()
    assert "<label>" not in olx
    assert "<name>The Holy Bible</name>" in olx


def test_controls_of_one_kind_share_a_width_in_the_modal_and_fit_a_narrow_window(
    page: Any, demo_server: str, tmp_path: Path
) -> None:
    widths = """panel => {
      const width = selector => [...panel.querySelectorAll(selector)]
        .filter(control => control.checkVisibility() && !control.closest(".ora-wide"))
        .map(control => Math.round(control.getBoundingClientRect().width));
      return {
        text: width(".ora-field > input[type=text], .ora-field > select, .ora-field > input[type=datetime-local]"),
        number: width(".ora-field > input[type=number]"),
      };
    }"""
    overflow = """panel => {
      const right = panel.getBoundingClientRect().right + 1;
      return [...panel.querySelectorAll("input, select, textarea, button, p, label")]
        .filter(node => node.checkVisibility() && node.getBoundingClientRect().right > right)
        .map(node => node.outerHTML.slice(0, 80));
    }"""
    page.set_viewport_size({"width": 900, "height": 900})
    open_editor(page, demo_server, "ideas_content_grammar.xml")
    seen: dict[str, set[int]] = {"text": set(), "number": set()}
    for section in SECTIONS[:-1]:
        for kind, found in show(page, section).evaluate(widths).items():
            seen[kind].update(found)
    assert len(seen["text"]) == 1, seen  # text boxes, drop-downs and dates alike
    assert len(seen["number"]) == 1, seen
    assert max(seen["number"]) < min(seen["text"])

    page.set_viewport_size({"width": 320, "height": 800})
    for section in SECTIONS:
        panel = show(page, section)
        assert panel.evaluate(overflow) == [], section
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), section
    show(page, "Rubric")
    page.locator(".ora-studio").screenshot(path=str(tmp_path / "studio-rubric-narrow.png"))


@pytest.mark.parametrize("source", EXAMPLES, ids=lambda path: path.name)
def test_every_ora2_example_survives_the_form(page: Any, demo_server: str, source: Path) -> None:
    expected = load_olx(source.read_bytes())
    open_editor(page, demo_server, BLANK, source.read_text())
    assert save(page).ok
    expect(page.get_by_label("Problem OLX")).to_have_value(to_olx(expected))


def set_date(field: Any, value: str | None) -> None:
    """Type a UTC date as the author sees it in Kolkata (the editor shows local time)."""
    local = datetime.fromisoformat(value).astimezone(ZoneInfo("Asia/Kolkata")) if value else None
    field.fill(local.strftime("%Y-%m-%dT%H:%M:%S") if local else "")


DATE_CONFIGS = {
    "manual": "Dates set here for each step",
    "subsection": "Follow the subsection's release and due dates",
    "course_end": "Open from course start to course end",
}


def fill_in(page: Any, data: dict[str, Any]) -> None:
    """Enter a whole problem through the form, starting from whatever it shows, as an author would."""
    show(page, "Settings")
    page.get_by_label("Display name").fill(data["title"])
    page.get_by_label("Top responses to show (0 to 100)").fill(str(data["leaderboard_show"]))
    page.get_by_label("Team assignment: one response per team, graded by staff").set_checked(data["teams"]["enabled"])
    page.get_by_label("Team set").fill(data["teams"]["teamset_id"])
    show(page, "Prompts")
    page.get_by_label("Prompts are written in").select_option(data["prompts_type"])
    remove_all(page, "Remove prompt")
    for prompt in data["prompts"]:
        page.get_by_role("button", name="Add a prompt").click()
        page.locator("[data-item=prompt] textarea").last.fill(prompt["description"])

    show(page, "Rubric")
    remove_all(page, "Remove criterion")
    for criterion in data["rubric"]["criteria"]:
        page.get_by_role("button", name="Add a criterion").click()
        group = page.locator("[data-item=criterion]").last
        group.get_by_label("Label", exact=True).first.fill(criterion["label"])
        group.get_by_label("Name (identifier)").first.fill(criterion["name"])
        group.get_by_label("What the criterion judges").fill(criterion["prompt"])
        group.get_by_label("Written feedback on this criterion").select_option(criterion["feedback"])
        for option in criterion["options"]:
            group.get_by_role("button", name="Add an option").click()
            row = group.locator("[data-item=option]").last
            row.get_by_label("Label").fill(option["label"])
            row.get_by_label("Name (identifier)").fill(option["name"])
            row.get_by_label("Explanation").fill(option["explanation"])
            row.get_by_label("Points").fill(str(option["points"]))
    asked = data["rubric"]["feedback_prompt"]
    page.get_by_label("Ask for overall written feedback").set_checked(asked is not None)
    if asked is not None:
        page.get_by_label("Overall feedback prompt").fill(asked)
    page.get_by_label("Default text of the overall feedback").fill(data["rubric"]["feedback_default_text"] or "")

    show(page, "Responses")
    for label, key in (("Text response", "text_response"), ("Text editor", "text_response_editor")):
        page.get_by_label(label, exact=True).select_option(data[key])
    page.get_by_label("File upload", exact=True).select_option(data["file_upload_response"])
    page.get_by_label("Files allowed").select_option(data["file_upload_type"] or "")
    page.get_by_label("File types, separated by commas (for a list)").fill(", ".join(data["white_listed_file_types"]))
    for label, key in (
        ("Learners may upload several files", "allow_multiple_files"),
        ("Render LaTeX in responses", "allow_latex"),
        ("Show the rubric while learners answer", "show_rubric_during_response"),
        ("Learners may take back their response", "allow_learner_resubmissions"),
    ):
        page.get_by_label(label).set_checked(data[key])
    page.get_by_label("Resubmission grace period (DD:HH:MM)").fill(data["resubmissions_grace_period"])
    show(page, "Steps")
    set_date(page.get_by_label("Responses open"), data["submission_start"])
    set_date(page.get_by_label("Responses due"), data["submission_due"])

    for box in page.locator(".ora-step-enabled").all():
        box.uncheck()
    for position, step in enumerate(data["steps"]):
        item = page.locator(f"[data-step={step['name']}]")
        item.locator(".ora-step-enabled").check()
        while step_order(page).index(step["name"]) > position:
            item.locator(".ora-move-up").click()
        fill_step(item, step)
    page.get_by_label(DATE_CONFIGS[data["date_config_type"]]).check()  # last: it disables the dates set above


def fill_step(item: Any, step: dict[str, Any]) -> None:
    if step["name"] != "student-training":
        set_date(item.get_by_label("Opens"), step["start"])
        set_date(item.get_by_label("Due"), step["due"])
    if step["name"] == "peer-assessment":
        item.get_by_label("Must Grade: reviews each learner gives").fill(str(step["must_grade"]))
        item.get_by_label("Graded By: reviews each response needs").fill(str(step["must_be_graded_by"]))
        item.get_by_label("Flexible peer grading").set_checked(step["enable_flexible_grading"])
        item.get_by_label("Peer score").select_option(step["grading_strategy"])
    if step["name"] == "staff-assessment":
        item.get_by_label("Required: learners get no grade").set_checked(step["required"])
    for example in step.get("examples", []):
        item.get_by_role("button", name="Add an example").click()
        card = item.locator("[data-item=example]").last
        for area, part in zip(card.locator("[data-part]").all(), example["answer"], strict=True):
            area.fill(part)
        for criterion, option in example["options_selected"].items():
            card.locator(f'select[data-criterion="{criterion}"]').select_option(option)


def remove_all(page: Any, name: str) -> None:
    buttons = page.get_by_role("button", name=re.compile(f"^{name} \\d+$"))
    while buttons.count():
        buttons.first.click()


@pytest.mark.parametrize("source", EXAMPLES, ids=lambda path: path.name)
def test_every_ora2_example_can_be_built_in_the_form_alone(kolkata: Any, demo_server: str, source: Path) -> None:
    expected = load_olx(source.read_bytes())
    open_editor(kolkata, demo_server, BLANK, scenarios.default_olx())
    fill_in(kolkata, to_dict(expected))
    assert save(kolkata).ok, kolkata.locator(".ora-studio-summary").inner_text()
    expect(kolkata.get_by_label("Problem OLX")).to_have_value(to_olx(expected))


def test_the_dates_can_follow_the_subsection_and_the_dates_set_here_are_kept_but_disabled(
    page: Any, demo_server: str, axe: Any, tmp_path: Path
) -> None:
    open_editor(page, demo_server, BLANK, scenarios.default_olx())
    show(page, "Steps")
    page.get_by_label("Responses due").fill("2030-01-01T12:00:00")
    assert save(page).ok
    stored_due = re.search(r'submission_due="([^"]+)"', page.get_by_label("Problem OLX").input_value())[1]

    page.get_by_label("Follow the subsection's release and due dates").check()
    note = page.get_by_text("Every step, the response included, is open from the subsection's release date")
    expect(note).to_be_visible()
    expect(page.get_by_label("Responses due")).to_be_disabled()
    assert save(page).ok
    expect(page.get_by_role("status")).to_have_text("Saved.")
    olx = page.get_by_label("Problem OLX").input_value()
    assert 'date_config_type="subsection"' in olx
    assert f'submission_due="{stored_due}"' in olx  # kept, though not used
    expect(page.get_by_label("Follow the subsection's release and due dates")).to_be_checked()
    for label in ("Responses open", "Responses due"):
        expect(page.get_by_label(label)).to_be_disabled()
    expect(page.locator("[data-step=self-assessment]").get_by_label("Due")).to_be_disabled()
    expect(note).to_be_visible()
    assert_accessible(axe, page)
    page.get_by_role("tabpanel", name="Steps").screenshot(path=str(tmp_path / "dates-section.png"))

    page.goto(f"{demo_server}/scenario/ora_xblock.{NUMBER[BLANK]}/author_view/?student=author")
    summary = page.locator(".ora-author-summary")
    expect(summary).to_contain_text("Dates: every step is open from the subsection's release date to its due date.")
    expect(summary.locator("time")).to_have_count(0)  # the workbench has no subsection dates to show

    open_editor(page, demo_server, BLANK)
    show(page, "Steps")
    page.get_by_label("Dates set here for each step").check()
    expect(page.get_by_label("Responses due")).to_be_enabled()
    expect(note).to_be_hidden()


def test_course_staff_look_through_every_step_of_the_problem_and_act_on_nothing(
    page: Any, demo_server: str, axe: Any, tmp_path: Path
) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{demo_server}/scenario/ora_xblock.{NUMBER['training_peer.xml']}/student_view/?student=staff")
    look = page.locator(".ora-look-through")
    look.get_by_text("Look through every step (course staff only)").click()
    for step in ("Your response", "Learn to assess responses", "Assess peers"):
        expect(look.get_by_role("heading", name=step, exact=True)).to_be_visible()
    expect(look.get_by_role("heading", name="Sample 1")).to_be_visible()
    expect(look).to_contain_text("Each learner reviews 1 response. Each response needs 1 review.")
    expect(look.get_by_role("region", name="Rubric")).to_be_visible()
    assert not [url for url in requests if "/handler/" in url]  # looking calls no handler
    assert_accessible(axe, page)
    look.screenshot(path=str(tmp_path / "look-through.png"))

    page.goto(f"{demo_server}/scenario/ora_xblock.{NUMBER['training_peer.xml']}/student_view/?student=dave")
    expect(page.locator(".ora-block").first).to_be_visible()
    expect(page.locator(".ora-look-through")).to_have_count(0)
