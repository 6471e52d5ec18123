"""Reports under faults: a worker killed mid-write, storage failing, a task delivered twice or never. Each leaves a
report marked failed (never stuck "running"), with a message staff can read, no file behind, and staff free to
start again.

Real commits (``transaction=True``), on SQLite, PostgreSQL and MariaDB (``databases``). A fake broker records what
is sent; the test runs the Celery task as the worker would.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from kombu.exceptions import OperationalError

from ora_xblock import platform, scenarios, tasks
from ora_xblock.models import RefreshClock, ReportTask
from ora_xblock.services import overdue, report_rows, reports
from tests.concurrency import run_concurrently
from tests.conftest import call_handler

pytestmark = [pytest.mark.databases, pytest.mark.django_db(transaction=True)]

DIED = "The report stopped before it was finished: the process writing it ended. Generate it again."


class Killed(BaseException):
    """The worker's process ends here (SIGKILL, out of memory, a hard time limit): nothing after it runs."""


@pytest.fixture
def stored(settings, tmp_path: Path):
    """Report storage in a temporary folder; returns a function listing the report files in it."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    return lambda: sorted(str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*.csv"))


@pytest.fixture
def queue(monkeypatch, settings) -> list[int]:
    """The platform's report queue: the task ids sent to it, which the test's worker runs."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent: list[int] = []
    task = tasks.generate_report._get_current_object()
    monkeypatch.setattr(type(task), "apply_async", lambda self, args, **options: sent.append(args[0]))
    return sent


@pytest.fixture
def problem(make_block, users, clock, stored, queue):
    """A self-then-staff problem three learners answered, seen by course staff."""
    block = make_block(scenarios.demo_olx("self_staff.xml"))
    for name in ("alice", "bob", "carol"):
        users.as_user(name)
        assert call_handler(block, "submit", {"answers": [f"answer of {name}"]}).status_code == 200
    users.as_user("staff", staff=True)
    block.runtime.handler_url = lambda block, name, suffix="", *args, **kwargs: f"/handler/{name}/{suffix}"
    return block


def start(block) -> int:
    """Staff ask for a grade report; the id of the task sent to the queue."""
    before = ReportTask.objects.count()
    answer = call_handler(block, "staff_report_start", {"kind": "grade"})
    assert answer.status_code == 200, answer.body
    assert ReportTask.objects.count() == before + 1
    return ReportTask.objects.latest("pk").pk


def listing(block) -> str:
    answer = call_handler(block, "staff_reports", {})
    assert answer.status_code == 200, answer.body
    return json.loads(answer.body)["html"]


def state(task_id: int) -> tuple[str, str, str]:
    task = ReportTask.objects.get(pk=task_id)
    return task.status, task.error, task.file_name


@contextmanager
def storage_fails_mid_write(failure: BaseException) -> Iterator[None]:
    """Storage takes the first bytes of the file, then ``failure`` happens."""
    save = FileSystemStorage._save

    def part_then_fail(self, name, content):
        save(self, name, ContentFile(content.read(20)))
        raise failure

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(FileSystemStorage, "_save", part_then_fail)
        yield


def test_a_worker_killed_mid_write_is_marked_failed_its_file_deleted_and_staff_start_again(
    problem, clock, stored
) -> None:
    task_id = start(problem)
    with storage_fails_mid_write(Killed()), pytest.raises(Killed):
        tasks.generate_report(task_id)
    status, _, name = state(task_id)
    assert status == "running" and stored() == [name]  # the part that arrived, under the name recorded first

    clock.later(minutes=14)
    assert "Running" in listing(problem) and state(task_id)[0] == "running"  # silent, not yet for long
    clock.later(minutes=2)
    shown = listing(problem)

    assert state(task_id) == ("failed", DIED, "")
    assert DIED in shown and "Running" not in shown
    assert stored() == []
    again = start(problem)
    assert tasks.generate_report(again) == 3
    assert state(again)[0] == "done" and len(stored()) == 1


def test_a_task_that_raises_is_marked_failed_with_the_error_and_leaves_no_file(problem, stored) -> None:
    task_id = start(problem)
    with storage_fails_mid_write(OSError("disk full")):
        assert tasks.generate_report(task_id) == 0
    assert state(task_id) == ("failed", "disk full", "")
    assert stored() == []
    assert "disk full" in listing(problem)


def test_a_report_given_up_while_its_slow_worker_still_writes_is_not_revived(
    problem, clock, stored, monkeypatch
) -> None:
    """The worker was silent for too long (a long pause, a frozen VM) and staff saw the report fail; when it
    comes back, it stops at its next beat and writes nothing."""
    task_id = start(problem)
    rows = report_rows.grade_rows

    def stalling(*args):
        source = rows(*args)
        yield next(source)
        clock.later(minutes=16)
        assert DIED in listing(problem)
        yield from source

    monkeypatch.setattr(report_rows, "grade_rows", stalling)
    tasks.generate_report(task_id)
    assert state(task_id) == ("failed", DIED, "")
    assert stored() == []


