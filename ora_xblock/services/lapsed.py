"""Peer leases whose hold lapsed: they stop counting against their response, which goes back to the pool.

A lease keeps others away from its response for an hour (:class:`~ora_xblock.peer.LeasePolicy`); its holder may
still submit for eight. Giving lapsed holds back is the refresh's work (:func:`reclaim_lapsed`, every run of the
clock, which stays up while a hold can lapse: :func:`next_lapse`), off the learners' requests; a pick that finds
only responses covered by leases reclaims its problem's first (:func:`reclaim`), since a lapsed one may be behind
them (docs/decisions/0033-peer-hot-path.md).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Min, Value

from ..definition import parse_olx_cached
from ..definition.model import PeerStep, StepName
from ..models import PeerLease, ProblemSnapshot, Workflow
from .peer import rerank

BATCH = 50  # leases one reclaim gives back at most
PROBLEMS = 200  # problems one pass of the refresh looks at, at most (the next pass takes the rest)


def reclaim(item_id: str, now: datetime, step: PeerStep | None, limit: int = BATCH) -> int:
    """Give back up to ``limit`` of the problem's lapsed holds at ``now``, oldest first, and put their responses
    back in the queue by ``step`` (None: the problem's definition is unknown, or has no peer step: the counts
    only); how many. Runs in the caller's transaction, or its own, and never waits: it skips the leases and the
    responses another transaction holds."""
    # Value(True): a bare True compiles to `WHERE "blocking"`, which SQLite cannot match to the index. The order
    # makes PostgreSQL walk the index: taking "blocking" and "hold in the past" as independent, it expects thousands
    # of matches and would otherwise scan the table for the first 50, reading all of it when none match.
    with transaction.atomic(savepoint=False):
        lapsed = list(
            PeerLease.objects.select_for_update(skip_locked=True)
            .filter(item_id=item_id, blocking=Value(True), blocks_until__lte=now)
            .order_by("blocks_until")
            .values_list("pk", "workflow_id")[:limit]
        )
        # Responses another transaction holds are skipped, their leases left for the next pass: waiting for one
        # while holding leases would deadlock with a review landing (it locks the reviewer, the lease, the response).
        held = {
            workflow.pk: workflow
            for workflow in Workflow.objects.select_for_update(skip_locked=True).filter(
                pk__in={workflow_id for _, workflow_id in lapsed}
            )
        }
        given = [(pk, workflow_id) for pk, workflow_id in lapsed if workflow_id in held]
        if not given:
            return 0
        PeerLease.objects.filter(pk__in=[pk for pk, _ in given]).update(blocking=False)
        for workflow in held.values():
            workflow.reviews_load -= sum(1 for _, workflow_id in given if workflow_id == workflow.pk)
            if step is not None:
                rerank(step, workflow)
            workflow.save(update_fields=["reviews_load", "peer_rank", "peer_tiebreak"])
    return len(given)


def reclaim_lapsed(now: datetime) -> int:
    """The refresh's pass: every lapsed hold of the problems that have one (up to :data:`PROBLEMS` problems), in
    batches of :data:`BATCH`, each its own transaction; how many were given back."""
    lapsed = PeerLease.objects.filter(blocking=Value(True), blocks_until__lte=now)
    items = set(lapsed.order_by("blocks_until").values_list("item_id", flat=True)[:PROBLEMS])
    snapshots = {s.item_id: s for s in ProblemSnapshot.objects.filter(item_id__in=items)}
    given = 0
    for item_id in sorted(items):
        snapshot = snapshots.get(item_id)
        step = parse_olx_cached(snapshot.olx).step(StepName.PEER) if snapshot else None
        while (done := reclaim(item_id, now, step if isinstance(step, PeerStep) else None)) == BATCH:
            given += done
        given += done
    return given


def next_lapse() -> datetime | None:
    """When the earliest hold still counted lapses (one indexed query), for the refresh's clock."""
    holding = PeerLease.objects.filter(blocking=Value(True))
    return holding.aggregate(first=Min("blocks_until"))["first"]
