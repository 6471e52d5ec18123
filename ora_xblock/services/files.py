"""Files in responses: upload into Django storage, keep with the draft, attach on submit, serve safely.

Every limit is enforced here, whatever the browser checked: the problem's
types, the per-file size, the file count and the seed's 500 MB in total.
Files are stored under generated keys; the learner's file name is only
ever shown, and never to peers.

A file arrives in one of three ways: in one request (:func:`upload`), straight
into S3 (:func:`direct_upload`, :func:`confirm`), or in pieces small enough for
hosts that cap each request (:func:`begin`, :func:`add_piece`, :func:`finish`),
joined and checked as a whole before it joins the draft.
"""

from __future__ import annotations

import functools
import hashlib
import io
import shutil
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.models import Q, QuerySet

from .. import uploads
from ..definition.errors import N_
from ..definition.model import Necessity
from ..models import PartialUpload, PeerLease, ResponseFile, UploadPiece, Workflow
from .common import Learner, Problem, Refusal

HEAD_BYTES = 8192
DIRECT_UPLOAD_SECONDS = 900
# An upload in pieces that got no piece for this long is given up when its learner begins another one.
UPLOAD_IDLE = timedelta(minutes=15)
# Uploads in pieces idle this long, finished or not, are cleaned away with their pieces.
UPLOAD_STALE = timedelta(days=1)
CLEAN_BATCH = 100
COPY_BYTES = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """How much a learner may upload for one response."""

    max_file_bytes: int = 100 * 1024 * 1024
    max_total_bytes: int = 500 * 1000 * 1000  # the seed's 500 MB
    max_files: int = 20
    extra_prohibited: tuple[str, ...] = ()
    storage_alias: str = "default"
    piece_bytes: int = uploads.DEFAULT_PIECE_BYTES  # see uploads.piece_bytes

    @property
    def storage(self) -> Storage:
        return storages[self.storage_alias]


REJECTIONS = {
    "file.no_name": N_("The file has no usable name."),
    "file.name_too_long": N_("File names can be at most {limit} characters."),
    "file.no_extension": N_('"{name}" has no extension, so its type cannot be checked.'),
    "file.type_not_allowed": N_('"{name}" is not a type this problem accepts. Allowed: {allowed}.'),
    "file.content_mismatch": N_("The file's contents are not a .{extension} file."),
}
PIECE_REFUSALS = {
    "piece.out_of_order": (409, "piece_out_of_order", N_("Pieces must arrive in order: piece {expected} is next.")),
    "piece.too_large": (
        413,
        "piece_too_large",
        N_("This piece would make the file larger than the size given when the upload began."),
    ),
    "piece.incomplete": (400, "piece_incomplete", N_("This piece is short: it must have {expected} bytes.")),
}


def draft_files(learner: Learner) -> list[ResponseFile]:
    """The checked files the learner has uploaded and not yet submitted (one query)."""
    mine = ResponseFile.objects.filter(item_id=learner.item_id, student_id=learner.student_id, workflow=None)
    return list(mine.filter(confirmed=True).order_by("uploaded_at", "id"))


def upload(
    problem: Problem, learner: Learner, filename: str, description: object, stream: IO[bytes], size: int, limits: Limits
) -> ResponseFile:
    """Check and store one file for the learner's draft; on any refusal nothing is kept."""
    checked = _check_request(problem, filename, description, size, limits)
    content_type = _check_bytes(_head(stream), checked.extension)
    with transaction.atomic(savepoint=False):
        _check_room(problem, learner, size, limits, _pending(learner, problem.now))
        key = _new_key(learner)
        stored_key = limits.storage.save(key, File(stream, name=key))
        try:
            stored_size = limits.storage.size(stored_key)
            if stored_size != size or stored_size > limits.max_file_bytes:
                raise Refusal(400, "upload_incomplete", N_("The file did not arrive whole. Upload it again."))
            return _record(problem, learner, checked, description, stored_key, size, content_type)
        except BaseException:
            limits.storage.delete(stored_key)
            raise


