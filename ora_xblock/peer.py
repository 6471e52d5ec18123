"""Peer review policy: the order responses are handed out in, and how many reviews a response needs. Pure Python.

The order comes from simulating allocation policies over synthetic courses
(see the issue "Peer assessment"): first the responses most likely to
leave a deserving learner ungraded. Each response carries a rank that the
database indexes together with its review load and a tiebreak, so that
choosing the next response is one indexed query whatever the pool's size:

0. its author finished their own required reviews and it is short of reviews;
1. its author started reviewing, and it is short of reviews;
2. its author has not reviewed yet, and it is short of reviews;
3. it has too few finished reviews, but open leases fill the gap (probably
   abandoned, so it comes before over-grading);
4. it has all its required reviews: over-grading, in random order.

Inside a rank: fewest reviews (finished plus open leases) first, then the oldest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from .definition.model import PeerStep

SHORT_AUTHOR_DONE, SHORT_AUTHOR_STARTED, SHORT_AUTHOR_IDLE, COVERED_BY_LEASES, GRADED = range(5)
FLEXIBLE_AFTER = timedelta(days=7)
FLEXIBLE_SHARE = 0.3


def rank(*, author_reviews: int, must_grade: int, received: int, load: int, required: int) -> int:
    """Where a response stands in the queue (lower goes first)."""
    if received >= required:
        return GRADED
    if load >= required:
        return COVERED_BY_LEASES
    if author_reviews >= must_grade:
        return SHORT_AUTHOR_DONE
    return SHORT_AUTHOR_STARTED if author_reviews > 0 else SHORT_AUTHOR_IDLE


def required_reviews(step: PeerStep, submitted_at: datetime, now: datetime, flexible: bool) -> int:
    """Reviews a response needs: Graded By, or with flexible grading after seven days, 30% of it (at least 1)."""
    if flexible and now >= submitted_at + FLEXIBLE_AFTER:
        return max(1, math.floor(step.must_be_graded_by * FLEXIBLE_SHARE))
    return step.must_be_graded_by


@dataclass(frozen=True)
class LeasePolicy:
    """How long an assigned review keeps others away, and how long its holder may still submit it."""

    blocks_for: timedelta = timedelta(hours=1)
    valid_for: timedelta = timedelta(hours=8)

    def times(self, now: datetime) -> tuple[datetime, datetime]:
        return now + self.blocks_for, now + self.valid_for
