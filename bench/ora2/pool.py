"""One pool of learners in one peer problem, planned once and filled into each side's tables in bulk.

The plan says who submitted when, who reviewed whom, who holds a response now, and the learners the bench
measures; :func:`fill_ours` and :func:`fill_ora2` write it as each side stores it, so both hold the same pool.
Regular learners have given 0 to 7 reviews (each reviews the learners who submitted just before them), and
received what the others gave; a learner with 5 given and 3 received is graded; a tenth of those short of reviews
have a response held by another learner. The measured learners submitted last: fresh reviewers (nothing given
yet), finishers (5 given, each holding the response of a target with 2 of its 3 reviews), the exhausted reviewer
(who reviews everyone else in the last phase: :func:`exhaust_ours`, :func:`exhaust_ora2`).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

MUST_GRADE, GRADED_BY = 5, 3
CHOSEN = {"Users": "Yes", "Feasibility": "Practical"}  # 6 points of 6
COURSE = "course-v1:bench+side_by_side+run"
OURS_ITEM = "block-v1:bench+side_by_side+run+type@ora_xblock+block@peer"
ORA2_ITEM = "block-v1:bench+side_by_side+run+type@openassessment+block@peer"
BATCH = 5000


@dataclass
class Plan:
    """The pool: ``reviews`` and ``holds`` are (reviewer, author, moment) by learner index."""

    now: datetime
    names: list[str]
    submitted: list[datetime]
    reviews: list[tuple[int, int, datetime]]
    holds: list[tuple[int, int, datetime]]
    fresh: list[int]
    finishers: list[int]
    targets: list[int]
    exhausted: int
    given: list[int] = field(default_factory=list)
    received: list[int] = field(default_factory=list)

    def graded(self, n: int) -> bool:
        return self.given[n] >= MUST_GRADE and self.received[n] >= GRADED_BY

    def status(self, n: int) -> str:
        return "done" if self.graded(n) else "waiting" if self.given[n] >= MUST_GRADE else "peer"


def plan(size: int, measured: int, now: datetime) -> Plan:
    """``size`` learners, of whom ``measured`` fresh reviewers, finishers and targets, and one exhausted reviewer."""
    rng = random.Random(size)
    regular = size - 3 * measured - 1
    names = [f"learner{n}" for n in range(size)]
    submitted = [now - timedelta(days=14) + timedelta(days=13) * n / regular for n in range(regular)]
    submitted += [now - timedelta(hours=20) + timedelta(minutes=n) for n in range(size - regular)]
    targets = list(range(regular, regular + measured))
    finishers = list(range(regular + measured, regular + 2 * measured))
    fresh = list(range(regular + 2 * measured, size - 1))
    reviews = []
    for reviewer in [*range(regular), *targets, *finishers]:
        count = MUST_GRADE if reviewer >= regular else rng.choice((0, 0, 1, 2, 3, 4, 5, 5, 5, 6, 7))
        for k in range(count):  # the regular learners who submitted just before
            reviews.append((reviewer, (reviewer - 1 - k) % regular, submitted[reviewer] + timedelta(minutes=k + 1)))
    for number, target in enumerate(targets):
        for j in range(GRADED_BY - 1):
            reviews.append(((number * 7 + j) % regular, target, submitted[target] + timedelta(minutes=j + 1)))
    pool = Plan(now, names, submitted, reviews, [], fresh, finishers, targets, size - 1)
    _count(pool)
    reviewed = {(reviewer, author) for reviewer, author, _ in reviews}
    holding: set[int] = set(finishers)
    for author in range(regular):
        if pool.graded(author) or pool.received[author] >= GRADED_BY or rng.random() >= 0.1:
            continue
        holder = rng.randrange(regular)
        if holder != author and holder not in holding and (holder, author) not in reviewed:
            holding.add(holder)
            pool.holds.append((holder, author, now - timedelta(minutes=rng.randint(0, 50))))
    held_now = now - timedelta(minutes=5)
    pool.holds += [(finisher, target, held_now) for finisher, target in zip(finishers, targets, strict=True)]
    return pool


def _count(pool: Plan) -> None:
    pool.given, pool.received = [0] * len(pool.names), [0] * len(pool.names)
    for reviewer, author, _ in pool.reviews:
        pool.given[reviewer] += 1
        pool.received[author] += 1


def write_submissions(pool: Plan, item_id: str, item_type: str) -> list[Any]:
    """The pool's edx-submissions rows (student items, submissions, and the graded learners' scores)."""
    from submissions.models import Score, ScoreSummary, StudentItem, Submission

    items = StudentItem.objects.bulk_create(
        [StudentItem(student_id=name, course_id=COURSE, item_id=item_id, item_type=item_type) for name in pool.names],
        batch_size=BATCH,
    )
    submissions = Submission.objects.bulk_create(
        [
            Submission(
                uuid=uuid.uuid4(),
                student_item=items[n],
                attempt_number=1,
                submitted_at=pool.submitted[n],
                created_at=pool.submitted[n],
                answer={"parts": [{"text": f"Three changes to the bus stop, by {name}."}]},
            )
            for n, name in enumerate(pool.names)
        ],
        batch_size=BATCH,
    )
    graded = [n for n in range(len(pool.names)) if pool.graded(n)]
    scores = Score.objects.bulk_create(
        [Score(student_item=items[n], submission=submissions[n], points_earned=6, points_possible=6) for n in graded],
        batch_size=BATCH,
    )
    ScoreSummary.objects.bulk_create(
        [
            ScoreSummary(student_item=items[n], highest=score, latest=score)
            for n, score in zip(graded, scores, strict=True)
        ],
        batch_size=BATCH,
    )
    return submissions
