"""The course's problems at a glance, for the course dashboard: every problem's learners per status in one
aggregate query, the course's own index of problems, and the learners waiting for peer reviews.

A team's response counts once (its submitter's row), however many members share it: the counts are of responses.

The aggregate groups the course's workflows by problem and status (``GROUP BY item_id, status``) on an index that
starts with them; its cost grows with the course's learners (1.5 s for a million on SQLite, bench/
bench_course_dashboard.py), never its query count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Min, Q

from ..models import ProblemSnapshot, Workflow
from ..workflow import Status

WAITING_LISTED = 50  # learners waiting for peer reviews shown on one page


@dataclass
class Tally:
    """One problem's responses: how many per status (a team's once), how many of those waiting for staff the peer
    step sent on, since when the oldest of those waiting for staff, and for peer reviews, has waited, and how many
    are teams' responses."""

    by_status: dict[Status, int] = field(default_factory=lambda: dict.fromkeys(Status, 0))
    escalated: int = 0
    team_responses: int = 0
    oldest_staff: datetime | None = None
    oldest_peer: datetime | None = None

    @property
    def submitted(self) -> int:
        return sum(self.by_status.values())

    @property
    def waiting_for_staff(self) -> int:
        return self.by_status[Status.STAFF]

    @property
    def waiting_for_peers(self) -> int:
        return self.by_status[Status.WAITING]


@dataclass(frozen=True)
class Indexed:
    """A problem of the course as its own index keeps it: the definition it had when learners last submitted."""

    item_id: str
    olx: str
    flexible_forced: bool


def tallies(item_ids: Sequence[str]) -> dict[str, Tally]:
    """Each problem's :class:`Tally` (zeros for a problem nobody submitted to), in one query."""
    found = {item_id: Tally() for item_id in item_ids}
    rows = (
        Workflow.objects.filter(item_id__in=list(found), shares_response=False)
        .values_list("item_id", "status")
        .annotate(
            learners=Count("pk"),
            escalated=Count("pk", filter=Q(escalated_at__isnull=False)),
            oldest=Min("submitted_at"),
            teams=Count("pk", filter=Q(team_response__isnull=False)),
        )
        .order_by()
    )
    for item_id, status, learners, escalated, oldest, teams in rows:
        tally = found[item_id]
        tally.by_status[Status(status)] = learners
        tally.team_responses += teams
        if status == Status.STAFF:
            tally.escalated, tally.oldest_staff = escalated, oldest
        elif status == Status.WAITING:
            tally.oldest_peer = oldest
    return found


def indexed_problems(course_id: str) -> list[Indexed]:
    """The course's problems that learners have submitted to, from the content's own index (one query)."""
    rows = ProblemSnapshot.objects.filter(course_id=course_id).order_by("item_id")
    return [
        Indexed(item_id, olx, forced) for item_id, olx, forced in rows.values_list("item_id", "olx", "flexible_forced")
    ]


def indexed_problem(course_id: str, item_id: str) -> Indexed | None:
    """One problem of the course from its index; None if it is not there (or in another course)."""
    row = ProblemSnapshot.objects.filter(course_id=course_id, item_id=item_id)
    found = row.values_list("item_id", "olx", "flexible_forced").first()
    return Indexed(*found) if found else None


def waiting_for_peers(item_ids: Sequence[str], limit: int = WAITING_LISTED) -> list[Workflow]:
    """The learners of these problems who did their part and wait for peer reviews, longest waiting first."""
    waiting = Workflow.objects.filter(item_id__in=list(item_ids), status=Status.WAITING)
    fields = ("item_id", "student_id", "username", "submitted_at", "reviews_received", "escalated_at")
    return list(waiting.order_by("submitted_at", "id").only(*fields)[:limit])
