"""Our side: the pool in our tables, and each measured operation through ``ora_xblock.services``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pool import BATCH, CHOSEN, COURSE, GRADED_BY, MUST_GRADE, OURS_ITEM, Plan, write_submissions

GOOD = {"options_selected": CHOSEN}


def definition() -> Any:
    """The demo's peer-only problem with Must Grade 5 and Graded By 3 (ora2 reads the same OLX)."""
    from ora_xblock.definition import load_olx

    return load_olx(problem_olx())


def problem_olx() -> str:
    from ora_xblock import scenarios

    olx = scenarios.resource_text("scenarios/peer_only.xml")
    return olx.replace(
        'must_grade="2" must_be_graded_by="2"', f'must_grade="{MUST_GRADE}" must_be_graded_by="{GRADED_BY}"'
    )


def fill(pool: Plan) -> None:
    """The pool as we store it: workflows with their counters and queue rank, assessments, leases, and the
    problem's snapshot (which the data report reads)."""
    from ora_xblock import peer
    from ora_xblock.assessing import check
    from ora_xblock.definition.olx import to_olx
    from ora_xblock.models import PeerLease, ProblemSnapshot, Workflow

    problem = definition()
    parts = [part.as_dict() for part in check(problem.rubric, CHOSEN, {}, "").parts]
    submissions = write_submissions(pool, OURS_ITEM, "ora_xblock")
    held = {author for _, author, _ in pool.holds}
    workflows = []
    for n, name in enumerate(pool.names):
        graded, load = pool.graded(n), pool.received[n] + (n in held)
        rank = peer.rank(
            author_reviews=pool.given[n],
            must_grade=MUST_GRADE,
            received=pool.received[n],
            load=load,
            required=GRADED_BY,
        )
        score = 6 if graded else None
        workflows.append(
            Workflow(
                course_id=COURSE,
                item_id=OURS_ITEM,
                student_id=name,
                username=name,
                submission_uuid=str(submissions[n].uuid),
                status=pool.status(n),
                submitted_at=pool.submitted[n],
                updated_at=pool.now,
                score_earned=score,
                score_possible=score,
                published_earned=score,
                published_possible=score,
                peers_assessed=pool.given[n],
                reviews_received=pool.received[n],
                reviews_load=load,
                peer_rank=rank,
                peer_tiebreak=(n % 997) / 997 if rank == peer.GRADED else pool.submitted[n].timestamp(),
            )
        )
    Workflow.objects.bulk_create(workflows, batch_size=BATCH)
    _reviews(workflows, parts, pool.reviews)
    PeerLease.objects.bulk_create(
        [_lease(pool.names[reviewer], workflows[author], moment) for reviewer, author, moment in pool.holds],
        batch_size=BATCH,
    )
    ProblemSnapshot.objects.create(item_id=OURS_ITEM, course_id=COURSE, olx=to_olx(problem), updated_at=pool.now)


def exhaust(pool: Plan) -> None:
    """The exhausted reviewer has reviewed every other response, those submitted during the bench too."""
    from ora_xblock.assessing import check
    from ora_xblock.models import Workflow

    parts = [part.as_dict() for part in check(definition().rubric, CHOSEN, {}, "").parts]
    workflows = list(Workflow.objects.filter(item_id=OURS_ITEM).order_by("id"))
    me = next(n for n, workflow in enumerate(workflows) if workflow.student_id == pool.names[pool.exhausted])
    moment = pool.now - timedelta(minutes=1)
    _reviews(workflows, parts, [(me, n, moment) for n in range(len(workflows)) if n != me])


def _reviews(workflows: list[Any], parts: list[Any], reviews: list[tuple[int, int, datetime]]) -> None:
    from ora_xblock.models import Assessment, PeerLease

    Assessment.objects.bulk_create(
        [
            Assessment(
                workflow=workflows[author],
                kind="peer",
                scorer_id=workflows[reviewer].student_id,
                parts=parts,
                points_earned=6,
                points_possible=6,
                created_at=moment,
                once_key=f"peer:{workflows[author].pk}:{workflows[reviewer].student_id}",
            )
            for reviewer, author, moment in reviews
        ],
        batch_size=BATCH,
    )
    PeerLease.objects.bulk_create(
        [
            _lease(workflows[reviewer].student_id, workflows[author], moment, True)
            for reviewer, author, moment in reviews
        ],
        batch_size=BATCH,
    )


def _lease(reviewer: str, workflow: Any, created: datetime, done: bool = False) -> Any:
    from ora_xblock.models import PeerLease

    return PeerLease(
        item_id=OURS_ITEM,
        reviewer_id=reviewer,
        workflow=workflow,
        created_at=created,
        blocks_until=created + timedelta(hours=1),
        valid_until=created + timedelta(hours=8),
        blocking=not done,
        active_key=None if done else f"{OURS_ITEM}:{reviewer}",
        done=done,
    )


class Ours:
    """Each operation as the block's handlers call it."""

    name = "ours"

    def __init__(self, pool: Plan):
        from ora_xblock.services.common import Problem

        self.pool = pool
        self.problem = Problem(definition(), pool.now)
        self.leases: dict[int, Any] = {}
        self.saved: Any = None  # the last assessment saved

    def _learner(self, name: str) -> Any:
        from ora_xblock.services.common import Learner

        return Learner(course_id=COURSE, item_id=OURS_ITEM, student_id=name, username=name)

    def pick(self, n: int) -> None:
        from ora_xblock.services import peer

        lease = peer.next_review(self.problem, self._learner(self.pool.names[n]))
        assert lease is not None, "ours: the pool ran dry"
        self.leases[n] = lease

    def assess(self, n: int) -> None:
        from ora_xblock.services import peer

        peer.peer_assess(self.problem, self._learner(self.pool.names[n]), self.leases.pop(n).pk, GOOD)

    def prepare_finish(self, n: int) -> None:
        from ora_xblock.services import peer

        self.leases[n] = peer.current_lease(self._learner(self.pool.names[n]))

    def finish(self, n: int) -> None:
        from ora_xblock.services import peer

        _, self.saved = peer.peer_assess(self.problem, self._learner(self.pool.names[n]), self.leases.pop(n).pk, GOOD)

    def finished(self) -> bool:
        """Whether the last review graded its target (read after the measurement)."""
        from ora_xblock.models import Workflow

        return Workflow.objects.get(pk=self.saved.workflow_id).status == "done"

    def submit(self, name: str) -> None:
        from ora_xblock.services import responses

        responses.submit(self.problem, self._learner(name), [f"Three changes to the bus stop, by {name}."])

    def nothing_left(self) -> None:
        from ora_xblock.services import peer

        assert peer.next_review(self.problem, self._learner(self.pool.names[self.pool.exhausted])) is None

    def data_report(self) -> None:
        from ora_xblock.services import reports

        task = reports.start(COURSE, OURS_ITEM, "data", "bench", self.pool.now)
        task.refresh_from_db()
        assert task.status == "done", task.error
