"""The staff grading queue: oldest first, escalated responses included, one holder per response, leases lapse."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ora_xblock.models import AuditEntry, StaffLease, Workflow
from ora_xblock.services import overdue, queue, staff
from ora_xblock.workflow import Status
from tests.integration.staff_world import (
    ANN_STAFF,
    BEN_STAFF,
    ITEM,
    PEER_GOOD,
    PEER_ONLY,
    at,
    peer_review,
    refusal,
    self_assess_all,
    submit_all,
)

pytestmark = pytest.mark.django_db

STATED = {"options_selected": {"Argument": "Stated"}}


def waiting(*names: str) -> None:
    """Learners who answered and assessed themselves: the required staff grade is all they wait for."""
    submit_all(*names)
    self_assess_all(*names)


def test_next_hands_the_oldest_waiting_response_and_counts_the_rest() -> None:
    submit_all("ann", "bob", "cat", "dan")
    self_assess_all("bob", "cat", "dan")  # ann has not assessed herself yet: not staff's turn

    first = queue.next_response(ITEM, ANN_STAFF, at(2).now)
    second = queue.next_response(ITEM, BEN_STAFF, at(2).now)

    assert (first.workflow.student_id, first.remaining) == ("anon-bob", 2)
    assert (second.workflow.student_id, second.remaining) == ("anon-cat", 1)
    assert first.lease.holder_username == "StaffAnn" and not first.escalated
    assert first.lease.expires_at == at(2).now + timedelta(minutes=30)
    assert not first.resumed
    again = queue.next_response(ITEM, ANN_STAFF, at(2.1).now)  # ann's second window: the one she holds, renewed
    assert (again.workflow.student_id, again.remaining, again.resumed) == ("anon-bob", 1, True)
    assert again.lease.expires_at == at(2.1).now + timedelta(minutes=30) and StaffLease.objects.count() == 2
    third = queue.skip(ITEM, "anon-bob", ANN_STAFF, at(2.1).now)  # skipping it hands out another
    assert (third.workflow.student_id, third.remaining, third.resumed) == ("anon-dan", 1, False)
    assert queue.next_response(ITEM, BEN_STAFF, at(2.1).now).resumed  # ben's own, cat's


def test_responses_escalated_from_peers_are_in_the_queue_marked_oldest_first(
    django_capture_on_commit_callbacks,
) -> None:
    submit_all("ann", "bob", "cat", definition=PEER_ONLY)
    peer_review("cat")  # cat reviews ann; then everyone has done their part, and nobody else reviews
    Workflow.objects.update(status=Status.WAITING, peers_assessed=2)
    week = at(24 * 8, PEER_ONLY)
    with django_capture_on_commit_callbacks(execute=True):
        overdue.refresh(week, ITEM)
    assert set(Workflow.objects.values_list("status", flat=True)) == {Status.STAFF}

    turn = queue.next_response(ITEM, ANN_STAFF, week.now)
    assert turn.escalated and turn.workflow.student_id == "anon-ann" and turn.remaining == 2
    with django_capture_on_commit_callbacks(execute=True):
        staff.grade(week, ITEM, "anon-ann", ANN_STAFF, PEER_GOOD, from_queue=True)
    ann = Workflow.objects.get(student_id="anon-ann")
    assert (ann.status, ann.published_earned) == (Status.DONE, 6)


def test_grading_from_the_queue_needs_the_callers_live_lease(django_capture_on_commit_callbacks) -> None:
    waiting("ann", "bob")
    queue.next_response(ITEM, ANN_STAFF, at(2).now)

    assert refusal(lambda: staff.grade(at(2), ITEM, "anon-ann", BEN_STAFF, STATED, from_queue=True)) == (
        "being_graded",
        409,
    )
    assert refusal(lambda: staff.grade(at(2), ITEM, "anon-ann", BEN_STAFF, STATED)) == ("being_graded", 409)
    assert refusal(lambda: staff.grade(at(2), ITEM, "anon-bob", BEN_STAFF, STATED, from_queue=True)) == (
        "not_held",  # nobody holds bob: ben must take him from the queue first
        409,
    )
    assert refusal(lambda: queue.take(ITEM, "anon-ann", BEN_STAFF, at(2).now)) == ("being_graded", 409)
    assert refusal(lambda: staff.grade(at(3), ITEM, "anon-ann", ANN_STAFF, STATED, from_queue=True)) == (
        "lease_expired",
        409,
    )
    with django_capture_on_commit_callbacks(execute=True):
        staff.grade(at(2.4), ITEM, "anon-ann", ANN_STAFF, STATED, from_queue=True)

    ann = Workflow.objects.get(student_id="anon-ann")
    assert (ann.status, ann.score_earned, ann.published_earned) == (Status.DONE, 3, 3)
    assert not StaffLease.objects.exists()  # released by grading
    assert AuditEntry.objects.get().action == "grade"
    assert queue.next_response(ITEM, BEN_STAFF, at(3).now).remaining == 0


def test_a_lapsed_lease_returns_the_response_to_the_queue() -> None:
    waiting("ann", "bob")
    queue.next_response(ITEM, ANN_STAFF, at(2).now)
    assert queue.next_response(ITEM, BEN_STAFF, at(2.1).now).workflow.student_id == "anon-bob"

    later = queue.next_response(ITEM, BEN_STAFF, at(2.6).now)  # ann's 30 minutes are over, and ben's on bob

    assert later.workflow.student_id == "anon-ann" and later.lease.holder_id == BEN_STAFF.anonymous_id
    assert not later.resumed  # a lapsed hold of one's own is not handed back: the oldest comes first
    assert StaffLease.objects.count() == 2
    assert refusal(lambda: staff.grade(at(2.6), ITEM, "anon-ann", ANN_STAFF, STATED, from_queue=True)) == (
        "being_graded",
        409,
    )


def test_take_renews_ones_own_lease_and_release_and_skip_let_go() -> None:
    waiting("ann", "bob", "cat")
    turn = queue.next_response(ITEM, ANN_STAFF, at(2).now)
    renewed = queue.take(ITEM, "anon-ann", ANN_STAFF, at(2.25).now)
    assert renewed.expires_at == at(2.25).now + timedelta(minutes=30)
    assert StaffLease.objects.get().pk == renewed.pk != turn.lease.pk

    skipped = queue.skip(ITEM, "anon-ann", ANN_STAFF, at(2.3).now)
    assert skipped.workflow.student_id == "anon-bob" and skipped.remaining == 2
    assert queue.release(ITEM, "anon-bob", BEN_STAFF) is False  # not his
    assert queue.release(ITEM, "anon-bob", ANN_STAFF) is True
    assert not StaffLease.objects.exists()
    assert refusal(lambda: queue.take(ITEM, "anon-zed", ANN_STAFF, at(2).now)) == ("not_submitted", 404)


def test_the_lease_length_is_a_setting(settings) -> None:
    settings.ORA_XBLOCK_STAFF_LEASE_MINUTES = 5
    waiting("ann")
    assert queue.next_response(ITEM, ANN_STAFF, at(2).now).lease.expires_at == at(2).now + timedelta(minutes=5)


@pytest.mark.parametrize("learners", [3, 30])
def test_next_costs_the_same_queries_whatever_the_queue(learners: int) -> None:
    waiting(*(f"l{n}" for n in range(learners)))
    queue.next_response(ITEM, BEN_STAFF, at(2).now)
    with CaptureQueriesContext(connection) as captured:
        queue.next_response(ITEM, ANN_STAFF, at(2).now)
    # remaining and one's own held, candidate, lapsed or own lease, new lease (in a savepoint)
    assert len(captured) == 6
    with CaptureQueriesContext(connection) as captured:
        assert queue.next_response(ITEM, ANN_STAFF, at(2).now).resumed  # the one she holds: renewed
    assert len(captured) == 3  # remaining and one's own held, the lease, its renewal