def direct_upload(
    problem: Problem, learner: Learner, filename: str, description: object, size: object, limits: Limits
) -> dict[str, Any] | None:
    """Where the storage takes uploads itself (S3), a presigned form for the browser to send the file to.

    The file is recorded unconfirmed; :func:`confirm` checks what arrived. Returns None when the storage
    can't take uploads directly: the browser then sends the file through :func:`upload`.
    """
    client = _direct_client(limits.storage)
    if client is None:
        return None
    if not isinstance(size, int) or size < 1:
        raise Refusal(400, "bad_request", N_("Send the file's size in bytes."))
    checked = _check_request(problem, filename, description, size, limits)
    with transaction.atomic(savepoint=False):
        abandoned = problem.now - timedelta(seconds=DIRECT_UPLOAD_SECONDS)
        ResponseFile.objects.filter(
            item_id=learner.item_id, student_id=learner.student_id, confirmed=False, uploaded_at__lt=abandoned
        ).delete()
        _check_room(problem, learner, size, limits)
        key = _new_key(learner)
        record = _record(problem, learner, checked, description, key, size, "application/octet-stream", False)
    storage = limits.storage
    object_key = storage._normalize_name(key)
    form = client.generate_presigned_post(
        Bucket=storage.bucket_name,
        Key=object_key,
        Conditions=[["content-length-range", size, size]],
        ExpiresIn=DIRECT_UPLOAD_SECONDS,
    )
    return {"file_id": record.pk, "url": form["url"], "fields": form["fields"]}


def confirm(problem: Problem, learner: Learner, file_id: object, limits: Limits) -> ResponseFile:
    """Check a file the browser sent straight to the storage; a bad or missing one is deleted and refused."""
    with transaction.atomic(savepoint=False):
        record = (
            ResponseFile.objects.select_for_update()
            .filter(
                pk=file_id if isinstance(file_id, int) else None,
                item_id=learner.item_id,
                student_id=learner.student_id,
                confirmed=False,
            )
            .first()
        )
        if record is None:
            raise Refusal(404, "no_such_file", N_("There is no such upload to confirm."))
        storage = limits.storage
        if not storage.exists(record.key) or storage.size(record.key) != record.size:
            record.delete()
            raise Refusal(400, "upload_incomplete", N_("The file did not arrive whole. Upload it again."))
        with storage.open(record.key, "rb") as stored:
            head = stored.read(HEAD_BYTES)
        try:
            record.content_type = _check_bytes(head, record.extension)
        except Refusal:
            storage.delete(record.key)
            record.delete()
            raise
        record.confirmed = True
        record.save(update_fields=["content_type", "confirmed"])
        return record


def begin(
    problem: Problem, learner: Learner, filename: str, description: object, size: object, limits: Limits
) -> PartialUpload:
    """Start a file that the browser sends in pieces of ``limits.piece_bytes``, judged as :func:`upload` judges it.

    The learner's unfinished uploads of the same file (name and size), and those idle for
    :data:`UPLOAD_IDLE`, are given up first; the others count against the file count and total.
    """
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise Refusal(400, "bad_request", N_("Send the file's size in bytes."))
    checked = _check_request(problem, filename, description, size, limits)
    with transaction.atomic(savepoint=False):
        clean_stale(problem.now, limits)
        unfinished = _unfinished(learner)
        given_up = Q(updated_at__lt=problem.now - UPLOAD_IDLE) | Q(name=checked.name, size=size)
        _discard(unfinished.filter(given_up), limits)
        _check_room(problem, learner, size, limits, _pending(learner, problem.now))
        return PartialUpload.objects.create(
            public_id=uuid.uuid4().hex,
            item_id=learner.item_id,
            student_id=learner.student_id,
            name=checked.name,
            extension=checked.extension,
            description=str(description).strip(),
            size=size,
            piece_bytes=limits.piece_bytes,
            started_at=problem.now,
            updated_at=problem.now,
        )


