"""Files in responses: upload into Django storage, keep with the draft, attach on submit, serve safely.

Every limit is enforced here, whatever the browser checked: the problem's
types, the per-file size, the file count and the seed's 500 MB in total.
Files are stored under generated keys; the learner's file name is only
ever shown, and never to peers. A file's bytes are judged whole
(:func:`ora_xblock.uploads.check_file`) before it joins a draft.

Storage failing at any step is a 503 ``storage_unavailable`` and leaves
nothing behind: see :mod:`.file_store` for how every key stays named by a row.

A file arrives in one of three ways: in one request (:func:`upload`), straight
into S3 (:func:`direct_upload`, :func:`confirm`), or in pieces small enough for
hosts that cap each request (:func:`begin`, :func:`add_piece`, :func:`finish`),
joined and checked as a whole before it joins the draft.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import tempfile
import uuid
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.models import Q, QuerySet

from .. import uploads
from ..definition.errors import N_
from ..definition.model import Necessity
from ..models import PartialUpload, PeerLease, ResponseFile, UploadPiece, Workflow
from . import file_store
from .common import Learner, Problem, Refusal

HEAD_BYTES = uploads.HEAD_BYTES
DIRECT_UPLOAD_SECONDS = 900
# An upload in pieces that got no piece for this long is given up when its learner begins another one.
UPLOAD_IDLE = timedelta(minutes=15)
# Uploads in pieces idle this long, finished or not, are cleaned away with their pieces.
UPLOAD_STALE = timedelta(days=1)
CLEAN_BATCH = 100
COPY_BYTES = 64 * 1024
SPOOL_BYTES = 1024 * 1024  # a file being checked stays in memory up to this size, on local disk beyond


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
    "file.content_mismatch": N_(
        'The contents of "{name}" are not what its .{extension} extension says. This problem accepts: {allowed}.'
    ),
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
    return list(mine.filter(confirmed=True).in_order())


def upload(
    problem: Problem, learner: Learner, filename: str, description: object, stream: IO[bytes], size: int, limits: Limits
) -> ResponseFile:
    """Check and store one file for the learner's draft; on any refusal nothing is kept.

    The key is written down (:func:`.file_store.expect`) before the bytes go out, and taken off by the
    transaction that records the file: a failure anywhere between, even of the process, leaves the cleaner a
    key to delete rather than a file nobody knows of.
    """
    checked = _check_request(problem, filename, description, size, limits)
    content_type = _check_file(stream, size, checked.name, checked.extension, problem)
    _check_room(problem, learner, size, limits, _pending(learner, problem.now))  # before a byte is stored
    key = _new_key(learner)
    file_store.expect(limits.storage_alias, key, UPLOAD_STALE)
    try:
        file_store.save(limits.storage, key, stream)
        with file_store.failures("measuring a stored file"):
            stored_size = limits.storage.size(key)
        with transaction.atomic():
            if stored_size != size or stored_size > limits.max_file_bytes:
                raise Refusal(400, "upload_incomplete", N_("The file did not arrive whole. Upload it again."))
            _check_room(problem, learner, size, limits, _pending(learner, problem.now))
            record = _record(problem, learner, checked, description, key, size, content_type)
            file_store.settle(limits.storage_alias, [key])
            return record
    except BaseException:
        file_store.forget_now(limits.storage_alias, key)
        raise


def direct_upload(
    problem: Problem, learner: Learner, filename: str, description: object, size: object, limits: Limits
) -> dict[str, Any] | None:
    """Where the storage takes uploads itself (S3), a presigned form for the browser to send the file to.

    The file is recorded unconfirmed, which names its key; :func:`confirm` checks what arrived. The learner's
    unconfirmed files older than :data:`DIRECT_UPLOAD_SECONDS` go first, with whatever reached storage. Returns
    None when the storage can't take uploads directly: the browser then sends the file through :func:`upload`.
    """
    client = _direct_client(limits.storage)
    if client is None:
        return None
    if not isinstance(size, int) or size < 1:
        raise Refusal(400, "bad_request", N_("Send the file's size in bytes."))
    checked = _check_request(problem, filename, description, size, limits)
    with transaction.atomic(savepoint=False):
        abandoned = problem.now - timedelta(seconds=DIRECT_UPLOAD_SECONDS)
        mine = ResponseFile.objects.filter(item_id=learner.item_id, student_id=learner.student_id)
        _drop_files(mine.filter(confirmed=False, uploaded_at__lt=abandoned), limits)
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
    """Check a file the browser sent straight to the storage, whole; a bad one is deleted from storage and
    refused, as is one that is missing or of another size.

    The file is copied from storage before it is judged, so that a storage failure (503) is never taken for
    bad bytes. A refusal changes no row: the unconfirmed record, which names the key, goes with whatever is
    left under it when the learner starts another upload or ``ora_clean_uploads`` runs.
    """
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
        with file_store.failures("looking for a file sent straight to storage"):
            arrived = storage.exists(record.key) and storage.size(record.key) == record.size
        if not arrived:
            raise Refusal(400, "upload_incomplete", N_("The file did not arrive whole. Upload it again."))
        with _copied(storage, [record.key], "reading a file sent straight to storage") as local:
            try:
                record.content_type = _check_file(local, record.size, record.name, record.extension, problem)
            except Refusal:
                file_store.delete_quietly(storage, record.key)
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
    problem: Problem | None = None,
) -> PartialUpload:
    """Store the next piece of the learner's upload; the first piece's bytes must already look like the file's
    type (:func:`ora_xblock.uploads.check_head`). ``problem`` names the accepted types in that refusal.

    Pieces arrive in order, each with exactly the bytes it should have. A piece sent again (the
    browser missed the answer) changes nothing when its bytes are the same, and is refused otherwise.
    Each piece is stored under a key the upload names (see :func:`_discard`), replacing what a failed
    attempt left there.
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
        if index == 0:  # a disguised file is refused before the rest is sent
            _check_head(_head(stream), upload.name, upload.extension, problem)
        key = _piece_key(upload, index)
        file_store.save(limits.storage, key, stream, replace=True)
        try:
            with file_store.failures("measuring a stored piece"):
                stored_size = limits.storage.size(key)
            if stored_size != length:
                raise Refusal(400, "upload_incomplete", N_("The file did not arrive whole. Upload it again."))
            UploadPiece.objects.create(upload=upload, index=index, size=length, digest=digest, key=key)
            upload.next_index, upload.received, upload.updated_at = index + 1, upload.received + length, now
            upload.save(update_fields=["next_index", "received", "updated_at"])
        except BaseException:
            file_store.delete_quietly(limits.storage, key)  # if this fails too, the upload still names the key
            raise
        return upload


