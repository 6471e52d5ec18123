"""Managing one learner: lookup, their record, grading and overriding, removing from peer grading, resetting."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from submissions import api as submissions_api

from ora_xblock.models import AuditEntry, PeerLease, Workflow
from ora_xblock.services import learners, overview, staff, top
from ora_xblock.services import peer as peer_service
from ora_xblock.services.state import learner_state
from ora_xblock.workflow import Status
from tests.integration.staff_world import (
    ANN_STAFF,
    BEN_STAFF,
    ITEM,
    PEER_GOOD,
    PEER_ONLY,
    at,
    learner,
    peer_review,
    refusal,
    self_assess_all,
    submit_all,
)

pytestmark = pytest.mark.django_db

CONVINCING = {"options_selected": {"Argument": "Convincing"}, "overall_feedback": "Well argued."}
UNCLEAR = {"options_selected": {"Argument": "Unclear"}}


def test_find_a_learner_by_username_or_email_in_any_case() -> None:
    submit_all("Alice", "bob")
    get_user_model().objects.create(username="Alice", email="Alice@Example.org")
    assert learners.find(ITEM, "alice") == "anon-Alice"
    assert learners.find(ITEM, "  BOB ") == "anon-bob"
    assert learners.find(ITEM, "alice@EXAMPLE.org") == "anon-Alice"  # through django.contrib.auth's users
    assert learners.find(ITEM, "b@x.org", usernames_for_email=lambda email: ["BOB"]) == "anon-bob"
    assert refusal(lambda: learners.find(ITEM, "carol")) == ("no_such_learner", 404)
    assert refusal(lambda: learners.find(ITEM, "nobody@example.org")) == ("no_such_learner", 404)
    assert refusal(lambda: learners.find(ITEM, " ")) == ("bad_request", 400)


def test_the_record_shows_answer_assessments_received_and_given_and_history(django_capture_on_commit_callbacks) -> None:
    submit_all("ann", "bob", "cat", definition=PEER_ONLY)
    peer_review("ann")  # ann reviews bob (oldest other)
    peer_review("cat")  # cat reviews ann
    with django_capture_on_commit_callbacks(execute=True):
        staff.grade(at(2, PEER_ONLY), ITEM, "anon-ann", ANN_STAFF, {**PEER_GOOD, "overall_feedback": "Good."})

    record = learners.record(at(3, PEER_ONLY), ITEM, "anon-ann")

    assert record.state.answers == ["answer of ann"]
    assert [(a.kind, a.scorer_id) for a in record.state.received] == [
        ("peer", "anon-cat"),
        ("staff", ANN_STAFF.anonymous_id),
    ]
    assert record.state.received[1].overall_feedback == "Good."
    assert [part["option"] for part in record.state.received[1].parts] == ["Yes", "Practical"]
    assert [(a.kind, a.workflow.student_id) for a in record.given] == [("peer", "anon-bob")]
    assert record.workflow.status == Status.DONE and record.published == (6, 6)
    assert [(e.action, e.actor_username) for e in record.history] == [("grade", "StaffAnn")]
    assert record.files == [] and record.lease is None


def test_record_reads_a_constant_number_of_queries() -> None:
    counts = []
    for names in (("a1", "a2"), tuple(f"b{n}" for n in range(12))):
        submit_all(*names, definition=PEER_ONLY)
        with CaptureQueriesContext(connection) as captured:
            learners.record(at(1, PEER_ONLY), ITEM, f"anon-{names[0]}")
        counts.append(len(captured))
    assert counts[0] == counts[1] <= 8


def test_a_first_staff_grade_needs_no_reason_but_an_override_does(django_capture_on_commit_callbacks) -> None:
    submit_all("ann")
    self_assess_all("ann")
    with django_capture_on_commit_callbacks(execute=True):
        staff.grade(at(2), ITEM, "anon-ann", ANN_STAFF, CONVINCING)
    assert Workflow.objects.get(student_id="anon-ann").published_earned == 5

    assert refusal(lambda: staff.grade(at(3), ITEM, "anon-ann", BEN_STAFF, UNCLEAR)) == ("reason_required", 400)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        staff.grade(at(3), ITEM, "anon-ann", BEN_STAFF, UNCLEAR, reason="Copied from the textbook.")
        assert Workflow.objects.get(student_id="anon-ann").published_earned == 5  # sent only once committed
    assert callbacks
    workflow = Workflow.objects.get(student_id="anon-ann")
    assert (workflow.score_earned, workflow.published_earned, workflow.score_source) == (0, 0, "staff-assessment")
    entries = AuditEntry.objects.filter(student_id="anon-ann").order_by("id")
    assert [(e.action, e.actor_username, e.reason, e.details) for e in entries] == [
        ("grade", "StaffAnn", "", {"earned": 5, "possible": 5, "previous": None}),
        ("override", "StaffBen", "Copied from the textbook.", {"earned": 0, "possible": 5, "previous": 5}),
    ]
    assert entries[1].created_at == at(3).now
    assert refusal(lambda: staff.grade(at(3), ITEM, "anon-ann", BEN_STAFF, UNCLEAR, reason="x" * 1001)) == (
        "reason_too_long",
        400,
    )


def test_an_invalid_grade_or_unknown_learner_is_refused_and_nothing_is_audited() -> None:
    submit_all("ann")
    assert refusal(lambda: staff.grade(at(1), ITEM, "anon-ann", ANN_STAFF, {"options_selected": {}}))[0] == (
        "invalid_assessment"
    )
    assert refusal(lambda: staff.grade(at(1), ITEM, "anon-zed", ANN_STAFF, CONVINCING)) == ("not_submitted", 404)
    assert not AuditEntry.objects.exists()


def test_removing_from_peer_grading_ends_leases_scores_zero_and_tells_the_learner(
    django_capture_on_commit_callbacks,
) -> None:
    submit_all("ann", "bob", "cat", "dan", definition=PEER_ONLY)
    lease = peer_service.next_review(at(1, PEER_ONLY), learner("bob"))
    assert lease.workflow.student_id == "anon-ann"
    assert Workflow.objects.get(student_id="anon-ann").reviews_load == 1
    assert refusal(lambda: staff.remove_from_peer_grading(at(2, PEER_ONLY), ITEM, "anon-ann", ANN_STAFF, " ")) == (
        "comment_required",
        400,
    )

    with django_capture_on_commit_callbacks(execute=True):
        staff.remove_from_peer_grading(at(2, PEER_ONLY), ITEM, "anon-ann", ANN_STAFF, "Offensive language.")

    ann = Workflow.objects.get(student_id="anon-ann")
    assert ann.status == Status.CANCELLED and ann.reviews_load == 0
    assert (ann.cancelled_at, ann.cancelled_by, ann.cancel_comment) == (at(2).now, "StaffAnn", "Offensive language.")
    assert (ann.published_earned, ann.published_possible) == (0, 6)  # a grade of zero, as in edx-ora2
    assert submissions_api.get_score(learner("ann").student_item)["points_earned"] == 0
    assert not PeerLease.objects.get(pk=lease.pk).blocking
    state = learner_state(at(3, PEER_ONLY), learner("ann"))
    assert state.removed and state.removal_comment == "Offensive language." and state.grade is None
    assert not learner_state(at(3, PEER_ONLY), learner("bob")).removed
    # bob's lease on ann's response is over: the page's lease is refused, and he is handed someone else
    assert refusal(lambda: peer_service.peer_assess(at(3, PEER_ONLY), learner("bob"), lease.pk, PEER_GOOD))[0] == (
        "stale_review"
    )
    for name in ("bob", "cat", "dan"):
        handed = peer_service.next_review(at(3, PEER_ONLY), learner(name))
        assert handed is None or handed.workflow.student_id != "anon-ann"
    assert refusal(lambda: staff.remove_from_peer_grading(at(4, PEER_ONLY), ITEM, "anon-ann", ANN_STAFF, "Again.")) == (
        "already_cancelled",
        409,
    )
    assert refusal(lambda: staff.grade(at(4, PEER_ONLY), ITEM, "anon-ann", ANN_STAFF, PEER_GOOD, "r")) == (
        "cancelled",
        409,
    )
    assert AuditEntry.objects.get(action="cancel").reason == "Offensive language."


def test_a_removed_response_leaves_the_top_responses(django_capture_on_commit_callbacks) -> None:
    submit_all("ann", "bob", definition=PEER_ONLY)
    for name in ("ann", "bob"):
        with django_capture_on_commit_callbacks(execute=True):
            staff.grade(at(1, PEER_ONLY), ITEM, f"anon-{name}", ANN_STAFF, PEER_GOOD)
    assert len(top.top_responses(at(1, PEER_ONLY), ITEM, 10)) == 2  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        staff.remove_from_peer_grading(at(2, PEER_ONLY), ITEM, "anon-ann", ANN_STAFF, "Plagiarised.")
    assert [row["answers"] for row in top.top_responses(at(2, PEER_ONLY), ITEM, 10)] == [["answer of bob"]]


def test_reset_is_audited_and_the_history_survives_it(django_capture_on_commit_callbacks) -> None:
    submit_all("ann")
    self_assess_all("ann")
    staff.grade(at(2), ITEM, "anon-ann", ANN_STAFF, CONVINCING)
    with django_capture_on_commit_callbacks(execute=True):
        staff.reset("course-v1:Org+Run+2026", ITEM, "anon-ann", BEN_STAFF, at(3).now, "Asked to retry.")
    assert not Workflow.objects.filter(student_id="anon-ann").exists()
    entries = list(AuditEntry.objects.filter(student_id="anon-ann").order_by("id").values_list("action", "reason"))
    assert entries == [("grade", ""), ("reset", "Asked to retry.")]
    assert AuditEntry.objects.get(action="reset").details == {"previous": 5}
    assert refusal(lambda: staff.reset("course-v1:Org+Run+2026", ITEM, "anon-ann")) == ("nothing_to_reset", 404)
    assert AuditEntry.objects.filter(action="reset").count() == 1


def test_overview_counts_statuses_and_spreads_scores_in_two_queries(django_capture_on_commit_callbacks) -> None:
    submit_all("ann", "bob", "cat", "dan", "eve")
    self_assess_all("ann", "bob", "cat")
    staff.grade(at(2), ITEM, "anon-ann", ANN_STAFF, CONVINCING)
    staff.grade(at(2), ITEM, "anon-bob", ANN_STAFF, {"options_selected": {"Argument": "Stated"}})
    staff.remove_from_peer_grading(at(2), ITEM, "anon-dan", ANN_STAFF, "Spam.")
    Workflow.objects.filter(student_id="anon-cat").update(escalated_at=at(2).now)

    with CaptureQueriesContext(connection) as captured:
        seen = overview.overview(ITEM)

    assert len(captured) == 2
    assert seen.submitted == 5
    assert seen.by_status[Status.DONE] == 2 and seen.by_status[Status.STAFF] == 1
    assert seen.by_status[Status.SELF] == 1 and seen.by_status[Status.CANCELLED] == 1
    assert seen.by_status[Status.PEER] == 0 and seen.escalated == 1
    assert [(b.low, b.high, b.count) for b in seen.distribution if b.count] == [(60, 70, 1), (90, 100, 1)]
    assert len(seen.distribution) == 10
