"""Reviewers racing for responses, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import OperationalError, connection, connections, transaction

from ora_xblock import scenarios
from ora_xblock.definition import load_olx
from ora_xblock.models import Assessment, PeerLease, Workflow
from ora_xblock.services import lapsed
from ora_xblock.services import peer as peer_service
from ora_xblock.services.common import Learner, Problem, Refusal
from ora_xblock.services.responses import submit
from tests.concurrency import run_concurrently

pytestmark = [pytest.mark.databases, pytest.mark.django_db(transaction=True)]

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PEER_ONLY = load_olx(scenarios.resource_text("scenarios/peer_only.xml"))
GOOD = {"options_selected": {"Users": "Yes", "Feasibility": "Practical"}}
REVIEWERS = 6


def learner(number: int) -> Learner:
    return Learner(course_id="course-v1:O+R+1", item_id="item-1", student_id=f"anon-{number}", username=f"l{number}")


def at(hours: float) -> Problem:
    return Problem(PEER_ONLY, START + timedelta(hours=hours))


def test_reviewers_asking_at_once_get_different_responses_and_no_pair_repeats() -> None:
    for number in range(REVIEWERS * 2):
        submit(at(number / 60), learner(number), [f"answer {number}"])

    leases = run_concurrently(lambda i: peer_service.next_review(at(1), learner(i)), REVIEWERS)

    assert all(lease is not None and not isinstance(lease, Exception) for lease in leases), leases
    targets = [lease.workflow_id for lease in leases]
    assert len(set(targets)) == REVIEWERS  # one lease each: nobody's response is leased beyond the need
    assert all(lease.workflow.student_id != learner(i).student_id for i, lease in enumerate(leases))
    loads = dict(Workflow.objects.values_list("pk", "reviews_load"))
    assert all(loads[target] == 1 for target in targets)
    assert PeerLease.objects.count() == REVIEWERS


def test_two_tabs_submitting_one_review_land_it_once() -> None:
    for number in range(3):
        submit(at(number / 60), learner(number), [f"answer {number}"])
    lease = peer_service.next_review(at(1), learner(0))

    results = run_concurrently(lambda _: peer_service.peer_assess(at(1), learner(0), lease.pk, GOOD), 4)

    landed = [result for result in results if isinstance(result, tuple)]  # (reviewer's workflow, assessment)
    refused = [result for result in results if isinstance(result, Refusal)]
    assert len(landed) == 1, results
    assert len(refused) == 3 and {r.code for r in refused} <= {"stale_review", "already_assessed"}
    assert Assessment.objects.filter(kind="peer").count() == 1
    assert Assessment.objects.get(kind="peer").workflow_id == lease.workflow_id
    assert Workflow.objects.get(pk=lease.workflow_id).reviews_received == 1


def test_a_review_landing_while_the_refresh_gives_back_its_lapsed_hold_keeps_the_counts_right() -> None:
    for number in range(2 * REVIEWERS):
        submit(at(number / 60), learner(number), [f"answer {number}"])
    # The reviewers submitted last and take the first responses, whose authors are not reviewing: no two of them
    # review each other (that case is the next test's).
    leases = [peer_service.next_review(at(1), learner(REVIEWERS + number)) for number in range(REVIEWERS)]
    later = at(2.5)  # every hold lapsed an hour and a half ago; the reviews are still valid

    def act(i: int) -> object:
        if i == 0:
            return lapsed.reclaim_lapsed(later.now)
        return peer_service.peer_assess(later, learner(REVIEWERS + i - 1), leases[i - 1].pk, GOOD)

    results = run_concurrently(act, REVIEWERS + 1)

    assert not [result for result in results if isinstance(result, Exception)], results
    holding = PeerLease.objects.filter(blocking=True)
    for workflow in Workflow.objects.all():  # every response's load: its reviews plus the holds still counted
        assert workflow.reviews_load == workflow.reviews_received + holding.filter(workflow=workflow).count()
    assert not holding.exists() and Assessment.objects.filter(kind="peer").count() == REVIEWERS


def test_two_learners_reviewing_each_other_at_once_land_both_or_one_whole() -> None:
    for number in range(2):
        submit(at(number / 60), learner(number), [f"answer {number}"])
    leases = [peer_service.next_review(at(1), learner(number)) for number in range(2)]
    assert {lease.workflow.student_id for lease in leases} == {learner(1).student_id, learner(0).student_id}

    results = run_concurrently(lambda i: peer_service.peer_assess(at(1), learner(i), leases[i].pk, GOOD), 2)

    # Each locks their own row, then the other's: PostgreSQL and MariaDB may abort one as a deadlock (decision
    # 0033), which keeps nothing of it; the other lands whole.
    landed = [i for i, result in enumerate(results) if isinstance(result, tuple)]
    assert landed and all(isinstance(results[i], (tuple, OperationalError)) for i in range(2)), results
    reviewed = {leases[i].workflow_id for i in landed}
    for workflow in Workflow.objects.all():
        assert workflow.reviews_received == (workflow.pk in reviewed)
        assert workflow.peers_assessed == (workflow.student_id in {learner(i).student_id for i in landed})
    assert Assessment.objects.count() == len(landed)


def test_the_reclaim_never_waits_for_a_response_another_transaction_holds() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite locks the whole database: there is no row to skip")
    for number in range(2):
        submit(at(number / 60), learner(number), [f"answer {number}"])
    lease = peer_service.next_review(at(1), learner(0))
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                Workflow.objects.select_for_update().get(pk=lease.workflow_id)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(10)
    try:
        assert lapsed.reclaim_lapsed(at(3).now) == 0  # the response is held: its lease waits for the next pass
        assert PeerLease.objects.get(pk=lease.pk).blocking
    finally:
        release.set()
        holder.join(10)
    assert lapsed.reclaim_lapsed(at(3).now) == 1
    assert Workflow.objects.get(pk=lease.workflow_id).reviews_load == 0
