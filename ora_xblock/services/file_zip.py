"""The staff's zip of every file submitted in a problem."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile
from collections import Counter
from typing import IO

from django.core.files.storage import Storage

from .. import uploads
from ..models import ResponseFile
from . import file_store
from .file_checks import COPY_BYTES, Limits


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
