"""CSV reports of one problem, and the zip of its files, written in the background and downloaded from links that
expire after 5 minutes.

:func:`start` records a :class:`~ora_xblock.models.ReportTask` and, once
committed, hands it to the background runner (:mod:`.runner`: the Celery task
``ora_xblock.tasks.generate_report`` on the platform's report queue, run inline
where Celery runs eagerly, as in the demo and tests). The task streams rows (:mod:`.report_rows`) into a
temporary file and saves it through Django storage under ``ora_xblock/reports/``; a zip (kind ``files``) is
written by :mod:`.file_zip` alike. Every key holds a random part, so nobody guesses it. The files hold personal
data (usernames, emails), so a download link is signed for one person and one
report, and refused after :data:`LINK_SECONDS`.

No report stays "running" for ever, and none leaves a file behind: the file's name is recorded before any
byte reaches storage; a task that raises is marked failed with its error; a task says it is alive every
:data:`BEAT_EVERY` while writing, and :func:`expire_stale` (run when staff list the reports, and by the refresh)
marks failed one silent for :data:`RUNNING_SILENCE` (its worker died), or never started after
:data:`PENDING_SILENCE`, and deletes what it wrote. A second delivery of a task does nothing.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import secrets
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.core import signing
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.models import Q

from .. import platform
from ..conf import ora_settings
from ..definition import parse_olx_cached
from ..definition.errors import N_
from ..definition.model import Definition
from ..models import ProblemSnapshot, ReportTask
from . import course_report, file_zip, report_rows, runner
from .common import Conflict, Invalid, NotAllowed, NotFound, Problem

logger = logging.getLogger(__name__)

LINK_SECONDS = 300
LINK_SALT = "ora_xblock.reports.download"
FOLDER = "ora_xblock/reports"
LISTED = 50
BEAT_EVERY = timedelta(minutes=1)  # a report being written says it is alive this often
RUNNING_SILENCE = timedelta(minutes=15)  # a running report silent this long died with its worker
PENDING_SILENCE = timedelta(hours=6)  # a report not started this long after it was asked for was lost
BEAT_ROWS = 200  # rows written between two looks at the clock
DIED = N_("The report stopped before it was finished: the process writing it ended. Generate it again.")
NEVER_STARTED = N_("The report never started: the task queue lost it. Generate it again.")
NOT_SENT = N_("The report could not be started: the task queue did not answer. Generate it again later.")
_NAMES = {
    ReportTask.Kind.GRADE: "ora_grade_report",
    ReportTask.Kind.DATA: "ora_data_report",
    ReportTask.Kind.FILES: "ora_files",
}
REPORT_KINDS = (ReportTask.Kind.GRADE, ReportTask.Kind.DATA)


@dataclass(frozen=True)
class Reports:
    """A problem's reports: finished files newest first, tasks still pending or running, and failures."""

    finished: list[ReportTask]
    pending: list[ReportTask]
    failed: list[ReportTask]


def start(course_id: str, item_id: str, kind: str, requested_by: str, now: datetime) -> ReportTask:
    """Ask for a report (``grade`` or ``data``) or the zip of the files (``files``); it is generated in the
    background once the transaction commits."""
    if kind not in ReportTask.Kind.values:
        raise Invalid("bad_request", N_("Choose the grade report or the data report."))
    with transaction.atomic(savepoint=False):
        indexed = ProblemSnapshot.objects.filter(**({"item_id": item_id} if item_id else {"course_id": course_id}))
        if not indexed.exists():  # a blank item_id: the course-wide report (services.course_report)
            raise Conflict("nothing_to_report", N_("Nobody has submitted a response yet."))
        if kind == ReportTask.Kind.FILES and not file_zip.has_files(item_id):
            raise Conflict("nothing_to_report", N_("Nobody has submitted a file yet."))
        task = ReportTask.objects.create(
            course_id=course_id, item_id=item_id, kind=kind, requested_by=requested_by, created_at=now, alive_at=now
        )
        _enqueue_after_commit(task.pk, now)
    return task


