"""Hypothesis profiles for the fuzzers, the fuzzed world, and the checks every example must pass.

Profiles (``ORA_FUZZ_PROFILE``; without it, ``ci`` where the ``CI`` variable is set, else ``dev``):

- ``ci``: 10,000 examples per target, derandomized so that every run tries the same examples and a
  finding reproduces; no example database, no deadline. ``make test`` (and so CI) sets it.
- ``dev``: 300 random examples per target (``ORA_FUZZ_EXAMPLES`` for another count), for a quick
  look while working: ``.venv/bin/pytest tests/fuzz``. ``make test-fast`` runs no fuzzer at all:
  every test here is marked ``slow``.

Sizing: 33 targets of 10,000 examples (docs/decisions/0021-fuzzing-at-depth.md). Measured on this 2-core
machine, mostly idle: 1,100 CPU seconds in all (from 14 s for the OLX text target to 59 s for peer_next, whose
successes render the page), so ``make test`` runs them on two processes (``-n 2``): 9 min 44 s of wall time,
next to the rest of the suite's 5 minutes, inside CI's 45.
The count, time and answers of each target are printed at the end of every run ("fuzz targets"),
and a ``ci`` run fails if a target ran fewer than 10,000 examples.
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, transaction
from hypothesis import HealthCheck, settings

from .findings import KNOWN_OPEN, SEEN, tolerated
from .world import World, build_world

_QUIET = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.function_scoped_fixture,
    HealthCheck.large_base_example,
    HealthCheck.filter_too_much,
]
settings.register_profile(
    "ora-fuzz-ci", max_examples=10_000, deadline=None, derandomize=True, database=None, suppress_health_check=_QUIET
)
_DEV_EXAMPLES = int(os.environ.get("ORA_FUZZ_EXAMPLES", "300"))
settings.register_profile(
    "ora-fuzz-dev", max_examples=_DEV_EXAMPLES, deadline=None, database=None, suppress_health_check=_QUIET
)
PROFILE = os.environ.get("ORA_FUZZ_PROFILE") or (
    "ci" if os.environ.get("CI", "").lower() not in ("", "0", "false") else "dev"
)
if PROFILE not in ("ci", "dev"):
    raise pytest.UsageError(f"ORA_FUZZ_PROFILE={PROFILE!r}: use ci or dev")
EXAMPLES = settings.get_profile(f"ora-fuzz-{PROFILE}").max_examples


@dataclass
class Run:
    """One fuzz target's run: how many examples, how long, what the answers were, which known findings it met."""

    target: str
    examples: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    answers: Counter[str] = field(default_factory=Counter)  # "200", "400 bad_json", "200 file", ...
    known: Counter[str] = field(default_factory=Counter)  # the pinned test of each known open finding met

    def plain(self) -> dict[str, Any]:
        """As plain values, which a report carries (and xdist sends)."""
        return {**vars(self), "answers": dict(self.answers), "known": dict(self.known)}


_runs: list[Run] = []  # the runs of the test in progress, moved onto its report (so that xdist workers send them)


