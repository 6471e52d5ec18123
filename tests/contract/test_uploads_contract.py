"""Files through the LMS's handler view: pieces under its 4,000,000-byte file limit and a 4 MB proxy cap."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import webob

from ora_xblock import scenarios
from ora_xblock.models import PartialUpload, ResponseFile, UploadPiece
from ora_xblock.services import files
from tests import samples
from tests.host.lms import Problem, account, lms_block, request_by
from tests.host.lms_handler import PROXY_BODY_CAP, LmsHandlerView, multipart

pytestmark = pytest.mark.django_db

MB = 1000 * 1000


@pytest.fixture
def storage_root(settings, tmp_path: Path) -> Path:
    """The operator's file storage: a filesystem, so no upload goes straight to storage."""
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}},
    }
    settings.STUDENT_FILEUPLOAD_MAX_SIZE = 4 * MB  # lms/envs/common.py
    return root


@pytest.fixture
def problem() -> Problem:
    return Problem(scenarios.demo_olx("staff_only.xml"))  # optional PDF and image files, several allowed


def content(signature: bytes, size: int, seed: int) -> bytes:
    """A real file of the type ``signature`` begins (the block parses what it accepts), of ``size`` bytes."""
    return samples.sized("pdf" if signature.startswith(b"%PDF") else "png", size, seed)


PDF_20MB = content(b"%PDF-1.7\n", 20 * MB, 1)
PNG_12MB = content(b"\x89PNG\r\n\x1a\n", 12 * MB, 2)


def answer(response: webob.Response) -> tuple[int, Any]:
    try:
        return response.status_code, json.loads(response.body)
    except ValueError:
        return response.status_code, response.body


def code(response: webob.Response) -> tuple[int, str]:
    status, body = answer(response)
    return status, body["error"]["code"]


def send_piece(view: LmsHandlerView, block: Any, upload_id: str, index: int, offset: int, data: bytes):
    fields = {"upload_id": upload_id, "index": str(index), "offset": str(offset)}
    return view.post(block, "upload_piece", multipart(fields, {"piece": ("blob", data)}))


def upload_in_pieces(view: LmsHandlerView, block: Any, filename: str, data: bytes) -> webob.Response:
    """What the learner's page does for a file over one request: start, begin, each piece, finish."""
    fields = {"filename": filename, "description": f"About {filename}", "size": len(data)}
    status, start = answer(view.post_json(block, "upload_start", fields))
    assert (status, start["direct"]) == (200, None)
    assert start["piece_bytes"] < len(data)
    status, begun = answer(view.post_json(block, "upload_begin", fields))
    assert status == 200, begun
    piece = begun["piece_bytes"]
    for index, offset in enumerate(range(0, len(data), piece)):
        status, sent = answer(send_piece(view, block, begun["upload_id"], index, offset, data[offset : offset + piece]))
        assert (status, sent["next_index"]) == (200, index + 1), sent
    return view.post_json(block, "upload_finish", {"upload_id": begun["upload_id"]})


def test_a_20_mb_pdf_and_a_12_mb_image_reach_the_draft_in_pieces_byte_for_byte(storage_root, problem) -> None:
    ann = account("ann")
    view = LmsHandlerView()
    with request_by(ann):
        block = lms_block(problem, ann)
        for filename, data in (("thesis.pdf", PDF_20MB), ("scan.png", PNG_12MB)):
            status, page = answer(upload_in_pieces(view, block, filename, data))
            assert status == 200, page
            assert filename in page["html"]
    stored = {item.name: item for item in ResponseFile.objects.all()}
    assert {name: (item.size, item.content_type) for name, item in stored.items()} == {
        "thesis.pdf": (20 * MB, "application/pdf"),
        "scan.png": (12 * MB, "image/png"),
    }
    storage = files.Limits().storage
    assert storage.open(stored["thesis.pdf"].key).read() == PDF_20MB
    assert storage.open(stored["scan.png"].key).read() == PNG_12MB
    assert view.reached_block == (3 + 6) + (3 + 4)  # start, begin, finish, and 6 then 4 pieces of at most 3.5 MB
    assert not UploadPiece.objects.exists()


def test_a_disguised_file_sent_in_pieces_is_refused_by_the_content_check(storage_root, problem) -> None:
    ann = account("ann")
    disguised = (b"<html><script>alert(1)</script></html>" + b" " * 1000) * 5000  # 5 MB of HTML named .png
    view = LmsHandlerView()
    with request_by(ann):
        block = lms_block(problem, ann)
        refusal = upload_in_pieces_expecting_refusal(view, block, "holiday.png", disguised)
    assert refusal == (400, "file.content_mismatch")
    assert not ResponseFile.objects.exists()
    assert not [path for path in storage_root.rglob("*") if path.is_file()]