def reports(item_id: str, now: datetime | None = None, course_id: str | None = None) -> Reports:
    """The problem's latest reports (one query); with ``course_id`` only that course's (a blank ``item_id``: its
    course-wide ones). Given ``now``, those among them whose worker died are marked failed first, as
    :func:`expire_stale` does (no query unless one did)."""
    found = ReportTask.objects.filter(item_id=item_id, **({} if course_id is None else {"course_id": course_id}))
    tasks = list(found.order_by("-created_at", "-id")[:LISTED])
    for task in tasks if now is not None else ():
        if _stale(task.status, task.alive_at, task.file_name, now):
            _give_up(task.pk, task.status, task.alive_at, task.file_name, now)
            task.refresh_from_db()
    return Reports(
        finished=[task for task in tasks if task.status == ReportTask.State.DONE],
        pending=[task for task in tasks if task.status in (ReportTask.State.PENDING, ReportTask.State.RUNNING)],
        failed=[task for task in tasks if task.status == ReportTask.State.FAILED],
    )


def run(task_id: int, clock: Callable[[], datetime] | None = None) -> ReportTask:
    """Generate the report of a pending task (what the Celery task does); a task already taken, done or failed
    is left alone, so that a second delivery does nothing.

    The file's name is recorded as the task is taken, before any byte is written. A failure marks the task failed
    with its error and deletes what was written; so does finding, at a beat, that :func:`expire_stale` has
    given the task up meanwhile (then the task stays as that left it). ``clock`` defaults to ``platform.now``.
    """
    clock = clock or platform.now
    task = ReportTask.objects.get(pk=task_id)
    if task.status != ReportTask.State.PENDING:
        return task
    name, now = file_name(task), clock()
    running = ReportTask.objects.filter(pk=task_id, status=ReportTask.State.RUNNING)
    if not ReportTask.objects.filter(pk=task_id, status=ReportTask.State.PENDING).update(
        status=ReportTask.State.RUNNING, file_name=name, alive_at=now
    ):
        return ReportTask.objects.get(pk=task_id)
    task.status, task.file_name, task.alive_at = ReportTask.State.RUNNING, name, now
    try:
        rows = _write(task, now, _Pulse(running, clock))
    except Exception as error:
        logger.exception("ora_xblock report %s failed", task_id)
        message = (str(error) or type(error).__name__)[:1000]
        running.update(status=ReportTask.State.FAILED, error=message, finished_at=clock())
        _discard(task_id, name)
        return ReportTask.objects.get(pk=task_id)
    finished = clock()
    if not running.update(status=ReportTask.State.DONE, rows=rows, finished_at=finished):
        _discard(task_id, name)  # given up while it saved the file
        return ReportTask.objects.get(pk=task_id)
    task.status, task.rows, task.finished_at = ReportTask.State.DONE, rows, finished
    return task


def expire_stale(now: datetime, item_id: str | None = None) -> int:
    """Mark failed the reports of the problem (or of every problem) whose worker died: running and silent for
    :data:`RUNNING_SILENCE`, or never started :data:`PENDING_SILENCE` after they were asked for; their files
    leave storage once committed. Also tries again to delete the files of failed reports that storage kept.

    Returns how many it marked failed. One indexed query when there is nothing to do.
    """
    found = ReportTask.objects.filter(
        Q(status=ReportTask.State.RUNNING, alive_at__lt=now - RUNNING_SILENCE)
        | Q(status=ReportTask.State.PENDING, alive_at__lt=now - PENDING_SILENCE)
        | (Q(status=ReportTask.State.FAILED) & ~Q(file_name=""))
    )
    if item_id is not None:
        found = found.filter(item_id=item_id)
    rows = found.values_list("pk", "status", "alive_at", "file_name")[:LISTED]
    return sum(_give_up(pk, status, alive_at, name, now) for pk, status, alive_at, name in rows)


def link_token(task: ReportTask, user_id: str, now: datetime) -> str:
    """A token that lets ``user_id`` download the finished report until :data:`LINK_SECONDS` after ``now``."""
    return _LinkSigner(user_id, now).sign(str(task.pk))


def download(
    token: str,
    item_id: str,
    user_id: str,
    now: datetime,
    kinds: tuple[str, ...] = REPORT_KINDS,
    course_id: str | None = None,
) -> tuple[ReportTask, IO[bytes]]:
    """The report (of one of ``kinds``) a link names, and its file opened for reading; refused once expired or
    for anyone else."""
    try:
        task_id = int(_LinkSigner(user_id, now).unsign(token, max_age=LINK_SECONDS))
    except signing.SignatureExpired:
        raise NotAllowed("link_expired", N_("This link has expired. Reload the page to get a new one.")) from None
    except (signing.BadSignature, ValueError):
        raise NotAllowed("bad_link", N_("This link is not valid for you.")) from None
    found = ReportTask.objects.filter(pk=task_id, item_id=item_id, kind__in=kinds, status=ReportTask.State.DONE)
    task = found.filter(**({} if course_id is None else {"course_id": course_id})).first()
    if task is None or not storage().exists(task.file_name):
        raise NotFound("no_such_report", N_("This report no longer exists."))
    return task, storage().open(task.file_name, "rb")


