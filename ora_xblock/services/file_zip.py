"""The staff's zip of every file submitted in a problem, written in the background (:mod:`.reports`, kind
``files``) into a local temporary file, then saved to the report storage."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from collections import Counter
from collections.abc import Callable
from typing import IO

from django.core.files.storage import Storage

from .. import uploads
from ..models import ResponseFile
from . import file_store
from .file_checks import COPY_BYTES


def has_files(item_id: str) -> bool:
    """Whether any learner of the problem has submitted a file (one query)."""
    return ResponseFile.objects.filter(item_id=item_id, workflow__isnull=False).exists()


def write_zip(out: IO[bytes], item_id: str, storage: Storage, alive: Callable[[], None] = lambda: None) -> int:
    """Write into ``out`` a zip of every submitted file in the problem, read from ``storage``; returns how many
    files it holds. ``alive`` is called after each file.

    One folder per learner, named after their username and a short id that is theirs alone (two learners never
    share one, whatever their usernames); in it the files, numbered. Every part of every name goes through
    :func:`ora_xblock.uploads.safe_name`, so no entry reaches outside the archive. Files missing from storage
    are listed in ``MISSING.txt``; a storage that fails refuses the whole zip (``storage_unavailable``).
    """
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        rows = ResponseFile.objects.filter(item_id=item_id, workflow__isnull=False).select_related("workflow")
        folders, counts, missing, added = _Folders(), Counter[str](), [], 0
        for item in rows.order_by("workflow__username", "student_id", "uploaded_at", "id").iterator(500):
            folder = folders.of(item.student_id, item.workflow.username)
            counts[folder] += 1
            entry = f"{folder}/{counts[folder]}-{uploads.safe_name(item.name, 'file')}"
            if _add_to_zip(bundle, entry, storage, item.key):
                added += 1
            else:
                missing.append(entry)
            alive()
        if missing:
            bundle.writestr("MISSING.txt", "Missing from storage:\n" + "\n".join(missing) + "\n")
    return added


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
