"""Files sent in pieces, for hosts that cap each request: begun, sent piece by piece, then joined and judged whole.

Nothing of a file in pieces is in the draft until :func:`finish` has joined the pieces and checked the whole
file as :mod:`.file_checks` judges every file. Each piece, and the joined file, is stored under a key the upload
names, so that giving an upload up leaves nothing in storage (:mod:`.file_store`).
"""

from __future__ import annotations

import hashlib
import io
import uuid
from datetime import datetime, timedelta
from typing import IO

from django.db import transaction
from django.db.models import Q, QuerySet

from .. import uploads
from ..definition.errors import N_
from ..models import PartialUpload, ResponseFile, UploadPiece
from . import file_store
from .common import Conflict, Invalid, Learner, NotFound, Problem, TooLarge
from .file_checks import (
    COPY_BYTES,
    HEAD_BYTES,
    Limits,
    check_file,
    check_head,
    check_request,
    check_room,
    copied,
    key_folder,
    learners_own,
    record_file,
)

# An upload in pieces that got no piece for this long is given up when its learner begins another one.
UPLOAD_IDLE = timedelta(minutes=15)
# Uploads in pieces idle this long, finished or not, are cleaned away with their pieces.
UPLOAD_STALE = timedelta(days=1)
CLEAN_BATCH = 100


PIECE_REFUSALS = {
    "piece.out_of_order": (
        Conflict,
        "piece_out_of_order",
        N_("Pieces must arrive in order: piece {expected} is next."),
    ),
    "piece.too_large": (
        TooLarge,
        "piece_too_large",
        N_("This piece would make the file larger than the size given when the upload began."),
    ),
    "piece.incomplete": (Invalid, "piece_incomplete", N_("This piece is short: it must have {expected} bytes.")),
}


def begin(
    problem: Problem,
    learner: Learner,
    filename: str,
    description: object,
    size: object,
    limits: Limits,
    owner: Learner | None = None,
) -> PartialUpload:
    """Start a file that the browser sends in pieces of ``limits.piece_bytes``, judged as :func:`upload` judges it.

    The learner's unfinished uploads of the same file (name and size), and those idle for
    :data:`UPLOAD_IDLE`, are given up first; the others count against the file count and total. ``owner`` is
    the draft the file will join, when not the learner's own (a team's: ``services.teams.team_learner``); the
    upload stays the learner's.
    """
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise Invalid("bad_request", N_("Send the file's size in bytes."))
    checked = check_request(problem, filename, description, size, limits)
    with transaction.atomic(savepoint=False):
        clean_stale(problem.now, limits)
        unfinished = _unfinished(learner)
        given_up = Q(updated_at__lt=problem.now - UPLOAD_IDLE) | Q(name=checked.name, size=size)
        discard(unfinished.filter(given_up), limits)
        check_room(problem, owner or learner, size, limits, pending(learner, problem.now))
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
    Each piece is stored under a key the upload names (see :func:`discard`), replacing what a failed
    attempt left there.
    """
    if index is None or offset is None:
        raise Invalid("bad_request", N_("Send the piece's index and offset as numbers."))
    with transaction.atomic(savepoint=False):
        upload = _open_upload(learner, upload_id)
        digest = _digest(stream)
        if index < upload.next_index:
            earlier = upload.pieces.filter(index=index).first()
            if earlier is not None and (earlier.digest, earlier.size) == (digest, length):
                return upload
            raise Conflict("piece_conflict", N_("This piece arrived before with other bytes. Start the upload again."))
        try:
            uploads.check_piece(upload.size, upload.piece_bytes, upload.next_index, index, offset, length)
        except uploads.Rejected as rejected:
            kind, code, template = PIECE_REFUSALS[rejected.code]
            raise kind(code, template, **rejected.params) from None
        if index == 0:  # a disguised file is refused before the rest is sent
            check_head(_head(stream), upload.name, upload.extension, problem)
        key = _piece_key(upload, index)
        file_store.save(limits.storage, key, stream, replace=True)
        try:
            with file_store.failures("measuring a stored piece"):
                stored_size = limits.storage.size(key)
            if stored_size != length:
                raise Invalid("upload_incomplete", N_("The file did not arrive whole. Upload it again."))
            UploadPiece.objects.create(upload=upload, index=index, size=length, digest=digest, key=key)
            upload.next_index, upload.received, upload.updated_at = index + 1, upload.received + length, now
            upload.save(update_fields=["next_index", "received", "updated_at"])
        except BaseException:
            file_store.delete_quietly(limits.storage, key)  # if this fails too, the upload still names the key
            raise
        return upload


def finish(
    problem: Problem, learner: Learner, upload_id: object, limits: Limits, owner: Learner | None = None
) -> ResponseFile | None:
    """Join the pieces into one file, check it as a whole, store it and add it to the draft (``owner``'s, as at
    :func:`begin`); returns the file added (None when the upload was already finished).

    Every check of :func:`upload` applies again, to the joined file (its bytes, its size) and to the
    draft as it is now. The pieces are joined in a local file and judged there, so a bad file never
    reaches storage. A repeated finish of a finished upload changes nothing.
    """
    with transaction.atomic(savepoint=False):
        upload = _mine(learner, upload_id)
        if upload.finished_at is not None:
            return None
        pieces = list(upload.pieces.order_by("index"))
        if upload.received != upload.size or [piece.index for piece in pieces] != list(range(len(pieces))):
            raise Conflict(
                "pieces_missing",
                N_("Only {received} of the file's {size} bytes have arrived. Send the rest first."),
                received=upload.received,
                size=upload.size,
            )
        checked = check_request(problem, upload.name, upload.description, upload.size, limits)
        owner = owner or learner
        check_room(problem, owner, upload.size, limits)
        storage, key = limits.storage, _joined_key(upload)
        with copied(storage, [piece.key for piece in pieces], "joining the pieces of a file") as joined:
            if joined.seek(0, io.SEEK_END) != upload.size:
                raise Invalid("upload_incomplete", N_("The file did not arrive whole. Upload it again."))
            content_type = check_file(joined, upload.size, checked.name, checked.extension, problem)
            file_store.save(storage, key, joined, replace=True)
        try:
            with file_store.failures("measuring a joined file"):
                stored_size = storage.size(key)
            if stored_size != upload.size:
                raise Invalid("upload_incomplete", N_("The file did not arrive whole. Upload it again."))
            record = record_file(problem, owner, checked, upload.description, key, upload.size, content_type)
        except BaseException:
            file_store.delete_quietly(storage, key)  # if this fails too, the unfinished upload still names the key
            raise
        _discard_pieces(UploadPiece.objects.filter(upload=upload), limits)
        upload.finished_at = upload.updated_at = problem.now
        upload.save(update_fields=["finished_at", "updated_at"])
        return record


def abort(learner: Learner, upload_id: object, limits: Limits) -> None:
    """Give up the learner's upload in pieces and delete what arrived; a finished one stays in the draft."""
    with transaction.atomic(savepoint=False):
        upload = _mine(learner, upload_id)
        if upload.finished_at is None:
            discard(PartialUpload.objects.filter(pk=upload.pk), limits)


