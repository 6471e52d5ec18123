"""Scores left unsent at scale: the refresh's pending pass with 10,000 learners (docs/decisions/0016-no-grade-lost.md).

    python bench/bench_outbox.py --size 10000

A fresh SQLite database gets ``size`` learners with a submission each, every one
with a score the gradebook lacks (as if each send after commit had been lost).
Reports the time and SQL statements of: one pass with everything due (a batch),
the sweep that sends everything (what ``ora_refresh_workflows`` does), and a
pass with nothing due; and the query plan of the pass's one selecting query.
"""

from __future__ import annotations

import argparse
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from setup_django import setup

setup()

from django.db import connection
from submissions.models import Score, StudentItem, Submission

from ora_xblock.models import Workflow
from ora_xblock.services import grades, overdue

COURSE = "course-v1:local+ora_xblock+bench"
ITEM = "block-v1:local+ora_xblock+bench+type@ora_xblock+block@outbox"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
BATCH = 5000


def populate(size: int) -> None:
    """``size`` learners, each with a submission and a score of 3 / 5 that the gradebook never got."""
    items = StudentItem.objects.bulk_create(
        (StudentItem(student_id=f"anon-{n}", course_id=COURSE, item_id=ITEM, item_type="ora") for n in range(size)),
        batch_size=BATCH,
    )
    submissions = Submission.objects.bulk_create(
        (Submission(uuid=uuid.uuid4(), student_item=item, attempt_number=1, answer={"parts": []}) for item in items),
        batch_size=BATCH,
    )
    Workflow.objects.bulk_create(
        (
            Workflow(
                course_id=COURSE,
                item_id=ITEM,
                student_id=f"anon-{n}",
                username=f"u{n}",
                submission_uuid=str(submission.uuid),
                status="done",
                submitted_at=NOW - timedelta(days=1),
                updated_at=NOW - timedelta(hours=1),
                score_earned=3,
                score_possible=5,
                score_source="self-assessment",
                publish_due_at=NOW - timedelta(hours=1) + timedelta(milliseconds=n),
            )
            for n, submission in enumerate(submissions)
        ),
        batch_size=BATCH,
    )


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    size = parser.parse_args().size
    populate(size)
    print(f"{size:,} learners, every score unsent")

    query = Workflow.objects.filter(publish_due_at__lte=NOW).order_by("publish_due_at", "pk")
    plan = query.values_list("pk", "course_id")[: grades.BATCH + 1].explain()
    print(f"  plan of the pass's query: {' | '.join(line.strip() for line in plan.splitlines())}")

    done, seconds, statements = measured(lambda: grades.republish_pending(NOW))
    print(
        f"  one pass (batch of {grades.BATCH}): {seconds:6.2f} s, {statements} queries, "
        f"{(statements - 1) / done.sent:.0f} per score sent, more left: {done.more}"
    )
    swept, seconds, statements = measured(lambda: overdue.refresh_all(NOW))
    print(
        f"  the sweep of the rest ({swept.published:,} scores): {seconds:6.2f} s, {statements:,} queries, "
        f"{seconds / max(1, swept.published) * 1000:.2f} ms per score"
    )
    assert Score.objects.count() == size and not Workflow.objects.filter(publish_due_at__isnull=False).exists()
    idle, seconds, statements = measured(lambda: grades.republish_pending(NOW))
    print(f"  a pass with nothing due: {seconds * 1000:.2f} ms, {statements} query, sent {idle.sent}")


if __name__ == "__main__":
    main()
