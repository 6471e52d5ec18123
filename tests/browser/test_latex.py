"""LaTeX in a real browser, on the demo's problem that allows it (latex_peer.xml).

Without a MathJax on the page (the workbench) the vendored KaTeX typesets the math; with one (the LMS's
courseware loads MathJax), the block hands its content to it. The tests use learners of their own ("lx_..."),
and the peer test needs this problem's pool to itself: it runs before the others that submit to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .test_journey import scenario_url
from .test_smoke import assert_accessible

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails under CI
    expect = None

pytestmark = pytest.mark.browser

PROBLEM = "latex_peer.xml"
KATEX = "/static/vendor/katex/"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# A learner's answer: inline and display math, the LMS's bracket delimiters, a mistake, and a link KaTeX must refuse.
ANSWER = (
    r"From \(\tfrac12 m v^2 = m g h\) we get \[v = \sqrt{2 g h} = \sqrt{2 \cdot 9.8 \cdot 2},\] "
    r"so [mathjaxinline]v \approx 6.3\,\mathrm{m/s}[/mathjaxinline]. "
    r"A slip: \(x^\). A link: \(\href{https://example.com}{x}\)."
)
OTHER_ANSWER = r"Energy is conserved: \(v = \sqrt{2gh}\), about 6.3 m/s."
FEEDBACK = r"Good: you used \(v^2 = 2gh\) and kept the units."
# Stand-ins for the host's MathJax, run before the page's scripts: each records what it was asked to typeset.
MATHJAX_3 = """
window.typesetCalls = [];
window.MathJax = {
  startup: { promise: Promise.resolve() },
  typesetPromise: function (elements) { window.typesetCalls.push(elements); return Promise.resolve(); }
};
"""
MATHJAX_2 = """
window.typesetCalls = [];
window.MathJax = { Hub: { Queue: function (job) { window.typesetCalls.push(job); } } };
"""
STUDIO_CONFIG_ONLY = "window.MathJax = { tex: { inlineMath: [['\\\\(', '\\\\)']] } };"  # as cms require-config.js
# A RequireJS-like AMD loader (Studio, parts of the LMS): it records every define() that reaches it.
AMD_LOADER = """
window.definedModules = [];
window.define = function () { window.definedModules.push(Array.prototype.slice.call(arguments)); };
window.define.amd = {};
"""


def screenshot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"latex-{name}.png"), full_page=True)


@pytest.fixture
def open_as(browser: Any, demo_server: str) -> Iterator[Any]:
    """``open_as(student, problem=PROBLEM, before=None, view="student_view")``: a page in a window of its own.

    ``before`` is a script run before the page's own. ``page.requested`` lists the URLs the page asked for.
    """
    contexts = []

    def open_page(student: str, problem: str = PROBLEM, before: str | None = None, view: str = "student_view") -> Any:
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        if before:
            page.add_init_script(before)
        page.requested = []
        page.on("request", lambda request: page.requested.append(request.url))
        page.goto(scenario_url(demo_server, problem, student).replace("/student_view/", f"/{view}/"))
        return page

    yield open_page
    for context in contexts:
        context.close()


def katex_files(page: Any) -> list[str]:
    return [url for url in page.requested if KATEX in url]


def submit(page: Any, text: str) -> None:
    page.get_by_label("Your answer").fill(text)
    page.get_by_role("button", name="Submit your response").click()
    page.get_by_role("dialog").get_by_role("button", name="Submit", exact=True).click()
    expect(page.locator(".ora-submitted-answer").first).to_be_visible()


def review(page: Any, comment: str) -> None:
    region = page.get_by_role("region", name="Assess peers")
    region.get_by_role("radio", name="Complete 3 points").check()
    region.get_by_role("radio", name="Right 2 points").check()
    region.get_by_label("What did the working do well", exact=False).fill(comment)  # the problem's feedback prompt
    region.get_by_role("button", name="Submit your review").click()
    expect(page.locator(".ora-live")).to_have_text("Your assessment was submitted.")


def test_the_prompt_is_typeset_by_the_vendored_katex_with_mathml_for_screen_readers(open_as: Any, axe: Any) -> None:
    page = open_as("lx_ada")
    prompt = page.locator(".ora-prompt").first
    expect(prompt.locator(".katex")).to_have_count(5)  # m, h, the display E_k, the [mathjaxinline] g, E=mc^2
    expect(prompt.locator(".katex-display")).to_have_count(1)
    expect(prompt.locator(".katex-mathml math")).to_have_count(5)
    expect(prompt.locator(".katex-html").first).to_have_attribute("aria-hidden", "true")
    expect(prompt).not_to_contain_text(r"\(m = 0.5")
    assert "E=mc^2" in prompt.locator("annotation").all_text_contents()  # the source, kept in the MathML
    # The answer's editor is never typeset; its preview shows the math as it will look once submitted.
    answer = page.get_by_label("Your answer")
    answer.fill(r"My working: \(x^2\)")
    expect(answer).to_have_value(r"My working: \(x^2\)")
    expect(page.locator(".ora-response-form .katex")).to_have_count(5)  # the prompt's only
    page.get_by_role("button", name="Preview the math").click()
    preview = page.locator(".ora-math-preview")
    expect(preview.locator(".katex")).to_have_count(1)
    expect(preview).to_contain_text("My working:")
    expect(answer).to_have_value(r"My working: \(x^2\)")
    assert_accessible(axe, page)
    screenshot(page, "preview")
    answer.fill(r"My working: \(x^3\)")
    expect(preview).to_be_hidden()  # a change hides the preview: it never shows an older text
    # Loaded once, by URL: the script, its extension, the stylesheet and the WOFF2 fonts it names.
    page.wait_for_function("document.fonts.check('16px KaTeX_Main')")
    files = katex_files(page)
    assert sum(url.endswith("/katex.min.js") for url in files) == 1, files
    assert sum(url.endswith("/contrib/auto-render.min.js") for url in files) == 1, files
    assert sum(url.endswith("/katex.min.css") for url in files) == 1, files
    assert all(url.endswith((".js", ".css", ".woff2")) for url in files), files
    assert_accessible(axe, page)
    screenshot(page, "prompt")


def test_answers_are_typeset_for_author_peer_and_staff_and_feedback_in_the_grade(open_as: Any, axe: Any) -> None:
    ben = open_as("lx_ben")
    submit(ben, ANSWER)
    mine = ben.locator(".ora-submitted-answer").first
    expect(mine.locator(".katex-display")).to_have_count(1)
    expect(mine.locator(".katex")).to_have_count(4)
    expect(mine.locator(".katex-error")).to_have_text("x^")  # a mistake shows its source, in the error colour
    expect(mine.locator("a")).to_have_count(0)  # \href makes no link (trust: false)

    cy = open_as("lx_cy")
    submit(cy, OTHER_ANSWER)
    peer_answer = cy.locator(".ora-peer-answer")
    expect(peer_answer.locator(".katex-display")).to_have_count(1)  # Ben's answer, typeset for his reviewer
    expect(peer_answer.locator(".katex-error")).to_have_count(1)
    expect(peer_answer.locator("a")).to_have_count(0)
    assert_accessible(axe, cy)
    screenshot(cy, "peer-review")
    review(cy, FEEDBACK)

    ben.get_by_role("button", name="Check for a response to review").click()
    expect(ben.locator(".ora-peer-answer .katex")).to_have_count(1)  # Cy's answer
    review(ben, "Clear and short.")
    grade = ben.locator(".ora-grade")
    expect(grade).to_contain_text("Good: you used")
    expect(grade.locator(".katex")).to_have_count(1)  # Cy's feedback: v^2 = 2gh
    assert "v^2 = 2gh" in grade.locator("annotation").all_text_contents()
    assert_accessible(axe, ben)
    screenshot(ben, "grade")

    staff = open_as("staff")
    staff.get_by_role("button", name="Manage a learner").click()
    staff.get_by_label("Username or email").fill("lx_ben")
    staff.get_by_role("button", name="Find learner").click()
    record = staff.locator(".ora-staff-work")
    expect(record.locator(".katex-display")).to_have_count(1)  # Ben's answer in his record
    expect(record.locator(".katex-error")).to_have_count(1)
    assert_accessible(axe, staff)
    screenshot(staff, "staff-record")


def test_a_problem_without_latex_typesets_nothing_and_loads_nothing(open_as: Any) -> None:
    page = open_as("lx_dee", problem="self_only.xml")
    page.get_by_label("Your answer").fill(r"My working: \(x^2\) and [mathjax]y[/mathjax]")
    page.get_by_role("button", name="Submit your response").click()
    page.get_by_role("dialog").get_by_role("button", name="Submit", exact=True).click()
    answer = page.locator(".ora-submitted-answer").first
    expect(answer).to_contain_text(r"My working: \(x^2\) and [mathjax]y[/mathjax]")
    expect(page.locator(".katex")).to_have_count(0)
    expect(page.locator(".ora-block").first).to_have_class("ora-block tex2jax_ignore mathjax_ignore")
    assert page.evaluate("typeof window.OraXBlock.latex") == "undefined"
    assert katex_files(page) == []


@pytest.mark.parametrize(("mathjax", "student"), [(MATHJAX_3, "lx_eve"), (MATHJAX_2, "lx_fay")], ids=["v3-v4", "v2"])
def test_the_hosts_mathjax_typesets_when_the_page_has_one(open_as: Any, mathjax: str, student: str) -> None:
    page = open_as(student, before=mathjax)
    page.wait_for_function("window.typesetCalls.length > 0")
    typeset = page.evaluate(
        """() => window.typesetCalls.map((call) => {
             const element = Array.isArray(call) && call[0] === "Typeset" ? call[2] : call[0];
             return element.querySelector(".ora-block .ora-prompt") !== null;  // the block, as the runtime gives it
           })"""
    )
    assert typeset == [True]  # the block's content, once
    page.get_by_label("Your answer").fill(r"\(v = \sqrt{2gh}\)")
    page.get_by_role("button", name="Submit your response").click()
    page.get_by_role("dialog").get_by_role("button", name="Submit", exact=True).click()
    page.wait_for_function("window.typesetCalls.length > 1")  # again, after the page is re-rendered
    expect(page.locator(".katex")).to_have_count(0)
    assert katex_files(page) == []  # nothing of KaTeX is loaded


def test_studio_preview_typesets_with_katex_while_studio_has_only_configured_mathjax(open_as: Any, axe: Any) -> None:
    page = open_as("author", view="author_view", before=STUDIO_CONFIG_ONLY + AMD_LOADER)
    expect(page.locator(".ora-prompt .katex")).to_have_count(5)
    # Under an AMD loader, KaTeX's anonymous define() calls came to the block; the page's own (jQuery's) still
    # reach the loader.
    modules = page.evaluate("window.definedModules.map((args) => typeof args[0] === 'string' ? args[0] : 'anonymous')")
    assert modules == ["jquery"]
    assert page.evaluate("typeof window.katex") == "undefined"
    assert_accessible(axe, page)
    screenshot(page, "studio-preview")
