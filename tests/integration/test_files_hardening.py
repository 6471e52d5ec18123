"""Files under attack and under failure (issue 12): names that leave the block in archives and downloads, peer
access that ends with the lease, custom extensions, structural checks of the bytes, files deleted with a reset,
the content refusal's message, the CSRF header of multipart uploads, and storage failing at every write."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.db import transaction
from django.test.client import MULTIPART_CONTENT

from ora_xblock import models, platform, scenarios
from ora_xblock.definition import load_olx
from ora_xblock.models import PartialUpload, ResponseFile, UploadPiece
from ora_xblock.services import file_zip, files, staff
from ora_xblock.services.audit import Actor
from ora_xblock.services.common import Learner, Problem, Refusal
from ora_xblock.services.responses import submit
from tests import samples
from tests.host.lms import Problem as LmsProblem
from tests.host.lms import account, anonymous_id_for_user, lms_block, request_by
from tests.host.lms_handler import LmsHandlerView, multipart

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ITEM = "item-h"
COURSE = "course-v1:O+R+1"
PNG, PDF = samples.png(), samples.pdf()
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
LAB = load_olx(scenarios.resource_text("scenarios/staff_only.xml"))  # optional pdf-and-image files
PIECE = 1000
IN_PIECES = files.Limits(piece_bytes=PIECE)


class FlakyStorage(FileSystemStorage):
    """The operator's file storage, failing on demand: each name in ``faults`` makes that operation raise OSError.

    ``save`` fails half-way, leaving half the bytes on disk as a real disk or connection failure does; ``read``
    fails after the first 64 KB of a file that opened.
    """

    faults: ClassVar[set[str]] = set()

    def _save(self, name: str, content: Any) -> str:
        if "save" in self.faults:
            path = Path(self.path(name))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.read()[: max(1, content.size // 2)])
            raise OSError("storage failed mid-write")
        return super()._save(name, content)

    def _open(self, name: str, mode: str = "rb") -> Any:
        if "open" in self.faults:
            raise OSError("storage unreachable")
        opened = super()._open(name, mode)
        return _FailingReader(opened.file) if "read" in self.faults else opened

    def delete(self, name: str) -> None:
        if "delete" in self.faults:
            raise OSError("storage refused the delete")
        super().delete(name)

    def size(self, name: str) -> int:
        if "size" in self.faults:
            raise OSError("storage unreachable")
        return super().size(name)


class _FailingReader(io.RawIOBase):
    def __init__(self, inner: Any) -> None:
        super().__init__()
        self.inner, self.sent = inner, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.sent >= 64 * 1024:
            raise OSError("connection reset mid-read")
        data = self.inner.read(64 * 1024 if size < 0 else min(size, 64 * 1024))
        self.sent += len(data)
        return data

    def close(self) -> None:
        self.inner.close()
        super().close()


@pytest.fixture
def storage_root(settings, tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.FlakyStorage", "OPTIONS": {"location": str(root)}},
    }
    FlakyStorage.faults = set()
    yield root
    FlakyStorage.faults = set()


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def learner(name: str, username: str | None = None) -> Learner:
    return Learner(
        course_id=COURSE, item_id=ITEM, student_id=f"anon-{name}", username=name if username is None else username
    )


def put(who: Learner, filename: str, data: bytes, definition=LAB, limits: files.Limits | None = None):
    stream = io.BytesIO(data)
    return files.upload(
        Problem(definition, NOW), who, filename, "A figure", stream, len(data), limits or files.Limits()
    )


def refused(call) -> Refusal:
    with pytest.raises(Refusal) as refusal, transaction.atomic():
        call()
    return refusal.value


SAFE_SEGMENT = re.compile(r"[^/\\\x00-\x1f\x7f-\x9f]{1,120}")


# 5. Archive names


def test_the_staff_zip_keeps_every_entry_in_one_folder_per_learner_whatever_the_usernames(
    storage_root: Path, tmp_path: Path
) -> None:
    usernames = ["..", "../../../tmp/pwn", "a/b", "a_b", "a_b", "\u202etxt.exe\x1f", ".", "", "C:\\evil", "x" * 150]
    for number, username in enumerate(usernames):
        who = learner(f"l{number}", username)
        put(who, "../../plot.png", PNG)
        submit(Problem(LAB, NOW), who, ["", ""])

    archive = io.BytesIO()
    file_zip.write_zip(archive, ITEM, files.Limits().storage)
    with zipfile.ZipFile(archive) as bundle:
        entries = bundle.namelist()
        bundle.extractall(tmp_path / "out")
    assert len(entries) == len(usernames)
    for entry in entries:
        segments = entry.split("/")
        assert len(segments) == 2, entry
        assert all(SAFE_SEGMENT.fullmatch(part) and part.strip(".") and not part.startswith(".") for part in segments)
    assert len({entry.split("/")[0] for entry in entries}) == len(usernames)  # two learners never share a folder
    extracted = [path for path in (tmp_path / "out").rglob("*") if path.is_file()]
    assert len(extracted) == len(usernames)
    assert all(path.resolve().is_relative_to((tmp_path / "out").resolve()) for path in extracted)
    assert not (tmp_path.parent / "tmp" / "pwn").exists()


# 6. Peer access ends with the lease


def test_a_reviewer_whose_lease_has_lapsed_can_no_longer_download_the_authors_file(
    storage_root: Path, monkeypatch
) -> None:
    problem = LmsProblem(scenarios.demo_olx("files_peer.xml"))
    ann, bob, cat = account("ann"), account("bob"), account("cat")
    view = LmsHandlerView()
    monkeypatch.setattr(platform, "now", lambda: NOW)
    for user in (ann, bob, cat):
        with request_by(user):
            block = lms_block(problem, user)
            if user is ann:
                body = multipart({"description": "My poster"}, {"file": ("poster.png", PNG)})
                assert view.post(block, "upload_file", body).status_code == 200
            assert view.post_json(block, "submit", {"answers": [f"{user.username}'s poster"]}).status_code == 200
    item = ResponseFile.objects.get()
    with request_by(bob):
        block = lms_block(problem, bob)
        assert view.post_json(block, "peer_next", {}).status_code == 200
        assert block.handle("download_file", _get(), str(item.pk)).status_code == 200  # while the lease is valid
        monkeypatch.setattr(platform, "now", lambda: NOW + timedelta(hours=8, seconds=1))
        lapsed = block.handle("download_file", _get(), str(item.pk))
    assert lapsed.status_code == 404, "the file was served after the lease lapsed"
    assert json.loads(lapsed.body)["error"]["code"] == "no_such_file"


def _get():
    import webob

    return webob.Request.blank("/")


# 7. Custom extensions and Content-Disposition


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("notes.ѕcr", "notes.ѕcr"),  # a Cyrillic extension, as a custom list once allowed
        ('say "hi"; filename=evil.exe.txt', "say _hi_; filename=evil.exe.txt"),
        ("résumé\u202e.txt", "résumé.txt"),
        ("%41%2F.txt", "%41%2F.txt"),
        ("..", "file"),
    ],
)
def test_a_download_is_an_attachment_with_an_ascii_name_and_the_real_name_whatever_was_stored(
    storage_root: Path, make_block, users, name: str, shown: str
) -> None:
    block = make_block(scenarios.demo_olx("staff_only.xml"))
    files.Limits().storage.save("ora_xblock/old/key", io.BytesIO(b"old file"))
    item = ResponseFile.objects.create(  # a row stored before extensions were limited to ASCII letters and digits
        item_id=platform.item_id(block),
        student_id=hashlib_id("ann"),
        key="ora_xblock/old/key",
        name=name,
        description="Old",
        extension=name.rsplit(".", 1)[-1],
        content_type="application/octet-stream",
        size=8,
        uploaded_at=NOW,
    )
    for viewer, staff_member in (("ann", False), ("staff", True)):
        users.as_user(viewer, staff=staff_member)
        header = block.handle("download_file", _get(), str(item.pk)).headers["Content-Disposition"]
        assert re.fullmatch(ATTACHMENT, header), header
        assert samples.download_name(header) == ("attachment", shown)


# RFC 6266: an ASCII quoted-string fallback, then the RFC 5987 UTF-8 name in attr-chars and percent escapes.
ATTACHMENT = r'attachment; filename="[\x20\x21\x23-\x5b\x5d-\x7e]+"; filename\*=UTF-8\'\'[A-Za-z0-9%!#$&+^_`|~.-]+'


def hashlib_id(username: str) -> str:
    import hashlib

    return hashlib.sha256(username.encode()).hexdigest()[:32]  # tests.conftest.FakeUserService's anonymous id


# 8. Structural checks, on every way in


DISGUISED = [
    ("photo.jpg", b"\xff\xd8" + HTML * 20),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + HTML * 20),
    ("photo.png", samples.PNG_SIGNATURE + b"<script>alert(1)</script>" * 40),
    ("photo.gif", b"GIF89a" + b"<script>alert(1)</script>" * 40),
    ("photo.gif", b"GIF87a" + b"<script>alert(1)</script>" * 40),
    ("notes.pdf", b"%PDF-1.7\n" + HTML * 20),
]


@pytest.mark.parametrize(("filename", "data"), DISGUISED)
def test_a_file_that_only_begins_like_its_type_is_refused_whole_in_pieces_and_from_s3(
    storage_root: Path, s3_storage: files.Limits, filename: str, data: bytes
) -> None:
    ann, problem = learner("ann"), Problem(LAB, NOW)
    assert refused(lambda: put(ann, filename, data)).code == "file.content_mismatch"

    upload = files.begin(problem, ann, filename, "Pieces", len(data), IN_PIECES)

    def send_all() -> None:
        for index in range(-(-len(data) // PIECE)):
            piece = data[index * PIECE : (index + 1) * PIECE]
            files.add_piece(ann, upload.public_id, index, index * PIECE, io.BytesIO(piece), len(piece), IN_PIECES, NOW)
        files.finish(problem, ann, upload.public_id, IN_PIECES)

    assert refused(send_all).code == "file.content_mismatch"

    form = files.direct_upload(problem, ann, filename, "Straight to S3", len(data), s3_storage)
    s3_storage.storage.save(ResponseFile.objects.get(pk=form["file_id"]).key, io.BytesIO(data))
    assert refused(lambda: files.confirm(problem, ann, form["file_id"], s3_storage)).code == "file.content_mismatch"
    assert files.draft_files(ann) == []


def test_the_joined_file_is_parsed_whole_so_a_broken_image_after_a_good_first_piece_is_refused(
    storage_root: Path,
) -> None:
    ann, problem = learner("ann"), Problem(LAB, NOW)
    data = bytearray(samples.sized("png", 3 * PIECE, seed=8))
    data[2 * PIECE + 100] ^= 0xFF  # a chunk whose checksum no longer holds, in the last piece
    upload = files.begin(problem, ann, "scan.png", "Scan", len(data), IN_PIECES)
    for index in range(3):
        piece = bytes(data[index * PIECE : (index + 1) * PIECE])
        files.add_piece(ann, upload.public_id, index, index * PIECE, io.BytesIO(piece), PIECE, IN_PIECES, NOW)
    assert refused(lambda: files.finish(problem, ann, upload.public_id, IN_PIECES)).code == "file.content_mismatch"
    assert files.draft_files(ann) == []


@pytest.mark.parametrize("kind", ["png", "jpg", "gif", "pdf"])
def test_real_files_of_every_preset_type_pass_whole_and_in_pieces(storage_root: Path, kind: str) -> None:
    ann, problem = learner("ann"), Problem(LAB, NOW)
    data = samples.sized(kind, 5 * PIECE + 17, seed=3)
    put(ann, f"whole.{kind}", data)
    upload = files.begin(problem, ann, f"pieces.{kind}", "Pieces", len(data), IN_PIECES)
    for index in range(6):
        piece = data[index * PIECE : (index + 1) * PIECE]
        files.add_piece(ann, upload.public_id, index, index * PIECE, io.BytesIO(piece), len(piece), IN_PIECES, NOW)
    files.finish(problem, ann, upload.public_id, IN_PIECES)
    assert sorted(item.name for item in files.draft_files(ann)) == [f"pieces.{kind}", f"whole.{kind}"]


# 12. Files go with a reset


def _learner_with_files(who: Learner, definition=LAB) -> None:
    """Two submitted files, and a third file half sent in pieces."""
    put(who, "plot.png", PNG, definition)
    put(who, "report.pdf", PDF, definition)
    submit(Problem(definition, NOW), who, ["", ""])


def _half_sent(who: Learner) -> PartialUpload:
    data = samples.sized("pdf", 2 * PIECE)
    upload = files.begin(Problem(LAB, NOW), who, "late.pdf", "Late", len(data), IN_PIECES)
    files.add_piece(who, upload.public_id, 0, 0, io.BytesIO(data[:PIECE]), PIECE, IN_PIECES, NOW)
    return upload


@pytest.mark.databases
@pytest.mark.django_db(transaction=True)
def test_a_staff_reset_deletes_the_learners_files_after_commit_and_retries_when_storage_fails(
    storage_root: Path, monkeypatch
) -> None:
    ann, bob = learner("ann"), learner("bob")
    _half_sent(ann)  # pieces of a file ann never finished (before submitting, while the draft was open)
    _learner_with_files(ann)
    _learner_with_files(bob)
    bobs = [storage_root / item.key for item in ResponseFile.objects.filter(student_id=bob.student_id)]
    assert len(stored_files(storage_root)) == 5

    FlakyStorage.faults = {"delete"}
    staff.reset(COURSE, ITEM, ann.student_id, Actor("anon-staff", "staff"), NOW)
    assert not ResponseFile.objects.filter(student_id=ann.student_id).exists()
    assert not PartialUpload.objects.filter(student_id=ann.student_id).exists()
    assert not UploadPiece.objects.exists()
    assert len(stored_files(storage_root)) == 5  # storage refused: the keys wait in LooseFile

    FlakyStorage.faults = set()
    monkeypatch.setattr(platform, "now", lambda: datetime.now(UTC) + timedelta(hours=1))
    call_command("ora_clean_uploads", stdout=io.StringIO())
    assert stored_files(storage_root) == sorted(bobs)
    assert not models.LooseFile.objects.exists()


@pytest.mark.databases
@pytest.mark.django_db(transaction=True)
def test_delete_learner_state_deletes_the_files_once_the_platforms_transaction_commits(storage_root: Path) -> None:
    ann = learner("ann")
    _half_sent(ann)
    _learner_with_files(ann)
    with transaction.atomic():  # the LMS's own transaction around clear_student_state
        staff.clear(COURSE, ITEM, ann.student_id, Actor("anon-staff", "staff"), NOW)
        assert len(stored_files(storage_root)) == 3  # nothing leaves storage before the rows are gone for good
    assert stored_files(storage_root) == []
    assert (
        not ResponseFile.objects.exists()
        and not PartialUpload.objects.exists()
        and not models.LooseFile.objects.exists()
    )


# 13. The content refusal says which file and what is allowed


def test_a_content_refusal_names_the_file_and_the_types_the_problem_accepts(storage_root: Path, make_block) -> None:
    import webob

    block = make_block(scenarios.demo_olx("staff_only.xml"))
    body = multipart({"description": "Holiday"}, {"file": ("holiday.png", HTML)})
    request = webob.Request.blank("/", method="POST", body=body, headers={"X-CSRFToken": "token"})
    request.content_type = MULTIPART_CONTENT
    response = block.handle("upload_file", request)
    error = json.loads(response.body)["error"]
    assert (response.status_code, error["code"]) == (400, "file.content_mismatch")
    assert "holiday.png" in error["message"]
    assert ".jpg, .jpeg, .gif, .png, .pdf" in error["message"]


# 14. Multipart uploads need the CSRF header


def test_multipart_uploads_through_the_lms_view_without_the_csrf_header_are_refused(storage_root: Path) -> None:
    problem, ann = LmsProblem(scenarios.demo_olx("staff_only.xml")), account("ann")
    view = LmsHandlerView()
    with request_by(ann):
        block = lms_block(problem, ann)
        begun = json.loads(
            view.post_json(block, "upload_begin", {"filename": "a.png", "description": "A", "size": 5000}).body
        )
        whole = view.post(block, "upload_file", multipart({"description": "A"}, {"file": ("a.png", PNG)}), csrf=False)
        fields = {"upload_id": begun["upload_id"], "index": "0", "offset": "0"}
        piece = view.post(block, "upload_piece", multipart(fields, {"piece": ("blob", PNG)}), csrf=False)
    for answer in (whole, piece):
        assert (answer.status_code, json.loads(answer.body)["error"]["code"]) == (403, "csrf_header_missing")
    assert not ResponseFile.objects.exists() and not UploadPiece.objects.exists()
    assert stored_files(storage_root) == []


# Storage failing mid-upload and mid-download (fault injection at every write boundary)


def _code(response) -> tuple[int, str]:
    return response.status_code, json.loads(response.body)["error"]["code"]


@pytest.fixture
def lab_block():
    problem, ann = LmsProblem(scenarios.demo_olx("staff_only.xml")), account("ann")
    with request_by(ann):
        yield lms_block(problem, ann), anonymous_id_for_user(ann)


@pytest.mark.databases
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("faults", [{"save"}, {"size"}, {"save", "delete"}], ids=["save", "size", "save-and-delete"])
def test_storage_failing_under_a_whole_upload_answers_503_and_leaves_nothing(
    storage_root: Path, lab_block, monkeypatch, faults: set[str]
) -> None:
    block, _ = lab_block
    view = LmsHandlerView()
    data = samples.sized("pdf", 20_000)
    FlakyStorage.faults = set(faults)
    failed = view.post(block, "upload_file", multipart({"description": "Report"}, {"file": ("report.pdf", data)}))
    assert _code(failed) == (503, "storage_unavailable")
    assert not ResponseFile.objects.exists()
    FlakyStorage.faults = set()
    if "delete" in faults:  # the half-written file is recorded, and the cleaner deletes it once storage is back
        assert models.LooseFile.objects.count() == 1
        monkeypatch.setattr(platform, "now", lambda: datetime.now(UTC) + timedelta(days=2))
        call_command("ora_clean_uploads", stdout=io.StringIO())
    assert stored_files(storage_root) == [] and not models.LooseFile.objects.exists()
    again = view.post(block, "upload_file", multipart({"description": "Report"}, {"file": ("report.pdf", data)}))
    assert again.status_code == 200
    assert [path.read_bytes() for path in stored_files(storage_root)] == [data]


@pytest.mark.databases
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("step", "faults"),
    [("piece", {"save"}), ("piece", {"save", "delete"}), ("join", {"open"}), ("join", {"open", "delete"})],
    ids=["piece", "piece-and-delete", "join", "join-and-delete"],
)
def test_storage_failing_under_an_upload_in_pieces_answers_503_and_the_upload_resumes(
    storage_root: Path, lab_block, settings, step: str, faults: set[str]
) -> None:
    block, _ = lab_block
    settings.ORA_XBLOCK_UPLOAD_CHUNK_BYTES, settings.STUDENT_FILEUPLOAD_MAX_SIZE = 1, 4000  # pieces of 4,000 bytes
    view = LmsHandlerView()
    data = samples.sized("pdf", 10_000, seed=5)
    begun = json.loads(
        view.post_json(block, "upload_begin", {"filename": "r.pdf", "description": "R", "size": 10_000}).body
    )
    upload_id, size = begun["upload_id"], begun["piece_bytes"]

    def send(index: int):
        fields = {"upload_id": upload_id, "index": str(index), "offset": str(index * size)}
        return view.post(
            block, "upload_piece", multipart(fields, {"piece": ("blob", data[index * size : (index + 1) * size])})
        )

    assert send(0).status_code == 200
    if step == "piece":
        FlakyStorage.faults = set(faults)
        assert _code(send(1)) == (503, "storage_unavailable")
        FlakyStorage.faults = set()
        upload = PartialUpload.objects.get()
        assert (upload.next_index, upload.received, upload.pieces.count()) == (1, size, 1)
    assert send(1).status_code == 200 and send(2).status_code == 200
    if step == "join":
        FlakyStorage.faults = set(faults)
        assert _code(view.post_json(block, "upload_finish", {"upload_id": upload_id})) == (503, "storage_unavailable")
        FlakyStorage.faults = set()
        assert not ResponseFile.objects.exists() and PartialUpload.objects.get().finished_at is None
    assert view.post_json(block, "upload_finish", {"upload_id": upload_id}).status_code == 200
    [item] = ResponseFile.objects.all()
    assert stored_files(storage_root) == [storage_root / item.key]  # no half piece, no half joined file
    assert (storage_root / item.key).read_bytes() == data


@pytest.mark.databases
@pytest.mark.django_db(transaction=True)
def test_storage_failing_under_a_download_answers_503_or_ends_the_file_early_never_a_500(
    storage_root: Path, lab_block
) -> None:
    block, _ = lab_block
    view = LmsHandlerView()
    data = samples.sized("pdf", 300_000, seed=6)
    assert (
        view.post(block, "upload_file", multipart({"description": "R"}, {"file": ("r.pdf", data)})).status_code == 200
    )
    assert view.post_json(block, "submit", {"answers": ["", ""]}).status_code == 200
    item = ResponseFile.objects.get()
    FlakyStorage.faults = {"open"}
    assert _code(block.handle("download_file", _get(), str(item.pk))) == (503, "storage_unavailable")
    FlakyStorage.faults = {"read"}
    response = block.handle("download_file", _get(), str(item.pk))
    assert response.status_code == 200 and response.content_length == len(data)
    body = b"".join(response.app_iter)  # the failure is logged; the browser sees a body shorter than announced
    assert 0 < len(body) < len(data) and data.startswith(body)
    # The staff zip is built in the background: a storage failing under it fails the task
    # (tests/integration/test_files_zip_background.py).


def test_the_cleaner_never_deletes_a_file_that_a_row_points_at_again(storage_root: Path) -> None:
    ann = learner("ann")
    item = put(ann, "plot.png", PNG)
    models.LooseFile.objects.create(storage="default", key=item.key, due_at=NOW)  # e.g. a cleaning racing a finish
    call_command("ora_clean_uploads", stdout=io.StringIO())
    assert stored_files(storage_root) == [storage_root / item.key]
    assert not models.LooseFile.objects.exists()