def storage() -> Storage:
    """Where report files go: the Django storage alias ``ORA_XBLOCK_REPORT_STORAGE`` (default ``"default"``)."""
    return storages[ora_settings.ORA_XBLOCK_REPORT_STORAGE]


def file_name(task: ReportTask) -> str:
    """``ora_xblock/reports/{task id}-{random}/{course}_ora_grade_report_{YYYY-MM-DD-HHMM}.csv`` (``.zip`` for
    the files), the course id made safe: the task's own key, which nothing else writes or deletes, and which
    nobody guesses (22 random URL-safe characters, 128 bits)."""
    course = (re.sub(r"[^A-Za-z0-9._-]", "_", task.course_id).strip("._") or "course")[:100]
    kind = ReportTask.Kind(task.kind)
    extension = "zip" if kind == ReportTask.Kind.FILES else "csv"
    folder = f"{FOLDER}/{task.pk}-{secrets.token_urlsafe(16)}"
    return f"{folder}/{course}_{_NAMES[kind]}_{task.created_at:%Y-%m-%d-%H%M}.{extension}"


def _enqueue_after_commit(task_id: int, now: datetime) -> None:
    """Once committed, hand the task to Celery; a queue that does not answer marks it failed, never the request."""

    def send_report_task() -> None:  # named: Django logs a robust callback's failure by __qualname__
        try:
            _enqueue(task_id)
        except Exception:
            logger.exception("ora_xblock: could not send report task %s to Celery", task_id)
            ReportTask.objects.filter(pk=task_id, status=ReportTask.State.PENDING).update(
                status=ReportTask.State.FAILED, error=NOT_SENT, finished_at=now
            )

    transaction.on_commit(send_report_task, robust=True)


def _enqueue(task_id: int) -> None:
    """Send the task to the registered runner (:mod:`.runner`); where none takes it, write the report here."""
    if not runner.current().send_report(task_id):
        run(task_id)


def _write(task: ReportTask, now: datetime, alive: Callable[[], None]) -> int:
    """Write the report, or the zip, and save it under ``task.file_name`` exactly; returns its row count (for a
    zip, its file count). ``alive`` is called every :data:`BEAT_ROWS` rows (after each file of a zip) and before
    saving."""
    if task.kind == ReportTask.Kind.FILES:
        return _save(task, lambda raw: file_zip.write_zip(raw, task.item_id, _file_storage(), alive), alive)
    if not task.item_id:  # every problem of the course
        header, rows = course_report.content(task.course_id, task.kind, now)
        return _save(task, lambda raw: _write_csv(raw, header, rows, alive), alive)
    snapshot = ProblemSnapshot.objects.get(item_id=task.item_id)
    definition = parse_olx_cached(snapshot.olx)
    header, rows = _content(task, definition, Problem(definition, now, flexible_forced=snapshot.flexible_forced))
    return _save(task, lambda raw: _write_csv(raw, header, rows, alive), alive)


def _write_csv(raw: IO[bytes], header: list[str], rows: Iterator[list[Any]], alive: Callable[[], None]) -> int:
    """Write ``header`` and ``rows`` as CSV into ``raw``, every text cell made safe; returns the row count."""
    count = 0
    text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    writer = csv.writer(text)
    writer.writerow([report_rows.safe(cell) for cell in header])
    for row in rows:
        writer.writerow([report_rows.safe(cell) for cell in row])
        count += 1
        if count % BEAT_ROWS == 0:
            alive()
    text.flush()
    text.detach()
    return count


def _save(task: ReportTask, fill: Callable[[IO[bytes]], int], alive: Callable[[], None]) -> int:
    """Have ``fill`` write into a local temporary file (gone with the process), then save that under
    ``task.file_name`` exactly; returns what ``fill`` returns."""
    with tempfile.TemporaryFile() as raw:
        count = fill(raw)
        raw.seek(0)
        alive()
        stored = storage().save(task.file_name, File(raw))
    if stored != task.file_name:  # a storage that renames on its own: nothing may point at a name we did not choose
        _delete_quietly(stored)
        raise OSError(f"the storage stored {task.file_name!r} as {stored!r}")
    return count


