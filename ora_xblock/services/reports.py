"""CSV reports of one problem, written in the background and downloaded from links that expire after 5 minutes.

:func:`start` records a :class:`~ora_xblock.models.ReportTask` and, once
committed, hands it to the Celery task ``ora_xblock.tasks.generate_report``
on the platform's report queue (run inline where Celery runs eagerly, as in
the demo and tests). The task streams rows (:mod:`.report_rows`) into a
temporary file and saves it through Django storage under ``ora_xblock/reports/``. The files hold personal data
(usernames, emails), so a download link is signed for one person and one
report, and refused after :data:`LINK_SECONDS`.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import IO, Any

from django.core import signing
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import transaction

from .. import platform
from ..definition import parse_olx_cached
from ..definition.errors import N_
from ..definition.model import Definition
from ..models import ProblemSnapshot, ReportTask
from . import report_rows
from .common import Problem, Refusal

logger = logging.getLogger(__name__)

LINK_SECONDS = 300
LINK_SALT = "ora_xblock.reports.download"
FOLDER = "ora_xblock/reports"
LISTED = 50
_NAMES = {ReportTask.Kind.GRADE: "ora_grade_report", ReportTask.Kind.DATA: "ora_data_report"}


@dataclass(frozen=True)
class Reports:
    """A problem's reports: finished files newest first, tasks still pending or running, and failures."""

    finished: list[ReportTask]
    pending: list[ReportTask]
    failed: list[ReportTask]


def start(course_id: str, item_id: str, kind: str, requested_by: str, now: datetime) -> ReportTask:
    """Ask for a report (``grade`` or ``data``); it is generated in the background once the transaction commits."""
    if kind not in ReportTask.Kind.values:
        raise Refusal(400, "bad_request", N_("Choose the grade report or the data report."))
    with transaction.atomic(savepoint=False):
        if not ProblemSnapshot.objects.filter(item_id=item_id).exists():
            raise Refusal(409, "nothing_to_report", N_("Nobody has submitted a response yet."))
        task = ReportTask.objects.create(
            course_id=course_id, item_id=item_id, kind=kind, requested_by=requested_by, created_at=now
        )
        transaction.on_commit(partial(_enqueue, task.pk))
    return task


def reports(item_id: str) -> Reports:
    """The problem's latest reports (one query)."""
    tasks = list(ReportTask.objects.filter(item_id=item_id).order_by("-created_at", "-id")[:LISTED])
    return Reports(
        finished=[task for task in tasks if task.status == ReportTask.State.DONE],
        pending=[task for task in tasks if task.status in (ReportTask.State.PENDING, ReportTask.State.RUNNING)],
        failed=[task for task in tasks if task.status == ReportTask.State.FAILED],
    )


def run(task_id: int, clock: Callable[[], datetime] = platform.now) -> ReportTask:
    """Generate the report of a pending task (what the Celery task does); a task already taken is left alone."""
    claimed = ReportTask.objects.filter(pk=task_id, status=ReportTask.State.PENDING).update(
        status=ReportTask.State.RUNNING
    )
    task = ReportTask.objects.get(pk=task_id)
    if not claimed:
        return task
    try:
        task.file_name, task.rows = _write(task, clock())
        task.status = ReportTask.State.DONE
    except Exception as error:
        logger.exception("ora_xblock report %s failed", task_id)
        task.status, task.error = ReportTask.State.FAILED, (str(error) or type(error).__name__)[:1000]
    task.finished_at = clock()
    task.save()
    return task


def link_token(task: ReportTask, user_id: str, now: datetime) -> str:
    """A token that lets ``user_id`` download the finished report until :data:`LINK_SECONDS` after ``now``."""
    return _LinkSigner(user_id, now).sign(str(task.pk))


def download(token: str, item_id: str, user_id: str, now: datetime) -> tuple[ReportTask, IO[bytes]]:
    """The report a link names, and its file opened for reading; refused once expired or for anyone else."""
    try:
        task_id = int(_LinkSigner(user_id, now).unsign(token, max_age=LINK_SECONDS))
    except signing.SignatureExpired:
        raise Refusal(403, "link_expired", N_("This link has expired. Reload the page to get a new one.")) from None
    except (signing.BadSignature, ValueError):
        raise Refusal(403, "bad_link", N_("This link is not valid for you.")) from None
    task = ReportTask.objects.filter(pk=task_id, item_id=item_id, status=ReportTask.State.DONE).first()
    if task is None or not storage().exists(task.file_name):
        raise Refusal(404, "no_such_report", N_("This report no longer exists."))
    return task, storage().open(task.file_name, "rb")


def storage() -> Storage:
    """Where report files go: the Django storage alias ``ORA_XBLOCK_REPORT_STORAGE`` (default ``"default"``)."""
    return storages[platform.setting("ORA_XBLOCK_REPORT_STORAGE", "default")]


def file_name(task: ReportTask) -> str:
    """``ora_xblock/reports/{course}_ora_grade_report_{YYYY-MM-DD-HHMM}.csv``, the course id made safe."""
    course = re.sub(r"[^A-Za-z0-9._-]", "_", task.course_id).strip("._") or "course"
    return f"{FOLDER}/{course}_{_NAMES[ReportTask.Kind(task.kind)]}_{task.created_at:%Y-%m-%d-%H%M}.csv"


def _enqueue(task_id: int) -> None:
    """Run the task inline where Celery is eager; else send it to the platform's report queue
    (``GRADES_DOWNLOAD_ROUTING_KEY``, where the LMS sends its own CSV reports), or the default queue."""
    from ..tasks import generate_report, runs_inline

    if runs_inline():
        generate_report.apply(args=(task_id,))
        return
    queue = platform.setting("GRADES_DOWNLOAD_ROUTING_KEY", None)
    generate_report.apply_async(args=(task_id,), **({"queue": queue} if queue else {}))


def _write(task: ReportTask, now: datetime) -> tuple[str, int]:
    snapshot = ProblemSnapshot.objects.get(item_id=task.item_id)
    definition = parse_olx_cached(snapshot.olx)
    header, rows = _content(task, definition, Problem(definition, now, flexible_forced=snapshot.flexible_forced))
    count = 0
    with tempfile.TemporaryFile() as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        writer = csv.writer(text)
        writer.writerow([report_rows.safe(cell) for cell in header])
        for row in rows:
            writer.writerow([report_rows.safe(cell) for cell in row])
            count += 1
        text.flush()
        text.detach()
        raw.seek(0)
        return storage().save(file_name(task), File(raw)), count


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
