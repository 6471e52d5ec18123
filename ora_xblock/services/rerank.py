"""Putting stored peer ranks right again, for when what a rank is computed from changed without a review or a lease.

A response's place in the peer queue (``Workflow.peer_rank`` and ``peer_tiebreak``, see :func:`.peer.rerank`)
is stored, and recomputed only when a lease or a review touches the response. When the ranking rule changes
(docs/decisions/0025-peer-rank-and-flexible-grading.md), or a problem's Must Grade or Graded By changed after
learners submitted, the stored ranks are stale: :func:`rerank` recomputes them from each problem's definition as
learners last submitted it (:class:`~ora_xblock.models.ProblemSnapshot`), in batches, each one transaction with
its rows locked, so that reviews going on meanwhile wait for the batch rather than being overwritten. Running it
again changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.db import transaction

from ..definition import parse_olx_cached
from ..definition.model import PeerStep, StepName
from ..models import ProblemSnapshot, Workflow
from .peer import rerank as place

BATCH = 500  # responses one transaction re-ranks at most


@dataclass(frozen=True)
class Reranked:
    """What a pass found: problems with a peer step, their responses, and those whose place changed."""

    problems: int = 0
    responses: int = 0
    moved: int = 0

    def __add__(self, other: Reranked) -> Reranked:
        return Reranked(self.problems + other.problems, self.responses + other.responses, self.moved + other.moved)


def rerank(
    item_ids: Collection[str] = (), course_id: str | None = None, dry_run: bool = False, batch: int = BATCH
) -> Reranked:
    """Re-rank every response of the problems ``item_ids`` (all problems when empty), of course ``course_id`` if
    given; ``dry_run`` counts what would move and writes nothing. Problems without a peer step are skipped."""
    snapshots = ProblemSnapshot.objects.order_by("item_id")
    if item_ids:
        snapshots = snapshots.filter(item_id__in=list(item_ids))
    if course_id is not None:
        snapshots = snapshots.filter(course_id=course_id)
    total = Reranked()
    for item_id in list(snapshots.values_list("item_id", flat=True)):
        olx = ProblemSnapshot.objects.filter(item_id=item_id).values_list("olx", flat=True).first() or ""
        step = parse_olx_cached(olx).step(StepName.PEER) if olx else None
        if isinstance(step, PeerStep):
            total += _rerank_problem(item_id, step, dry_run, batch)
    return total


def _rerank_problem(item_id: str, step: PeerStep, dry_run: bool, batch: int) -> Reranked:
    """One problem's responses, ``batch`` at a time in the order of their ids, each batch one transaction."""
    done, after = Reranked(problems=1), 0
    while True:
        with transaction.atomic():
            rows = Workflow.objects.filter(item_id=item_id, pk__gt=after).order_by("pk")
            found = list((rows if dry_run else rows.select_for_update())[:batch])
            moved = [workflow for workflow in found if _moved(step, workflow)]
            if not dry_run:
                Workflow.objects.bulk_update(moved, ["peer_rank", "peer_tiebreak"])
        done += Reranked(responses=len(found), moved=len(moved))
        if len(found) < batch:
            return done
        after = found[-1].pk


def _moved(step: PeerStep, workflow: Workflow) -> bool:
    """Put the response in its place (in memory); whether that changed its rank or its tiebreak."""
    before = (workflow.peer_rank, workflow.peer_tiebreak)
    place(step, workflow)
    return (workflow.peer_rank, workflow.peer_tiebreak) != before