def finish(problem: Problem, learner: Learner, upload_id: object, limits: Limits) -> None:
    """Join the pieces into one file, check it as a whole, store it and add it to the draft.

    Every check of :func:`upload` applies again, to the joined file (its bytes, its size) and to the
    draft as it is now. The pieces are joined in a local file and judged there, so a bad file never
    reaches storage. A repeated finish of a finished upload changes nothing.
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
        storage, key = limits.storage, _joined_key(upload)
        with _copied(storage, [piece.key for piece in pieces], "joining the pieces of a file") as joined:
            if joined.seek(0, io.SEEK_END) != upload.size:
                raise Refusal(400, "upload_incomplete", N_("The file did not arrive whole. Upload it again."))
            content_type = _check_file(joined, upload.size, checked.name, checked.extension, problem)
            file_store.save(storage, key, joined, replace=True)
        try:
            with file_store.failures("measuring a joined file"):
                stored_size = storage.size(key)
            if stored_size != upload.size:
                raise Refusal(400, "upload_incomplete", N_("The file did not arrive whole. Upload it again."))
            _record(problem, learner, checked, upload.description, key, upload.size, content_type)
        except BaseException:
            file_store.delete_quietly(storage, key)  # if this fails too, the unfinished upload still names the key
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


def clean_abandoned(now: datetime, limits: Limits) -> int:
    """Delete up to :data:`CLEAN_BATCH` files sent straight to storage and never confirmed within
    :data:`UPLOAD_STALE`, with whatever reached storage; returns how many."""
    with transaction.atomic(savepoint=False):
        abandoned = ResponseFile.objects.filter(confirmed=False, uploaded_at__lt=now - UPLOAD_STALE)
        ids = list(abandoned.order_by("uploaded_at").values_list("pk", flat=True)[:CLEAN_BATCH])
        _drop_files(ResponseFile.objects.filter(pk__in=ids), limits)
    return len(ids)


def forget_learner(item_id: str, student_id: str, limits: Limits) -> bool:
    """Delete every file of the learner in the problem, in the caller's transaction: the draft's, the submitted
    ones, those sent straight to storage and not confirmed, and uploads in pieces with their pieces. Storage
    follows once the transaction commits, and a failure there is retried by the cleaner (:mod:`.file_store`).
    Returns whether the learner had any."""
    partial = PartialUpload.objects.filter(item_id=item_id, student_id=student_id)
    rows = ResponseFile.objects.filter(item_id=item_id, student_id=student_id)
    had_any = partial.exists() or rows.exists()
    _discard(partial, limits)
    _drop_files(rows, limits)
    return had_any


def remove(learner: Learner, file_id: object, limits: Limits) -> None:
    """Take a file out of the learner's draft, and out of storage once that is committed."""
    with transaction.atomic(savepoint=False):
        item = ResponseFile.objects.filter(
            pk=file_id if isinstance(file_id, int) else None,
            item_id=learner.item_id,
            student_id=learner.student_id,
            workflow=None,
        ).first()
        if item is None:
            raise Refusal(404, "no_such_file", N_("There is no such file in your draft."))
        _drop_files(ResponseFile.objects.filter(pk=item.pk), limits)


