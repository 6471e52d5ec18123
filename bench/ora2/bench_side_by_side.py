"""ora_xblock beside edx-ora2 7.1.1: the same peer operations on the same pool, through each side's public Python API.

    make bench-ora2                                          1,000 and 10,000 learners
    .venv-ora2/bin/python bench/ora2/bench_side_by_side.py --sizes 1000 10000 100000

Both apps are installed in one venv (.venv-ora2: ora2 from the package index, ours from the checkout) on one
throwaway SQLite database (bench/ora2/settings.py). For each size the pool of learners in one problem is planned once
(bench/ora2/pool.py) and written in bulk into each side's tables; then each operation runs for one side and then the
other, the side going first alternating, so that noise on the machine hits both alike. Prints the median time and
SQL statements of each operation per side, and their ratio. The data report runs at 10,000 learners only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WARMUP, MEASURED = 3, 20
EXHAUSTED_RUNS = 5  # ora2 reads each of the exhausted reviewer's past reviews one by one: keep this short
REPORT_SIZE, REPORT_RUNS = 10_000, 3
OPERATIONS = (
    "peer pick",
    "assess + workflow updates",
    "submit",
    "nothing left to review",
    "finish (score, done, set_score)",
    "data report",
)


def setup() -> None:
    """Django on bench/ora2/settings.py, a fresh database migrated."""
    sys.path[:0] = [str(HERE), str(HERE.parents[1])]
    os.environ["DJANGO_SETTINGS_MODULE"] = "settings"
    os.environ["ORA_BENCH_DB"] = str(Path(tempfile.mkdtemp()) / "side_by_side.sqlite3")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def timed(action: Callable[[], Any]) -> tuple[float, int]:
    """Milliseconds and SQL statements of ``action``, including what runs on commit."""
    from django.db import connection

    statements = 0

    def count(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        began = time.perf_counter()
        action()
        milliseconds = (time.perf_counter() - began) * 1000
    return milliseconds, statements


def measure(size: int, report_size: int, report_runs: int) -> dict[str, dict[str, list[tuple[float, int]]]]:
    """Each operation's samples per side, with a pool of ``size`` learners."""
    import ora2
    import ours
    import pool
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    began = time.perf_counter()
    plan, problem = pool.plan(size, WARMUP + MEASURED, datetime.now(UTC)), ours.definition()
    ours.fill(plan)
    ora2.fill(plan, problem)
    os.sync()  # the bulk load reaches the disk now, not during the measured commits
    print(f"  {size:>7,} learners loaded on each side in {time.perf_counter() - began:.0f} s", file=sys.stderr)
    sides = [ours.Ours(plan), ora2.Ora2(plan, problem)]
    samples: dict[str, dict[str, list[tuple[float, int]]]] = {op: {s.name: [] for s in sides} for op in OPERATIONS}

    def each(operation: str, round_number: int, act: Callable[[Any], Any], verify: Callable[[Any], Any] | None = None):
        """``act`` for both sides, the side going first alternating by round; ``verify`` after each, untimed."""
        for side in sides if round_number % 2 == 0 else sides[::-1]:
            sample = timed(lambda: act(side))  # noqa: B023 - called at once
            if verify:
                verify(side)
            if round_number >= WARMUP:
                samples[operation][side.name].append(sample)

    for number, (fresh, finisher) in enumerate(zip(plan.fresh, plan.finishers, strict=True)):
        each("peer pick", number, lambda side: side.pick(fresh))  # noqa: B023
        each("assess + workflow updates", number, lambda side: side.assess(fresh))  # noqa: B023
        each("submit", number, lambda side: side.submit(f"newcomer{number}"))  # noqa: B023
        for side in sides:
            side.prepare_finish(finisher)
        each("finish (score, done, set_score)", number, lambda side: side.finish(finisher), _graded)  # noqa: B023
    if size == report_size:
        for number in range(report_runs):
            each("data report", WARMUP + number, lambda side: side.data_report())
    ours.exhaust(plan)
    ora2.exhaust(plan, problem)
    for number in range(WARMUP - 1, WARMUP + EXHAUSTED_RUNS):
        each("nothing left to review", number, lambda side: side.nothing_left())
    return samples


def _graded(side: Any) -> None:
    assert side.finished(), f"{side.name}: the finishing review did not grade its target"


def table(results: dict[int, dict[str, dict[str, list[tuple[float, int]]]]]) -> str:
    lines = [
        "| operation | N learners | ora2 ms | ours ms | ratio ora2/ours | queries ora2 / ours |",
        "|---|---|---|---|---|---|",
    ]
    for operation in OPERATIONS:
        for size, samples in results.items():
            theirs, mine = samples[operation]["ora2"], samples[operation]["ours"]
            if not theirs:
                continue
            ora2_ms, ours_ms = (statistics.median(ms for ms, _ in side) for side in (theirs, mine))
            queries = " / ".join(_counts(side) for side in (theirs, mine))
            lines.append(
                f"| {operation} | {size:,} | {_ms(ora2_ms)} | {_ms(ours_ms)} | {ora2_ms / ours_ms:.1f}x | {queries} |"
            )
    return "\n".join(lines)


def _ms(milliseconds: float) -> str:
    return f"{milliseconds / 1000:.2f} s" if milliseconds >= 1000 else f"{milliseconds:.1f}"


def _counts(samples: list[tuple[float, int]]) -> str:
    """The median statement count, with its range when it varies."""
    counts = sorted(count for _, count in samples)
    median = statistics.median_low(counts)
    return str(median) if counts[0] == counts[-1] else f"{median} ({counts[0]}-{counts[-1]})"


def checkout() -> str:
    """The commit of ours being measured, and whether the checkout differs from it."""
    root = HERE.parents[1]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True)
    changes = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True)
    return commit.stdout.strip() + (" with uncommitted changes" if changes.stdout.strip() else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=(1_000, 10_000))
    parser.add_argument("--report-size", type=int, default=REPORT_SIZE, help="the size the data report runs at")
    parser.add_argument("--check", action="store_true", help="only check that each side's API agrees with the pool")
    parser.add_argument("--report-runs", type=int, default=REPORT_RUNS, help="data reports per side")
    args = parser.parse_args()
    setup()
    load_before = os.getloadavg()[1]
    try:
        if args.check:
            import check_pool

            check_pool.check()
            return
        results = {size: measure(size, args.report_size, args.report_runs) for size in args.sizes}
    finally:
        shutil.rmtree(Path(os.environ["ORA_BENCH_DB"]).parent, ignore_errors=True)
    runs = f"{MEASURED} calls per side ({EXHAUSTED_RUNS} for nothing left, {args.report_runs} for the data report)"
    load = f"the machine's load average {load_before:.1f} as it began, {os.getloadavg()[1]:.1f} as it ended (5 min)"
    print(f"\nours at {checkout()}, ora2 7.1.1; SQLite (WAL), median of {runs}, interleaved; {load}:\n")
    print(table(results))


if __name__ == "__main__":
    main()
