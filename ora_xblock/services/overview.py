"""A problem at a glance for course staff: learners per status, and how the final scores spread (two queries)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from ..models import Workflow
from ..workflow import Status

BUCKETS = 10


@dataclass(frozen=True)
class Bucket:
    """Final scores from ``low`` up to ``high`` percent (the last bucket includes 100)."""

    low: int
    high: int
    count: int


@dataclass(frozen=True)
class Overview:
    """How many learners submitted, per status, escalated from peers to staff, and the final scores' histogram."""

    submitted: int
    by_status: dict[Status, int]
    escalated: int  # waiting for staff because peers did not review them in time
    distribution: list[Bucket]


def overview(item_id: str, buckets: int = BUCKETS) -> Overview:
    """The problem's overview; every status appears, with zero when nobody is there."""
    workflows = Workflow.objects.filter(item_id=item_id)
    per_status = workflows.values_list("status").annotate(
        learners=Count("pk"), escalated=Count("pk", filter=Q(escalated_at__isnull=False, status=Status.STAFF))
    )
    by_status = dict.fromkeys(Status, 0)
    escalated = 0
    for status, learners, waiting_escalated in per_status:
        by_status[Status(status)] = learners
        escalated += waiting_escalated
    scores = (
        workflows.filter(status=Status.DONE, score_earned__isnull=False, score_possible__gt=0)
        .values_list("score_earned", "score_possible")
        .annotate(learners=Count("pk"))
    )
    counts = [0] * buckets
    for earned, possible, learners in scores:
        counts[min(earned * buckets // possible, buckets - 1)] += learners
    width = 100 / buckets
    distribution = [Bucket(round(i * width), round((i + 1) * width), count) for i, count in enumerate(counts)]
    return Overview(sum(by_status.values()), by_status, escalated, distribution)