def add_piece(
    learner: Learner,
    upload_id: object,
    index: int | None,
    offset: int | None,
    stream: IO[bytes],
    length: int,
    limits: Limits,
    now: datetime,
) -> PartialUpload:
    """Store the next piece of the learner's upload; the first piece's bytes must already fit the file's type.

    Pieces arrive in order, each with exactly the bytes it should have. A piece sent again (the
    browser missed the answer) changes nothing when its bytes are the same, and is refused otherwise.
    """
    if index is None or offset is None:
        raise Refusal(400, "bad_request", N_("Send the piece's index and offset as numbers."))
    with transaction.atomic(savepoint=False):
        upload = _open_upload(learner, upload_id)
        digest = _digest(stream)
        if index < upload.next_index:
            earlier = upload.pieces.filter(index=index).first()
            if earlier is not None and (earlier.digest, earlier.size) == (digest, length):
                return upload
            raise Refusal(
                409, "piece_conflict", N_("This piece arrived before with other bytes. Start the upload again.")
            )
        try:
            uploads.check_piece(upload.size, upload.piece_bytes, upload.next_index, index, offset, length)
        except uploads.Rejected as rejected:
            status, code, template = PIECE_REFUSALS[rejected.code]
            raise Refusal(status, code, template, **rejected.params) from None
        if index == 0:
            _check_bytes(_head(stream), upload.extension)  # a disguised file is refused before the rest is sent
        key = f"{_folder(learner)}/parts/{upload.public_id}-{index}"
        stored_key = limits.storage.save(key, File(stream, name=key))
        try:
            if limits.storage.size(stored_key) != length:
                raise Refusal(400, "upload_incomplete", N_("The file did not arrive whole. Upload it again."))
            UploadPiece.objects.create(upload=upload, index=index, size=length, digest=digest, key=stored_key)
            upload.next_index, upload.received, upload.updated_at = index + 1, upload.received + length, now
            upload.save(update_fields=["next_index", "received", "updated_at"])
        except BaseException:
            limits.storage.delete(stored_key)
            raise
        return upload


def finish(problem: Problem, learner: Learner, upload_id: object, limits: Limits) -> None:
    """Join the pieces into one stored file, check it as a whole, and add it to the draft.

    Every check of :func:`upload` applies again, to the joined file (its bytes, its size) and
    to the draft as it is now. A repeated finish of a finished upload changes nothing.
    """
    with transaction.atomic(savepoint=False):
        upload = _mine(learner, upload_id)
        if upload.finished_at is not None:
            return
        pieces = list(upload.pieces.order_by("index"))
        if upload.received != upload.size or [piece.index for piece in pieces] != list(range(len(pieces))):
            raise Refusal(
                409,
                "pieces_missing",
                N_("Only {received} of the file's {size} bytes have arrived. Send the rest first."),
                received=upload.received,
                size=upload.size,
            )
        checked = _check_request(problem, upload.name, upload.description, upload.size, limits)
        _check_room(problem, learner, upload.size, limits)
        storage = limits.storage
        key = _new_key(learner)
        stored_key = storage.save(key, File(_Joined(storage, [piece.key for piece in pieces], upload.size), name=key))
        try:
            if storage.size(stored_key) != upload.size:
                raise Refusal(400, "upload_incomplete", N_("The file did not arrive whole. Upload it again."))
            with storage.open(stored_key, "rb") as stored:
                content_type = _check_bytes(stored.read(HEAD_BYTES), checked.extension)
            _record(problem, learner, checked, upload.description, stored_key, upload.size, content_type)
        except BaseException:
            storage.delete(stored_key)
            raise
        _discard_pieces(UploadPiece.objects.filter(upload=upload), limits)
        upload.finished_at = upload.updated_at = problem.now
        upload.save(update_fields=["finished_at", "updated_at"])


def abort(learner: Learner, upload_id: object, limits: Limits) -> None:
    """Give up the learner's upload in pieces and delete what arrived; a finished one stays in the draft."""
    with transaction.atomic(savepoint=False):
        upload = _mine(learner, upload_id)
        if upload.finished_at is None:
            _discard(PartialUpload.objects.filter(pk=upload.pk), limits)


def clean_stale(now: datetime, limits: Limits) -> int:
    """Delete up to :data:`CLEAN_BATCH` uploads in pieces idle for :data:`UPLOAD_STALE`, with their pieces;
    returns how many."""
    with transaction.atomic(savepoint=False):
        stale = PartialUpload.objects.filter(updated_at__lt=now - UPLOAD_STALE).order_by("updated_at")
        ids = list(stale.values_list("pk", flat=True)[:CLEAN_BATCH])
        _discard(PartialUpload.objects.filter(pk__in=ids), limits)
    return len(ids)


def remove(learner: Learner, file_id: object, limits: Limits) -> None:
    """Take a file out of the learner's draft, and out of storage."""
    with transaction.atomic(savepoint=False):
        item = ResponseFile.objects.filter(
            pk=file_id if isinstance(file_id, int) else None,
            item_id=learner.item_id,
            student_id=learner.student_id,
            workflow=None,
        ).first()
        if item is None:
            raise Refusal(404, "no_such_file", N_("There is no such file in your draft."))
        item.delete()
        transaction.on_commit(lambda: limits.storage.delete(item.key))


