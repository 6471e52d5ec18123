"""File responses through the services: limits, names, bytes, storage, submission and who may download."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest.mock import ANY

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from submissions import api as submissions_api

from ora_xblock import scenarios
from ora_xblock.definition import load_olx
from ora_xblock.models import PartialUpload, ResponseFile, UploadPiece
from ora_xblock.services import file_pieces, files
from ora_xblock.services import peer as peer_service
from ora_xblock.services.common import Learner, Problem, Refusal
from ora_xblock.services.responses import submit
from tests import samples

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PNG = samples.sized("png", 208)  # real files: the block parses what it accepts
PDF = samples.sized("pdf", 209)
# Staff-only problem: two prompts, optional text, optional pdf-and-image files.
LAB = load_olx(scenarios.resource_text("scenarios/staff_only.xml"))
PEER_FILES = load_olx(
    scenarios.resource_text("scenarios/peer_only.xml").replace(
        "<openassessment", '<openassessment file_upload_response="optional" file_upload_type="pdf-and-image"', 1
    )
)


@pytest.fixture
def storage_root(settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}},
    }
    return root


def learner(name: str) -> Learner:
    return Learner(course_id="course-v1:O+R+1", item_id="item-f", student_id=f"anon-{name}", username=name)


def put(
    name: str,
    filename: str,
    data: bytes,
    definition=LAB,
    limits: files.Limits | None = None,
    description: str = "My figure",
) -> ResponseFile:
    return files.upload(
        Problem(definition, NOW),
        learner(name),
        filename,
        description,
        io.BytesIO(data),
        len(data),
        limits or files.Limits(),
    )


def refused(call) -> str:
    with pytest.raises(Refusal) as refusal, transaction.atomic():
        call()
    return refusal.value.code


def test_files_are_stored_under_generated_keys_inside_the_root(storage_root: Path) -> None:
    stored = [put("ann", name, PNG) for name in ("../../escape.png", "/etc/passwd.png", "..\\x.png", "CON.png")]
    assert [item.name for item in stored] == ["escape.png", "passwd.png", "x.png", "CON.png"]
    on_disk = [path for path in storage_root.rglob("*") if path.is_file()]
    assert len(on_disk) == 4
    assert all(path.resolve().is_relative_to(storage_root.resolve()) for path in on_disk)
    assert all("ann" not in item.key and "escape" not in item.key and "png" not in item.key for item in stored)
    assert not (storage_root.parent.parent / "escape.png").exists()


@pytest.mark.parametrize(
    ("filename", "data", "code"),
    [
        ("x.html", b"<html>", "file.type_not_allowed"),
        ("x.HTML", b"<html>", "file.type_not_allowed"),
        ("x.html.", b"<html>", "file.type_not_allowed"),
        ("evil\u202egnp.exe", b"MZ", "file.type_not_allowed"),
        ("noext", PNG, "file.no_extension"),
        ("", PNG, "file.no_name"),
        ("picture.png", b"<svg><script>alert(1)</script></svg>", "file.content_mismatch"),
        ("picture.png", b"MZ\x90\x00" + b"\0" * 64, "file.content_mismatch"),
        ("x.exe%00.png", b"<html>", "file.content_mismatch"),
        ("report.pdf", PNG, "file.content_mismatch"),
    ],
)
def test_bad_names_and_bytes_are_refused_and_nothing_is_kept(storage_root: Path, filename, data, code) -> None:
    assert refused(lambda: put("ann", filename, data)) == code
    assert not ResponseFile.objects.exists()
    assert not [path for path in storage_root.rglob("*") if path.is_file()]


def test_limits_hold_with_the_browser_bypassed(storage_root: Path) -> None:
    small = files.Limits(max_file_bytes=300, max_total_bytes=500, max_files=3)
    assert refused(lambda: put("ann", "big.png", PNG + b"\0" * 200, limits=small)) == "file_too_large"
    put("ann", "a.png", PNG, limits=small)
    put("ann", "b.png", PNG, limits=small)
    assert refused(lambda: put("ann", "c.png", PNG, limits=small)) == "total_too_large"
    roomy = files.Limits(max_files=2)
    assert refused(lambda: put("ann", "d.png", PNG, limits=roomy)) == "too_many_files"
    assert refused(lambda: put("ann", "e.png", PNG, description="  ")) == "description_required"
    assert ResponseFile.objects.count() == 2


def test_submitting_attaches_the_files_and_names_them_in_the_answer(storage_root: Path) -> None:
    image, document = put("ann", "plot.png", PNG), put("ann", "report.pdf", PDF, description="Full report")
    workflow, _ = submit(Problem(LAB, NOW), learner("ann"), ["", ""])
    answer = submissions_api.get_submission(workflow.submission_uuid)["answer"]
    assert answer["file_keys"] == [image.key, document.key]
    assert answer["files_descriptions"] == ["My figure", "Full report"]
    assert answer["files_names"] == ["plot.png", "report.pdf"]
    assert set(ResponseFile.objects.values_list("workflow_id", flat=True)) == {workflow.pk}


def test_a_file_missing_from_storage_blocks_the_submission(storage_root: Path) -> None:
    item = put("ann", "plot.png", PNG)
    files.Limits().storage.delete(item.key)
    assert refused(lambda: submit(Problem(LAB, NOW), learner("ann"), ["", ""])) == "file_missing"


def test_an_empty_response_is_refused(storage_root: Path) -> None:
    assert refused(lambda: submit(Problem(LAB, NOW), learner("ann"), ["", ""])) == "response_empty"


def test_only_the_author_a_peer_holding_the_review_and_staff_may_download(storage_root: Path) -> None:
    item = put("ann", "plot.png", PNG, definition=PEER_FILES)
    submit(Problem(PEER_FILES, NOW), learner("ann"), ["my answer"])
    for name in ("bob", "cat"):
        submit(Problem(PEER_FILES, NOW), learner(name), [f"{name} answer"])
    assert files.for_download("item-f", item.pk, "anon-ann", False, NOW).key == item.key
    assert files.for_download("item-f", item.pk, "anon-staff", True, NOW).key == item.key
    assert refused(lambda: files.for_download("item-f", item.pk, "anon-bob", False, NOW)) == "no_such_file"
    lease = peer_service.next_review(Problem(PEER_FILES, NOW), learner("bob"))
    assert lease.workflow.student_id == "anon-ann"
    assert files.for_download("item-f", item.pk, "anon-bob", False, NOW).key == item.key
    assert refused(lambda: files.for_download("item-f", item.pk, "anon-cat", False, NOW)) == "no_such_file"
    assert refused(lambda: files.for_download("other-item", item.pk, "anon-ann", False, NOW)) == "no_such_file"


def test_a_draft_file_can_be_removed(storage_root: Path, django_capture_on_commit_callbacks) -> None:
    item = put("ann", "plot.png", PNG)
    assert refused(lambda: files.remove(learner("bob"), item.pk, files.Limits())) == "no_such_file"
    with django_capture_on_commit_callbacks(execute=True):
        files.remove(learner("ann"), item.pk, files.Limits())
    assert not ResponseFile.objects.exists()
    assert not files.Limits().storage.exists(item.key)


# Through the handlers


def upload_request(filename: str, data: bytes, description: str = "A figure", csrf: bool = True):
    import webob

    boundary = "ORABOUNDARY"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\n{description}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = webob.Request.blank("/", method="POST", body=body)
    request.content_type = f"multipart/form-data; boundary={boundary}"
    if csrf:
        request.headers["X-CSRFToken"] = (
            "token"  # Django's middleware checks its value; a cross-site form can't send it
        )
    return request


def test_upload_and_download_through_the_handlers(storage_root: Path, make_block, users, runtime) -> None:
    import json

    import webob

    runtime.handler_url = lambda block, name, suffix="", query="": f"/handler/{name}/{suffix}"
    block = make_block(scenarios.demo_olx("staff_only.xml"))
    assert block.handle("upload_file", webob.Request.blank("/", method="GET")).status_code == 405
    bad = block.handle("upload_file", upload_request("x.HTML", b"<html>"))
    assert (bad.status_code, json.loads(bad.body)["error"]["code"]) == (400, "file.type_not_allowed")
    assert ".jpg, .jpeg, .gif, .png, .pdf" in json.loads(bad.body)["error"]["message"]
    good = block.handle("upload_file", upload_request("plot.png", PNG))
    assert good.status_code == 200
    assert "plot.png" in json.loads(good.body)["html"]
    item = ResponseFile.objects.get()
    download = block.handle("download_file", webob.Request.blank("/"), str(item.pk))
    assert download.status_code == 200
    assert download.body == PNG
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith('attachment; filename="plot.png"')  # the author
    assert download.content_type == "image/png"
    users.as_user("mallory")
    stranger = block.handle("download_file", webob.Request.blank("/"), str(item.pk))
    assert stranger.status_code == 404


def test_staff_download_every_file_of_the_problem_as_one_zip(
    storage_root: Path, make_block, users, runtime, settings, django_capture_on_commit_callbacks
) -> None:
    import io as stdio
    import zipfile
    from urllib.parse import unquote

    import webob

    settings.CELERY_TASK_ALWAYS_EAGER = True
    runtime.handler_url = lambda block, name, suffix="", query="": f"/handler/{name}/{suffix}"
    block = make_block(scenarios.demo_olx("staff_only.xml"))
    users.as_user("ann")
    block.handle("upload_file", upload_request("plot.png", PNG))
    submitted = webob.Request.blank("/", method="POST", body=b'{"answers": ["", ""]}', content_type="application/json")
    assert block.handle("submit", submitted).status_code == 200
    refused_zip = block.handle("staff_files_zip", webob.Request.blank("/"), "token")
    assert refused_zip.status_code == 403
    users.as_user("staff", staff=True)
    start = webob.Request.blank("/", method="POST", body=b'{"kind": "files"}', content_type="application/json")
    with django_capture_on_commit_callbacks(execute=True):  # built in the background (Celery, eager here)
        assert block.handle("staff_report_start", start).status_code == 200
    listed = webob.Request.blank("/", method="POST", body=b"{}", content_type="application/json")
    listing = json.loads(block.handle("staff_reports", listed).body)["html"]
    token = unquote(listing.split('href="/handler/staff_files_zip/')[1].split('"')[0])
    response = block.handle("staff_files_zip", webob.Request.blank("/"), token)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="course-v1_')
    with zipfile.ZipFile(stdio.BytesIO(response.body)) as bundle:
        [entry] = bundle.namelist()
        assert re.fullmatch("ann-[0-9a-f]{8}/1-plot.png", entry)  # the username, and a short id of the learner's
        assert bundle.read(entry) == PNG


def test_multipart_uploads_without_the_csrf_header_are_refused(storage_root: Path, make_block, users) -> None:
    import json

    import webob

    block = make_block(scenarios.demo_olx("staff_only.xml"))
    whole = block.handle("upload_file", upload_request("plot.png", PNG, csrf=False))
    fields = {"upload_id": "x", "index": "0", "offset": "0", "piece": ("blob", PNG)}
    piece = block.handle("upload_piece", webob.Request.blank("/", method="POST", POST=fields))
    for answer in (whole, piece):
        assert (answer.status_code, json.loads(answer.body)["error"]["code"]) == (403, "csrf_header_missing")
    assert not ResponseFile.objects.exists()
    assert not stored_files(storage_root)


def test_files_go_straight_to_s3_and_are_checked_on_arrival(s3_storage: files.Limits) -> None:
    problem = Problem(LAB, NOW)
    form = files.direct_upload(problem, learner("ann"), "plot.png", "My figure", len(PNG), s3_storage)
    assert form["url"].startswith("https://ora-files.s3")
    assert ["content-length-range", len(PNG), len(PNG)] in _policy_conditions(form)
    assert files.draft_files(learner("ann")) == []  # not listed until checked
    record = ResponseFile.objects.get(pk=form["file_id"])
    s3_storage.storage.save(record.key, io.BytesIO(PNG))  # what the browser's POST to S3 does
    confirmed = files.confirm(problem, learner("ann"), form["file_id"], s3_storage)
    assert (confirmed.confirmed, confirmed.content_type) == (True, "image/png")
    assert [item.name for item in files.draft_files(learner("ann"))] == ["plot.png"]

    html = b"<html><script>alert(1)</script></html>"
    bad = files.direct_upload(problem, learner("ann"), "fake.png", "Not really", len(html), s3_storage)
    key = ResponseFile.objects.get(pk=bad["file_id"]).key
    s3_storage.storage.save(key, io.BytesIO(html))
    assert (
        refused(lambda: files.confirm(problem, learner("ann"), bad["file_id"], s3_storage)) == "file.content_mismatch"
    )
    missing = files.direct_upload(problem, learner("ann"), "late.pdf", "Never sent", len(PDF), s3_storage)
    assert (
        refused(lambda: files.confirm(problem, learner("ann"), missing["file_id"], s3_storage)) == "upload_incomplete"
    )


def test_without_direct_storage_the_browser_uploads_through_the_app(storage_root: Path) -> None:
    assert files.direct_upload(Problem(LAB, NOW), learner("ann"), "plot.png", "x", len(PNG), files.Limits()) is None


def _policy_conditions(form: dict) -> list:
    import base64
    import json

    return json.loads(base64.b64decode(form["fields"]["policy"]))["conditions"]


# Files sent in pieces (for hosts that cap each request)

PIECE = 1000
IN_PIECES = files.Limits(piece_bytes=PIECE)


def pdf_of(size: int) -> bytes:
    return samples.sized("pdf", size)


def begin(name: str, filename: str, data: bytes, limits: files.Limits = IN_PIECES, at: datetime = NOW):
    return files.begin(Problem(LAB, at), learner(name), filename, "My report", len(data), limits)


def send(name: str, upload, data: bytes, index: int, limits: files.Limits = IN_PIECES, length: int | None = None):
    piece = data[index * PIECE : index * PIECE + (PIECE if length is None else length)]
    return files.add_piece(
        learner(name), upload.public_id, index, index * PIECE, io.BytesIO(piece), len(piece), limits, NOW
    )


def send_all(name: str, upload, data: bytes) -> None:
    for index in range(-(-len(data) // PIECE)):
        send(name, upload, data, index)


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def progress(upload) -> tuple[int, int, int]:
    upload.refresh_from_db()
    return upload.next_index, upload.received, upload.pieces.count()


def test_a_file_sent_in_pieces_is_joined_checked_and_added_to_the_draft(
    storage_root: Path, django_capture_on_commit_callbacks
) -> None:
    data = pdf_of(5 * PIECE + 123)
    upload = begin("ann", "report.pdf", data)
    assert files.draft_files(learner("ann")) == []
    send_all("ann", upload, data)
    assert files.draft_files(learner("ann")) == []  # nothing half-made is in the draft
    assert len(stored_files(storage_root)) == 6
    with django_capture_on_commit_callbacks(execute=True):
        files.finish(Problem(LAB, NOW), learner("ann"), upload.public_id, IN_PIECES)
    [item] = files.draft_files(learner("ann"))
    assert (item.name, item.size, item.content_type, item.description) == (
        "report.pdf",
        len(data),
        "application/pdf",
        "My report",
    )
    assert files.Limits().storage.open(item.key).read() == data
    assert stored_files(storage_root) == [storage_root / item.key]  # the pieces are gone
    upload.refresh_from_db()
    assert upload.finished_at == NOW


def test_a_piece_sent_again_changes_nothing_and_other_bytes_at_its_index_are_refused(storage_root: Path) -> None:
    data = pdf_of(3 * PIECE)
    upload = begin("ann", "report.pdf", data)
    send("ann", upload, data, 0)
    send("ann", upload, data, 1)
    assert send("ann", upload, data, 1).next_index == 2  # the browser missed the answer and sent it again
    assert progress(upload) == (2, 2 * PIECE, 2)
    tampered = data[:PIECE] + b"x" * PIECE + data[2 * PIECE :]
    assert refused(lambda: send("ann", upload, tampered, 1)) == "piece_conflict"
    assert progress(upload) == (2, 2 * PIECE, 2)


@pytest.mark.parametrize(
    ("index", "offset", "length", "code"),
    [
        (2, 2 * PIECE, PIECE, "piece_out_of_order"),
        (1, PIECE + 1, PIECE, "piece_out_of_order"),
        (1, PIECE, PIECE + 1, "piece_too_large"),
        (1, PIECE, PIECE - 1, "piece_incomplete"),
    ],
)
def test_pieces_out_of_order_or_of_the_wrong_size_are_refused_and_change_nothing(
    storage_root: Path, index: int, offset: int, length: int, code: str
) -> None:
    data = pdf_of(3 * PIECE + 10)
    upload = begin("ann", "report.pdf", data)
    send("ann", upload, data, 0)
    piece = (data + b"\0" * PIECE)[offset : offset + length]
    call = lambda: files.add_piece(  # noqa: E731
        learner("ann"), upload.public_id, index, offset, io.BytesIO(piece), length, IN_PIECES, NOW
    )
    assert refused(call) == code
    assert progress(upload) == (1, PIECE, 1)
    assert len(stored_files(storage_root)) == 1


def test_a_piece_past_the_declared_size_is_refused(storage_root: Path) -> None:
    data = pdf_of(PIECE + 10)
    upload = begin("ann", "report.pdf", data)
    send_all("ann", upload, data)
    assert refused(lambda: send("ann", upload, data + b"\0" * PIECE, 2)) == "piece_too_large"
    assert progress(upload) == (2, PIECE + 10, 2)


def test_only_the_learner_who_began_an_upload_can_continue_finish_or_abort_it(storage_root: Path) -> None:
    data = pdf_of(2 * PIECE)
    upload = begin("ann", "report.pdf", data)
    piece = io.BytesIO(data[:PIECE])
    assert refused(lambda: files.add_piece(learner("bob"), upload.public_id, 0, 0, piece, PIECE, IN_PIECES, NOW)) == (
        "no_such_upload"
    )
    assert refused(lambda: files.finish(Problem(LAB, NOW), learner("bob"), upload.public_id, IN_PIECES)) == (
        "no_such_upload"
    )
    assert refused(lambda: files.abort(learner("bob"), upload.public_id, IN_PIECES)) == "no_such_upload"
    assert refused(lambda: files.abort(learner("ann"), 12, IN_PIECES)) == "no_such_upload"
    assert progress(upload) == (0, 0, 0)
    assert not stored_files(storage_root)


def test_after_finishing_pieces_are_refused_and_a_repeated_finish_changes_nothing(storage_root: Path) -> None:
    data = pdf_of(2 * PIECE)
    upload = begin("ann", "report.pdf", data)
    send_all("ann", upload, data)
    files.finish(Problem(LAB, NOW), learner("ann"), upload.public_id, IN_PIECES)
    files.finish(Problem(LAB, NOW), learner("ann"), upload.public_id, IN_PIECES)
    assert refused(lambda: send("ann", upload, data, 1)) == "upload_finished"
    assert refused(lambda: send("ann", upload, data, 2)) == "upload_finished"
    files.abort(learner("ann"), upload.public_id, IN_PIECES)  # too late to give up: the file stays
    assert len(files.draft_files(learner("ann"))) == 1


def test_finishing_before_every_piece_arrived_is_refused(storage_root: Path) -> None:
    data = pdf_of(3 * PIECE)
    upload = begin("ann", "report.pdf", data)
    send("ann", upload, data, 0)
    assert refused(lambda: files.finish(Problem(LAB, NOW), learner("ann"), upload.public_id, IN_PIECES)) == (
        "pieces_missing"
    )
    assert files.draft_files(learner("ann")) == []


def test_a_disguised_file_is_refused_at_its_first_piece(storage_root: Path) -> None:
    html = (b"<html><script>alert(1)</script></html>" + b" " * PIECE) * 3
    upload = begin("ann", "picture.png", html)
    assert refused(lambda: send("ann", upload, html, 0)) == "file.content_mismatch"
    assert progress(upload) == (0, 0, 0)
    assert not stored_files(storage_root)


def test_the_joined_file_is_checked_again_so_a_piece_changed_in_storage_is_caught(storage_root: Path) -> None:
    data = pdf_of(2 * PIECE)
    upload = begin("ann", "report.pdf", data)
    send_all("ann", upload, data)
    first = upload.pieces.get(index=0)
    (storage_root / first.key).write_bytes(b"MZ\x90\x00" + b"\0" * (PIECE - 4))  # an executable, after the check
    assert refused(lambda: files.finish(Problem(LAB, NOW), learner("ann"), upload.public_id, IN_PIECES)) == (
        "file.content_mismatch"
    )
    assert files.draft_files(learner("ann")) == []
    assert len(stored_files(storage_root)) == 2  # the joined file was deleted; the pieces wait for an abort


def test_beginning_judges_the_file_as_a_single_upload_does(storage_root: Path) -> None:
    problem, ann = Problem(LAB, NOW), learner("ann")
    big = files.Limits(max_file_bytes=10 * PIECE, piece_bytes=PIECE)
    assert refused(lambda: files.begin(problem, ann, "run.exe", "x", 10, big)) == "file.type_not_allowed"
    assert refused(lambda: files.begin(problem, ann, "report.pdf", "x", 10 * PIECE + 1, big)) == "file_too_large"
    assert refused(lambda: files.begin(problem, ann, "report.pdf", " ", 10, big)) == "description_required"
    for size in (0, -1, "10", True, None):
        assert refused(lambda: files.begin(problem, ann, "report.pdf", "x", size, big)) == "bad_request"  # noqa: B023
    assert not PartialUpload.objects.exists()


def test_uploads_still_arriving_take_room_in_the_draft(storage_root: Path) -> None:
    roomy = files.Limits(max_total_bytes=5 * PIECE, max_files=2, piece_bytes=PIECE)
    begin("ann", "a.pdf", pdf_of(3 * PIECE), roomy)
    assert refused(lambda: begin("ann", "b.pdf", pdf_of(3 * PIECE), roomy)) == "total_too_large"
    begin("ann", "b.pdf", pdf_of(PIECE), roomy)
    assert refused(lambda: begin("ann", "c.pdf", pdf_of(10), roomy)) == "too_many_files"
    assert refused(lambda: put("ann", "d.png", PNG, limits=roomy)) == "too_many_files"


def test_beginning_the_same_file_again_or_after_a_long_pause_gives_up_the_old_upload(
    storage_root: Path, django_capture_on_commit_callbacks
) -> None:
    data = pdf_of(2 * PIECE)
    first = begin("ann", "report.pdf", data)
    send("ann", first, data, 0)
    with django_capture_on_commit_callbacks(execute=True):
        again = begin("ann", "report.pdf", data)  # the page was reloaded mid-upload
    assert list(PartialUpload.objects.values_list("public_id", flat=True)) == [again.public_id]
    assert not stored_files(storage_root)
    later = NOW + files.UPLOAD_IDLE + timedelta(seconds=1)
    other = begin("ann", "notes.pdf", data, at=later)
    assert list(PartialUpload.objects.values_list("public_id", flat=True)) == [other.public_id]


def test_an_aborted_upload_leaves_nothing_behind(storage_root: Path, django_capture_on_commit_callbacks) -> None:
    data = pdf_of(2 * PIECE)
    upload = begin("ann", "report.pdf", data)
    send("ann", upload, data, 0)
    with django_capture_on_commit_callbacks(execute=True):
        files.abort(learner("ann"), upload.public_id, IN_PIECES)
    assert not PartialUpload.objects.exists() and not UploadPiece.objects.exists()
    assert not stored_files(storage_root)


def test_uploads_idle_for_a_day_are_cleaned_with_their_pieces(
    storage_root: Path, django_capture_on_commit_callbacks
) -> None:
    data = pdf_of(2 * PIECE)
    stale = begin("ann", "report.pdf", data)
    send("ann", stale, data, 0)
    done = begin("bob", "report.pdf", data)
    send_all("bob", done, data)
    with django_capture_on_commit_callbacks(execute=True):
        files.finish(Problem(LAB, NOW), learner("bob"), done.public_id, IN_PIECES)
    fresh = begin("cat", "report.pdf", data, at=NOW + timedelta(hours=23))
    with django_capture_on_commit_callbacks(execute=True):
        assert files.clean_stale(NOW + timedelta(days=1, seconds=1), IN_PIECES) == 2
    assert list(PartialUpload.objects.values_list("public_id", flat=True)) == [fresh.public_id]
    assert len(stored_files(storage_root)) == 1  # bob's file, in his draft
    assert len(files.draft_files(learner("bob"))) == 1


def test_finishing_applies_the_draft_rules_as_they_are_now(storage_root: Path) -> None:
    data = pdf_of(PIECE)
    upload = begin("ann", "report.pdf", data)
    send_all("ann", upload, data)
    submit(Problem(LAB, NOW), learner("ann"), ["An answer", ""])
    assert refused(lambda: files.finish(Problem(LAB, NOW), learner("ann"), upload.public_id, IN_PIECES)) == (
        "already_submitted"
    )


def test_the_cleaning_command_empties_storage_of_abandoned_pieces(
    storage_root: Path, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from django.core.management import call_command

    from ora_xblock import platform

    data = pdf_of(2 * PIECE)
    for name in ("ann", "bob", "cat"):
        send(name, begin(name, "report.pdf", data), data, 0)
    monkeypatch.setattr(file_pieces, "CLEAN_BATCH", 2)  # the batch of idle uploads in pieces
    monkeypatch.setattr(platform, "now", lambda: NOW + timedelta(days=2))
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("ora_clean_uploads", stdout=out)
    assert out.getvalue() == "3 idle uploads cleaned\n"
    assert not PartialUpload.objects.exists()
    assert not stored_files(storage_root)


def test_the_demo_refuses_handler_requests_as_the_lms_and_a_4_mb_proxy_do(settings) -> None:
    from django.test import RequestFactory
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    from demo.limits import lms_upload_limits

    def body(size: int) -> bytes:
        return encode_multipart(BOUNDARY, {"piece": SimpleUploadedFile("blob", b"\0" * size)})

    middleware = lms_upload_limits(lambda request: HttpResponse("reached the block"))
    post = lambda path, data: middleware(RequestFactory().generic("POST", path, data, MULTIPART_CONTENT))  # noqa: E731
    assert post("/handler/x/upload_piece/", body(3_500_000)).content == b"reached the block"
    settings.ORA_DEMO_PROXY_BODY_CAP = 5_000_000
    lms = post("/handler/x/upload_piece/", body(4_000_001))
    assert (lms.status_code, json.loads(lms.content)) == (413, {"success": ANY})
    settings.ORA_DEMO_PROXY_BODY_CAP = 4_000_000
    proxy = post("/handler/x/upload_piece/", body(4_000_001))
    assert (proxy.status_code, proxy["Content-Type"]) == (413, "text/html")
    assert post("/scenario/x/", body(4_000_001)).content == b"reached the block"  # only handlers are limited


@pytest.mark.databases
@pytest.mark.django_db(transaction=True)
def test_a_piece_and_a_finish_sent_by_several_requests_at_once_land_once(storage_root: Path) -> None:
    from tests.concurrency import run_concurrently

    data = pdf_of(PIECE + 10)
    upload = begin("ann", "report.pdf", data)
    sent = run_concurrently(lambda _: send("ann", upload, data, 0).next_index, 4)
    assert sent == [1, 1, 1, 1]
    send("ann", upload, data, 1)
    run_concurrently(lambda _: files.finish(Problem(LAB, NOW), learner("ann"), upload.public_id, IN_PIECES), 4)
    assert UploadPiece.objects.count() == 0 and ResponseFile.objects.count() == 1
    assert files.Limits().storage.open(ResponseFile.objects.get().key).read() == data
