"""The demo site itself: plain words for the views, a reset that asks first, quiet server output, Quill by URL."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from web_fragments.fragment import Fragment

from demo.calibrated import WRITERS as SEEDED_WRITERS
from ora_xblock.templating import add_umd_script

from .conftest import ROOT
from .test_journey import scenario_url, submit_answer
from .test_smoke import assert_accessible

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails under CI
    expect = None

RICH = "hundred_years_war.xml"  # the demo problem whose answers are rich text (Quill)
QUILL = "/resource/ora_xblock/static/vendor/quill/quill.js"
VIEW_NAMES = re.compile(r"student_view|author_view|studio_view")
# A RequireJS-like AMD loader, as in Studio and parts of the LMS: it records every define() that reaches it.
AMD_LOADER = """
window.definedModules = [];
window.define = function () { window.definedModules.push(Array.prototype.slice.call(arguments)); };
window.define.amd = {};
window.hostDefine = window.define;
"""


@pytest.mark.browser
def test_the_teams_page_keeps_the_persona_and_leads_back_to_the_problem(page: Any, demo_server: str) -> None:
    """The block's link to the team's page carries no ``?student=``; the demo's Teams page keeps Alice all the same."""
    page.goto(scenario_url(demo_server, "team_project.xml", "alice"))
    page.locator(".ora-team").get_by_role("link", name="Team Aurora").click()
    expect(page.get_by_role("heading", name="Teams", level=1)).to_be_visible()
    assert "student=alice" in page.url and page.url.endswith("#teams/project-groups/team-aurora")
    page.get_by_role("link", name="Back to the problem").click()
    expect(page.locator(".demo-viewer")).to_have_text("Viewing as Alice (learner, Team Aurora)")
    expect(page.locator(".ora-team")).to_contain_text("Members:")


def _rows(demo_dir: Path, table: str) -> int:
    with sqlite3.connect(demo_dir / "demo.db") as db:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


@pytest.mark.browser
def test_block_page_says_who_is_viewing_and_names_the_views_in_plain_words(
    page: Any, demo_server: str, axe: Any
) -> None:
    page.goto(scenario_url(demo_server, RICH, "alice"))
    expect(page.locator(".demo-viewer")).to_have_text("Viewing as Alice (learner)")
    expect(page).to_have_title(re.compile(r"\(Learner view\) · ORA demo$"))
    views = page.get_by_role("navigation", name="Views of this problem")
    expect(views.get_by_role("link")).to_have_text(["Learner view", "Studio preview", "Studio editor"])
    expect(views.get_by_role("link", name="Learner view")).to_have_attribute("aria-current", "page")
    assert not VIEW_NAMES.search(page.locator("main").inner_text()), "a raw view name is shown"
    assert_accessible(axe, page)

    views.get_by_role("link", name="Studio editor").click()
    expect(page).to_have_url(re.compile(r"/studio_view/\?student=alice$"))
    expect(page.locator('.demo-views a[aria-current="page"]')).to_have_text("Studio editor")
    expect(page.locator(".demo-viewer")).to_have_text("Viewing as Alice (learner)")

    page.goto(scenario_url(demo_server, RICH, "author").replace("/student_view/", "/author_view/"))
    expect(page.locator(".demo-viewer")).to_have_text("Viewing as Author (Studio editor)")
    expect(page.locator('.demo-views a[aria-current="page"]')).to_have_text("Studio preview")
    assert not VIEW_NAMES.search(page.locator("main").inner_text())
    page.goto(scenario_url(demo_server, RICH, "heidi"))  # any other ?student= is a learner of that name
    expect(page.locator(".demo-viewer")).to_have_text("Viewing as Heidi (learner)")


