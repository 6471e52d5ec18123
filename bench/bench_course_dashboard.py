"""The course dashboard at scale: 100 problems, each with 10,000 learners (a million workflows), on one page.

    make bench
    python bench/bench_course_dashboard.py --problems 100 --learners 10000

A fresh SQLite database is filled in bulk: every problem's learners spread over the statuses (most graded, some
assessing peers or themselves, some waiting for peer reviews or for staff, a few of those sent on by the peer
step), and a learner's feedback on one graded learner in ten. Then the dashboard page is asked for by course
staff, as the LMS would (Django's test client, the page rendered whole), with the problems from a host's course
content and from the content's own index. Reports the seconds and the SQL statements of the page and of its
aggregate queries.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from setup_django import setup

setup()

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client

from ora_xblock import scenarios
from ora_xblock.definition import load_olx
from ora_xblock.models import ProblemSnapshot, Workflow
from ora_xblock.models.feedback import AssessmentFeedback
from ora_xblock.services import course, feedback
from ora_xblock.services.feedback import OPTIONS

COURSE = "course-v1:local+ora_xblock+bench"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
BATCH = 5000
OLX = scenarios.resource_text("scenarios/peer_only.xml")
DEFINITION = load_olx(OLX)
# Of every 20 learners: 14 graded, 2 assessing peers, 1 assessing themselves, 2 waiting for peers, 1 for staff.
STATUSES = ("done",) * 14 + ("peer",) * 2 + ("self", "waiting", "waiting", "staff")


def item(n: int) -> str:
    return f"block-v1:local+ora_xblock+bench+type@ora_xblock+block@p{n:03}"


def populate(problems: int, learners: int) -> None:
    """``learners`` workflows in each of ``problems`` problems, and the problems in the course's index."""
    for p in range(problems):
        with transaction.atomic():  # one commit a problem: SQLite's writes are then fast
            _populate_problem(p, learners)


def _populate_problem(p: int, learners: int) -> None:
    """One problem's learners, its index entry, and the feedback of one graded learner in ten or so."""
    rows = [
        Workflow(
            course_id=COURSE,
            item_id=item(p),
            student_id=f"anon-{n}",
            username=f"u{n}",
            username_lower=f"u{n}",
            submission_uuid=f"{p}-{n}",
            status=STATUSES[n % len(STATUSES)],
            submitted_at=NOW - timedelta(days=10, seconds=-n),
            updated_at=NOW,
            reviews_received=n % 2,
            escalated_at=NOW if STATUSES[n % len(STATUSES)] == "staff" and n % 40 == 19 else None,
        )
        for n in range(learners)
    ]
    Workflow.objects.bulk_create(rows, batch_size=BATCH)
    ProblemSnapshot.objects.create(item_id=item(p), course_id=COURSE, olx=OLX, updated_at=NOW)
    given = [row for row in rows[::10] if row.status == "done"]
    AssessmentFeedback.objects.bulk_create(
        (
            AssessmentFeedback(
                workflow=row, course_id=row.course_id, item_id=row.item_id, options=[OPTIONS[k % 4]], created_at=NOW
            )
            for k, row in enumerate(given)
        ),
        batch_size=BATCH,
    )


class BenchHost:
    """``ORA_XBLOCK_COURSE_HOST``: the course's problems as in-memory blocks (the modulestore's, in the LMS)."""

    def __init__(self, problems: int) -> None:
        self.blocks = [
            SimpleNamespace(
                definition=DEFINITION, display_name=f"Problem {n}", scope_ids=SimpleNamespace(usage_id=item(n))
            )
            for n in range(problems)
        ]

    def problems(self, course_id: str) -> list[tuple[Any, str]]:
        return [(block, f"/units/{n}") for n, block in enumerate(self.blocks)]

    def is_staff(self, user: Any, course_id: str) -> bool:
        return bool(user.is_staff)


HOST = BenchHost(0)


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
    parser.add_argument("--problems", type=int, default=100)
    parser.add_argument("--learners", type=int, default=10_000, help="learners in each problem")
    arguments = parser.parse_args()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    began = time.perf_counter()
    populate(arguments.problems, arguments.learners)
    total = arguments.problems * arguments.learners
    print(
        f"filled {arguments.problems} problems x {arguments.learners:,} learners in {time.perf_counter() - began:.1f} s"
    )
    get_user_model().objects.create(username="staff", is_staff=True)
    client = Client()
    url = f"/ora_xblock/courses/{COURSE}/?student=staff"  # the demo's settings: the request is the persona's
    ids = [item(n) for n in range(arguments.problems)]
    lines = [f"{'call':<44}{'workflows':>11}{'seconds':>9}{'SQL':>5}"]

    def line(name: str, action: Callable[[], Any]) -> None:
        _, seconds, statements = measured(action)
        lines.append(f"{name:<44}{total:>11,}{seconds:>9.3f}{statements:>5}")
        print(lines[-1], flush=True)

    for origin, host in (("host's content", f"{__name__}.HOST"), ("the index", "")):
        settings.ORA_XBLOCK_COURSE_HOST = host
        HOST.__init__(arguments.problems)
        client.get(url)  # templates compiled, definitions parsed: what a running server has done already
        for attempt in (1, 2):
            line(f"dashboard page ({origin}) #{attempt}", lambda: _page(client, url))
    line("  counts per problem and status (1 query)", lambda: course.tallies(ids))
    line("  learners waiting for peers (1 query)", lambda: course.waiting_for_peers(ids))
    line("  feedback counts per problem (1 query)", lambda: feedback.counts_for_course(COURSE))
    print("\n".join(lines))


def _page(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.status_code


if __name__ == "__main__":
    main()
