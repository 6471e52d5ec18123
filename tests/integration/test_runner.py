"""Celery as an adapter: services reach the task queue only through the registered runner."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pytest

from ora_xblock import tasks
from ora_xblock.models import ReportTask
from ora_xblock.services import overdue, reports, runner
from tests.integration.staff_world import COURSE, ITEM, at, submit_all

SERVICES = Path(__file__).resolve().parents[2] / "ora_xblock" / "services"


def imported_modules(path: Path) -> set[str]:
    """Every module a source file imports, relative imports spelled as written (``..tasks``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            joint = "." if node.module else ""
            names.update({base, *(base + joint + alias.name for alias in node.names)})
    return names


def test_no_service_imports_the_celery_tasks() -> None:
    for path in SERVICES.glob("*.py"):
        found = imported_modules(path) & {"..tasks", "ora_xblock.tasks", "celery"}
        assert not found, f"{path.name} imports {found}"


def test_the_app_registers_the_celery_runner_when_ready() -> None:
    assert isinstance(runner.current(), tasks.CeleryRunner)


@pytest.fixture
def inline(monkeypatch) -> runner.Runner:
    """No task queue registered: the inline runner stands."""
    fallback = runner.Runner()
    monkeypatch.setattr(runner, "_registered", [fallback])
    return fallback


@pytest.mark.django_db
def test_without_a_queue_the_report_is_written_by_its_caller(
    inline, settings, tmp_path, django_capture_on_commit_callbacks
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    submit_all("ann", "bob")
    with django_capture_on_commit_callbacks(execute=True):
        task = reports.start(COURSE, ITEM, "grade", "StaffAnn", at(1).now)
    task.refresh_from_db()
    assert (task.status, task.rows) == (ReportTask.State.DONE, 2)
    with reports.storage().open(task.file_name, "rb") as stored:
        assert [row["username"] for row in csv.DictReader(io.StringIO(stored.read().decode()))] == ["ann", "bob"]


def test_without_a_queue_nothing_waits_for_later(inline, monkeypatch) -> None:
    monkeypatch.setitem(tasks.refresh_due_problems.app.conf, "broker_url", "memory://")
    assert not overdue.can_schedule()
    assert overdue.hop() == overdue.HOP
