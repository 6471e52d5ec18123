"""The block themed by the platform (issue 15): colours, spacing, corners and focus rings from Paragon's CSS variables.

Open edX frontends built on Paragon define its design tokens (``--pgn-*``) on ``:root``. These tests put such a
``:root`` on the demo's pages, as a site's theme would, and check that the block takes it: the primary button in
the theme's primary colour, spacing from its spacer, its focus ring, and no serious or critical axe violation on
the learner's page, the staff area or the Studio editor. Without a theme the block keeps its own look.
The first test reads ``ora.css`` itself: every colour is defined once, in the block's theme definitions.
With ``ORA_SCREENSHOTS=<folder>`` each screen is saved there as a PNG, themed and not, to be looked at.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .test_journey import scenario_url, submit_answer
from .test_screens import shoot
from .test_smoke import assert_accessible
from .test_studio import NUMBER, save, show

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails under CI
    expect = None

CSS = Path(__file__).resolve().parents[2] / "ora_xblock" / "static" / "css" / "ora.css"
PROBLEM = "self_staff.xml"

# Paragon's light theme as its generated CSS defines the tokens the block reads (openedx/paragon,
# styles/css/core/variables.css and styles/css/themes/light/variables.css; 8-digit hex as Paragon writes it).
PARAGON = {
    "--pgn-color-primary-base": "#0A3055FF",
    "--pgn-color-white": "#FFFFFFFF",
    "--pgn-color-gray-100": "#EBEBEBFF",
    "--pgn-color-gray-200": "#CCCCCCFF",
    "--pgn-color-gray-400": "#8F8F8FFF",
    "--pgn-color-gray-500": "#707070FF",
    "--pgn-color-gray-700": "#454545FF",
    "--pgn-color-light-200": "#F8F7F6FF",
    "--pgn-color-light-300": "#F0EEEDFF",
    "--pgn-color-red": "#C32D3AFF",
    "--pgn-color-yellow": "#FFD900FF",
    "--pgn-color-danger-base": "var(--pgn-color-red)",
    "--pgn-color-warning-base": "var(--pgn-color-yellow)",
    "--pgn-color-warning-100": "#FFFDF0FF",
    "--pgn-color-success-100": "#F1F8F5FF",
    "--pgn-color-body-base": "var(--pgn-color-gray-700)",
    "--pgn-color-body-bg": "var(--pgn-color-white)",
    "--pgn-color-text-muted": "var(--pgn-color-gray-500)",
    "--pgn-color-border": "var(--pgn-color-gray-200)",
    "--pgn-color-form-input-border": "var(--pgn-color-gray-500)",
    "--pgn-color-form-input-bg-disabled": "var(--pgn-color-gray-100)",
    "--pgn-color-input-focus": "var(--pgn-color-primary-base)",
    "--pgn-color-input-btn-focus": "var(--pgn-color-input-focus)",
    "--pgn-color-btn-text-primary": "#FFFFFFFF",
    "--pgn-color-btn-text-danger": "#FFFFFFFF",
    "--pgn-spacing-spacer-base": "1rem",
    "--pgn-size-border-radius-base": ".375rem",
    "--pgn-size-border-radius-lg": ".425rem",
    "--pgn-size-btn-focus-width": "2px",
}
# A site's own brand on top of Paragon's palette: another primary, roomier spacing, rounder corners.
BRAND = {
    **PARAGON,
    "--pgn-color-primary-base": "#5B2C86FF",
    "--pgn-spacing-spacer-base": "1.25rem",
    "--pgn-size-border-radius-base": ".5rem",
}
THEMES = {"paragon": PARAGON, "brand": BRAND}
COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?)\(|(?<![\w-])(?:white|black|red|yellow|gr[ae]y)(?![\w-])")
FIXED = ".ora-confirm::backdrop { background: rgb(0 0 0 / .4); }"  # the page dimmed behind a dialog
TODAY = {"accent": "rgb(0, 80, 122)", "ink": "rgb(31, 41, 51)", "focus": "rgb(180, 83, 9)"}


def rgb(hex_colour: str) -> str:
    """``#RRGGBB`` or ``#RRGGBBAA`` as the browser computes an opaque colour: ``rgb(r, g, b)``."""
    red, green, blue = (int(hex_colour[index : index + 2], 16) for index in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def editor_url(server: str, filename: str) -> str:
    return f"{server}/scenario/ora_xblock.{NUMBER[filename]}/studio_view/?student=author"


def put_theme(page: Any, tokens: dict[str, str] | None) -> None:
    """Define ``tokens`` on the page's ``:root``, as a Paragon theme does; ``None`` leaves the page unthemed."""
    if tokens:
        page.add_style_tag(content=":root {" + "".join(f"{name}: {value};" for name, value in tokens.items()) + "}")


def style(locator: Any, *properties: str) -> dict[str, str]:
    """The computed values of CSS ``properties`` on the element ``locator`` finds."""
    return locator.evaluate(
        "(element, names) => Object.fromEntries(names.map(name => [name, getComputedStyle(element)[name]]))",
        list(properties),
    )


def definitions(text: str) -> tuple[str, str]:
    """``ora.css`` split into its theme definitions (the first rule, ``.ora-block``) and every other rule."""
    match = re.search(r"^\.ora-block\s*\{(?P<body>[^}]*)\}", text, re.MULTILINE)
    assert match and "--ora-" in match["body"], "ora.css opens with the theme definitions: .ora-block { --ora-…: … }"
    return match["body"], text[: match.start()] + text[match.end() :]


def without_comments(text: str) -> str:
    return re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)


