"""Counts that stop: a staff page says "1000+" rather than read every learner's row to say how many there are.

An exact count reads every matching row, so a page that shows one grows with
the problem (50,000 waiting responses cost 40 ms on SQLite). A capped count
reads at most ``limit + 1`` rows, through the index the filter uses, and the
page stays the same cost at 1,000 and 100,000 learners.
"""

from __future__ import annotations

from django.db.models import Model, QuerySet

COUNT_LIMIT = 1000  # rows counted at most before a page says "1000+"


class AtLeast(int):
    """A count that stopped at its limit: there are this many or more. Prints with a plus ("1000+"), so a
    message formatting ``{count}`` says so without a new text to translate; it is an int everywhere else."""

    def __str__(self) -> str:
        return f"{int(self)}+"


def capped(count: int, limit: int = COUNT_LIMIT) -> int:
    """``count`` of rows read up to ``limit + 1``: as it is, or :class:`AtLeast` ``limit`` beyond."""
    return AtLeast(limit) if count > limit else count


def capped_count(rows: QuerySet[Model], limit: int = COUNT_LIMIT) -> int:
    """How many ``rows`` there are, reading at most ``limit + 1`` of them (one query)."""
    return capped(rows[: limit + 1].count(), limit)


def less_one(count: int) -> int:
    """``count`` less the one just taken (a count that stopped at its limit still has more than that)."""
    return count if isinstance(count, AtLeast) else max(0, count - 1)
