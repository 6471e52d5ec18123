"""What every way a file arrives is judged by: the limits, the checks before and after its bytes, and its record.

Every limit is enforced here, whatever the browser checked: the problem's types, the per-file size, the file
count and the seed's 500 MB in total. A file's bytes are judged whole (:func:`ora_xblock.uploads.check_file`)
before it joins a draft. Files are stored under generated keys that say nothing of the learner or the file.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, TypeVar

from django.core.files.storage import Storage, storages
from django.db.models import Model, QuerySet

from .. import uploads
from ..definition.errors import N_
from ..definition.model import Necessity
from ..models import ResponseFile, TeamResponse, Workflow
from . import file_store
from .common import Conflict, Invalid, Learner, Problem, TooLarge

HEAD_BYTES = uploads.HEAD_BYTES
COPY_BYTES = 64 * 1024
SPOOL_BYTES = 1024 * 1024  # a file being checked stays in memory up to this size, on local disk beyond
TEAM_DRAFT = "team:"  # how the owner of a team's draft begins (services.common.Team.draft_owner)
Row = TypeVar("Row", bound=Model)


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


TEAM_SUBMITTED = N_("Your team has already submitted a response.")
REJECTIONS = {
    "file.no_name": N_("The file has no usable name."),
    "file.name_too_long": N_("File names can be at most {limit} characters."),
    "file.no_extension": N_('"{name}" has no extension, so its type cannot be checked.'),
    "file.type_not_allowed": N_('"{name}" is not a type this problem accepts. Allowed: {allowed}.'),
    "file.content_mismatch": N_(
        'The contents of "{name}" are not what its .{extension} extension says. This problem accepts: {allowed}.'
    ),
}


def record_file(
    problem: Problem,
    learner: Learner,
    checked: uploads.CheckedName,
    description: object,
    key: str,
    size: int,
    content_type: str,
    confirmed: bool = True,
) -> ResponseFile:
    """Record a file in the draft of ``learner``; in a team's draft (:func:`team_of_draft`), the file names the
    member who uploaded it (a team's draft learner carries the member's username)."""
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
        uploaded_by=learner.username if team_of_draft(learner.student_id) is not None else "",
    )


def team_of_draft(student_id: str) -> str | None:
    """The team whose draft ``student_id`` owns, or None for a learner's own draft."""
    return student_id.removeprefix(TEAM_DRAFT) if student_id.startswith(TEAM_DRAFT) else None


def check_request(
    problem: Problem, filename: str, description: object, size: int, limits: Limits
) -> uploads.CheckedName:
    """Everything about an upload that can be judged before its bytes arrive."""
    definition = problem.definition
    if definition.file_upload_response is Necessity.NONE:
        raise Invalid("files_not_allowed", N_("This problem does not take files."))
    problem.require_open("submission")
    if not isinstance(description, str) or not description.strip():
        raise Invalid("description_required", N_("Describe the file, so that others know what it is."))
    if len(description) > 1000:
        raise Invalid("description_too_long", N_("File descriptions can be at most 1,000 characters."))
    allowed = _allowed(problem)
    try:
        checked = uploads.check_name(filename, allowed, limits.extra_prohibited)
    except uploads.Rejected as rejected:
        raise Invalid(rejected.code, REJECTIONS[rejected.code], **rejected.params) from None
    if size > limits.max_file_bytes:
        raise TooLarge("file_too_large", N_("Files can be at most {limit} MB."), limit=limits.max_file_bytes // 10**6)
    return checked


def _allowed(problem: Problem) -> tuple[str, ...]:
    definition = problem.definition
    return uploads.allowed_extensions(definition.file_upload_type, definition.white_listed_file_types)


def check_head(head: bytes, name: str, extension: str, problem: Problem | None) -> str:
    try:
        return uploads.check_head(head, extension)
    except uploads.Rejected:
        raise _mismatch(name, extension, problem) from None


def check_file(stream: IO[bytes], size: int, name: str, extension: str, problem: Problem | None) -> str:
    try:
        return uploads.check_file(stream, size, extension)
    except uploads.Rejected:
        raise _mismatch(name, extension, problem) from None


def _mismatch(name: str, extension: str, problem: Problem | None) -> Invalid:
    """The content refusal, naming the file and the types the problem accepts (or, without the problem, its own)."""
    allowed = _allowed(problem) if problem is not None else (extension,)
    return Invalid(
        "file.content_mismatch",
        REJECTIONS["file.content_mismatch"],
        name=name,
        extension=extension,
        allowed=", ".join(f".{item}" for item in allowed),
    )


def check_room(
    problem: Problem, learner: Learner, size: int, limits: Limits, pending: tuple[int, int] = (0, 0)
) -> None:
    """Refuse when the learner (or, for a team's draft, the team) has submitted, or the draft has no room for
    ``size`` more bytes: the limits hold for a team's draft as a whole.

    ``pending`` is the count and bytes of files still arriving in pieces, which take room too.
    """
    definition = problem.definition
    team_id = team_of_draft(learner.student_id)
    if team_id is not None:
        if TeamResponse.objects.filter(item_id=learner.item_id, team_id=team_id).exists():
            raise Conflict("team_already_submitted", TEAM_SUBMITTED)
    elif Workflow.objects.filter(item_id=learner.item_id, student_id=learner.student_id).exists():
        raise Conflict("already_submitted", N_("You have already submitted a response."))
    existing = list(ResponseFile.objects.filter(item_id=learner.item_id, student_id=learner.student_id, workflow=None))
    count = len(existing) + pending[0]
    if count >= limits.max_files or (not definition.allow_multiple_files and count):
        count = limits.max_files if definition.allow_multiple_files else 1
        raise Invalid("too_many_files", N_("A response can have at most {count} files."), count=count)
    if sum(item.size for item in existing) + pending[1] + size > limits.max_total_bytes:
        raise TooLarge("total_too_large", N_("All files together can be at most 500 MB."))


@contextmanager
def copied(storage: Storage, keys: list[str], action: str) -> Iterator[IO[bytes]]:
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


def learners_own(rows: QuerySet[Row], learner: Learner) -> QuerySet[Row]:
    """Of ``rows`` (files or uploads in pieces), the learner's own in the problem: anyone else's is as good as
    missing."""
    return rows.filter(item_id=learner.item_id, student_id=learner.student_id)


def new_key(learner: Learner) -> str:
    """A storage key that says nothing about the learner or the file's name."""
    return f"{key_folder(learner.item_id)}/{uuid.uuid4().hex}"


def key_folder(item_id: str) -> str:
    return f"ora_xblock/{hashlib.sha256(item_id.encode()).hexdigest()[:16]}"