def test_every_colour_is_a_theme_definition_read_from_paragon_with_a_fallback() -> None:
    defined, rules = definitions(without_comments(CSS.read_text()))
    assert FIXED in rules, "the one colour fixed on purpose is where the comment at the top says"
    found = COLOUR.findall(rules.replace(FIXED, ""))
    assert not found, f"colours written outside the theme definitions: {found}"
    assert "--pgn-" not in rules, "Paragon's tokens are read in the theme definitions only"
    names = dict(re.findall(r"(--ora-[\w-]+)\s*:\s*([^;]+);", defined))
    for name, value in names.items():
        for token in re.findall(r"var\((--pgn-[\w-]+)(,?)", value):
            assert token[1] == ",", f"{name} reads {token[0]} without a fallback"
    used = set(re.findall(r"var\((--ora-[\w-]+)\)", rules))
    assert used <= names.keys(), f"used but never defined: {sorted(used - names.keys())}"
    assert names.keys() <= used | set(re.findall(r"var\((--ora-[\w-]+)", defined)), "defined but never used"
    for role in ("--ora-ink", "--ora-accent", "--ora-error", "--ora-focus", "--ora-space", "--ora-radius"):
        assert "var(--pgn-" in names[role], f"{role} does not come from Paragon"


@pytest.mark.browser
def test_without_a_theme_the_block_keeps_its_own_look(page: Any, demo_server: str) -> None:
    page.goto(scenario_url(demo_server, PROBLEM, "th_una"))
    submit = page.get_by_role("button", name="Submit your response")
    expect(submit).to_be_visible()
    assert style(submit, "backgroundColor", "color", "borderTopLeftRadius") == {
        "backgroundColor": TODAY["accent"],
        "color": "rgb(255, 255, 255)",
        "borderTopLeftRadius": "3px",
    }
    assert style(page.locator(".ora-block").first, "color")["color"] == TODAY["ink"]
    assert style(page.locator(".ora-section").first, "marginBottom")["marginBottom"] == "24px"  # 1.5rem
    submit.focus()
    assert style(submit, "outlineColor", "outlineWidth") == {"outlineColor": TODAY["focus"], "outlineWidth": "3px"}
    shoot(page, "theme-none-learner")


