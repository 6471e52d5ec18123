"""The platform's contracts in the demo: staff viewing as a learner, and Studio's editor modal."""

from __future__ import annotations

from typing import Any

import pytest

from .test_journey import scenario_url, submit_answer
from .test_smoke import assert_accessible
from .test_studio import open_editor, save

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails under CI
    expect = None

pytestmark = pytest.mark.browser

# Studio's runtime closes the editor on "save end" (cms/static/cms/js/xblock/cms.runtime.v1.js); record instead.
RECORD_NOTIFY = """() => {
  window.notified = [];
  RuntimeProvider.versions[1].notify = (name, data) => notified.push(name + ":" + ((data || {}).state || ""));
}"""


def test_staff_viewing_as_bob_see_his_answer_and_cannot_change_it(page: Any, demo_server: str, axe: Any) -> None:
    page.goto(scenario_url(demo_server, "self_staff.xml", "bob"))
    submit_answer(page, "Uniforms make mornings calmer.")

    page.goto(scenario_url(demo_server, "self_staff.xml", "staff_as_bob"))
    block = page.locator(".ora-block").first
    expect(block.locator(".ora-read-only-notice")).to_contain_text("You are viewing this problem as bob")
    expect(block.locator(".ora-submitted-answer").first).to_contain_text("Uniforms make mornings calmer.")
    expect(block.get_by_role("button", name="Submit your assessment")).to_be_disabled()
    expect(block.locator(".ora-staff-area")).to_have_count(0)
    assert_accessible(axe, page)

    # Even a request made by hand, past the disabled buttons, is refused and changes nothing.
    status = page.evaluate(
        """async () => {
          const url = RuntimeProvider.getRuntime(1).handlerUrl(document.querySelector("[data-usage]"), "self_assess");
          const answer = await fetch(url, {method: "POST", credentials: "same-origin",
            headers: {"Content-Type": "application/json", "X-CSRFToken": OraXBlock.http.csrfToken()},
            body: JSON.stringify({options_selected: {}})});
          return [answer.status, (await answer.json()).error.code];
        }"""
    )
    assert status == [403, "read_only"]

    page.goto(scenario_url(demo_server, "self_staff.xml", "bob"))
    expect(page.get_by_role("button", name="Submit your assessment")).to_be_enabled()


def test_the_author_saves_through_studio_permissions_and_reads_advice_before_the_editor_closes(
    page: Any, demo_server: str
) -> None:
    open_editor(page, demo_server, "peer_only.xml")  # Must Grade 2, Graded By 2: advice to raise Must Grade
    page.evaluate(RECORD_NOTIFY)

    assert save(page).ok
    expect(page.locator(".ora-advice-saved")).to_be_visible()
    assert page.evaluate("notified") == []  # Studio would have closed the editor on "save end"
    page.get_by_role("button", name="Close", exact=True).click()
    assert page.evaluate("notified") == ["save:start", "save:end"]

    open_editor(page, demo_server, "self_only.xml")
    page.evaluate(RECORD_NOTIFY)
    assert save(page).ok
    assert page.evaluate("notified") == ["save:start", "save:end"]  # no advice: closes at once


def test_someone_outside_the_course_team_cannot_save_in_the_editor(page: Any, demo_server: str) -> None:
    page.goto(f"{demo_server}/scenario/ora_xblock.0/studio_view/?student=alice")
    page.evaluate(RECORD_NOTIFY)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".ora-studio-status")).to_have_text("Only the course's authors can edit this problem.")