def clean_stale(now: datetime, limits: Limits) -> int:
    """Delete up to :data:`CLEAN_BATCH` uploads in pieces idle for :data:`UPLOAD_STALE`, with their pieces;
    returns how many."""
    with transaction.atomic(savepoint=False):
        stale = PartialUpload.objects.filter(updated_at__lt=now - UPLOAD_STALE).order_by("updated_at")
        ids = list(stale.values_list("pk", flat=True)[:CLEAN_BATCH])
        discard(PartialUpload.objects.filter(pk__in=ids), limits)
    return len(ids)


def _piece_key(upload: PartialUpload, index: int) -> str:
    return f"{key_folder(upload.item_id)}/parts/{upload.public_id}-{index}"


def _joined_key(upload: PartialUpload) -> str:
    """Where the upload's joined file is stored: a random key like :func:`new_key`'s, which the upload names."""
    return f"{key_folder(upload.item_id)}/{upload.public_id}"


def _unfinished(learner: Learner) -> QuerySet[PartialUpload]:
    return PartialUpload.objects.filter(item_id=learner.item_id, student_id=learner.student_id, finished_at=None)


def pending(learner: Learner, now: datetime) -> tuple[int, int]:
    """The count and declared bytes of the learner's uploads in pieces still going on."""
    sizes = list(_unfinished(learner).filter(updated_at__gte=now - UPLOAD_IDLE).values_list("size", flat=True))
    return len(sizes), sum(sizes)


def _mine(learner: Learner, upload_id: object) -> PartialUpload:
    """The learner's own upload in pieces, locked; anyone else's is as good as missing."""
    handle = upload_id if isinstance(upload_id, str) else None
    upload = learners_own(PartialUpload.objects.select_for_update(), learner).filter(public_id=handle).first()
    if upload is None:
        raise NotFound("no_such_upload", N_("There is no such upload. Start it again."))
    return upload


def _open_upload(learner: Learner, upload_id: object) -> PartialUpload:
    upload = _mine(learner, upload_id)
    if upload.finished_at is not None:
        raise Conflict("upload_finished", N_("This upload is finished. Start a new one to send another file."))
    return upload


def discard(rows: QuerySet[PartialUpload], limits: Limits) -> None:
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


def _head(stream: IO[bytes]) -> bytes:
    position = stream.tell()
    head = stream.read(HEAD_BYTES)
    stream.seek(position)
    return head


def _digest(stream: IO[bytes]) -> str:
    position = stream.tell()
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(COPY_BYTES), b""):
        digest.update(block)
    stream.seek(position)
    return digest.hexdigest()
