"""Smoke tests of the demo site in a real browser: landing page, learner view, Studio editor, accessibility."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ora_xblock.scenarios import DEMO_PROBLEMS

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails under CI
    expect = None

pytestmark = pytest.mark.browser

TITLE = "The Hundred Years' War"
SERIOUS = {"serious", "critical"}


def assert_accessible(axe: Any, page: Any) -> None:
    """No axe-core violation of impact serious or critical on the page."""
    violations = [v for v in axe.run(page).response["violations"] if v["impact"] in SERIOUS]
    report = "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} at {[node['target'] for node in v['nodes']]}" for v in violations
    )
    assert not violations, f"axe found serious or critical violations on {page.url}:\n{report}"


def open_problem(page: Any, demo_server: str, persona: str) -> None:
    """Follow the landing page's link to the Hundred Years' War problem as ``persona`` (e.g. "Alice")."""
    page.goto(demo_server + "/")
    problem = page.get_by_role("region", name=TITLE)
    problem.get_by_role("link", name=re.compile(f"^{persona} ")).click()
    page.wait_for_load_state()


def open_olx(page: Any) -> Any:
    """The editor's "Advanced: OLX" section, and its text box."""
    page.get_by_role("tab", name=re.compile("^Advanced: OLX")).click()
    return page.get_by_label("Problem OLX")


def test_landing_page_lists_every_problem_for_every_persona(page: Any, demo_server: str, axe: Any) -> None:
    page.goto(demo_server + "/")
    expect(page).to_have_title("Open Response Assessment demo")
    expect(page.get_by_role("heading", level=1)).to_have_text("Open Response Assessment demo")
    expect(page.locator("section.demo-problem")).to_have_count(len(DEMO_PROBLEMS) + 1)  # and the two-problem unit
    hundred_years = page.get_by_role("region", name=TITLE)
    expect(hundred_years.get_by_role("link")).to_have_count(7)  # four learners, staff, staff as Bob, the author
    author = hundred_years.get_by_role("link", name=re.compile("^Author "))
    expect(author).to_have_attribute("href", re.compile(r"/studio_view/\?student=author$"))
    assert_accessible(axe, page)


def test_student_view_as_alice(page: Any, demo_server: str, axe: Any) -> None:
    open_problem(page, demo_server, "Alice")
    expect(page).to_have_url(re.compile(r"/student_view/\?student=alice$"))
    block = page.locator(".ora-block")
    expect(block.get_by_role("heading", name=TITLE, exact=True)).to_be_visible()
    prompts = block.get_by_role("region", name="Questions")
    expect(prompts).to_contain_text("Explain the origins of the Hundred Years' War between England and France.")
    expect(prompts.locator("strong")).to_have_text("origins")  # the prompt's HTML is rendered, not escaped
    expect(block.get_by_role("heading", name="Origins", exact=True)).to_be_visible()
    expect(block.get_by_role("heading", name="Sources", exact=True)).to_be_visible()
    switcher = page.get_by_role("navigation", name="View this problem as")
    expect(switcher.get_by_role("link", name="Alice")).to_have_attribute("aria-current", "page")
    assert_accessible(axe, page)


def _save(page: Any, olx: str) -> Any:
    """Put ``olx`` in the editor, press Save and wait for the answer; the status element."""
    open_olx(page).fill(olx)
    with page.expect_response(lambda response: "/save_definition/" in response.url):
        page.get_by_role("button", name="Save the OLX").click()
    return page.locator(".ora-studio-status")


def test_studio_editor_refuses_invalid_olx_and_saves_a_valid_edit(page: Any, demo_server: str, axe: Any) -> None:
    open_problem(page, demo_server, "Author")
    editor = open_olx(page)
    original = editor.input_value()
    assert f"<title>{TITLE}</title>" in original.replace("&apos;", "'")
    assert_accessible(axe, page)

    without_criteria = re.sub(r"\s*<criterion\b.*?</criterion>", "", original, flags=re.S)
    assert "<criterion" not in without_criteria
    status = _save(page, without_criteria)
    expect(status).to_contain_text("not saved")
    expect(page.locator(".ora-summary-errors li").first).to_be_visible()
    page.reload()
    expect(editor).to_have_value(original)

    revised = original.replace("<title>", "<title>Revised: ", 1)
    expect(_save(page, revised)).to_have_text(re.compile(r"^Saved\."))  # and, with suggestions, asks to read them
    page.reload()
    expect(editor).to_have_value(re.compile("<title>Revised: "))
    page.goto(page.url.replace("/studio_view/?student=author", "/student_view/?student=alice"))
    expect(page.locator(".ora-title")).to_have_text(f"Revised: {TITLE}")

    page.goto(demo_server + "/")  # "Reset the demo" brings back the shipped problem for the other tests
    expect(page.get_by_role("region", name=f"Revised: {TITLE}")).to_be_visible()
    page.get_by_role("button", name="Reset the demo…").click()  # it asks first
    page.get_by_role("dialog").get_by_role("button", name="Reset the demo", exact=True).click()
    expect(page.get_by_role("region", name=TITLE, exact=True)).to_be_visible()


def test_studio_editor_refuses_a_learner(page: Any, demo_server: str) -> None:
    open_problem(page, demo_server, "Author")
    page.goto(page.url.replace("student=author", "student=alice"))
    original = open_olx(page).input_value()
    status = _save(page, original.replace("<title>", "<title>Hacked: ", 1))
    expect(status).to_have_text("Only the course's authors can edit this problem.")
    page.reload()
    expect(page.get_by_label("Problem OLX")).to_have_value(original)
