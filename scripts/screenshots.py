"""Pictures for the README and docs/teams.md, made from the demo so that they stay current: ``make screenshots``.

Starts the demo on a free port with a throwaway database (as the browser tests do), walks three learners
through the peer-then-self problem (answer, review two peers, assess themselves, get the grade), opens the
staff area and the Studio editor, then walks Team Aurora through the team problem (a shared draft, the team's
graded response, Grace in no team, a member's record in the staff area), and writes PNGs to docs/screenshots/:
at most 1000 px wide, reduced to 256 colours. ``scripts/screenshots.py teams`` (or ``peer``) takes only that
part's pictures. Needs Playwright and Debian's chromium (the test requirements).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import expect, sync_playwright

from ora_xblock.scenarios import DEMO_PROBLEMS

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
WIDTH = 1000
MARGIN = 16  # px of the page around each element shown
PROBLEM = 0  # "The Hundred Years' War": rich text, peer (2 reviews each), then self
# "Team project": one shared draft and one response per team, staff graded (its place in the demo's list)
TEAM_PROBLEM = [name for name, _ in DEMO_PROBLEMS].index("team_project.xml")
TEAM_TEXT = (  # Alice writes the first sentence, Bob adds the second
    "Fit motion sensors to the library's lights, which now burn all night.",
    " The 400 fittings draw 14 kW, so twelve dark hours a night cost about 61,000 kWh a year; the estates office "
    "and the library's head must agree.",
)
ANSWERS = {
    "alice": "The war grew out of a dynastic quarrel. When Charles IV of France died in 1328 without a son, "
    "Edward III of England claimed the throne through his mother, Isabella. The French nobles chose Philip VI, "
    "citing the old Salic law that barred inheritance through women.",
    "bob": "England and France fought over Gascony, the wool trade of Flanders and the Scottish alliance.",
    "carol": "Edward III and Philip VI both wanted the French crown, and neither would give way.",
}
REVIEWS = {  # reviewer -> (Origins option, Sources comment, overall comment), the same for each response they get
    "alice": ("Edward and Philip", "Name a chronicle for the Flemish wool trade.", "Clear and well ordered."),
    "bob": ("Salic law", "Cites the succession of 1328 well.", "A strong answer; add a source for Isabella."),
    "carol": ("Salic law", "The dates are right; say where they come from.", "I learnt something. Thank you!"),
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own http:// address)
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def demo_server(folder: Path) -> Iterator[str]:
    """The demo on a free port and a database in ``folder``; its base URL."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "demo.settings", "ORA_DEMO_DB": str(folder / "demo.db")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    django = [sys.executable, "-m", "django"]
    subprocess.run([*django, "load_demo"], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with (folder / "server.log").open("w") as log:
        server = subprocess.Popen(  # noqa: S603
            [*django, "runserver", "--noreload", f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
    try:
        deadline = time.monotonic() + 60
        while not _answers(url + "/"):
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"The demo did not start:\n{(folder / 'server.log').read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def save(page: Any, target: Any, name: str, until: Any = None, max_height: int = 1400) -> None:
    """Screenshot the element ``target`` with a margin (down to the element ``until`` only, if given, and
    ``max_height`` px at most) as docs/screenshots/``name``.png: at most 1000 px wide, 256 colours."""
    box = _on_page(page, target)
    height = (_on_page(page, until)["y"] if until else box["y"] + box["height"] + MARGIN) - box["y"] + MARGIN
    height = min(height, max_height)
    x, y = max(box["x"] - MARGIN, 0), max(box["y"] - MARGIN, 0)
    clip = {"x": x, "y": y, "width": box["width"] + 2 * MARGIN, "height": height}
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), clip=clip, full_page=True, animations="disabled", caret="hide")
    with Image.open(path) as shot:
        image = shot.convert("RGB")
    if image.width > WIDTH:
        image = image.resize((WIDTH, round(image.height * WIDTH / image.width)), Image.Resampling.LANCZOS)
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)
    print(f"{path.relative_to(ROOT)}: {image.width}x{image.height}, {path.stat().st_size // 1024} KB")


