"""``ora_rerank``: stored peer ranks recomputed from the problem's definition, in batches, idempotent."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ora_xblock import peer, scenarios
from ora_xblock.models import ProblemSnapshot, Workflow
from ora_xblock.services import rerank
from tests.integration.staff_world import COURSE, ITEM, PEER_ONLY, START, peer_review, submit_all

pytestmark = pytest.mark.django_db


def places() -> dict[str, tuple[int, float]]:
    rows = Workflow.objects.values_list("student_id", "peer_rank", "peer_tiebreak")
    return {student: (rank, tiebreak) for student, rank, tiebreak in rows}


def graded_by(count: int) -> None:
    """The author changed Graded By after learners submitted; the snapshot holds what they last submitted under."""
    snapshot = ProblemSnapshot.objects.get(item_id=ITEM)
    snapshot.olx = re.sub(r'must_be_graded_by="\d+"', f'must_be_graded_by="{count}"', snapshot.olx)
    snapshot.save()


def rerun(*args: str) -> str:
    out = StringIO()
    call_command("ora_rerank", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def reviewed() -> None:
    """Ann, Bob and Cat answered a peer problem (Graded By 2); Ann reviewed once, so one response has a review."""
    submit_all("ann", "bob", "cat", definition=PEER_ONLY)
    peer_review("ann")


def test_ranks_kept_up_by_reviews_and_leases_are_left_as_they_are(reviewed) -> None:
    before = places()
    assert rerun() == "0 of 3 responses moved, in 1 peer problems\n"
    assert places() == before


@pytest.mark.databases
def test_a_lower_graded_by_moves_a_response_with_enough_reviews_to_the_graded(reviewed) -> None:
    reviewed_once = Workflow.objects.get(reviews_received=1).student_id
    graded_by(1)
    assert rerun("--dry-run") == "1 of 3 responses would move, in 1 peer problems\n"
    assert places()[reviewed_once][0] == peer.SHORT_AUTHOR_IDLE  # the dry run wrote nothing
    assert rerun(ITEM) == "1 of 3 responses moved, in 1 peer problems\n"
    assert places()[reviewed_once][0] == peer.GRADED
    after = places()
    assert rerun() == "0 of 3 responses moved, in 1 peer problems\n"  # idempotent
    assert places() == after


def test_a_response_taken_out_of_the_graded_waits_by_submission_time_again(reviewed) -> None:
    graded_by(1)
    rerun()
    graded_by(2)
    assert rerun() == "1 of 3 responses moved, in 1 peer problems\n"
    for workflow in Workflow.objects.all():
        assert workflow.peer_rank != peer.GRADED
        assert workflow.peer_tiebreak == workflow.submitted_at.timestamp()


def test_batches_of_any_size_give_the_same_ranks(reviewed) -> None:
    graded_by(1)
    assert rerank.rerank(dry_run=False, batch=2) == rerank.Reranked(problems=1, responses=3, moved=1)
    ranks = {student: rank for student, (rank, _) in places().items()}
    graded_by(2)
    rerank.rerank(batch=1)
    graded_by(1)
    assert rerank.rerank(batch=1) == rerank.Reranked(problems=1, responses=3, moved=1)
    assert {student: rank for student, (rank, _) in places().items()} == ranks


def test_only_the_named_problems_or_course_and_never_a_problem_without_peers(reviewed) -> None:
    other_course = "course-v1:Other+Run+2026"
    ProblemSnapshot.objects.create(
        item_id="self-staff",
        course_id=other_course,
        olx=scenarios.resource_text("scenarios/self_staff.xml"),
        updated_at=START,
    )
    assert rerank.rerank(item_ids=["unknown"]) == rerank.Reranked()
    assert rerank.rerank(course_id=other_course) == rerank.Reranked()  # its one problem has no peer step
    assert rerank.rerank(course_id=COURSE) == rerank.Reranked(problems=1, responses=3)
    assert rerank.rerank(item_ids=[ITEM, "self-staff"]) == rerank.Reranked(problems=1, responses=3)


def test_a_batch_below_one_is_refused() -> None:
    with pytest.raises(CommandError, match="--batch must be at least 1"):
        rerun("--batch", "0")
