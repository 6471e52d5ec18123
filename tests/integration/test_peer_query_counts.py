"""Handing out a response and recording a review cost the same SQL whatever the pool's size."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ora_xblock import scenarios
from ora_xblock.definition import load_olx
from ora_xblock.models import Workflow
from ora_xblock.services import peer
from ora_xblock.services.common import Learner, Problem
from ora_xblock.services.responses import submit

pytestmark = [pytest.mark.django_db, pytest.mark.databases]

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PEER_ONLY = load_olx(scenarios.resource_text("scenarios/peer_only.xml"))  # must_grade 2, graded_by 2
GOOD = {"options_selected": {"Users": "Yes", "Feasibility": "Practical"}}
PROBLEM = Problem(PEER_ONLY, START + timedelta(days=1))


def learner(name: str) -> Learner:
    return Learner(course_id="course-v1:O+R+1", item_id="item-1", student_id=f"anon-{name}", username=name)


def counted(action, capture_callbacks) -> tuple[object, int]:
    """``action``'s result and its SQL statements, with the scores it publishes on commit."""
    with CaptureQueriesContext(connection) as captured, capture_callbacks(execute=True):
        result = action()
    return result, len(captured)


@pytest.mark.parametrize("pool", [10, 200])
def test_query_counts_do_not_grow_with_the_pool(pool: int, django_capture_on_commit_callbacks) -> None:
    for number in range(pool):
        submit(Problem(PEER_ONLY, START + timedelta(minutes=number)), learner(f"p{number}"), [f"answer {number}"])
    for _ in range(2):  # p0 does both her reviews: her response goes to the head of the queue
        lease = peer.next_review(PROBLEM, learner("p0"))
        peer.peer_assess(PROBLEM, learner("p0"), lease.pk, GOOD)
    submit(PROBLEM, learner("new"), ["the newcomer's answer"])
    counts = {}

    lease, counts["next_review"] = counted(
        lambda: peer.next_review(PROBLEM, learner("new")), django_capture_on_commit_callbacks
    )
    assert lease.workflow.student_id == "anon-p0"
    _, counts["peer_assess"] = counted(
        lambda: peer.peer_assess(PROBLEM, learner("new"), lease.pk, GOOD), django_capture_on_commit_callbacks
    )
    lease, _ = counted(lambda: peer.next_review(PROBLEM, learner("p1")), django_capture_on_commit_callbacks)
    assert lease.workflow.student_id == "anon-p0"
    _, counts["peer_assess_grading"] = counted(
        lambda: peer.peer_assess(PROBLEM, learner("p1"), lease.pk, GOOD), django_capture_on_commit_callbacks
    )
    assert Workflow.objects.get(pk=lease.workflow_id).published_earned == 6  # p0's grade was published

    # next_review: the reviewer with their current lease (one statement), candidate, new lease, candidate's
    # counters. peer_assess: reviewer, lease and target (one statement), new assessment, lease, target's counters,
    # reviewer's counters: neither learner's status can change, so no assessments are read. Grading the target
    # reads its assessments and writes its row instead, and publishes its score on commit (our row and savepoint,
    # edx-submissions' set_score, the learner's notice of the grade: one INSERT, its title from the definition at
    # hand). Counted inside the test's transaction: no BEGIN, savepoints instead.
    assert counts == {"next_review": 4, "peer_assess": 5, "peer_assess_grading": 20}
