"""Files in responses: upload into Django storage, keep with the draft, attach on submit, serve safely.

Every limit is enforced here, whatever the browser checked: the problem's
types, the per-file size, the file count and the seed's 500 MB in total.
Files are stored under generated keys; the learner's file name is only
ever shown, and never to peers.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import transaction

from .. import uploads
from ..definition.errors import N_
from ..definition.model import Necessity
from ..models import PeerLease, ResponseFile, Workflow
from .common import Learner, Problem, Refusal

HEAD_BYTES = 8192
DIRECT_UPLOAD_SECONDS = 900


@dataclass(frozen=True)
class Limits:
    """How much a learner may upload for one response."""

    max_file_bytes: int = 100 * 1024 * 1024
    max_total_bytes: int = 500 * 1000 * 1000  # the seed's 500 MB
    max_files: int = 20
    extra_prohibited: tuple[str, ...] = ()
    storage_alias: str = "default"

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
        _check_room(problem, learner, size, limits)
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


def _check_room(problem: Problem, learner: Learner, size: int, limits: Limits) -> None:
    """Refuse when the learner has submitted, or the draft has no room for ``size`` more bytes."""
    definition = problem.definition
    if Workflow.objects.filter(item_id=learner.item_id, student_id=learner.student_id).exists():
        raise Refusal(409, "already_submitted", N_("You have already submitted a response."))
    existing = list(ResponseFile.objects.filter(item_id=learner.item_id, student_id=learner.student_id, workflow=None))
    if len(existing) >= limits.max_files or (not definition.allow_multiple_files and existing):
        count = limits.max_files if definition.allow_multiple_files else 1
        raise Refusal(400, "too_many_files", N_("A response can have at most {count} files."), count=count)
    if sum(item.size for item in existing) + size > limits.max_total_bytes:
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
    problem = hashlib.sha256(learner.item_id.encode()).hexdigest()[:16]
    return f"ora_xblock/{problem}/{uuid.uuid4().hex}"