def upload_in_pieces_expecting_refusal(view: LmsHandlerView, block: Any, filename: str, data: bytes):
    fields = {"filename": filename, "description": "Pictures", "size": len(data)}
    begun = answer(view.post_json(block, "upload_begin", fields))[1]
    refused = send_piece(view, block, begun["upload_id"], 0, 0, data[: begun["piece_bytes"]])
    assert answer(view.post_json(block, "upload_abort", {"upload_id": begun["upload_id"]}))[0] == 200
    return code(refused)


def test_pieces_out_of_order_oversize_of_another_learner_or_after_finishing_are_refused(storage_root, problem) -> None:
    ann, bob = account("ann"), account("bob")
    data = content(b"%PDF-1.7\n", 5 * MB, 3)
    view = LmsHandlerView()
    with request_by(ann):
        block = lms_block(problem, ann)
        begun = answer(view.post_json(block, "upload_begin", {"filename": "a.pdf", "description": "A", "size": 5 * MB}))
        upload_id, piece = begun[1]["upload_id"], begun[1]["piece_bytes"]
        out_of_order = send_piece(view, block, upload_id, 1, piece, data[piece:])
        oversize = send_piece(view, block, upload_id, 0, 0, data[: piece + 1])
        over_the_lms_limit = send_piece(LmsHandlerView(proxy_body_cap=None), block, upload_id, 0, 0, data[: 4 * MB + 1])
        over_the_proxy_cap = send_piece(view, block, upload_id, 0, 0, data[: 4 * MB + 1])
    with request_by(bob):
        someone_elses = send_piece(view, lms_block(problem, bob), upload_id, 0, 0, data[:piece])

    assert code(out_of_order) == (409, "piece_out_of_order")
    assert code(oversize) == (413, "piece_too_large")
    assert answer(over_the_lms_limit)[0] == 413 and set(answer(over_the_lms_limit)[1]) == {"success"}
    assert (over_the_proxy_cap.status_code, over_the_proxy_cap.content_type) == (413, "text/html")
    assert code(someone_elses) == (404, "no_such_upload")
    upload = PartialUpload.objects.get(public_id=upload_id)
    assert (upload.next_index, upload.received, upload.pieces.count()) == (0, 0, 0)
    assert not [path for path in storage_root.rglob("*") if path.is_file()]

    with request_by(ann):
        block = lms_block(problem, ann)
        for index, offset in enumerate((0, piece)):
            assert answer(send_piece(view, block, upload_id, index, offset, data[offset : offset + piece]))[0] == 200
        assert answer(view.post_json(block, "upload_finish", {"upload_id": upload_id}))[0] == 200
        late = send_piece(view, block, upload_id, 1, piece, data[piece:])
    assert code(late) == (409, "upload_finished")
    assert ResponseFile.objects.count() == 1


@pytest.mark.parametrize("proxy", [None, PROXY_BODY_CAP], ids=["lms", "tutor"])
def test_a_5_mb_file_in_one_request_is_refused_before_the_block_sees_it(storage_root, problem, proxy) -> None:
    ann = account("ann")
    view = LmsHandlerView(proxy_body_cap=proxy)
    body = multipart({"description": "Big"}, {"file": ("big.pdf", content(b"%PDF-1.7\n", 5 * MB, 4))})
    with request_by(ann):
        refused = view.post(lms_block(problem, ann), "upload_file", body)
    status, shown = answer(refused)
    assert status == 413
    if proxy is None:  # the LMS's own answer
        assert set(shown) == {"success"} and "big.pdf" in shown["success"]
    else:  # the proxy's, which is no JSON at all
        assert refused.content_type == "text/html"
    assert view.reached_block == 0
    assert not ResponseFile.objects.exists()


def test_a_file_under_the_limit_still_goes_in_one_request(storage_root, problem) -> None:
    ann = account("ann")
    view = LmsHandlerView()
    small = content(b"%PDF-1.7\n", 3 * MB, 5)
    with request_by(ann):
        block = lms_block(problem, ann)
        body = multipart({"description": "Small"}, {"file": ("small.pdf", small)})
        status, page = answer(view.post(block, "upload_file", body))
    assert status == 200 and "small.pdf" in page["html"]
    assert files.Limits().storage.open(ResponseFile.objects.get().key).read() == small


def test_the_host_refuses_more_files_in_one_field_than_the_lms_takes(storage_root, problem) -> None:
    ann = account("ann")
    view = LmsHandlerView()
    body = multipart({"description": "Many"}, {"file": [(f"{n}.pdf", b"%PDF-1.7\n") for n in range(21)]})
    refused = view.post(lms_block(problem, ann), "upload_file", body)
    assert answer(refused)[0] == 413 and set(answer(refused)[1]) == {"success"}
    assert view.reached_block == 0
