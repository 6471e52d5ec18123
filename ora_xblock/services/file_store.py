"""File storage as the services use it: failures as refusals, and no file left that nothing points at.

A storage that fails (down, refusing, cut off mid-write) is a 503 ``storage_unavailable`` refusal, logged, never
an exception for the handler. Every key the block writes is named by a committed row before its bytes go out:
a :class:`~ora_xblock.models.PartialUpload` names its pieces and its joined file, an unconfirmed
:class:`~ora_xblock.models.ResponseFile` names a file sent straight to S3, and a
:class:`~ora_xblock.models.LooseFile` names a single upload until the row that records it takes over. A key
whose last row goes is written down as a ``LooseFile`` in the same transaction and deleted from storage once
that transaction commits; a delete that fails stays written down, and ``ora_clean_uploads`` tries it again.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone

from ..definition.errors import N_
from ..models import LooseFile, ResponseFile, UploadPiece
from .common import NotFound, Refusal, Unavailable

log = logging.getLogger(__name__)

READ_BYTES = 64 * 1024
SWEEP_BATCH = 100
RETRY_AFTER = timedelta(minutes=5)  # doubled after each failed delete, up to a day
RETRY_AT_MOST = timedelta(days=1)


def unavailable() -> Unavailable:
    return Unavailable("storage_unavailable", N_("The file storage is not answering. Try again in a few minutes."))


@contextmanager
def failures(action: str) -> Iterator[None]:
    """Turn a storage failure inside the block into :func:`unavailable`, logged with ``action``."""
    try:
        yield
    except Refusal:
        raise
    except Exception as error:
        log.warning("File storage failed while %s", action, exc_info=True)
        raise unavailable() from error


def save(storage: Storage, key: str, content: IO[bytes], replace: bool = False) -> None:
    """Store ``content`` under exactly ``key`` (``replace``: first deleting what a failed attempt left there); a
    failure part-way deletes what arrived (when storage lets it) and refuses with :func:`unavailable`."""
    with failures("saving a file"):
        if replace and storage.exists(key):
            storage.delete(key)
        try:
            stored = storage.save(key, File(content, name=key))
        except BaseException:
            delete_quietly(storage, key)
            raise
        if stored != key:  # a storage that renames on its own: nothing may point at a name we did not choose
            delete_quietly(storage, stored)
            raise OSError(f"the storage stored {key!r} as {stored!r}")


def delete_quietly(storage: Storage, key: str) -> bool:
    """Delete ``key``; a failure is logged, not raised. Whether it is gone."""
    try:
        storage.delete(key)
    except Exception:
        log.warning("File storage failed to delete %s", key, exc_info=True)
        return False
    return True


def expect(alias: str, key: str, within: timedelta) -> None:
    """Write ``key`` down before its bytes go to storage: if nothing records it ``within`` that time, the cleaner
    deletes it. Commits at once when the caller holds no transaction."""
    LooseFile.objects.update_or_create(storage=alias, key=key, defaults={"due_at": timezone.now() + within})


def settle(alias: str, keys: Iterable[str]) -> None:
    """The keys are recorded by rows now: take them off the list (in the transaction that records them)."""
    LooseFile.objects.filter(storage=alias, key__in=list(keys)).delete()


def discard(alias: str, keys: Iterable[str]) -> None:
    """Delete ``keys`` from storage once the current transaction commits, writing them down first in it, so that
    a failed delete (or a process that dies first) leaves them to the cleaner. Nothing happens on rollback."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return
    now = timezone.now()
    existing = set(LooseFile.objects.filter(storage=alias, key__in=keys).values_list("key", flat=True))
    LooseFile.objects.filter(storage=alias, key__in=existing).update(due_at=now)
    LooseFile.objects.bulk_create(
        [LooseFile(storage=alias, key=key, due_at=now) for key in keys if key not in existing], ignore_conflicts=True
    )
    transaction.on_commit(partial(_delete_listed, alias, keys))


def forget_now(alias: str, key: str) -> None:
    """After a failed write: delete what may have arrived under ``key``; if storage refuses, leave it written down
    and due, for the cleaner."""
    try:
        if delete_quietly(storages[alias], key):
            settle(alias, [key])
        else:
            LooseFile.objects.update_or_create(storage=alias, key=key, defaults={"due_at": timezone.now()})
    except Exception:  # the database too: the caller's own failure is what its caller must hear of
        log.warning("Could not write down %s, left by a failed upload", key, exc_info=True)


def sweep(now: datetime) -> tuple[int, int]:
    """Delete from storage up to :data:`SWEEP_BATCH` keys due by ``now``; returns (deleted, failed). A failed
    delete is tried again later, each time after twice as long (at most a day)."""
    due = list(LooseFile.objects.filter(due_at__lte=now).order_by("due_at")[:SWEEP_BATCH])
    named = _still_named(loose.key for loose in due)
    deleted = failed = 0
    for loose in due:
        if loose.key in named or _delete_one(loose.storage, loose.key):
            LooseFile.objects.filter(pk=loose.pk).delete()
            deleted += 1
        else:
            wait = min(RETRY_AFTER * 2**loose.attempts, RETRY_AT_MOST)
            LooseFile.objects.filter(pk=loose.pk).update(due_at=now + wait, attempts=loose.attempts + 1)
            failed += 1
    return deleted, failed


def open_to_send(storage: Storage, key: str) -> IO[bytes]:
    """``key`` opened to send to a browser: a storage that fails to open or to give the first bytes is a refusal
    (``file_missing`` when the file is gone); one that fails later ends the file early, logged, and the browser,
    told the full length, sees the download fail."""
    try:
        with failures("opening a file to send"):
            stored = storage.open(key, "rb")
            first = stored.read(READ_BYTES)
    except Refusal as refusal:
        if isinstance(refusal.__cause__, FileNotFoundError):
            raise NotFound("file_missing", N_("This file is missing from storage. Tell course staff.")) from None
        raise
    return _Sending(stored, first, key)


def _delete_listed(alias: str, keys: list[str]) -> None:
    """After commit: delete what was written down; never raises (the caller's work is committed)."""
    try:
        named = _still_named(keys)
        gone = [key for key in keys if key in named or _delete_one(alias, key)]
        settle(alias, gone)
    except Exception:
        log.warning(
            "Deleting %d files from storage %s failed; ora_clean_uploads retries", len(keys), alias, exc_info=True
        )


def _still_named(keys: Iterable[str]) -> set[str]:
    """Those of ``keys`` a file or a piece points at again (a race with a finishing upload): never deleted."""
    keys = list(keys)
    files = ResponseFile.objects.filter(key__in=keys).values_list("key", flat=True)
    return set(files) | set(UploadPiece.objects.filter(key__in=keys).values_list("key", flat=True))


def _delete_one(alias: str, key: str) -> bool:
    try:
        storage = storages[alias]
    except Exception:
        log.warning("No file storage %r, so %s waits", alias, key, exc_info=True)
        return False
    return delete_quietly(storage, key)


class _Sending(io.RawIOBase):
    """A stored file as it is sent: the first bytes already read, the rest until the end or a failure."""

    def __init__(self, stored: Any, first: bytes, key: str):
        super().__init__()
        self._stored, self._pending, self._key = stored, first, key

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self._pending:
            try:
                self._pending = self._stored.read(len(buffer))
            except Exception:
                log.warning("File storage failed while sending %s; the download ends early", self._key, exc_info=True)
                return 0
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    def close(self) -> None:
        try:
            self._stored.close()
        except Exception:
            log.warning("File storage failed to close %s", self._key, exc_info=True)
        super().close()
