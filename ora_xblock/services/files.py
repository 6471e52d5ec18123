"""Files in responses: upload into Django storage, keep with the draft, attach on submit, serve safely.

Every limit is enforced on the server, whatever the browser checked
(:mod:`.file_checks`). The learner's file name is only ever shown, and never
to peers.

Storage failing at any step is a 503 ``storage_unavailable`` and leaves
nothing behind: see :mod:`.file_store` for how every key stays named by a row.

A file arrives in one of three ways: in one request (:func:`upload`), straight
into S3 (:func:`direct_upload`, :func:`confirm`), or in pieces small enough for
hosts that cap each request (:mod:`.file_pieces`: :func:`begin`, :func:`add_piece`,
:func:`finish`), joined and checked as a whole before it joins the draft. What
judges every file is in :mod:`.file_checks`; the staff's zip in :mod:`.file_zip`.
This module is the façade the handlers use, and names those too.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import IO, Any

from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import QuerySet

from ..definition.errors import N_
from ..definition.model import Necessity
from ..models import PartialUpload, PeerLease, ResponseFile, Workflow
from . import file_store
from .common import Conflict, Invalid, Learner, NotFound, Problem, Refusal, Team
from .file_checks import (
    REJECTIONS,
    Limits,
    check_file,
    check_request,
    check_room,
    copied,
    learners_own,
    new_key,
    record_file,
)
from .file_pieces import (
    CLEAN_BATCH,
    PIECE_REFUSALS,
    UPLOAD_IDLE,
    UPLOAD_STALE,
    abort,
    add_piece,
    begin,
    clean_stale,
    discard,
    finish,
    pending,
)

__all__ = [
    "CLEAN_BATCH",
    "DIRECT_UPLOAD_SECONDS",
    "PIECE_REFUSALS",
    "REJECTIONS",
    "UPLOAD_IDLE",
    "UPLOAD_STALE",
    "Limits",
    "abort",
    "add_piece",
    "attach",
    "begin",
    "clean_abandoned",
    "clean_stale",
    "confirm",
    "direct_upload",
    "draft_files",
    "finish",
    "for_download",
    "forget_learner",
    "open_to_send",
    "remove",
    "submitted_files",
    "upload",
]

DIRECT_UPLOAD_SECONDS = 900


def draft_files(learner: Learner) -> list[ResponseFile]:
    """The checked files the learner has uploaded and not yet submitted (one query)."""
    mine = ResponseFile.objects.filter(item_id=learner.item_id, student_id=learner.student_id, workflow=None)
    return list(mine.filter(confirmed=True).in_order())


def submitted_files(workflow: Workflow) -> list[ResponseFile]:
    """The files of a submitted response, as uploaded (one query): a team member who shares the team's response
    sees the files attached to its submitter's workflow (docs/decisions/0031-team-responses.md)."""
    if not workflow.shares_response:
        return list(workflow.files.in_order())
    of_team = ResponseFile.objects.filter(workflow__team_response_id=workflow.team_response_id)
    return list(of_team.filter(workflow__shares_response=False).in_order())


def upload(
    problem: Problem, learner: Learner, filename: str, description: object, stream: IO[bytes], size: int, limits: Limits
) -> ResponseFile:
    """Check and store one file for the learner's draft; on any refusal nothing is kept.

    The key is written down (:func:`.file_store.expect`) before the bytes go out, and taken off by the
    transaction that records the file: a failure anywhere between, even of the process, leaves the cleaner a
    key to delete rather than a file nobody knows of.
    """
    checked = check_request(problem, filename, description, size, limits)
    content_type = check_file(stream, size, checked.name, checked.extension, problem)
    check_room(problem, learner, size, limits, pending(learner, problem.now))  # before a byte is stored
    key = new_key(learner)
    file_store.expect(limits.storage_alias, key, UPLOAD_STALE)
    try:
        file_store.save(limits.storage, key, stream)
        with file_store.failures("measuring a stored file"):
            stored_size = limits.storage.size(key)
        with transaction.atomic():
            if stored_size != size or stored_size > limits.max_file_bytes:
                raise Invalid("upload_incomplete", N_("The file did not arrive whole. Upload it again."))
            check_room(problem, learner, size, limits, pending(learner, problem.now))
            record = record_file(problem, learner, checked, description, key, size, content_type)
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
        raise Invalid("bad_request", N_("Send the file's size in bytes."))
    checked = check_request(problem, filename, description, size, limits)
    with transaction.atomic(savepoint=False):
        abandoned = problem.now - timedelta(seconds=DIRECT_UPLOAD_SECONDS)
        mine = ResponseFile.objects.filter(item_id=learner.item_id, student_id=learner.student_id)
        drop_files(mine.filter(confirmed=False, uploaded_at__lt=abandoned), limits)
        check_room(problem, learner, size, limits)
        key = new_key(learner)
        record = record_file(problem, learner, checked, description, key, size, "application/octet-stream", False)
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
        handle = file_id if isinstance(file_id, int) else None
        record = (
            learners_own(ResponseFile.objects.select_for_update(), learner).filter(pk=handle, confirmed=False).first()
        )
        if record is None:
            raise NotFound("no_such_file", N_("There is no such upload to confirm."))
        storage = limits.storage
        with file_store.failures("looking for a file sent straight to storage"):
            arrived = storage.exists(record.key) and storage.size(record.key) == record.size
        if not arrived:
            raise Invalid("upload_incomplete", N_("The file did not arrive whole. Upload it again."))
        with copied(storage, [record.key], "reading a file sent straight to storage") as local:
            try:
                record.content_type = check_file(local, record.size, record.name, record.extension, problem)
            except Refusal:
                file_store.delete_quietly(storage, record.key)
                raise
        record.confirmed = True
        record.save(update_fields=["content_type", "confirmed"])
        return record