def _file_storage() -> Storage:
    """Where the learners' files are: the Django storage alias ``ORA_XBLOCK_FILE_STORAGE``."""
    return storages[ora_settings.ORA_XBLOCK_FILE_STORAGE]


class _GivenUp(Exception):
    """The task was marked failed while it ran (:func:`expire_stale` took it for dead)."""

    def __str__(self) -> str:
        return DIED


class _Pulse:
    """Says the running task is alive, at most every :data:`BEAT_EVERY`; raises :class:`_GivenUp` if it no longer
    runs."""

    def __init__(self, running: Any, clock: Callable[[], datetime]):
        self.running, self.clock, self.last = running, clock, clock()

    def __call__(self) -> None:
        now = self.clock()
        if now - self.last < BEAT_EVERY:
            return
        if not self.running.update(alive_at=now):
            raise _GivenUp()
        self.last = now


def _stale(status: str, alive_at: datetime | None, name: str, now: datetime) -> bool:
    """Whether :func:`expire_stale` has something to do with a task in this state."""
    if status == ReportTask.State.FAILED:
        return bool(name)
    silence = {ReportTask.State.RUNNING: RUNNING_SILENCE, ReportTask.State.PENDING: PENDING_SILENCE}.get(status)
    return silence is not None and alive_at is not None and alive_at < now - silence


def _give_up(pk: int, status: str, alive_at: datetime | None, name: str, now: datetime) -> bool:
    """Mark failed a task found dead in this state, unless it showed a sign of life since; delete its file once
    committed (and a failed task's file that storage kept). Whether it marked the task failed."""
    expired = False
    if status != ReportTask.State.FAILED:
        message = DIED if status == ReportTask.State.RUNNING else NEVER_STARTED
        found = ReportTask.objects.filter(pk=pk, status=status, alive_at=alive_at)
        if not found.update(status=ReportTask.State.FAILED, error=message, finished_at=now):
            return False
        expired = True
    if name:
        _delete_after_commit(pk, name)
    return expired


def _discard(task_id: int, name: str) -> None:
    """Delete what a failed task wrote under ``name``; if storage refuses, the failed task keeps the name, and
    :func:`expire_stale` tries again."""
    ReportTask.objects.filter(pk=task_id, status=ReportTask.State.FAILED).update(file_name=name)
    if _delete_quietly(name):
        ReportTask.objects.filter(pk=task_id, status=ReportTask.State.FAILED, file_name=name).update(file_name="")


def _delete_after_commit(task_id: int, name: str) -> None:
    def delete_report_file() -> None:  # named: Django logs a robust callback's failure by __qualname__
        if _delete_quietly(name):
            ReportTask.objects.filter(pk=task_id, status=ReportTask.State.FAILED, file_name=name).update(file_name="")

    transaction.on_commit(delete_report_file, robust=True)


def _delete_quietly(name: str) -> bool:
    """Delete the report file ``name`` if it is there; a storage failure is logged. Whether it is gone."""
    try:
        storage().delete(name)
    except Exception:
        logger.warning("ora_xblock: could not delete the report file %s", name, exc_info=True)
        return False
    return True


def _content(task: ReportTask, definition: Definition, problem: Problem) -> tuple[list[str], Iterator[list[Any]]]:
    if task.kind == ReportTask.Kind.GRADE:
        return report_rows.grade_header(definition), report_rows.grade_rows(problem, task.item_id)
    return report_rows.data_header(definition), report_rows.data_rows(definition, task.item_id)


class _LinkSigner(signing.TimestampSigner):
    """Django's timestamp signer, salted for one user's report links, on the caller's clock rather than time.time()."""

    def __init__(self, user_id: str, now: datetime):
        super().__init__(salt=f"{LINK_SALT}:{user_id}")
        self.now = now

    def timestamp(self) -> str:
        return signing.b62_encode(int(self.now.timestamp()))

    def unsign(self, value: str, max_age: float | None = None) -> str:
        value, stamp = signing.Signer.unsign(self, value).rsplit(self.sep, 1)
        if max_age is not None and self.now.timestamp() - signing.b62_decode(stamp) > max_age:
            raise signing.SignatureExpired(f"Signature age exceeds {max_age} seconds")
        return value
