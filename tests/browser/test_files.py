"""Files in a real browser: upload an image and a PDF, submit, a peer downloads and assesses; bad files refused."""

from __future__ import annotations

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

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 2048
PDF = b"%PDF-1.7\n" + b"\0" * 2048


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
    expect(author.locator(".ora-file-errors")).to_contain_text("contents are not a .png file")
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
