"""Staff area at scale: reports, the gradebook and the staff queue with 1,000 to 100,000 learners in one problem.

    make bench
    python bench/bench_staff.py --sizes 1000 100000 --explain

Each size gets its own problem in one fresh SQLite database, filled in bulk: a
user (with an email) and a workflow per learner, a self assessment each, a
staff grade for half of them (the others wait in the staff queue). Reports the
time, the peak Python memory (tracemalloc, a second run) and the SQL statements
of each report; the median and 95th percentile time and the statements of the
gradebook's pages and of the staff queue's ``next`` (each call a new grader,
who takes a response). ``--explain`` prints each statement's plan at every
size, to see the index it reads. The reference: edx-ora2's data report takes
44 s and 352 MB for 10,000 learners at about 5 queries per row.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from measure import HEADER, print_plans, timing
from setup_django import setup

setup()

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from ora_xblock import scenarios
from ora_xblock.assessing import check
from ora_xblock.definition import load_olx
from ora_xblock.models import Assessment, ProblemSnapshot, ReportTask, StaffLease, Workflow
from ora_xblock.services import gradebook, queue, reports
from ora_xblock.services.audit import Actor
from ora_xblock.services.common import Problem

SIZES = (1_000, 10_000, 100_000)
CALLS = 30  # measured calls of each page
BATCH = 5000
COURSE = "course-v1:local+ora_xblock+bench"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
OLX = scenarios.resource_text("scenarios/self_staff.xml")
DEFINITION = load_olx(OLX)


def populate(item_id: str, size: int) -> None:
    """``size`` learners: half graded by staff (done), half waiting for staff, every one self-assessed."""
    get_user_model().objects.bulk_create(
        (get_user_model()(username=f"{item_id}-u{n}", email=f"u{n}@example.org") for n in range(size)),
        batch_size=BATCH,
    )
    workflows = [
        Workflow(
            course_id=COURSE,
            item_id=item_id,
            student_id=f"anon-{item_id}-{n}",
            username=f"{item_id}-u{n}",
            username_lower=f"{item_id}-u{n}",
            submission_uuid=f"{item_id}-{n}",
            status="done" if n % 2 else "staff",
            submitted_at=NOW - timedelta(days=30) + timedelta(seconds=n),
            updated_at=NOW,
            score_earned=(3, 5)[n % 4 // 2] if n % 2 else None,
            score_possible=5 if n % 2 else None,
            score_source="staff-assessment" if n % 2 else "",
        )
        for n in range(size)
    ]
    Workflow.objects.bulk_create(workflows, batch_size=BATCH)
    stated = [part.as_dict() for part in check(DEFINITION.rubric, {"Argument": "Stated"}, {}, "").parts]
    assessments = []
    for n, workflow in enumerate(workflows):
        common = {"workflow": workflow, "parts": stated, "points_earned": 3, "points_possible": 5}
        assessments.append(Assessment(kind="self", scorer_id=workflow.student_id, created_at=NOW, **common))
        if n % 2:
            assessments.append(Assessment(kind="staff", scorer_id="anon-staff", created_at=NOW, **common))
    Assessment.objects.bulk_create(assessments, batch_size=BATCH)
    ProblemSnapshot.objects.create(item_id=item_id, course_id=COURSE, olx=OLX, updated_at=NOW)


def measured(action: Callable[[], Any]) -> tuple[Any, float, int]:
    """``action``'s result, seconds and SQL statements."""
    statements = 0

    def count(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        began = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - began
    return result, seconds, statements


def peak_mb(action: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def report(item_id: str, kind: str) -> Callable[[], ReportTask]:
    def generate() -> ReportTask:
        with transaction.atomic():  # the Celery task runs eagerly once this commits, as in the demo
            task = reports.start(COURSE, item_id, kind, "bench", NOW)
        task.refresh_from_db()
        return task

    return generate


def staff_calls(item_id: str, size: int, explain: bool) -> list[str]:
    """The gradebook's pages and the staff queue's ``next`` (each call a new grader), each timed over ``CALLS``."""
    lines = []
    problem = Problem(DEFINITION, NOW)
    pages = {
        "gradebook first page": gradebook.Filters(),
        "gradebook done, score >= 4": gradebook.Filters(status="done", min_score=4),
        "gradebook search": gradebook.Filters(search=f"{item_id}-u999"),
    }
    for name, filters in pages.items():
        shown = timing(lambda _n, f=filters: gradebook.page(problem, item_id, f, team={"x"}), CALLS)
        lines.append(f"{name:<34}{size:>10,}{shown.columns()}")
        print(lines[-1], flush=True)
    taken = timing(lambda n: _next(item_id, n), CALLS)
    lines.append(f"{'staff queue next':<34}{size:>10,}{taken.columns()}")
    print(lines[-1], flush=True)
    if explain:
        for name, filters in pages.items():
            print_plans(f"{name}, {size:,} learners", lambda f=filters: gradebook.page(problem, item_id, f, team={"x"}))
        print_plans(f"staff queue next, {size:,} learners", lambda: _next(item_id, CALLS + 100))
    StaffLease.objects.all().delete()
    return lines


def _next(item_id: str, grader: int) -> None:
    assert queue.next_response(item_id, Actor(f"staff{grader}"), NOW).workflow is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    parser.add_argument("--explain", action="store_true", help="print each statement's plan")
    parser.add_argument("--no-reports", action="store_true", help="time the pages only")
    arguments = parser.parse_args()
    settings.DEBUG = False  # no query log: measure what production keeps in memory
    settings.CELERY_TASK_ALWAYS_EAGER = True
    files = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tempfile.mkdtemp()}}
    settings.STORAGES = {**settings.STORAGES, "default": files}
    lines = [f"{'report':<34}{'learners':>10}{'seconds':>10}{'SQL':>7}{'peak MB':>9}{'rows':>9}"]
    pages = [f"{'page (ms)':<34}{'learners':>10}{HEADER}"]
    for size in arguments.sizes:
        item_id = f"bench{size}"
        began = time.perf_counter()
        populate(item_id, size)
        print(f"filled {size:,} learners in {time.perf_counter() - began:.1f} s", flush=True)
        for kind in () if arguments.no_reports else ("grade", "data"):
            task, seconds, statements = measured(report(item_id, kind))
            assert task.status == ReportTask.State.DONE, task.error
            peak = peak_mb(report(item_id, kind))
            lines.append(f"{kind + ' report':<34}{size:>10,}{seconds:>10.2f}{statements:>7}{peak:>9.1f}{task.rows:>9,}")
            print(lines[-1], flush=True)
        pages += staff_calls(item_id, size, arguments.explain)
    print("\n".join(lines + pages))


if __name__ == "__main__":
    main()
