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
MYSQL_PLAN = ("select_type", "table", "type", "key", "rows", "Extra")  # the columns of MySQL's EXPLAIN shown
PLATFORM_CALLS = ("create_submission", "set_score", "reset_score")  # edx-submissions' own work, timed apart


@dataclass(frozen=True)
class Timing:
    """One operation over many calls: milliseconds (median, 95th percentile), statements per call, and the
    median milliseconds spent inside edx-submissions' ``create_submission``, ``set_score`` and ``reset_score``
    (their Python and their statements), which we cannot change."""

    median_ms: float
    p95_ms: float
    statements: int
    platform_ms: float = 0.0

    def columns(self) -> str:
        return f"{self.median_ms:>9.2f}{self.p95_ms:>9.2f}{self.statements:>6}{self.platform_ms:>10.2f}"


HEADER = f"{'median':>9}{'p95':>9}{'SQL':>6}{'subm. ms':>10}"


class _Platform:
    """The seconds spent in edx-submissions' calls so far: each call of ``PLATFORM_CALLS`` adds its own."""

    seconds = 0.0
    installed = False

    @classmethod
    def install(cls) -> None:
        """Time the calls (once Django is set up): our services call them through the module, so find these."""
        import submissions.api

        if not cls.installed:
            for name in PLATFORM_CALLS:
                setattr(submissions.api, name, cls._timed(getattr(submissions.api, name)))
            cls.installed = True

    @classmethod
    def _timed(cls, call: Callable) -> Callable:
        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                cls.seconds += time.perf_counter() - began

        return timed


@contextmanager
def statements() -> Iterator[list[tuple[str, Any]]]:
    """Every statement run inside, as (sql, params)."""
    seen: list[tuple[str, Any]] = []

    def record(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen


def timing(action: Callable[[int], Any], calls: int, warmup: int = 3) -> Timing:
    """Call ``action(n)`` ``warmup`` times unmeasured, then ``calls`` times measured."""
    _Platform.install()
    for number in range(warmup):
        action(number)
    seconds, counts, platform = [], [], []
    for number in range(warmup, warmup + calls):
        platform_before = _Platform.seconds
        with statements() as seen:
            began = time.perf_counter()
            action(number)
            seconds.append(time.perf_counter() - began)
        counts.append(len(seen))
        platform.append(_Platform.seconds - platform_before)
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
    for sql, params in seen:
        if not sql.lstrip().upper().startswith(EXPLAINED):
            continue
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql, params)
            names = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
        if connection.vendor == "mysql":
            plan = [" ".join(f"{name}={row[names.index(name)]}" for name in MYSQL_PLAN) for row in rows]
        else:
            plan = [str(row[-1]) for row in rows]  # SQLite's detail, PostgreSQL's line
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
    sql = re.sub(r'[`"]\w+[`"]\.[`"]\w+[`"](?:, [`"]\w+[`"]\.[`"]\w+[`"])+', "...", sql)
    return sql if len(sql) <= 400 else sql[:400] + " ..."
