"""Appeals of a peer grade (issue 18, part 3): a learner appeals once per response, with a reason, within the
author's window; staff uphold or regrade it once (the regrade reaches the gradebook after commit); every refusal,
the race of two staff deciding at once, the handlers' roles and queries."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from submissions import api as submissions_api

from ora_xblock.definition.model import PeerStep, StepName
from ora_xblock.models import Appeal, AuditEntry, Workflow
from ora_xblock.services import appeals, audit, queue, report_rows, staff
from ora_xblock.services.audit import Actor
from ora_xblock.services.common import Refusal
from ora_xblock.workflow import Status
from tests.concurrency import run_concurrently
from tests.integration.staff_world import (
    ANN_STAFF,
    BEN_STAFF,
    COURSE,
    ITEM,
    PEER_ONLY,
    START,
    at,
    learner,
    peer_review,
    refusal,
    submit_all,
)

REGRADE = {"options_selected": {"Users": "No", "Feasibility": "Unrealistic"}}


def peer_only(**changes) -> object:
    """The peer-only problem with its peer step changed (``allow_appeals``, ``appeal_days``)."""
    steps = tuple(replace(s, **changes) if isinstance(s, PeerStep) else s for s in PEER_ONLY.steps)
    return replace(PEER_ONLY, steps=steps)


def graded_by_peers(*names: str) -> None:
    """``names`` (three or more) submit and each reviews two others, an hour in: all are peer graded."""
    submit_all(*names, definition=PEER_ONLY)
    for _ in range(2):
        for name in names:
            peer_review(name)
    assert set(Workflow.objects.filter(item_id=ITEM).values_list("status", "score_source")) == {
        (Status.DONE, StepName.PEER.value)
    }


def make(name: str, reason: object = "A reviewer missed my second change.", hours: float = 5, definition=PEER_ONLY):
    return appeals.appeal(at(hours, definition), learner(name), reason)


def decide(name: str, decision: str, reason: object = "Checked every review.", actor=ANN_STAFF, hours: float = 6):
    data = REGRADE if decision == appeals.REGRADE else {}
    return appeals.decide(at(hours, PEER_ONLY), ITEM, f"anon-{name}", actor, decision, reason, data)


# The learner's appeal


@pytest.mark.django_db
def test_a_learner_appeals_once_with_a_trimmed_reason_audited_as_theirs() -> None:
    graded_by_peers("ann", "bob", "cat")

    made = make("ann", "  A reviewer missed my second change.  ")

    stored = Appeal.objects.get()
    assert stored == made and stored.status == Appeal.State.OPEN
    assert (stored.reason, stored.course_id, stored.item_id) == ("A reviewer missed my second change.", COURSE, ITEM)
    assert stored.created_at == at(5).now and stored.workflow.student_id == "anon-ann"
    entry = AuditEntry.objects.get(action=audit.APPEAL)
    assert (entry.student_id, entry.actor_id, entry.actor_username) == ("anon-ann", "anon-ann", "ann")
    assert refusal(lambda: make("ann", "Again.")) == ("already_appealed", 409)
    assert make("bob", "x" * appeals.MAX_REASON).reason == "x" * 1000  # the limit itself is allowed
    assert Appeal.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("", "reason_required"),
        ("   ", "reason_required"),
        (None, "bad_request"),
        (5, "bad_request"),
        ("x" * 1001, "reason_too_long"),
    ],
)
def test_a_wrong_reason_is_refused_and_stores_nothing(reason: object, code: str) -> None:
    graded_by_peers("ann", "bob", "cat")

    assert refusal(lambda: make("ann", reason)) == (code, 400)
    assert not Appeal.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_appeals_are_refused_when_off_before_a_peer_grade_after_a_staff_grade_and_without_a_response() -> None:
    graded_by_peers("ann", "bob", "cat")
    submit_all("dee", definition=PEER_ONLY, hours=2)  # submitted, not yet graded
    staff.grade(at(3, PEER_ONLY), ITEM, "anon-bob", ANN_STAFF, REGRADE, reason="Off topic.")

    assert refusal(lambda: make("ann", definition=peer_only(allow_appeals=False))) == ("appeals_off", 403)
    assert refusal(lambda: make("dee")) == ("not_peer_graded", 403)
    assert refusal(lambda: make("bob")) == ("staff_graded", 403)
    assert refusal(lambda: make("eve")) == ("not_submitted", 404)
    assert not Appeal.objects.exists()


@pytest.mark.django_db
def test_the_window_closes_appeal_days_after_the_last_assessment_that_made_the_grade() -> None:
    graded_by_peers("ann", "bob", "cat")  # the reviews are an hour in
    three_days = peer_only(appeal_days=3)
    last = START + timedelta(hours=1)
    workflow = Workflow.objects.get(student_id="anon-ann")

    assert appeals.closes_at(three_days.step(StepName.PEER), workflow) == last + timedelta(days=3)
    assert appeals.offer(at(72, three_days), workflow).closes == last + timedelta(days=3)
    assert appeals.offer(at(73, three_days), workflow).closes is None
    assert appeals.offer(at(73, PEER_ONLY), workflow).closes == last + timedelta(days=14)  # the default
    assert appeals.offer(at(2, peer_only(allow_appeals=False)), workflow).closes is None
    code, status = refusal(lambda: make("ann", hours=73, definition=three_days))
    assert (code, status) == ("appeal_closed", 403)
    assert make("bob", hours=72.9, definition=three_days).status == Appeal.State.OPEN


# Staff decide


@pytest.mark.django_db
def test_staff_uphold_the_grade_with_a_reason_the_learner_reads(django_capture_on_commit_callbacks) -> None:
    graded_by_peers("ann", "bob", "cat")
    make("ann")
    before = Workflow.objects.get(student_id="anon-ann").score_earned

    assert refusal(lambda: decide("ann", appeals.UPHOLD, reason=" ")) == ("reason_required", 400)
    assert refusal(lambda: decide("ann", "maybe")) == ("bad_decision", 400)
    assert refusal(lambda: decide("bob", appeals.UPHOLD)) == ("no_appeal", 404)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        decided = decide("ann", appeals.UPHOLD, "Both reviews read your second change.")

    assert not callbacks  # nothing to publish: the grade stands
    stored = Appeal.objects.get()
    assert stored == decided and stored.status == Appeal.State.UPHELD
    assert (stored.decided_by, stored.decider_id, stored.decided_at) == ("StaffAnn", "anon-staff-ann", at(6).now)
    assert stored.decision_reason == "Both reviews read your second change."
    assert Workflow.objects.get(student_id="anon-ann").score_earned == before
    entry = AuditEntry.objects.get(action=audit.APPEAL_UPHELD)
    assert (entry.actor_username, entry.reason) == ("StaffAnn", stored.decision_reason)
    assert entry.details == {"earned": before}
    assert refusal(lambda: decide("ann", appeals.REGRADE, actor=BEN_STAFF)) == ("already_decided", 409)


@pytest.mark.django_db
def test_a_regrade_overrides_the_peer_grade_and_reaches_the_gradebook_after_commit(
    django_capture_on_commit_callbacks,
) -> None:
    graded_by_peers("ann", "bob", "cat")
    make("ann")

    with django_capture_on_commit_callbacks(execute=True):
        decide("ann", appeals.REGRADE, "Neither change names its users.")

    workflow = Workflow.objects.get(student_id="anon-ann")
    assert (workflow.score_earned, workflow.score_source) == (0, StepName.STAFF.value)
    assert Appeal.objects.get().status == Appeal.State.REGRADED
    assert submissions_api.get_score(learner("ann").student_item)["points_earned"] == 0
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert actions == {audit.APPEAL, audit.OVERRIDE, audit.APPEAL_REGRADED}
    assert refusal(lambda: make("ann")) == ("already_appealed", 409)


@pytest.mark.django_db
def test_a_staff_grade_given_outside_the_appeal_decides_it_as_a_regrade() -> None:
    graded_by_peers("ann", "bob", "cat")
    make("ann")

    staff.grade(at(6, PEER_ONLY), ITEM, "anon-ann", BEN_STAFF, REGRADE, reason="Regraded from the learner's record.")

    decided = Appeal.objects.get()
    assert (decided.status, decided.decided_by, decided.decision_reason) == (
        Appeal.State.REGRADED,
        BEN_STAFF.username,
        "Regraded from the learner's record.",
    )
    assert refusal(lambda: decide("ann", appeals.UPHOLD)) == ("already_decided", 409)
    assert queue.next_response(ITEM, ANN_STAFF, at(7, PEER_ONLY).now).workflow is None  # out of the queue


@pytest.mark.django_db
def test_an_open_appeal_joins_the_staff_queue_and_leaves_it_once_decided() -> None:
    graded_by_peers("ann", "bob", "cat")
    make("bob")
    make("ann")

    turn = queue.next_response(ITEM, ANN_STAFF, at(6, PEER_ONLY).now)
    other = queue.next_response(ITEM, BEN_STAFF, at(6, PEER_ONLY).now)

    assert {turn.workflow.student_id, other.workflow.student_id} == {"anon-ann", "anon-bob"}
    assert set(appeals.open_for([turn.workflow.pk])) == {turn.workflow.pk}
    assert appeals.open_counts(COURSE) == {ITEM: 2}
    decide(turn.workflow.student_id[5:], appeals.UPHOLD)
    decide(other.workflow.student_id[5:], appeals.REGRADE, actor=BEN_STAFF)
    assert queue.next_response(ITEM, ANN_STAFF, at(7, PEER_ONLY).now).workflow is None
    assert appeals.open_counts(COURSE) == {}


@pytest.mark.databases
@pytest.mark.django_db(transaction=True)
def test_two_staff_deciding_at_once_make_one_decision() -> None:
    graded_by_peers("ann", "bob", "cat")
    make("ann")
    actors = [ANN_STAFF, BEN_STAFF, ANN_STAFF, BEN_STAFF]
    kinds = [appeals.UPHOLD, appeals.REGRADE, appeals.REGRADE, appeals.UPHOLD]

    results = run_concurrently(lambda i: decide("ann", kinds[i], f"decision {i}", actor=actors[i]), 4)

    decided = [result for result in results if isinstance(result, Appeal)]
    refused = [result for result in results if isinstance(result, Refusal)]
    assert len(decided) == 1 and len(refused) == 3, results
    assert {r.code for r in refused} == {"already_decided"}
    stored = Appeal.objects.get()
    assert stored.decision_reason == decided[0].decision_reason and stored.status == decided[0].status
    decisions = AuditEntry.objects.filter(action__in=(audit.APPEAL_UPHELD, audit.APPEAL_REGRADED))
    assert decisions.count() == 1


@pytest.mark.django_db
def test_the_data_report_gives_each_assessment_the_assessed_learners_appeal_status() -> None:
    graded_by_peers("ann", "bob", "cat")
    make("ann")
    make("bob")
    decide("bob", appeals.UPHOLD)

    header = report_rows.data_header(PEER_ONLY)
    rows = [dict(zip(header, row, strict=True)) for row in report_rows.data_rows(PEER_ONLY, ITEM)]

    status = {(row["learner_id"], row["appeal_status"]) for row in rows}
    assert status == {("anon-ann", "open"), ("anon-bob", "upheld"), ("anon-cat", "")}


@pytest.mark.databases
@pytest.mark.django_db(transaction=True)
def test_two_tabs_appealing_at_once_store_one_appeal() -> None:
    graded_by_peers("ann", "bob", "cat")

    results = run_concurrently(lambda i: make("ann", f"tab {i}"), 4)

    made = [result for result in results if isinstance(result, Appeal)]
    refused = [result for result in results if isinstance(result, Refusal)]
    assert len(made) == 1 and len(refused) == 3, results
    assert {r.code for r in refused} == {"already_appealed"}
    assert Appeal.objects.get().reason == made[0].reason
    assert AuditEntry.objects.filter(action=audit.APPEAL).count() == 1


@pytest.mark.databases
@pytest.mark.django_db(transaction=True)
def test_staff_taking_appeals_at_once_never_get_the_same_one() -> None:
    names = ["ann", "bob", "cat"]
    graded_by_peers(*names)
    for name in names:
        make(name)
    graders = [Actor(f"anon-staff-{number}", f"staff{number}") for number in range(3)]

    turns = run_concurrently(lambda i: queue.next_response(ITEM, graders[i], at(6, PEER_ONLY).now), 3)

    assert all(isinstance(turn, queue.Turn) and turn.workflow is not None for turn in turns), turns
    assert len({turn.workflow.student_id for turn in turns}) == 3


# Queries: flat in the number of learners


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("learners", [3, 6])
def test_appealing_and_deciding_cost_the_same_with_more_learners(learners: int) -> None:
    names = [f"l{number}" for number in range(learners)]
    graded_by_peers(*names)

    costs = (
        _queries(lambda: make("l0")),
        _queries(lambda: make("l1")),
        _queries(lambda: queue.next_response(ITEM, ANN_STAFF, at(6, PEER_ONLY).now)),
        _queries(lambda: decide("l0", appeals.UPHOLD)),
        _queries(lambda: decide("l1", appeals.REGRADE, actor=BEN_STAFF)),
    )

    # regrade: 14, one of them the staff grade marking the appeal decided (a peer-graded override always looks)
    assert costs == (7, 7, 8, 5, 14), costs