def test_a_report_given_up_while_its_worker_saved_the_file_loses_the_file(problem, clock, stored) -> None:
    task_id = start(problem)
    save = FileSystemStorage._save

    def saved_then_given_up(self, name, content):
        stored_as = save(self, name, content)
        clock.later(minutes=16)
        assert reports.expire_stale(clock.now) == 1  # the refresh, while the worker was saving
        return stored_as

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(FileSystemStorage, "_save", saved_then_given_up)
        tasks.generate_report(task_id)
    assert state(task_id) == ("failed", DIED, "")
    assert stored() == []


def test_a_long_report_that_beats_is_never_given_up(problem, clock, monkeypatch) -> None:
    """Twenty minutes of writing, a beat every 200 rows (two minutes here), the refresh looking every minute."""
    task_id = start(problem)

    def slow_rows(*args):
        for number in range(2000):
            if number and number % 100 == 0:
                clock.later(minutes=1)
                assert reports.expire_stale(clock.now) == 0
            yield [f"learner {number}"]

    monkeypatch.setattr(report_rows, "grade_rows", slow_rows)
    assert tasks.generate_report(task_id) == 2000
    assert state(task_id)[0] == "done"


def test_a_task_delivered_again_after_it_finished_does_nothing(problem, stored) -> None:
    task_id = start(problem)
    assert tasks.generate_report(task_id) == 3
    first = ReportTask.objects.get(pk=task_id)
    files = stored()

    assert tasks.generate_report(task_id) == 3  # a redelivery by the broker
    results = run_concurrently(lambda _: tasks.generate_report(task_id), 2)  # and two at once

    assert results == [3, 3]
    again = ReportTask.objects.get(pk=task_id)
    assert (again.status, again.finished_at, again.file_name) == ("done", first.finished_at, first.file_name)
    assert stored() == files and len(files) == 1


def test_a_task_delivered_twice_at_once_is_written_once(problem, stored) -> None:
    task_id = start(problem)
    results = run_concurrently(lambda _: tasks.generate_report(task_id), 3)
    assert all(isinstance(result, int) for result in results) and 3 in results, results
    assert state(task_id)[0] == "done"
    assert len(stored()) == 1


def test_a_queue_that_does_not_answer_fails_the_report_not_the_request(problem, monkeypatch) -> None:
    def down(self, args, **options):
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr(type(tasks.generate_report._get_current_object()), "apply_async", down)
    answer = call_handler(problem, "staff_report_start", {"kind": "grade"})
    assert answer.status_code == 200, answer.body
    task = ReportTask.objects.get()
    assert (task.status, task.error) == ("failed", reports.NOT_SENT)
    assert reports.NOT_SENT in listing(problem)


def refresh_by_cron() -> None:
    call_command("ora_refresh_workflows", stdout=io.StringIO())


def refresh_by_the_clock() -> None:
    RefreshClock.objects.update_or_create(name=overdue.CLOCK, defaults={"token": "run", "wake_at": platform.now()})
    tasks.refresh_due_problems("run")


@pytest.mark.parametrize("refresh", [refresh_by_cron, refresh_by_the_clock], ids=["cron", "clock"])
def test_the_refresh_fails_reports_that_died_or_never_started(problem, clock, stored, refresh) -> None:
    lost = start(problem)  # the broker lost the message
    killed = start(problem)
    with storage_fails_mid_write(Killed()), pytest.raises(Killed):
        tasks.generate_report(killed)

    clock.later(minutes=16)
    refresh()
    assert state(killed) == ("failed", DIED, "") and stored() == []
    assert state(lost)[0] == "pending"  # a busy queue may hold a report for hours
    clock.later(hours=6)
    refresh()
    assert state(lost) == ("failed", reports.NEVER_STARTED, "")
    assert tasks.generate_report(lost) == 0  # delivered at last: too late, nothing is written
    assert state(lost)[0] == "failed" and stored() == []


def test_a_file_storage_kept_is_deleted_by_a_later_refresh(problem, clock, stored) -> None:
    task_id = start(problem)
    with storage_fails_mid_write(Killed()), pytest.raises(Killed):
        tasks.generate_report(task_id)
    clock.later(minutes=16)

    def refusing(self, name):
        raise OSError("storage unavailable")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(FileSystemStorage, "delete", refusing)
        assert DIED in listing(problem)
    status, _, name = state(task_id)
    assert status == "failed" and stored() == [name]  # the failed task still names its file

    refresh_by_cron()
    assert state(task_id) == ("failed", DIED, "") and stored() == []


def test_the_list_of_reports_finds_dead_reports_among_those_it_reads_anyway(problem) -> None:
    start(problem)
    with CaptureQueriesContext(connection) as quiet:
        listing(problem)
    reads = [query for query in quiet.captured_queries if "ora_xblock_reporttask" in query["sql"]]
    assert len(reads) == 1