def fuzz(target: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Run a ``@given`` test under the chosen profile, as the fuzz target ``target``, counting its examples.

    Apply it above ``@given``; call the result once. Under ``ci``, fewer examples than the profile's fails the test.
    """

    def wrap(test: Callable[..., None]) -> Callable[..., None]:
        record = Run(target)
        inner = test.hypothesis.inner_test  # type: ignore[attr-defined]

        @functools.wraps(inner)
        def counted(*args: Any, **kwargs: Any) -> None:
            record.examples += 1
            inner(*args, **kwargs)

        test.hypothesis.inner_test = counted  # type: ignore[attr-defined]
        configured = settings(settings.get_profile(f"ora-fuzz-{PROFILE}"))(test)

        def run() -> None:
            _runs.append(record)
            seen, started, cpu = SEEN.copy(), time.perf_counter(), time.process_time()
            try:
                configured()
            finally:
                record.seconds, record.cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
                record.known.update({KNOWN_OPEN[key]: count for key, count in (SEEN - seen).items()})
            if PROFILE == "ci":
                assert record.examples >= EXAMPLES, f"{target}: only {record.examples} of {EXAMPLES} examples ran"

        return run

    return wrap


def count(*answers: str) -> None:
    """Count answers of the running target, for the summary (handler answers are counted by :func:`exercise`)."""
    if _runs:
        _runs[-1].answers.update(answers)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if call.when == "call" and _runs:
        report.user_properties.append(("fuzz", [record.plain() for record in _runs]))
        _runs.clear()
    return report


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The count, time and answers of every fuzz target that ran, and the known open findings they met."""
    runs = [
        Run(**{**record, "answers": Counter(record["answers"]), "known": Counter(record["known"])})
        for outcome in ("passed", "failed")
        for report in terminalreporter.stats.get(outcome, [])
        for name, records in getattr(report, "user_properties", [])
        if name == "fuzz"
        for record in records
    ]
    if not runs:
        return
    terminalreporter.section(f"fuzz targets (profile {PROFILE})")
    total = Run("total", *(sum(getattr(r, name) for r in runs) for name in ("examples", "seconds", "cpu_seconds")))
    for record in [*sorted(runs, key=lambda r: r.target), total]:
        took = f"{record.seconds:>7.1f} s ({record.cpu_seconds:.1f} s CPU)"
        terminalreporter.write_line(f"{record.target:<44} {record.examples:>7} examples {took}")
    for record in sorted(runs, key=lambda r: r.target):
        common = ", ".join(f"{answer} ×{n}" for answer, n in record.answers.most_common(8))
        terminalreporter.write_line(f"{record.target}: {common}")
    known = sum((record.known for record in runs), Counter())
    for test, count in sorted(known.items()):
        terminalreporter.write_line(f"known open finding, pinned by {test}: met {count} times")


@pytest.fixture
def world(settings: Any, db: None) -> World:
    return build_world(settings)


@pytest.fixture
def baseline(world: World) -> tuple[str, ...]:
    """Every row of the database before any example: every refusal must leave exactly this."""
    return database_state()


# What must not change on a refusal ----------------------------------------------------------------------------------


@functools.cache
def _state_query() -> str | None:
    """One SQLite query giving every row of the block's, edx-submissions' and the accounts' tables, one text per
    table (a query per table would cost a millisecond an example); None on other databases."""
    if connection.vendor != "sqlite":
        return None
    quote = connection.ops.quote_name
    tables = []
    for model in _state_models():
        columns = " || ',' || ".join(f"quote({quote(field.column)})" for field in model._meta.concrete_fields)
        ordered = f"SELECT {columns} AS row FROM {quote(model._meta.db_table)} ORDER BY {quote(model._meta.pk.column)}"
        tables.append(f"(SELECT group_concat(row, ';') FROM ({ordered}))")
    return "SELECT " + ", ".join(tables)


def _state_models() -> list[Any]:
    models = [*apps.get_app_config("ora_xblock").get_models(), *apps.get_app_config("submissions").get_models()]
    return [*models, apps.get_model("auth", "User")]


def database_state() -> tuple[str, ...]:
    """Every row of the block's, edx-submissions' and the accounts' tables, as text."""
    with connection.cursor() as cursor:
        query = _state_query()
        if query is not None:
            cursor.execute(query)
            return tuple(cursor.fetchone())
        state = []
        for model in _state_models():
            quote = connection.ops.quote_name
            cursor.execute(f"SELECT * FROM {quote(model._meta.db_table)} ORDER BY {quote(model._meta.pk.column)}")
            state.append(repr(cursor.fetchall()))
        return tuple(state)


def _writes() -> int | None:
    """SQLite's count of rows written on this connection so far, rolled back or not: when it has not moved, nothing
    changed, and the full comparison (:func:`database_state`) is not needed. None on other databases."""
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT total_changes()")
        return int(cursor.fetchone()[0])


def answer_of(response: Any, files: bool = False) -> dict[str, Any]:
    """The JSON answer, checked: 200 with an object, or a 4xx ``{"error": {"code", "message"}}``. With ``files``,
    a 200 may be a file to download instead: an attachment that streams whole."""
    if files and response.status_code == 200 and response.content_type != "application/json":
        assert response.headers["Content-Disposition"].startswith("attachment"), response.headers
        assert response.headers["X-Content-Type-Options"] == "nosniff", response.headers
        b"".join(response.app_iter)
        return {"file": response.content_type}
    assert response.content_type == "application/json", (response.status, response.body[:300])
    body = json.loads(response.body)
    assert isinstance(body, dict), body
    if response.status_code == 200:
        return body
    assert 400 <= response.status_code < 500, (response.status, body)
    error = body.get("error")
    assert isinstance(error, dict), body
    assert isinstance(error.get("code"), str) and error["code"], body
    assert isinstance(error.get("message"), str) and error["message"], body
    return body


def exercise(world: World, call: Callable[[], Any], baseline: tuple[str, ...], files: bool = False) -> None:
    """Make one call in a savepoint that is rolled back after: its answer must pass :func:`answer_of`, and a
    refusal must leave the database, the blocks' fields and the stored files as they were. ``call`` returns
    None when the host refused the request before the block saw it."""
    try:
        with transaction.atomic():
            with tolerated():
                writes = _writes()
                response = call()
                answer = answer_of(response, files) if response is not None else {"error": {"code": "(by the host)"}}
                count(_kind(response, answer))
                if response is None or response.status_code != 200:
                    detail = response and response.body
                    untouched = writes is not None and writes == _writes()
                    assert untouched or database_state() == baseline, detail
                    assert not world.fields_changed(), detail
                    assert not world.files_changed(), detail
            transaction.set_rollback(True)
    finally:
        world.reset()


def _kind(response: Any, answer: dict[str, Any]) -> str:
    """An answer as the summary counts it: its status and error code, or ``200 file``."""
    status = 400 if response is None else response.status_code
    code = answer["error"]["code"] if "error" in answer else "file" if "file" in answer else ""
    return f"{status} {code}".strip()