def attach(problem: Problem, learner: Learner, workflow: Workflow, limits: Limits) -> dict[str, list[Any]]:
    """Attach the draft's files to the new submission; every one must be in storage.

    Returns the file fields of the submitted answer, in the shape the platform's reports read.
    """
    files = draft_files(learner)
    with file_store.failures("looking for a draft's files"):
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


def for_download(item_id: str, file_id: int, viewer_id: str | None, is_staff: bool, now: datetime) -> ResponseFile:
    """The file, if the viewer may have it at ``now``: its author, staff, or a peer whose lease on its response
    is one :func:`ora_xblock.services.peer.peer_assess` would still take (their current one, before its
    ``valid_until``). A lease that lapsed, was reviewed or was withdrawn gives nothing."""
    item = ResponseFile.objects.filter(pk=file_id, item_id=item_id).select_related("workflow").first()
    if item is None or viewer_id is None:
        raise Refusal(404, "no_such_file", N_("There is no such file."))
    allowed = is_staff or item.student_id == viewer_id
    if not allowed and item.workflow_id is not None:
        allowed = PeerLease.objects.filter(
            workflow_id=item.workflow_id, reviewer_id=viewer_id, active_key__isnull=False, valid_until__gt=now
        ).exists()
    if not allowed:
        raise Refusal(404, "no_such_file", N_("There is no such file."))
    return item


def open_to_send(item: ResponseFile, limits: Limits) -> IO[bytes]:
    """The file's bytes to send; see :func:`.file_store.open_to_send` for what a failing storage gives."""
    return file_store.open_to_send(limits.storage, item.key)


def zip_of_problem(item_id: str, limits: Limits) -> IO[bytes]:
    """A zip of every submitted file in the problem, spooled to disk when large.

    One folder per learner, named after their username and a short id that is theirs alone (two learners never
    share one, whatever their usernames); in it the files, numbered. Every part of every name goes through
    :func:`ora_xblock.uploads.safe_name`, so no entry reaches outside the archive. Files missing from storage
    are listed in ``MISSING.txt``; a storage that fails refuses the whole zip (503).
    """
    archive = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - handed to the response
    try:
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            rows = ResponseFile.objects.filter(item_id=item_id, workflow__isnull=False).select_related("workflow")
            folders, counts, missing = _Folders(), Counter[str](), []
            for item in rows.order_by("workflow__username", "student_id", "uploaded_at", "id"):
                folder = folders.of(item.student_id, item.workflow.username)
                counts[folder] += 1
                entry = f"{folder}/{counts[folder]}-{uploads.safe_name(item.name, 'file')}"
                if not _add_to_zip(bundle, entry, limits.storage, item.key):
                    missing.append(entry)
            if missing:
                bundle.writestr("MISSING.txt", "Missing from storage:\n" + "\n".join(missing) + "\n")
    except BaseException:
        archive.close()
        raise
    archive.seek(0)
    return archive


def _add_to_zip(bundle: zipfile.ZipFile, entry: str, storage: Storage, key: str) -> bool:
    """Copy the stored file into the archive as ``entry``; False if it is missing from storage."""
    with file_store.failures("adding a file to the staff zip"):
        try:
            source = storage.open(key, "rb")
        except FileNotFoundError:
            return False
        with source:
            try:
                first = source.read(COPY_BYTES)  # some storages (S3) only find out here that the file is gone
            except FileNotFoundError:
                return False
            with bundle.open(entry, "w") as out:
                out.write(first)
                shutil.copyfileobj(source, out, COPY_BYTES)
    return True


