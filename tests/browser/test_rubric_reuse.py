"""Rubric reuse in the Studio editor, in a real browser: an author copies another problem's rubric into the one
being edited, confirms, and keeps it by saving; nothing changes before they save, and a released problem offers
no copy."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ora_xblock import scenarios

from .test_smoke import assert_accessible
from .test_studio import BLANK, NUMBER, open_editor, save, show

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails under CI
    expect = None

pytestmark = pytest.mark.browser

SOURCE = "Essay: a technology that changed daily life"  # ideas_content_grammar.xml: Ideas, Content, Grammar; 25 points


def criterion_names(page: Any) -> list[str]:
    return page.locator("[data-list=criteria] > [data-item=criterion]").evaluate_all(
        "items => items.map(item => item.querySelector('[data-key=name]').value)"
    )


def choose(page: Any, title: str) -> Any:
    """Open the list of the course's other problems, pick ``title`` (3 criteria, 25 points) and fetch its rubric;
    the confirmation."""
    page.get_by_role("button", name="Choose another problem's rubric").click()
    source = page.get_by_label("Problem to copy from")
    expect(source).to_be_focused()
    source.select_option(label=f"{title} (criteria: 3, points: 25)")
    page.get_by_role("button", name="Copy its rubric").click()
    expect(page.get_by_role("button", name="Replace the rubric")).to_be_focused()
    return page.locator(".ora-reuse-confirm")


def test_an_author_copies_a_rubric_confirms_and_keeps_it_by_saving(page: Any, demo_server: str, axe: Any) -> None:
    open_editor(page, demo_server, BLANK, scenarios.default_olx())
    show(page, "Rubric")
    before = criterion_names(page)

    confirm = choose(page, SOURCE)
    expect(confirm).to_contain_text(f"“{SOURCE}” (criteria: 3)")
    options = page.get_by_label("Problem to copy from").locator("option").all_inner_texts()
    assert not any(text.startswith("A new problem") for text in options)  # never the problem being edited
    assert_accessible(axe, page)
    page.get_by_role("button", name="Keep this rubric").click()
    expect(page.get_by_role("status")).to_have_text("The rubric was not changed.")
    assert criterion_names(page) == before

    page.get_by_role("button", name="Copy its rubric").click()
    page.get_by_role("button", name="Replace the rubric").click()
    expect(page.get_by_role("status")).to_have_text(f"The rubric of “{SOURCE}” is copied. Save to keep it.")
    assert criterion_names(page) == ["Ideas", "Content", "Grammar"]
    expect(page.locator(".ora-total-points")).to_have_text("25")
    page.reload()  # not saved: the problem still has its own rubric
    show(page, "Rubric")
    assert criterion_names(page) == before

    choose(page, SOURCE)
    page.get_by_role("button", name="Replace the rubric").click()
    assert save(page).ok
    expect(page.get_by_role("status")).to_have_text(re.compile("^Saved"))
    page.reload()
    show(page, "Rubric")
    assert criterion_names(page) == ["Ideas", "Content", "Grammar"]  # as stored
    open_editor(page, demo_server, BLANK, scenarios.default_olx())  # the shipped problem back, for other tests


def test_a_released_problem_offers_no_copy(page: Any, demo_server: str) -> None:
    page.goto(f"{demo_server}/scenario/ora_xblock.{NUMBER['released.xml']}/studio_view/?student=author")
    panel = show(page, "Rubric")
    expect(panel.locator(".ora-locked")).to_contain_text("Criteria, options, their names and points are fixed")
    expect(page.get_by_role("button", name="Choose another problem's rubric")).to_have_count(0)