@pytest.mark.browser
def test_reset_asks_in_a_dialog_that_keyboard_users_can_cancel_then_confirm(
    page: Any, demo_server: str, demo_dir: Path, axe: Any
) -> None:
    learner = page.context.new_page()
    learner.goto(scenario_url(demo_server, "self_only.xml", "yuki"))
    submit_answer(learner, "Kept until the demo is reset.")
    assert _rows(demo_dir, "submissions_submission") > 0

    page.goto(demo_server + "/")
    opener = page.get_by_role("button", name="Reset the demo…")
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Reset the demo?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("This cannot be undone.")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()  # the safe choice first
    assert_accessible(axe, page)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()
    learner.reload()
    expect(learner.locator(".ora-submitted-answer").first).to_contain_text("Kept until the demo is reset.")

    page.keyboard.press("Enter")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Enter")  # Cancel, by keyboard, closes it too
    expect(dialog).to_be_hidden()
    assert _rows(demo_dir, "submissions_submission") > 0

    page.keyboard.press("Enter")
    page.keyboard.press("Shift+Tab")
    expect(dialog.get_by_role("button", name="Reset the demo", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text(re.compile("^The demo was reset"))
    expect(page).to_have_url(demo_server + "/")
    # Learner data is gone, not just the block fields; only the calibrated problem's seeded letters are back.
    assert _rows(demo_dir, "submissions_submission") == len(SEEDED_WRITERS)
    learner.reload()
    expect(learner.get_by_label("Your answer")).to_have_value("")
    learner.close()


@pytest.mark.browser
def test_reset_without_javascript_asks_on_a_page_of_its_own(browser: Any, demo_server: str, axe: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(demo_server + "/")
    page.get_by_role("button", name="Reset the demo…").click()
    expect(page).to_have_url(re.compile(re.escape(demo_server) + r"/reset/\??$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset the demo?")
    page.get_by_role("link", name="Cancel, keep everything").click()
    expect(page).to_have_url(demo_server + "/")
    expect(page.get_by_role("status")).to_have_count(0)

    page.goto(demo_server + "/reset_state")  # the workbench's own reset URL asks too
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset the demo?")
    page.get_by_role("button", name="Reset the demo", exact=True).click()
    expect(page).to_have_url(demo_server + "/")
    expect(page.get_by_role("status")).to_have_text(re.compile("^The demo was reset"))
    context.close()

    checked = browser.new_page()  # the confirmation page passes axe (axe needs JavaScript)
    checked.goto(demo_server + "/reset/")
    assert_accessible(axe, checked)
    checked.close()


def _quill_responses(page: Any) -> list[Any]:
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response) if response.url.endswith(QUILL) else None)
    return responses


@pytest.mark.browser
def test_quill_is_served_by_url_and_comes_from_the_cache_on_the_next_page(page: Any, demo_server: str) -> None:
    responses = _quill_responses(page)
    page.goto(scenario_url(demo_server, RICH, "ivan"))
    expect(page.locator(".ql-editor").first).to_be_visible()
    assert [response.status for response in responses] == [200]
    html = page.content()
    assert "quill.js.LICENSE" not in html, "Quill is still inlined in the page"
    assert len(html.encode()) < 150_000

    responses.clear()
    page.goto(scenario_url(demo_server, "two_questions.xml", "ivan"))  # another page, then back
    page.goto(scenario_url(demo_server, RICH, "ivan"))
    expect(page.locator(".ql-editor").first).to_be_visible()
    # Served from the browser's cache: revalidated (304, no body) or not asked for at all.
    assert all(response.status == 304 for response in responses), [r.status for r in responses]
    assert all(response.request.sizes()["responseBodySize"] == 0 for response in responses)


@pytest.mark.browser
def test_rich_text_editor_loaded_by_url_works_by_keyboard_plain_or_under_an_amd_loader(
    browser: Any, demo_server: str
) -> None:
    for student, before in (("jonas", None), ("kemal", AMD_LOADER)):
        context = browser.new_context()
        page = context.new_page()
        if before:
            page.add_init_script(before)
        page.goto(scenario_url(demo_server, RICH, student))
        editor = page.locator(".ql-editor").first
        expect(editor).to_be_visible()
        editor.click()
        page.keyboard.type("Rich text ")
        page.keyboard.press("Control+b")
        page.keyboard.type("in bold")
        expect(editor.locator("strong")).to_have_text("in bold")
        page.keyboard.press("Tab")  # no keyboard trap: Tab leaves the editor, as from a textarea
        assert page.evaluate("!document.activeElement.closest('.ql-container')")
        assert "\t" not in editor.inner_text()
        assert page.evaluate("typeof window.Quill") == "function"
        if before:
            # Quill's anonymous define() went to the block, not to the loader, and the loader is back in place.
            assert page.evaluate("window.definedModules.filter((args) => typeof args[0] !== 'string').length") == 0
            assert page.evaluate("window.define === window.hostDefine")
        context.close()


@pytest.mark.browser
def test_quill_by_url_sets_its_global_when_an_amd_loader_fetches_it_as_studio_does(page: Any, demo_server: str) -> None:
    page.goto(demo_server + "/")  # same origin, no Quill yet
    page.add_script_tag(content=AMD_LOADER)
    fragment = Fragment()
    workbench = SimpleNamespace(local_resource_url=lambda _block, path: f"/resource/ora_xblock/{path}")
    served = SimpleNamespace(runtime=workbench)
    add_umd_script(fragment, served, "static/vendor/quill/quill.js", "Quill")
    page.add_script_tag(content=fragment.resources[0].data)
    page.evaluate("define('other', [], function () { return 1; })")  # anything else still reaches the loader
    # Studio's loadJavaScript is RequireJS's require([url]): an async script element, with the loader's urlArgs.
    page.evaluate(
        """(src) => new Promise((resolve, reject) => {
            const script = document.createElement("script");
            script.async = true;
            script.src = src;
            script.onload = resolve;
            script.onerror = reject;
            document.head.appendChild(script);
        })""",
        fragment.resources[1].data + "?v=2026",
    )
    assert page.evaluate("typeof window.Quill") == "function"
    assert page.evaluate("window.definedModules.map((args) => args[0])") == ["other"]
    assert page.evaluate("window.define === window.hostDefine")


@pytest.mark.browser
def test_demo_server_prints_no_warning_while_people_use_it(
    browser: Any, demo_server: str, demo_server_log: Path
) -> None:
    page = browser.new_page()
    page.goto(demo_server + "/")
    for student, view in (("lena", "student_view"), ("staff", "student_view"), ("author", "author_view")):
        page.goto(scenario_url(demo_server, RICH, student).replace("/student_view/", f"/{view}/"))
        expect(page.locator(".ora-block").first).to_be_visible()
    page.goto(scenario_url(demo_server, RICH, "author").replace("/student_view/", "/studio_view/"))
    expect(page.get_by_label("Problem OLX")).to_be_attached()
    page.goto(scenario_url(demo_server, "self_only.xml", "lena"))
    submit_answer(page, "Nothing to warn about.")
    page.get_by_text("Deep reflection").click()
    page.get_by_role("button", name="Submit your assessment").click()
    expect(page.get_by_role("heading", name=re.compile("^Your grade"))).to_be_visible()
    page.goto(scenario_url(demo_server, "self_only.xml", "staff_as_bob"))
    page.goto(demo_server + "/reset/")
    page.close()

    printed = demo_server_log.read_text()
    warned = [line for line in printed.splitlines() if re.search(r"Warning\b|Traceback", line)]
    assert not warned, "the demo server printed:\n" + "\n".join(warned)


def _make_demo_dry_run(*arguments: str) -> str:
    return subprocess.run(["make", "-n", "demo", *arguments], cwd=ROOT, capture_output=True, text=True).stdout


def test_make_demo_serves_on_the_port_given_and_load_demo_prints_that_address(tmp_path: Path) -> None:
    assert "runserver 127.0.0.1:8000" in _make_demo_dry_run()
    dry_run = _make_demo_dry_run("PORT=8123")
    assert "load_demo --url http://127.0.0.1:8123/" in dry_run
    assert "runserver 127.0.0.1:8123" in dry_run
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "demo.settings", "ORA_DEMO_DB": str(tmp_path / "demo.db")}
    load = [sys.executable, "-m", "django", "load_demo", "--url", "http://127.0.0.1:8123/"]
    done = subprocess.run(load, cwd=ROOT, env=environment, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"\d+ demo problems ready at http://127\.0\.0\.1:8123/\n", done.stdout)
    assert not done.stderr  # migrated by load_demo itself, without a warning