def clean_abandoned(now: datetime, limits: Limits) -> int:
    """Delete up to :data:`CLEAN_BATCH` files sent straight to storage and never confirmed within
    :data:`UPLOAD_STALE`, with whatever reached storage; returns how many."""
    with transaction.atomic(savepoint=False):
        abandoned = ResponseFile.objects.filter(confirmed=False, uploaded_at__lt=now - UPLOAD_STALE)
        ids = list(abandoned.order_by("uploaded_at").values_list("pk", flat=True)[:CLEAN_BATCH])
        drop_files(ResponseFile.objects.filter(pk__in=ids), limits)
    return len(ids)


def forget_learner(item_id: str, student_id: str, limits: Limits) -> bool:
    """Delete every file of the learner in the problem, in the caller's transaction: the draft's, the submitted
    ones, those sent straight to storage and not confirmed, and uploads in pieces with their pieces. Storage
    follows once the transaction commits, and a failure there is retried by the cleaner (:mod:`.file_store`).
    Returns whether the learner had any."""
    partial = PartialUpload.objects.filter(item_id=item_id, student_id=student_id)
    rows = ResponseFile.objects.filter(item_id=item_id, student_id=student_id)
    had_any = partial.exists() or rows.exists()
    discard(partial, limits)
    drop_files(rows, limits)
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
            raise NotFound("no_such_file", N_("There is no such file in your draft."))
        drop_files(ResponseFile.objects.filter(pk=item.pk), limits)


def attach(problem: Problem, learner: Learner, workflow: Workflow, limits: Limits) -> dict[str, list[Any]]:
    """Attach the draft's files to the new submission; every one must be in storage.

    Returns the file fields of the submitted answer, in the shape the platform's reports read.
    """
    files = draft_files(learner)
    with file_store.failures("looking for a draft's files"):
        missing = [item.name for item in files if not limits.storage.exists(item.key)]
    if missing:
        raise Conflict(
            "file_missing",
            N_("These files did not reach storage; upload them again: {names}."),
            names=", ".join(missing),
        )
    if problem.definition.file_upload_response is Necessity.REQUIRED and not files:
        raise Invalid("file_required", N_("Upload at least one file before you submit."))
    ResponseFile.objects.filter(pk__in=[item.pk for item in files]).update(workflow=workflow)
    return {
        "file_keys": [item.key for item in files],
        "files_descriptions": [item.description for item in files],
        "files_names": [item.name for item in files],
        "files_sizes": [item.size for item in files],
    }


def for_download(
    item_id: str, file_id: int, viewer_id: str | None, is_staff: bool, now: datetime, team: Team | None = None
) -> ResponseFile:
    """The file, if the viewer may have it at ``now``: its author, staff, a member of the team whose draft has
    it (``team``, the viewer's) or whose response it is, or a peer whose lease on its response is one
    :func:`ora_xblock.services.peer.peer_assess` would still take (their current one, before its
    ``valid_until``). A lease that lapsed, was reviewed or was withdrawn gives nothing."""
    item = ResponseFile.objects.filter(pk=file_id, item_id=item_id).select_related("workflow").first()
    if item is None or viewer_id is None:
        raise NotFound("no_such_file", N_("There is no such file."))
    allowed = is_staff or item.student_id in (viewer_id, team.draft_owner if team else None)
    if not allowed and item.workflow is not None and item.workflow.team_response_id is not None:
        allowed = Workflow.objects.filter(
            item_id=item_id, student_id=viewer_id, team_response_id=item.workflow.team_response_id
        ).exists()
    if not allowed and item.workflow_id is not None:
        allowed = PeerLease.objects.filter(
            workflow_id=item.workflow_id, reviewer_id=viewer_id, active_key__isnull=False, valid_until__gt=now
        ).exists()
    if not allowed:
        raise NotFound("no_such_file", N_("There is no such file."))
    return item


def open_to_send(item: ResponseFile, limits: Limits) -> IO[bytes]:
    """The file's bytes to send; see :func:`.file_store.open_to_send` for what a failing storage gives."""
    return file_store.open_to_send(limits.storage, item.key)


def _direct_client(storage: Storage) -> Any:
    """The S3 client of an S3-backed storage (django-storages), or None."""
    connection = getattr(storage, "connection", None)
    bucket = getattr(storage, "bucket_name", None)
    return connection.meta.client if connection is not None and bucket else None


def drop_files(rows: QuerySet[ResponseFile], limits: Limits) -> None:
    """Delete these files' rows, and the files from storage once the transaction commits."""
    keys = list(rows.values_list("key", flat=True))
    rows.delete()
    file_store.discard(limits.storage_alias, keys)
