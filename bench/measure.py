"""Timing and query plans for the staff and journey benches: median and 95th percentile over many calls, the SQL
statements per call, and each statement's plan as the database explains it (``--explain``)."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection

EXPLAINED = ("SELECT", "UPDATE", "DELETE", "INSERT")
PLATFORM_TABLES = re.compile(r"\bsubmissions_\w+")  # edx-submissions' own tables


@dataclass(frozen=True)
class Timing:
    """One operation over many calls: milliseconds (median, 95th percentile), statements per call, and the
    median milliseconds of the statements that touch edx-submissions' tables."""

    median_ms: float
    p95_ms: float
    statements: int
    platform_ms: float = 0.0

    def columns(self) -> str:
        return f"{self.median_ms:>9.2f}{self.p95_ms:>9.2f}{self.statements:>6}{self.platform_ms:>10.2f}"


HEADER = f"{'median':>9}{'p95':>9}{'SQL':>6}{'subm. ms':>10}"


@contextmanager
def statements() -> Iterator[list[tuple[str, Any, float]]]:
    """Every statement run inside, as (sql, params, seconds)."""
    seen: list[tuple[str, Any, float]] = []

    def record(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            seen.append((sql, params, time.perf_counter() - began))

    with connection.execute_wrapper(record):
        yield seen


def timing(action: Callable[[int], Any], calls: int, warmup: int = 3) -> Timing:
    """Call ``action(n)`` ``warmup`` times unmeasured, then ``calls`` times measured."""
    for number in range(warmup):
        action(number)
    seconds, counts, platform = [], [], []
    for number in range(warmup, warmup + calls):
        with statements() as seen:
            began = time.perf_counter()
            action(number)
            seconds.append(time.perf_counter() - began)
        counts.append(len(seen))
        platform.append(sum(spent for sql, _params, spent in seen if PLATFORM_TABLES.search(sql)))
    ninety_fifth = statistics.quantiles(seconds, n=20)[-1] if len(seconds) > 1 else seconds[0]
    return Timing(
        statistics.median(seconds) * 1000,
        ninety_fifth * 1000,
        round(statistics.median(counts)),
        statistics.median(platform) * 1000,
    )


def explained(action: Callable[[], Any]) -> list[tuple[str, list[str]]]:
    """Run ``action`` once; each statement it ran (shortened) with the database's plan for it."""
    with statements() as seen:
        action()
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    found = []
    for sql, params, _spent in seen:
        if not sql.lstrip().upper().startswith(EXPLAINED):
            continue
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql, params)
            plan = [str(row[-1]) for row in cursor.fetchall()]  # SQLite's detail, PostgreSQL's line
        found.append((_shortened(sql), plan))
    return found


def print_plans(title: str, action: Callable[[], Any]) -> None:
    print(f"\n{title}:")
    for sql, plan in explained(action):
        print(f"  {sql}")
        for line in plan:
            print(f"      {line}")


def _shortened(sql: str) -> str:
    """The statement with its column lists elided: what it reads from, and how it filters and sorts."""
    sql = re.sub(r"\s+", " ", sql)
    sql = re.sub(r'"\w+"\."\w+"(?:, "\w+"\."\w+")+', "...", sql)
    return sql if len(sql) <= 400 else sql[:400] + " ..."