def attach(problem: Problem, learner: Learner, workflow: Workflow, limits: Limits) -> dict[str, list[Any]]:
    """Attach the draft's files to the new submission; every one must be in storage.

    Returns the file fields of the submitted answer, in the shape the platform's reports read.
    """
    files = draft_files(learner)
    missing = [item.name for item in files if not limits.storage.exists(item.key)]
    if missing:
        raise Refusal(
            409,
            "file_missing",
            N_("These files did not reach storage; upload them again: {names}."),
            names=", ".join(missing),
        )
    if problem.definition.file_upload_response is Necessity.REQUIRED and not files:
        raise Refusal(400, "file_required", N_("Upload at least one file before you submit."))
    ResponseFile.objects.filter(pk__in=[item.pk for item in files]).update(workflow=workflow)
    return {
        "file_keys": [item.key for item in files],
        "files_descriptions": [item.description for item in files],
        "files_names": [item.name for item in files],
        "files_sizes": [item.size for item in files],
    }


def for_download(item_id: str, file_id: int, viewer_id: str | None, is_staff: bool) -> ResponseFile:
    """The file, if the viewer may have it: its author, a peer holding a lease on its response, or staff."""
    item = ResponseFile.objects.filter(pk=file_id, item_id=item_id).select_related("workflow").first()
    if item is None or viewer_id is None:
        raise Refusal(404, "no_such_file", N_("There is no such file."))
    allowed = is_staff or item.student_id == viewer_id
    if not allowed and item.workflow_id is not None:
        allowed = PeerLease.objects.filter(
            workflow_id=item.workflow_id, active_key__isnull=False, reviewer_id=viewer_id
        ).exists()
    if not allowed:
        raise Refusal(404, "no_such_file", N_("There is no such file."))
    return item


def zip_of_problem(item_id: str, limits: Limits) -> IO[bytes]:
    """A zip of every submitted file in the problem, one folder per learner, spooled to disk when large."""
    archive = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - handed to the response
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        rows = ResponseFile.objects.filter(item_id=item_id, workflow__isnull=False).select_related("workflow")
        for number, item in enumerate(rows.order_by("workflow__username", "uploaded_at", "id"), start=1):
            folder = item.workflow.username or item.student_id[:8]
            with (
                limits.storage.open(item.key, "rb") as source,
                bundle.open(f"{folder}/{number}-{item.name}", "w") as out,
            ):
                shutil.copyfileobj(source, out, 64 * 1024)
    archive.seek(0)
    return archive


def _record(
    problem: Problem,
    learner: Learner,
    checked: uploads.CheckedName,
    description: object,
    key: str,
    size: int,
    content_type: str,
    confirmed: bool = True,
) -> ResponseFile:
    return ResponseFile.objects.create(
        item_id=learner.item_id,
        student_id=learner.student_id,
        key=key,
        name=checked.name,
        description=str(description).strip(),
        extension=checked.extension,
        content_type=content_type,
        size=size,
        uploaded_at=problem.now,
        confirmed=confirmed,
    )


def _check_request(
    problem: Problem, filename: str, description: object, size: int, limits: Limits
) -> uploads.CheckedName:
    """Everything about an upload that can be judged before its bytes arrive."""
    definition = problem.definition
    if definition.file_upload_response is Necessity.NONE:
        raise Refusal(400, "files_not_allowed", N_("This problem does not take files."))
    problem.require_open("submission")
    if not isinstance(description, str) or not description.strip():
        raise Refusal(400, "description_required", N_("Describe the file, so that others know what it is."))
    if len(description) > 1000:
        raise Refusal(400, "description_too_long", N_("File descriptions can be at most 1,000 characters."))
    allowed = uploads.allowed_extensions(definition.file_upload_type, definition.white_listed_file_types)
    try:
        checked = uploads.check_name(filename, allowed, limits.extra_prohibited)
    except uploads.Rejected as rejected:
        raise Refusal(400, rejected.code, REJECTIONS[rejected.code], **rejected.params) from None
    if size > limits.max_file_bytes:
        raise Refusal(
            413, "file_too_large", N_("Files can be at most {limit} MB."), limit=limits.max_file_bytes // 10**6
        )
    return checked


def _check_bytes(head: bytes, extension: str) -> str:
    try:
        return uploads.check_bytes(head, extension)
    except uploads.Rejected as rejected:
        raise Refusal(400, rejected.code, REJECTIONS[rejected.code], **rejected.params) from None


