"""The staff zip of every submitted file: built in the background like the reports, saved to the report storage
under an unguessable key, downloaded through a signed link that expires, its state shown in the staff area."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote

import pytest
import webob
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ora_xblock import platform, scenarios
from ora_xblock.models import ReportTask
from ora_xblock.services import reports, runner
from tests import samples
from tests.conftest import call_handler

pytestmark = pytest.mark.django_db

PNG, PDF = samples.png(), samples.pdf()
KEY = re.compile(r"ora_xblock/reports/(\d+)-([A-Za-z0-9_-]{22})/[A-Za-z0-9._-]+_ora_files_\d{4}-\d\d-\d\d-\d{4}\.zip")


class BrokenFiles(FileSystemStorage):
    """The response file storage, unreachable while ``down``."""

    down: ClassVar[bool] = False

    def _open(self, name: str, mode: str = "rb") -> Any:
        if self.down:
            raise OSError("storage unreachable")
        return super()._open(name, mode)


class HeldRunner(runner.Runner):
    """A task queue whose worker has not taken anything yet: what was sent waits in ``sent``."""

    def __init__(self) -> None:
        self.sent: list[int] = []

    def send_report(self, task_id: int) -> bool:
        self.sent.append(task_id)
        return True


@pytest.fixture
def roots(settings, tmp_path: Path) -> tuple[Path, Path]:
    """Response files in one folder, reports and zips (ORA_XBLOCK_REPORT_STORAGE) in another."""
    files, kept = tmp_path / "files", tmp_path / "reports"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.BrokenFiles", "OPTIONS": {"location": str(files)}},
        "ora_reports": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(kept)}},
    }
    settings.ORA_XBLOCK_REPORT_STORAGE = "ora_reports"
    BrokenFiles.down = False
    yield files, kept
    BrokenFiles.down = False


@pytest.fixture
def held(monkeypatch) -> HeldRunner:
    queue = HeldRunner()
    monkeypatch.setattr(runner, "_registered", [queue])
    return queue


@pytest.fixture
def ask(problem, django_capture_on_commit_callbacks):
    """Ask for a report or zip (``kind``) as staff do, and let the request commit (which sends the task)."""

    def ask(kind: str) -> webob.Response:
        with django_capture_on_commit_callbacks(execute=True):
            return call_handler(problem, "staff_report_start", {"kind": kind})

    return ask


@pytest.fixture
def problem(make_block, users, roots):
    """The staff-only lab (files optional): ann sent a picture and a PDF, bob nothing; staff look."""
    block = make_block(scenarios.demo_olx("staff_only.xml"))
    block.runtime.handler_url = lambda block, name, suffix="", *args, **kwargs: f"/handler/{name}/{suffix}"
    for name, uploads in (("ann", (("plot.png", PNG), ("notes.pdf", PDF))), ("bob", ())):
        users.as_user(name)
        for filename, data in uploads:
            assert block.handle("upload_file", _upload(filename, data)).status_code == 200
        assert call_handler(block, "submit", {"answers": ["", "done"]}).status_code == 200
    users.as_user("staff", staff=True)
    return block


def _upload(filename: str, data: bytes) -> webob.Request:
    boundary = "ZIPBOUNDARY"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\nA figure\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = webob.Request.blank("/", method="POST", body=body)
    request.content_type = f"multipart/form-data; boundary={boundary}"
    request.headers["X-CSRFToken"] = "token"
    return request


def _html(response: webob.Response) -> str:
    assert response.status_code == 200, response.body
    return json.loads(response.body)["html"]


def _zip_link(listing: str) -> str:
    return unquote(listing.split('href="/handler/staff_files_zip/')[1].split('"')[0])


def test_the_zip_is_built_off_the_request_and_shown_being_built_then_ready(problem, held, ask, roots) -> None:
    started = ask("files")
    shown = _html(started)
    assert "The zip is being built" in json.loads(started.body)["message"]
    [task] = ReportTask.objects.all()
    assert (task.kind, task.status) == ("files", "pending")  # the request only asked: nothing was zipped
    assert held.sent == [task.pk]
    assert "Waiting to be built, asked for" in shown and "data-staff-poll" in shown  # the list refreshes itself
    assert "staff_files_zip" not in shown

    reports.run(task.pk)  # the worker takes it
    listing = _html(call_handler(problem, "staff_reports", {}))
    assert "(2 files)" in listing and "Waiting to be built" not in listing
    task.refresh_from_db()
    match = KEY.fullmatch(task.file_name)
    assert match and match.group(1) == str(task.pk)
    files_root, reports_root = roots
    assert (reports_root / task.file_name).is_file()  # in the report storage, not beside the learners' files
    assert not list(files_root.glob("ora_xblock/reports/**/*.zip"))

    download = problem.handle("staff_files_zip", webob.Request.blank("/"), _zip_link(listing))
    assert download.status_code == 200 and download.content_type == "application/zip"
    assert download.headers["Content-Disposition"].startswith(
        f'attachment; filename="{task.file_name.rsplit("/")[-1]}"'
    )
    with zipfile.ZipFile(io.BytesIO(download.body)) as bundle:
        names = bundle.namelist()
        assert [re.sub("-[0-9a-f]{8}/", "/", name) for name in names] == ["ann/1-plot.png", "ann/2-notes.pdf"]
        assert bundle.read(names[0]) == PNG


def test_each_file_has_a_random_key_of_its_own(problem, held, ask) -> None:
    for kind in ("files", "files", "grade"):
        ask(kind)
    for pk in held.sent:
        reports.run(pk)
    names = list(ReportTask.objects.order_by("pk").values_list("file_name", flat=True))
    secrets = {name.split("/")[2].split("-", 1)[1] for name in names}
    assert len(secrets) == 3 and all(len(secret) == 22 for secret in secrets)
    assert KEY.fullmatch(names[0]) and KEY.fullmatch(names[1])
    assert re.fullmatch(r"ora_xblock/reports/\d+-[A-Za-z0-9_-]{22}/.+_ora_grade_report_.+\.csv", names[2])


def test_zip_links_expire_serve_their_staff_member_only_and_only_zips(problem, held, ask, users, monkeypatch) -> None:
    ask("files")
    ask("grade")
    for pk in held.sent:
        reports.run(pk)
    listing = _html(call_handler(problem, "staff_reports", {}))
    zip_token = _zip_link(listing)
    report_token = unquote(listing.split('href="/handler/staff_report_download/')[1].split('"')[0])

    def code(handler: str, token: str) -> tuple[int, str]:
        response = problem.handle(handler, webob.Request.blank("/"), token)
        return response.status_code, json.loads(response.body)["error"]["code"]

    assert code("staff_report_download", zip_token) == (404, "no_such_report")  # each link opens its own kind
    assert code("staff_files_zip", report_token) == (404, "no_such_report")
    users.as_user("other_staff", staff=True)
    assert code("staff_files_zip", zip_token) == (403, "bad_link")
    users.as_user("ann")
    assert code("staff_files_zip", zip_token) == (403, "forbidden")
    users.as_user("staff", staff=True)
    later = platform.now() + timedelta(seconds=reports.LINK_SECONDS + 1)
    monkeypatch.setattr(platform, "now", lambda: later)
    assert code("staff_files_zip", zip_token) == (403, "link_expired")


def test_a_storage_failure_fails_the_zip_shows_why_and_leaves_no_file(problem, held, ask, roots) -> None:
    ask("files")
    BrokenFiles.down = True
    task = reports.run(held.sent[0])
    assert task.status == "failed" and "not answering" in task.error
    assert task.file_name == "" and not [path for path in roots[1].rglob("*") if path.is_file()]
    listing = _html(call_handler(problem, "staff_reports", {}))
    assert "The zip asked for" in listing and "The file storage is not answering" in listing
    assert "staff_files_zip/" not in listing


def test_no_zip_before_anyone_submits_a_file(make_block, users, roots) -> None:
    block = make_block(scenarios.demo_olx("staff_only.xml"))
    users.as_user("bob")
    call_handler(block, "submit", {"answers": ["", "done"]})
    users.as_user("staff", staff=True)
    refused = call_handler(block, "staff_report_start", {"kind": "files"})
    error = json.loads(refused.body)["error"]
    assert (refused.status_code, error["code"], error["message"]) == (
        409,
        "nothing_to_report",
        "Nobody has submitted a file yet.",
    )
    assert not ReportTask.objects.exists()


def test_the_report_cleanup_fails_a_dead_zip_and_deletes_its_file(
    problem, held, ask, roots, django_capture_on_commit_callbacks
) -> None:
    ask("files")
    task = reports.run(held.sent[0])
    written = roots[1] / task.file_name
    assert written.is_file()
    ReportTask.objects.filter(pk=task.pk).update(status="running")  # as if its worker died while saving
    later = task.alive_at + reports.RUNNING_SILENCE + timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):  # the file leaves storage once that commits
        assert reports.expire_stale(later) == 1
    task.refresh_from_db()
    assert task.status == "failed" and not written.exists() and task.file_name == ""


def test_the_overview_offers_the_zip_and_listing_costs_the_same_queries_with_zips(problem, held, ask) -> None:
    overview = _html(call_handler(problem, "staff_overview", {}))
    assert "Build a zip of every submitted file" in overview and "staff_files_zip" not in overview
    before = _queries(lambda: call_handler(problem, "staff_reports", {}))
    for _ in range(3):
        ask("files")
    for pk in held.sent:
        reports.run(pk)
    assert _queries(lambda: call_handler(problem, "staff_reports", {})) == before == 3


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert call().status_code == 200
    return len(captured)