@pytest.mark.browser
@pytest.mark.parametrize("name", THEMES)
def test_a_themed_page_takes_the_themes_colours_spacing_corners_and_focus_ring(
    page: Any, demo_server: str, name: str
) -> None:
    tokens = THEMES[name]
    page.goto(scenario_url(demo_server, PROBLEM, f"th_{name}_look"))
    put_theme(page, tokens)
    primary = rgb(tokens["--pgn-color-primary-base"])
    submit = page.get_by_role("button", name="Submit your response")
    radius = f"{float(tokens['--pgn-size-border-radius-base'].removesuffix('rem')) * 16:g}px"
    assert style(submit, "backgroundColor", "color", "borderTopLeftRadius") == {
        "backgroundColor": primary,
        "color": "rgb(255, 255, 255)",
        "borderTopLeftRadius": radius,
    }
    assert style(page.locator(".ora-prompt").first, "borderLeftColor")["borderLeftColor"] == primary
    assert style(page.locator(".ora-block").first, "color")["color"] == rgb(tokens["--pgn-color-gray-700"])
    spacer = float(tokens["--pgn-spacing-spacer-base"].removesuffix("rem")) * 16
    assert style(page.locator(".ora-section").first, "marginBottom")["marginBottom"] == f"{spacer * 1.5:g}px"
    submit.focus()
    assert style(submit, "outlineColor", "outlineWidth") == {"outlineColor": primary, "outlineWidth": "2px"}
    shoot(page, f"theme-{name}-learner")


@pytest.mark.browser
@pytest.mark.parametrize("name", [None, *THEMES])
def test_the_learner_page_staff_area_and_editor_stay_accessible_themed_or_not(
    browser: Any, demo_server: str, axe: Any, name: str | None
) -> None:
    tokens = THEMES.get(name) if name else None
    label = name or "none"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    try:
        learner = context.new_page()
        student = f"th_{label}"
        learner.goto(scenario_url(demo_server, PROBLEM, student))
        put_theme(learner, tokens)
        submit_answer(learner, "Uniforms cost less than a new outfit every week.")
        expect(learner.get_by_role("heading", name="Assess your response", level=3)).to_be_focused()
        assert_accessible(axe, learner)
        shoot(learner, f"theme-{label}-self-assessment")
        learner.get_by_text("Convincing").click()
        learner.get_by_role("button", name="Submit your assessment").click()
        expect(learner.locator(".ora-waiting")).to_be_visible()
        assert_accessible(axe, learner)

        staff = context.new_page()
        staff.goto(scenario_url(demo_server, PROBLEM, "staff"))
        put_theme(staff, tokens)
        expect(staff.get_by_role("table", name="Final scores")).to_be_visible()
        assert_accessible(axe, staff)
        staff.get_by_role("button", name="Manage a learner").click()
        expect(staff.get_by_role("heading", name="Manage a learner")).to_be_focused()
        staff.get_by_label("Username or email").fill(student)
        staff.get_by_role("button", name="Find learner").click()
        expect(staff.get_by_role("heading", name=f"Learner {student}")).to_be_visible()
        assert_accessible(axe, staff)
        shoot(staff, f"theme-{label}-staff-learner")

        author = context.new_page()
        author.goto(editor_url(demo_server, "ideas_content_grammar.xml"))
        put_theme(author, tokens)
        assert_accessible(axe, author)
        show(author, "Rubric").get_by_label("Name (identifier)").first.fill("")  # refused: nothing is saved
        assert save(author).status == 400
        expect(author.locator(".ora-studio-summary")).to_be_focused()
        expect(author.get_by_role("tab", name=re.compile("^Rubric")).locator(".ora-tab-errors")).to_be_visible()
        assert_accessible(axe, author)
        shoot(author, f"theme-{label}-studio-rubric-error")
        locked = context.new_page()
        locked.goto(editor_url(demo_server, "released.xml"))
        put_theme(locked, tokens)
        expect(show(locked, "Rubric").locator(".ora-locked")).to_be_visible()
        assert_accessible(axe, locked)
        if tokens:  # the theme really reached every screen
            primary = rgb(tokens["--pgn-color-primary-base"])
            for screen, selected in ((staff, ".ora-primary"), (author, "[role=tab][aria-selected=true]")):
                colours = style(screen.locator(selected).first, "backgroundColor", "borderTopColor")
                assert primary in colours.values(), f"{selected} is not in the theme's primary: {colours}"
    finally:
        context.close()
