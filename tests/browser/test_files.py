"""Files in a real browser: upload an image and a PDF, submit, a peer downloads and assesses; bad files refused."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from tests import samples

from .test_journey import scenario_url
from .test_smoke import assert_accessible

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails under CI
    expect = None

pytestmark = pytest.mark.browser

PNG = samples.sized("png", 2056)  # real files: the block parses what it accepts
PDF = samples.sized("pdf", 2057)


def upload(page: Any, path: Path, description: str) -> None:
    page.get_by_label("File to upload").set_input_files(str(path))
    page.get_by_label("Description of the file (required)").fill(description)
    page.get_by_role("button", name="Upload file").click()


def test_files_are_uploaded_submitted_and_downloaded_by_the_reviewing_peer(
    browser: Any, demo_server: str, axe: Any, tmp_path: Path
) -> None:
    poster, notes, bad = tmp_path / "poster.png", tmp_path / "notes.pdf", tmp_path / "virus.exe"
    poster.write_bytes(PNG)
    notes.write_bytes(PDF)
    bad.write_bytes(b"MZ" + b"\0" * 64)
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")

    author = browser.new_context().new_page()
    author.goto(scenario_url(demo_server, "files_peer.xml", "fiona"))
    upload(author, bad, "Not a poster")
    expect(author.locator(".ora-file-errors")).to_contain_text('"virus.exe" is not a type this problem accepts')
    upload(author, fake, "Pretends to be a picture")
    expect(author.locator(".ora-file-errors")).to_contain_text('The contents of "fake.png" are not')
    upload(author, poster, "The poster")
    expect(author.locator(".ora-file-list")).to_contain_text("poster.png")
    upload(author, notes, "Design notes")
    expect(author.locator(".ora-file-list li")).to_have_count(2)
    assert_accessible(axe, author)
    author.get_by_label("Your answer").fill("Sorting rules in three colours.")
    author.get_by_role("button", name="Submit your response").click()
    author.get_by_role("dialog").get_by_role("button", name="Submit", exact=True).click()
    expect(author.locator(".ora-file-list li")).to_have_count(2)

    reviewer = browser.new_context().new_page()
    reviewer.goto(scenario_url(demo_server, "files_peer.xml", "gordon"))
    reviewer.get_by_label("Your answer").fill("My own poster idea.")
    reviewer.get_by_role("button", name="Submit your response").click()
    reviewer.get_by_role("dialog").get_by_role("button", name="Submit", exact=True).click()
    review = reviewer.locator(".ora-peer")
    expect(review.locator(".ora-file-list li")).to_have_count(2)
    expect(review).to_contain_text("File 1 (.png)")
    expect(review).to_contain_text("The poster")
    expect(review).not_to_contain_text("fiona")
    expect(review).not_to_contain_text("poster.png")
    with reviewer.expect_download() as downloaded:
        review.get_by_role("link", name="File 2 (.pdf)").click()
    assert Path(downloaded.value.path()).read_bytes() == PDF
    assert downloaded.value.suggested_filename == "file.pdf"
    review.get_by_text("Clear", exact=True).click()
    review.get_by_role("button", name="Submit your review").click()
    expect(reviewer.locator(".ora-waiting")).to_contain_text("once enough peers have assessed your response")
    reviewer.context.close()
    author.context.close()


MB = 1000 * 1000


def test_a_20_mb_pdf_uploads_in_pieces_through_the_lms_4_mb_limit(
    browser: Any, demo_server: str, axe: Any, tmp_path: Path
) -> None:
    """The demo refuses any file over 4,000,000 bytes per request, as the LMS does (demo/limits.py)."""
    thesis = tmp_path / "thesis.pdf"
    thesis.write_bytes(samples.sized("pdf", 20 * MB, seed=7))
    page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    page.set_default_timeout(30_000)
    pieces: list[int] = []

    def slow_connection(route: Any) -> None:  # long enough to see the progress between pieces
        pieces.append(len(route.request.post_data_buffer or b""))
        time.sleep(0.5)
        route.continue_()

    page.route("**/upload_piece/**", slow_connection)
    page.goto(scenario_url(demo_server, "files_peer.xml", "hana"))
    upload(page, thesis, "My thesis")
    files = page.locator(".ora-files")
    expect(files.locator(".ora-upload-percent")).to_contain_text(re.compile(r"^[1-9][0-9]?% of thesis\.pdf$"))
    expect(files.get_by_role("button", name="Upload file")).to_be_disabled()
    progress = files.get_by_role("progressbar", name="Upload progress")
    assert 0 < int(progress.get_attribute("value") or 0) < 100
    files.screenshot(path=str(tmp_path / "upload-in-progress.png"))

    expect(page.locator(".ora-file-list")).to_contain_text("thesis.pdf")
    expect(page.locator(".ora-live")).to_have_text("The file was uploaded.")
    assert len(pieces) == 6 and max(pieces) < 4 * MB  # each request under the LMS's per-file limit
    assert_accessible(axe, page)
    files.screenshot(path=str(tmp_path / "upload-done.png"))
    page.get_by_label("Your answer").fill("My thesis, as a PDF.")
    page.get_by_role("button", name="Submit your response").click()
    page.get_by_role("dialog").get_by_role("button", name="Submit", exact=True).click()
    expect(page.locator(".ora-file-list li")).to_have_count(1)
    expect(page.locator(".ora-file-list")).to_contain_text("thesis.pdf")
    assert_accessible(axe, page)
    page.screenshot(path=str(tmp_path / "upload-submitted.png"), full_page=True)
    with page.expect_download() as downloaded:
        page.locator(".ora-file-list").get_by_role("link", name="thesis.pdf").click()
    assert Path(downloaded.value.path()).read_bytes() == thesis.read_bytes()
    page.context.close()


def test_a_file_too_large_for_the_sites_limit_says_so(browser: Any, demo_server: str, tmp_path: Path) -> None:
    """The platform's 413 (``{"success": ...}``) and a proxy's (no JSON) are explained, not a generic failure."""
    big = tmp_path / "poster.pdf"
    big.write_bytes(PDF + b"\0" * 5 * MB)
    page = browser.new_context().new_page()
    page.set_default_timeout(20_000)
    page.goto(scenario_url(demo_server, "files_peer.xml", "ivan"))
    errors = page.locator(".ora-file-errors")

    def one_request(route: Any) -> None:  # a server that offers pieces too big for the site: one request
        route.fulfill(status=200, json={"direct": None, "piece_bytes": 10**9})

    page.route("**/upload_start/**", one_request)
    upload(page, big, "Poster")  # demo/limits.py answers as a 4 MB proxy would
    expect(errors).to_contain_text("The site's web server refused the upload as too large.")
    expect(page.get_by_role("button", name="Upload file")).to_be_enabled()

    lms = {"success": 'Refused: the file "poster.pdf" is over the limit of 4 MB.'}
    page.route("**/upload_file/**", lambda route: route.fulfill(status=413, json=lms))
    upload(page, big, "Poster")
    expect(errors).to_contain_text('The site refused the upload as too large: Refused: the file "poster.pdf"')
    expect(page.locator(".ora-file-list li")).to_have_count(0)
    page.context.close()