def _check_room(
    problem: Problem, learner: Learner, size: int, limits: Limits, pending: tuple[int, int] = (0, 0)
) -> None:
    """Refuse when the learner has submitted, or the draft has no room for ``size`` more bytes.

    ``pending`` is the count and bytes of files still arriving in pieces, which take room too.
    """
    definition = problem.definition
    if Workflow.objects.filter(item_id=learner.item_id, student_id=learner.student_id).exists():
        raise Refusal(409, "already_submitted", N_("You have already submitted a response."))
    existing = list(ResponseFile.objects.filter(item_id=learner.item_id, student_id=learner.student_id, workflow=None))
    count = len(existing) + pending[0]
    if count >= limits.max_files or (not definition.allow_multiple_files and count):
        count = limits.max_files if definition.allow_multiple_files else 1
        raise Refusal(400, "too_many_files", N_("A response can have at most {count} files."), count=count)
    if sum(item.size for item in existing) + pending[1] + size > limits.max_total_bytes:
        raise Refusal(413, "total_too_large", N_("All files together can be at most 500 MB."))


def _direct_client(storage: Storage) -> Any:
    """The S3 client of an S3-backed storage (django-storages), or None."""
    connection = getattr(storage, "connection", None)
    bucket = getattr(storage, "bucket_name", None)
    return connection.meta.client if connection is not None and bucket else None


def _head(stream: IO[bytes]) -> bytes:
    position = stream.tell()
    head = stream.read(HEAD_BYTES)
    stream.seek(position)
    return head


def _new_key(learner: Learner) -> str:
    """A storage key that says nothing about the learner or the file's name."""
    return f"{_folder(learner)}/{uuid.uuid4().hex}"


def _folder(learner: Learner) -> str:
    return f"ora_xblock/{hashlib.sha256(learner.item_id.encode()).hexdigest()[:16]}"


def _unfinished(learner: Learner) -> QuerySet[PartialUpload]:
    return PartialUpload.objects.filter(item_id=learner.item_id, student_id=learner.student_id, finished_at=None)


def _pending(learner: Learner, now: datetime) -> tuple[int, int]:
    """The count and declared bytes of the learner's uploads in pieces still going on."""
    sizes = list(_unfinished(learner).filter(updated_at__gte=now - UPLOAD_IDLE).values_list("size", flat=True))
    return len(sizes), sum(sizes)


def _mine(learner: Learner, upload_id: object) -> PartialUpload:
    """The learner's own upload in pieces, locked; anyone else's is as good as missing."""
    upload = (
        PartialUpload.objects.select_for_update()
        .filter(
            public_id=upload_id if isinstance(upload_id, str) else None,
            item_id=learner.item_id,
            student_id=learner.student_id,
        )
        .first()
    )
    if upload is None:
        raise Refusal(404, "no_such_upload", N_("There is no such upload. Start it again."))
    return upload


def _open_upload(learner: Learner, upload_id: object) -> PartialUpload:
    upload = _mine(learner, upload_id)
    if upload.finished_at is not None:
        raise Refusal(409, "upload_finished", N_("This upload is finished. Start a new one to send another file."))
    return upload


def _discard(rows: QuerySet[PartialUpload], limits: Limits) -> None:
    """Delete these uploads in pieces, and their pieces from storage once the transaction commits."""
    ids = list(rows.values_list("pk", flat=True))
    if ids:
        _discard_pieces(UploadPiece.objects.filter(upload_id__in=ids), limits)
        PartialUpload.objects.filter(pk__in=ids).delete()


def _discard_pieces(pieces: QuerySet[UploadPiece], limits: Limits) -> None:
    keys = list(pieces.values_list("key", flat=True))
    pieces.delete()
    transaction.on_commit(functools.partial(_delete_keys, limits.storage, keys))


def _delete_keys(storage: Storage, keys: list[str]) -> None:
    for key in keys:
        storage.delete(key)


def _digest(stream: IO[bytes]) -> str:
    position = stream.tell()
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(COPY_BYTES), b""):
        digest.update(block)
    stream.seek(position)
    return digest.hexdigest()


class _Joined(io.RawIOBase):
    """Stored pieces read one after another as one stream, with one piece open at a time."""

    def __init__(self, storage: Storage, keys: list[str], size: int):
        super().__init__()
        self._storage, self._keys, self._current = storage, list(keys), None
        self.size = size  # for storages that ask before reading

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while True:
            if self._current is None:
                if not self._keys:
                    return 0
                self._current = self._storage.open(self._keys.pop(0), "rb")
            data = self._current.read(len(buffer))
            if data:
                buffer[: len(data)] = data
                return len(data)
            self._current.close()
            self._current = None

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None
        super().close()