class _Folders:
    """The archive's folder of each learner: their username made safe, then a short id of theirs."""

    def __init__(self) -> None:
        self._of: dict[str, str] = {}
        self._taken: set[str] = set()

    def of(self, student_id: str, username: str) -> str:
        if student_id not in self._of:
            base, digest = uploads.safe_name(username, "learner", 60), hashlib.sha256(student_id.encode()).hexdigest()
            folder = f"{base}-{digest[:8]}"
            if folder in self._taken:  # another learner's short id begins alike: take more of it
                folder = f"{base}-{digest}"
            self._of[student_id] = folder
            self._taken.add(folder)
        return self._of[student_id]


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
    allowed = _allowed(problem)
    try:
        checked = uploads.check_name(filename, allowed, limits.extra_prohibited)
    except uploads.Rejected as rejected:
        raise Refusal(400, rejected.code, REJECTIONS[rejected.code], **rejected.params) from None
    if size > limits.max_file_bytes:
        raise Refusal(
            413, "file_too_large", N_("Files can be at most {limit} MB."), limit=limits.max_file_bytes // 10**6
        )
    return checked


def _allowed(problem: Problem) -> tuple[str, ...]:
    definition = problem.definition
    return uploads.allowed_extensions(definition.file_upload_type, definition.white_listed_file_types)


def _check_head(head: bytes, name: str, extension: str, problem: Problem | None) -> str:
    try:
        return uploads.check_head(head, extension)
    except uploads.Rejected:
        raise _mismatch(name, extension, problem) from None


def _check_file(stream: IO[bytes], size: int, name: str, extension: str, problem: Problem | None) -> str:
    try:
        return uploads.check_file(stream, size, extension)
    except uploads.Rejected:
        raise _mismatch(name, extension, problem) from None


def _mismatch(name: str, extension: str, problem: Problem | None) -> Refusal:
    """The content refusal, naming the file and the types the problem accepts (or, without the problem, its own)."""
    allowed = _allowed(problem) if problem is not None else (extension,)
    return Refusal(
        400,
        "file.content_mismatch",
        REJECTIONS["file.content_mismatch"],
        name=name,
        extension=extension,
        allowed=", ".join(f".{item}" for item in allowed),
    )


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


@contextmanager
def _copied(storage: Storage, keys: list[str], action: str) -> Iterator[IO[bytes]]:
    """The stored files ``keys``, one after another, in a local file (in memory up to :data:`SPOOL_BYTES`) at
    its start; a storage failure while reading is a 503 refusal."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed below
    try:
        with file_store.failures(action):
            for key in keys:
                with storage.open(key, "rb") as source:
                    shutil.copyfileobj(source, spool, COPY_BYTES)
        spool.seek(0)
        yield spool
    finally:
        spool.close()


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
    return f"{_folder(learner.item_id)}/{uuid.uuid4().hex}"


def _piece_key(upload: PartialUpload, index: int) -> str:
    return f"{_folder(upload.item_id)}/parts/{upload.public_id}-{index}"


def _joined_key(upload: PartialUpload) -> str:
    """Where the upload's joined file is stored: a random key like :func:`_new_key`'s, which the upload names."""
    return f"{_folder(upload.item_id)}/{upload.public_id}"


def _folder(item_id: str) -> str:
    return f"ora_xblock/{hashlib.sha256(item_id.encode()).hexdigest()[:16]}"


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
    """Delete these uploads in pieces, and from storage once the transaction commits every key they name: their
    pieces and, while unfinished, what a failed attempt may have left (the next piece, the joined file)."""
    given_up = list(rows)
    if not given_up:
        return
    ids = [upload.pk for upload in given_up]
    keys = list(UploadPiece.objects.filter(upload_id__in=ids).values_list("key", flat=True))
    keys += [key for upload in given_up if upload.finished_at is None for key in _leftovers(upload)]
    in_drafts = set(ResponseFile.objects.filter(key__in=keys).values_list("key", flat=True))
    UploadPiece.objects.filter(upload_id__in=ids).delete()
    PartialUpload.objects.filter(pk__in=ids).delete()
    file_store.discard(limits.storage_alias, [key for key in keys if key not in in_drafts])


def _leftovers(upload: PartialUpload) -> tuple[str, str]:
    return _piece_key(upload, upload.next_index), _joined_key(upload)


def _discard_pieces(pieces: QuerySet[UploadPiece], limits: Limits) -> None:
    keys = list(pieces.values_list("key", flat=True))
    pieces.delete()
    file_store.discard(limits.storage_alias, keys)


def _drop_files(rows: QuerySet[ResponseFile], limits: Limits) -> None:
    """Delete these files' rows, and the files from storage once the transaction commits."""
    keys = list(rows.values_list("key", flat=True))
    rows.delete()
    file_store.discard(limits.storage_alias, keys)


def _digest(stream: IO[bytes]) -> str:
    position = stream.tell()
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(COPY_BYTES), b""):
        digest.update(block)
    stream.seek(position)
    return digest.hexdigest()
