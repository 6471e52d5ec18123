"""Peer review cost: handing out a response and recording a review, with 1,000 to 100,000 responses in one problem.

    make bench                                     every database below that answers
    python bench/bench_peer.py sqlite --sizes 1000 --explain

Databases: ``sqlite`` as the demo and single-server sites run it (WAL, ``synchronous=NORMAL``: see
docs/performance.md), ``sqlite-journal`` with Django's default rollback journal, and ``postgresql`` and ``mysql``
(MariaDB) at 127.0.0.1 as user ora, password ora, where the server answers. Each pool is filled in bulk
(edx-submissions rows, workflows, the peer reviews already given and the leases they came from) with a realistic
spread: most responses short of reviews, a fifth graded, a tenth held by a reviewer. Then fresh reviewers (no
lease yet) each ask for a response to review (``services.peer.next_review``) and submit their review of it
(``services.peer.peer_assess``). A review that gives its author their grade is reported apart ("finish"): its
transaction, then the score sent to edx-submissions after commit. Reports the median and 95th percentile time,
the median time spent in the database (statements and commit), the SQL statements per call and, on a server, the
round trips (statements plus the transaction's own: BEGIN and COMMIT on PostgreSQL; autocommit off, COMMIT and
autocommit on, as Django's MySQL backend sends them). ``--explain`` also lists each statement's median time at
every pool size, to find one that grows.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SIZES = (1_000, 10_000, 100_000)
WARMUP, MEASURED = 10, 100
OPERATIONS = ("next_review", "peer_assess", "finish", "submit")
FINISHES, FINISH_WARMUP = 33, 3  # reviews that give their author the grade, measured apart
GRADED_BY = 3
BATCH = 5000
COURSE = "course-v1:local+ora_xblock+bench"
GOOD = {"options_selected": {"Users": "Yes", "Feasibility": "Practical"}}
SERVERS = {
    "postgresql": {"ENGINE": "django.db.backends.postgresql", "PORT": "5432"},
    "mysql": {"ENGINE": "django.db.backends.mysql", "PORT": "3306", "OPTIONS": {"charset": "utf8mb4"}},
}
BACKENDS = ("sqlite", "sqlite-journal", "postgresql", "mysql")
TRANSACTION_ROUND_TRIPS = {"postgresql": 2, "mysql": 3}  # besides the statements; see the docstring
TARGETS = {"next_review": 1.0, "peer_assess": 2.0}  # median ms on SQLite in WAL, with p95 at most twice the median
SUBMIT_TARGET = 5.0  # median ms of a submit besides edx-submissions' own work (its create_submission)
NAME = f"test_ora_xblock_bench_{os.getpid()}"  # under the grant the tests have on MariaDB (.ci/run)


def setup(backend: str) -> None:
    """The demo's settings on a throwaway database of ``backend``, migrated."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "demo.settings"
    os.environ["ORA_DEMO_DB"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    import django
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False  # no query log: time what production runs
    if backend == "sqlite-journal":  # Django's defaults: rollback journal, synchronous=FULL
        settings.DATABASES["default"]["OPTIONS"].pop("init_command")
    if backend in SERVERS:
        if backend == "mysql":
            _pymysql()
        server = {"HOST": "127.0.0.1", "USER": "ora", "PASSWORD": "ora", "NAME": NAME}
        settings.DATABASES = {"default": {**SERVERS[backend], **server}}
    django.setup()
    if backend == "mysql":  # edx-submissions' migration 0006 fails on a fresh MariaDB database: tests/conftest.py
        from django.db import migrations

        broken = importlib.import_module("submissions.migrations.0006_mariadb_uuid_conversion").Migration
        broken.operations = [migrations.RunPython(migrations.RunPython.noop)]
    call_command("migrate", verbosity=0)


def _pymysql() -> None:
    """PyMySQL in mysqlclient's place, as the tests use it (no C headers needed)."""
    import pymysql

    pymysql.version_info = (2, 2, 1, "final", 0)
    pymysql.install_as_MySQLdb()


def server_admin(backend: str, statement: str) -> str | None:
    """Run ``statement`` on the server's maintenance database; the error, if the server does not answer."""
    try:
        if backend == "postgresql":
            import psycopg

            with psycopg.connect(
                host="127.0.0.1", user="ora", password="ora", dbname="postgres", connect_timeout=3, autocommit=True
            ) as admin:
                admin.execute(statement)
        else:
            import pymysql

            with pymysql.connect(host="127.0.0.1", user="ora", password="ora", connect_timeout=3) as admin:
                admin.cursor().execute(statement)
    except Exception as error:  # noqa: BLE001 - any failure to reach the server skips it
        return (str(error).strip().splitlines() or ["error"])[0]
    return None


@dataclass
class Call:
    """One measured call: its wall time, and each SQL statement it ran (then the commit) with its time."""

    seconds: float
    statements: list[tuple[str, float]]
    committed: float  # seconds from the start to the end of the commit: the rest ran after it
    theirs: float = 0.0  # seconds inside edx-submissions' API, where measured

    @property
    def after_commit(self) -> float:
        return self.seconds - self.committed

    @property
    def queries(self) -> int:
        return sum(sql != "COMMIT" for sql, _ in self.statements)

    @property
    def sql_seconds(self) -> float:
        return sum(seconds for _, seconds in self.statements)


def recorded(action: Callable[[], Any]) -> tuple[Any, Call]:
    """``action``'s result, and its cost."""
    from django.db import connection

    statements: list[tuple[str, float]] = []
    commits: list[float] = []

    def timing(sql: str, run: Callable[[], Any]) -> Any:
        began = time.perf_counter()
        try:
            return run()
        finally:
            statements.append((sql, time.perf_counter() - began))
            if sql == "COMMIT":
                commits.append(time.perf_counter())

    def record(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        return timing(sql, lambda: execute(sql, params, many, context))

    commit = connection._commit  # the commit is no statement, but it is where SQLite and PostgreSQL wait for the disk
    connection._commit = lambda: timing("COMMIT", commit)
    try:
        with connection.execute_wrapper(record):
            began = time.perf_counter()
            result = action()
            seconds = time.perf_counter() - began
    finally:
        del connection._commit
    return result, Call(seconds, statements, (commits[0] - began) if commits else seconds)


def peer_problem() -> Any:
    """The demo's peer-only problem with Must Grade 5 and Graded By 3."""
    from ora_xblock import scenarios
    from ora_xblock.definition import load_olx

    olx = scenarios.resource_text("scenarios/peer_only.xml")
    return load_olx(olx.replace('must_grade="2" must_be_graded_by="2"', 'must_grade="5" must_be_graded_by="3"'))


def populate(definition: Any, item_id: str, size: int, fresh: list[str], now: datetime) -> None:
    """``size`` responses in one problem; the ``fresh`` learners submitted last and have not reviewed yet."""
    from submissions.models import StudentItem, Submission

    from ora_xblock import peer
    from ora_xblock.assessing import check
    from ora_xblock.definition.model import StepName
    from ora_xblock.models import Assessment, PeerLease, Workflow

    step = definition.step(StepName.PEER)
    parts = [part.as_dict() for part in check(definition.rubric, GOOD["options_selected"], {}, "").parts]
    rng = random.Random(size)
    others = size - len(fresh)
    authors = [f"author{n}" for n in range(others)] + fresh
    StudentItem.objects.bulk_create(
        [StudentItem(student_id=a, course_id=COURSE, item_id=item_id, item_type="ora_xblock") for a in authors],
        batch_size=BATCH,
    )
    items = dict(StudentItem.objects.filter(item_id=item_id).values_list("student_id", "id"))
    submitted = [now - timedelta(days=14) * (1 - n / size) for n in range(size)]  # arrivals over 14 days
    submissions = Submission.objects.bulk_create(
        [
            Submission(
                uuid=uuid.uuid4(),
                student_item_id=items[author],
                attempt_number=1,
                submitted_at=submitted[n],
                answer={"parts": [{"text": f"Three changes to the bus stop, by {author}."}]},
            )
            for n, author in enumerate(authors)
        ],
        batch_size=BATCH,
    )
    workflows, received, held = [], [], []
    for n, author in enumerate(authors):
        new = n >= others
        graded = not new and rng.random() < 0.2
        given = 0 if new else rng.choice((5, 6, 7) if graded else (0, 0, 0, 0, 1, 2, 3, 4, 5, 5, 6))
        got = 0 if new else rng.choice((3, 3, 3, 4, 5) if graded else (0, 0, 0, 1, 1, 2))
        lease = not new and not graded and rng.random() < 0.1
        received.append(got)
        held.append(lease)
        load = got + lease
        rank = peer.rank(
            author_reviews=given, must_grade=step.must_grade, received=got, load=load, required=step.must_be_graded_by
        )
        workflows.append(
            Workflow(
                course_id=COURSE,
                item_id=item_id,
                student_id=author,
                username=author,
                submission_uuid=str(submissions[n].uuid),
                status="done" if graded else "waiting" if given >= step.must_grade else "peer",
                submitted_at=submitted[n],
                updated_at=now,
                score_earned=6 if graded else None,
                score_possible=6 if graded else None,
                published_earned=6 if graded else None,
                published_possible=6 if graded else None,
                peers_assessed=given,
                reviews_received=got,
                reviews_load=load,
                peer_rank=rank,
                peer_tiebreak=rng.random() if rank == peer.GRADED else submitted[n].timestamp(),
            )
        )
    Workflow.objects.bulk_create(workflows, batch_size=BATCH)
    assessments, leases = [], []
    for n, workflow in enumerate(workflows):
        for j in range(received[n]):
            reviewer = authors[(n + j + 1) % others]  # the fresh reviewers have reviewed nobody yet
            moment = workflow.submitted_at + timedelta(hours=j + 1)
            assessments.append(
                Assessment(
                    workflow=workflow,
                    kind="peer",
                    scorer_id=reviewer,
                    parts=parts,
                    points_earned=6,
                    points_possible=6,
                    created_at=moment,
                    once_key=f"peer:{workflow.pk}:{reviewer}",
                )
            )
            leases.append(_lease(item_id, reviewer, workflow, moment, done=True))
        if held[n]:
            leases.append(_lease(item_id, f"holder{n}", workflow, now - timedelta(minutes=rng.randint(0, 50))))
    Assessment.objects.bulk_create(assessments, batch_size=BATCH)
    PeerLease.objects.bulk_create(leases, batch_size=BATCH)


def _lease(item_id: str, reviewer: str, workflow: Any, created: datetime, done: bool = False) -> Any:
    from ora_xblock.models import PeerLease

    return PeerLease(
        item_id=item_id,
        reviewer_id=reviewer,
        workflow=workflow,
        created_at=created,
        blocks_until=created + timedelta(hours=1),
        valid_until=created + timedelta(hours=8),
        blocking=not done,
        active_key=None if done else f"{item_id}:{reviewer}",
        done=done,
    )


def measure(size: int) -> dict[str, list[Call]]:
    """The statements of each measured call of next_review and peer_assess, with a pool of ``size``."""
    from django.core.management import call_command
    from django.db import connection

    from ora_xblock.services import peer
    from ora_xblock.services.common import Learner, Problem

    call_command("flush", interactive=False, verbosity=0)
    definition, item_id, now = peer_problem(), f"block-v1:bench+peer+{size}", datetime.now(UTC)
    fresh = [f"reviewer{n}" for n in range(WARMUP + MEASURED)]
    finishers = [f"finisher{n}" for n in range(FINISHES)]
    began = time.perf_counter()
    populate(definition, item_id, size, fresh + finishers, now)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum would do next, and would slow the measurement doing
    os.sync()  # the bulk load's writes reach the disk now, not during the measured commits
    print(f"  {size:>7,} responses loaded in {time.perf_counter() - began:.0f} s", file=sys.stderr)
    problem = Problem(definition, now)
    calls: dict[str, list[Call]] = {operation: [] for operation in OPERATIONS}
    gc.collect()
    gc.freeze()  # the pool's objects stay out of the collector's passes, as a long-running server's would
    for number, student_id in enumerate(fresh):
        learner = Learner(course_id=COURSE, item_id=item_id, student_id=student_id)
        lease, handing = recorded(lambda: peer.next_review(problem, learner))  # noqa: B023 - called at once
        assert lease is not None, "the pool ran dry"
        _, assessing = recorded(lambda: peer.peer_assess(problem, learner, lease.pk, GOOD))  # noqa: B023
        if number >= WARMUP:
            calls["next_review"].append(handing)
            calls["peer_assess"].append(assessing)
    calls["finish"] = measure_finish(problem, item_id, finishers)
    calls["submit"] = measure_submit(problem, item_id)
    gc.unfreeze()
    return calls


def measure_submit(problem: Any, item_id: str) -> list[Call]:
    """New learners submitting a response to the full pool (``services.responses.submit``); each call's
    ``theirs`` is the time inside edx-submissions' ``create_submission``, statements and Python."""
    from submissions import api as submissions_api

    from ora_xblock.services.common import Learner
    from ora_xblock.services.responses import submit

    create, inside = submissions_api.create_submission, []

    def timed_create(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return create(*args, **kwargs)
        finally:
            inside.append(time.perf_counter() - began)

    calls = []
    submissions_api.create_submission = timed_create
    try:
        for number in range(WARMUP + MEASURED):
            student = f"newcomer{number}"
            learner = Learner(course_id=COURSE, item_id=item_id, student_id=student, username=student)
            answer = [f"Three changes to the bus stop, by newcomer {number}."]
            _, submitting = recorded(lambda: submit(problem, learner, answer))  # noqa: B023 - called at once
            submitting.theirs = inside.pop()
            if number >= WARMUP:
                calls.append(submitting)
    finally:
        submissions_api.create_submission = create
    return calls


def measure_finish(problem: Any, item_id: str, finishers: list[str]) -> list[Call]:
    """Reviews that give their author the grade: the responses one review short, whose authors did their part,
    are put at the head of the queue (their counters otherwise unchanged), and each finisher reviews one."""
    from ora_xblock.models import Workflow
    from ora_xblock.services import peer
    from ora_xblock.services.common import Learner

    short = Workflow.objects.filter(item_id=item_id, status="waiting", reviews_received=GRADED_BY - 1)
    chosen = list(short.order_by("pk").values_list("pk", flat=True)[: len(finishers)])
    Workflow.objects.filter(pk__in=chosen).update(peer_rank=0, reviews_load=0, peer_tiebreak=-1)
    calls = []
    for number, student_id in enumerate(finishers[: len(chosen)]):
        learner = Learner(course_id=COURSE, item_id=item_id, student_id=student_id)
        lease = peer.next_review(problem, learner)
        (_, saved), assessing = recorded(lambda: peer.peer_assess(problem, learner, lease.pk, GOOD))  # noqa: B023
        assert saved.workflow.status == "done", "the review did not finish its author"
        if number >= FINISH_WARMUP:  # the first ones load edx-submissions' scoring code
            calls.append(assessing)
    return calls


def measure_refresh(size: int) -> None:
    """The overdue refresh with ``size`` learners waiting for peers past seven days in one problem: one batch
    (what a clock run or the command does per problem), the sweep of the rest, and a clock run with nothing due."""
    from django.core.management import call_command

    from ora_xblock.definition.olx import to_olx
    from ora_xblock.models import ProblemSnapshot, Workflow
    from ora_xblock.services import overdue
    from ora_xblock.services.common import Problem

    call_command("flush", interactive=False, verbosity=0)
    definition, item_id, now = peer_problem(), f"block-v1:bench+refresh+{size}", datetime.now(UTC)
    populate(definition, item_id, size, [], now)
    week_ago = now - timedelta(days=8)
    waiting = {"status": "waiting", "peers_assessed": 5, "submitted_at": week_ago, "updated_at": week_ago}
    Workflow.objects.filter(item_id=item_id).update(**waiting)  # each did their five reviews
    ProblemSnapshot.objects.create(
        item_id=item_id, course_id=COURSE, olx=to_olx(definition), updated_at=now, refresh_due_at=now
    )
    first, batch = recorded(lambda: overdue.refresh(Problem(definition, now), item_id))
    rest, sweep = recorded(lambda: overdue.refresh_all(now))
    _, idle = recorded(lambda: overdue.refresh_due(now, escalate=True))
    done = first + rest
    print(f"\nrefresh: {size:,} learners waiting past seven days in one problem (graded by 3, flexible off)")
    each = sweep.seconds / max(1, size - overdue.BATCH) * 1000
    print(f"  first batch of {overdue.BATCH}: {batch.seconds:6.2f} s, {batch.queries / overdue.BATCH:.1f} queries each")
    print(f"  sweep of the rest:  {sweep.seconds:6.2f} s, {each:.2f} ms each")
    print(f"  {done.graded:,} graded, {done.escalated:,} sent to staff")
    print(f"  clock run with nothing due: {idle.seconds * 1000:.2f} ms, {idle.queries} queries")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(backend: str, sizes: tuple[int, ...], explain: bool) -> None:
    from django.db import connection

    results = {size: measure(size) for size in sizes}
    extra = TRANSACTION_ROUND_TRIPS.get(connection.vendor)
    print(f"\n{backend}: {MEASURED} fresh reviewers per pool (must_grade 5, graded_by 3)")
    trips = f" {'round trips':>11}" if extra else ""
    print(f"  {'operation':<12} {'pool':>8} {'median ms':>10} {'p95 ms':>8} {'SQL ms':>8} {'queries':>8}{trips}")
    for operation in OPERATIONS:
        for size, calls in results.items():
            if calls[operation]:
                print(f"  {operation:<12} {size:>8,} {_line(calls[operation], extra)}")
    for size, calls in results.items():
        if calls["finish"]:
            committed = statistics.median(call.committed * 1000 for call in calls["finish"])
            after = statistics.median(call.after_commit * 1000 for call in calls["finish"])
            print(
                f"  finish at {size:,}: its transaction {committed:.2f} ms, the score sent after commit {after:.2f} ms"
            )
    for size, calls in results.items():
        theirs = statistics.median(call.theirs * 1000 for call in calls["submit"])
        ours = statistics.median((call.seconds - call.theirs) * 1000 for call in calls["submit"])
        print(f"  submit at {size:,}: {ours:.2f} ms besides edx-submissions' create_submission ({theirs:.2f} ms)")
    for operation in OPERATIONS[:2]:
        if len({call.queries for calls in results.values() for call in calls[operation]}) > 1:
            print(f"  WARNING: {operation} does not run the same number of statements at every pool size")
    if backend == "sqlite":
        _targets(results)
    if explain:
        for operation in OPERATIONS[:2]:
            print(f"\n  {operation}: median ms of each statement, at each pool size")
            usual = {size: _usual(calls[operation]) for size, calls in results.items()}
            for position, (sql, _) in enumerate(usual[sizes[0]][0].statements):
                medians = [
                    statistics.median(call.statements[position][1] * 1000 for call in usual[size]) for size in sizes
                ]
                print("   " + " ".join(f"{median:7.3f}" for median in medians) + f"  {sql[:100]}")


def _line(calls: list[Call], extra: int | None) -> str:
    """Median, p95, median time in the database, statements (and round trips) per call."""
    times = [call.seconds * 1000 for call in calls]
    sql = statistics.median(call.sql_seconds * 1000 for call in calls)
    counts = sorted({call.queries for call in calls})
    line = f"{statistics.median(times):10.2f} {percentile(times, 0.95):8.2f} {sql:8.2f} {'/'.join(map(str, counts)):>8}"
    if extra:
        line += f" {'/'.join(str(count + extra) for count in counts):>11}"
    return line


def _targets(results: dict[int, dict[str, list[Call]]]) -> None:
    """Whether the medians and p95s meet the targets of docs/performance.md."""
    for operation, target in TARGETS.items():
        for size, calls in results.items():
            times = [call.seconds * 1000 for call in calls[operation]]
            median, p95 = statistics.median(times), percentile(times, 0.95)
            verdict = "met" if median <= target and p95 <= 2 * median else "MISSED"
            print(
                f"  target {operation} at {size:,}: median {median:.2f} <= {target} ms, p95 {p95:.2f} <= 2x: {verdict}"
            )
    for size, calls in results.items():
        ours = statistics.median((call.seconds - call.theirs) * 1000 for call in calls["submit"])
        verdict = "met" if ours <= SUBMIT_TARGET else "MISSED"
        print(f"  target submit at {size:,}: {ours:.2f} <= {SUBMIT_TARGET} ms besides create_submission: {verdict}")


def _usual(calls: list[Call]) -> list[Call]:
    """The calls that ran the most common number of statements, so that statements line up."""
    most = statistics.mode(len(call.statements) for call in calls)
    return [call for call in calls if len(call.statements) == most]


def run(backend: str, sizes: tuple[int, ...], explain: bool, refresh: int | None = None) -> None:
    if backend in SERVERS:
        if backend == "mysql":
            _pymysql()
        problem = server_admin(backend, f"CREATE DATABASE {NAME}")
        if problem:
            print(f"\n{backend}: skipped, the server at 127.0.0.1 does not answer as ora: {problem}")
            return
    try:
        setup(backend)
        if refresh:
            measure_refresh(refresh)
        else:
            report(backend, sizes, explain)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(Path(os.environ["ORA_DEMO_DB"]).parent, ignore_errors=True)
        if backend in SERVERS:
            server_admin(backend, f"DROP DATABASE IF EXISTS {NAME}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("backend", nargs="?", choices=BACKENDS)
    parser.add_argument(
        "--sizes", type=int, nargs="+", help="pool sizes (default 1,000 to 100,000; 10,000 at most on a server)"
    )
    parser.add_argument("--explain", action="store_true", help="time every statement, to find one that grows")
    parser.add_argument("--refresh", type=int, metavar="LEARNERS", help="time the overdue refresh instead")
    args = parser.parse_args()
    if args.backend:
        sizes = args.sizes or (SIZES[:2] if args.backend in SERVERS else SIZES)  # a server's bulk load is slow
        run(args.backend, tuple(sizes), args.explain, args.refresh)
        return
    for backend in BACKENDS:  # one process each: Django connects to one database per process
        options = [
            *(["--sizes", *map(str, args.sizes)] if args.sizes else []),
            *(["--explain"] if args.explain else []),
        ]
        options += ["--refresh", str(args.refresh)] if args.refresh else []
        subprocess.run([sys.executable, __file__, backend, *options], check=True)


if __name__ == "__main__":
    main()
