"""Run one function in many threads at once, to race them against the database."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import connections

T = TypeVar("T")


def run_concurrently(fn: Callable[[int], T], n: int, timeout: float = 60) -> list[T | Exception]:
    """Call ``fn(i)`` for i in 0..n-1, each in its own thread, all released together by a barrier.

    Returns the results in thread order, with an exception in place of a result when ``fn`` raised one.
    Each thread has its own database connection and closes it at the end. Needs
    ``django_db(transaction=True)``: the threads only see rows that are committed.
    """
    barrier = threading.Barrier(n, timeout=timeout)
    results: list[T | Exception] = [TimeoutError(f"thread {i} did not finish in {timeout}s") for i in range(n)]

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = fn(i)
        except Exception as error:  # noqa: BLE001 - handed back to the test, which asserts on it
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,), name=f"race-{i}", daemon=True) for i in range(n)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return results