def _on_page(page: Any, element: Any) -> dict[str, float]:
    """Where ``element`` is on the whole page (not the viewport)."""
    box = element.bounding_box()
    scroll_x, scroll_y = page.evaluate("[window.scrollX, window.scrollY]")
    return {**box, "x": box["x"] + scroll_x, "y": box["y"] + scroll_y}


class Demo:
    """The demo in chromium: a window per person, as each has their own browser."""

    def __init__(self, browser: Any, url: str) -> None:
        self.browser = browser
        self.url = url

    def open(self, student: str, view: str = "student_view", height: int = 900, problem: int = PROBLEM) -> Any:
        context = self.browser.new_context(  # times the page localises are in UTC, whatever this machine's zone
            viewport={"width": WIDTH, "height": height}, device_scale_factor=1, locale="en-US", timezone_id="UTC"
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{self.url}/scenario/ora_xblock.{problem}/{view}/?student={student}")
        return page


def answer(page: Any, student: str, shot: str | None = None) -> None:
    page.get_by_role("textbox", name="Your answer").first.fill(ANSWERS[student])
    expect(page.locator(".ora-draft-status")).to_have_text("Draft saved")
    if shot:
        save(page, page.locator(".ora-block"), shot)
    page.get_by_role("button", name="Submit your response").click()
    page.get_by_role("dialog").get_by_role("button", name="Submit", exact=True).click()
    expect(page.locator(".ora-submitted-answer").first).to_be_visible()


def review_peers(page: Any, student: str, shot: str | None = None) -> None:
    """Both required reviews; the first form, filled in, is the picture."""
    origins, sources, overall = REVIEWS[student]
    region = page.get_by_role("region", name="Assess peers")
    button = region.get_by_role("button", name="Submit your review")
    for number in range(2):
        _wait_for_review_form(page, button)
        group = region.get_by_role("group", name="Origins", exact=True)
        group.get_by_role("radio", name=re.compile(rf"^{re.escape(origins)} \d+ points?\b")).check()
        region.get_by_label("Comments on Sources").fill(sources)
        region.get_by_label("Leave a note for the author").fill(overall)
        if shot and number == 0:
            save(page, region, shot)
        button.click()
        if number == 0:
            expect(region.locator(".ora-peer-progress")).to_contain_text("1 of 2")


def _wait_for_review_form(page: Any, button: Any) -> None:
    """Until a response to review is shown: the page asks for one as it loads, so come back (reload) if needed."""
    for _ in range(5):
        try:
            expect(button).to_be_visible(timeout=3_000)
            return
        except AssertionError:
            page.reload()
    expect(button).to_be_visible()


def assess_self(page: Any, shot: str | None = None) -> None:
    region = page.get_by_role("region", name="Assess your response")
    expect(region).to_be_visible()
    group = region.get_by_role("group", name="Origins", exact=True)
    group.get_by_role("radio", name=re.compile(r"^Salic law \d+ points?\b")).check()
    region.get_by_label("Comments on Sources").fill("I should name the chronicles I read.")
    region.get_by_label("Leave a note for the author").fill("Next time I will quote the chronicles.")
    if shot:
        save(page, region, shot)
    region.get_by_role("button", name="Submit your assessment").click()
    expect(region).to_have_count(0)


def peer_pictures(demo: Demo) -> None:
    """1 to 6: the peer-then-self problem, from the Studio editor to Alice's grade and her record in the staff area."""
    author = demo.open("author", view="studio_view")  # before anyone answers, when nothing is locked yet
    author.get_by_role("tab", name="Rubric").click()
    expect(author.get_by_role("tabpanel", name="Rubric")).to_be_visible()
    save(author, author.locator(".ora-studio"), "6-studio-editor", max_height=1000)

    bob, carol = demo.open("bob"), demo.open("carol")
    answer(bob, "bob")
    answer(carol, "carol")
    alice = demo.open("alice")
    answer(alice, "alice", shot="1-learner-answers")
    review_peers(alice, "alice", shot="2-learner-reviews-a-peer")
    assess_self(alice, shot="3-learner-assesses-herself")
    for page, student in ((bob, "bob"), (carol, "carol")):
        page.reload()
        review_peers(page, student)
        assess_self(page)
    alice.reload()
    grade = alice.locator(".ora-grade")
    expect(grade.get_by_role("heading", name=re.compile("^Your grade"))).to_be_visible()
    save(alice, grade, "4-learner-gets-her-grade")

    staff = demo.open("staff")
    find_learner(staff, "alice", "dynastic quarrel")
    area = staff.get_by_role("region", name="Staff area")
    save(staff, area, "5-staff-area", until=area.get_by_role("heading", name="Grade or override"))


def find_learner(staff: Any, username: str, text: str) -> None:
    """*Manage a learner* in the staff area, until ``username``'s record shows ``text``."""
    staff.get_by_role("button", name="Manage a learner").click()
    staff.get_by_label("Username or email").fill(username)
    staff.get_by_role("button", name="Find learner").click()
    expect(staff.locator(".ora-staff-work")).to_contain_text(text)


def team_pictures(demo: Demo) -> None:
    """7 to 10: Team Aurora's shared draft, its graded response, Grace in no team, and Bob's record for staff."""
    alice = demo.open("alice", problem=TEAM_PROBLEM)
    alice.get_by_label("Your answer").fill(TEAM_TEXT[0])
    expect(alice.locator(".ora-draft-status")).to_have_text("Draft saved")
    bob = demo.open("bob", problem=TEAM_PROBLEM)
    expect(bob.locator(".ora-team-author")).to_have_text("Last changed by alice")
    save(bob, bob.locator(".ora-block"), "7-team-shares-a-draft", max_height=1600)
    bob.get_by_label("Your answer").fill("".join(TEAM_TEXT))
    expect(bob.locator(".ora-team-author")).to_have_text(re.compile(r"^Last changed by (bob|you)$"))
    bob.get_by_role("button", name=re.compile(r"^Submit your (team's )?response$")).click()
    bob.get_by_role("dialog").get_by_role("button", name="Submit", exact=True).click()
    expect(bob.locator(".ora-team-submitted")).to_contain_text("submitted this response for Team Aurora")

    staff = demo.open("staff", problem=TEAM_PROBLEM)
    staff.get_by_role("button", name="Grade available responses", exact=True).click()
    work = staff.locator(".ora-staff-work")
    expect(work.locator(".ora-staff-team")).to_contain_text("Team Aurora")
    work.get_by_text("Concrete", exact=True).click()
    work.get_by_text("Reasoned", exact=True).click()
    work.get_by_role("button", name="Save the grade and get the next response").click()
    expect(work).to_contain_text("No response is waiting")

    carol = demo.open("carol", problem=TEAM_PROBLEM)
    expect(carol.get_by_role("heading", name=re.compile("^Your grade"))).to_be_visible()
    save(carol, carol.locator(".ora-block"), "8-team-response-graded", max_height=1600)

    grace = demo.open("grace", problem=TEAM_PROBLEM)
    save(grace, grace.locator(".ora-block"), "9-learner-in-no-team")

    staff.reload()
    find_learner(staff, "alice", "Team Aurora")
    area = staff.get_by_role("region", name="Staff area")
    save(staff, area, "10-staff-team-member", until=area.get_by_role("heading", name="Grade the team"))


PARTS = {"peer": peer_pictures, "teams": team_pictures}


def main() -> None:
    """Every picture, or only those of the parts named on the command line (``peer``, ``teams``)."""
    parts = sys.argv[1:] or list(PARTS)
    if unknown := set(parts) - set(PARTS):
        raise SystemExit(f"Unknown part {', '.join(sorted(unknown))}: choose from {', '.join(PARTS)}.")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, demo_server(Path(folder)) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        demo = Demo(browser, url)
        for part in parts:
            PARTS[part](demo)
        browser.close()


if __name__ == "__main__":
    main()
