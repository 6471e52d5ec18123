"""The order responses are handed out in."""

from __future__ import annotations

import pytest

from ora_xblock import peer


@pytest.mark.parametrize(
    ("author_reviews", "received", "load", "expected"),
    [
        (5, 0, 0, peer.SHORT_AUTHOR_DONE),
        (2, 1, 1, peer.SHORT_AUTHOR_STARTED),
        (0, 0, 2, peer.SHORT_AUTHOR_IDLE),
        (0, 1, 3, peer.COVERED_BY_LEASES),  # short of finished reviews, but open leases fill the gap
        (5, 3, 3, peer.GRADED),
        (0, 4, 4, peer.GRADED),
    ],
)
def test_rank(author_reviews: int, received: int, load: int, expected: int) -> None:
    assert peer.rank(author_reviews=author_reviews, must_grade=5, received=received, load=load, required=3) == expected


def test_ranks_sort_deserving_authors_first() -> None:
    assert peer.SHORT_AUTHOR_DONE < peer.SHORT_AUTHOR_STARTED < peer.SHORT_AUTHOR_IDLE < peer.COVERED_BY_LEASES
    assert peer.COVERED_BY_LEASES < peer.GRADED
