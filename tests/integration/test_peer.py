"""Peer review and learner training through the services and handlers, on a real database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from submissions import api as submissions_api

from ora_xblock import peer, scenarios
from ora_xblock.definition import load_olx
from ora_xblock.definition.model import StepName
from ora_xblock.models import Assessment, PeerLease, Workflow
from ora_xblock.scoring import mean
from ora_xblock.services import lapsed, overdue
from ora_xblock.services import peer as peer_service
from ora_xblock.services.common import Learner, Problem, Refusal
from ora_xblock.services.responses import submit
from tests.conftest import call_handler

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PEER_ONLY = load_olx(scenarios.resource_text("scenarios/peer_only.xml"))  # must_grade 2, graded_by 2, mean
GOOD = {"options_selected": {"Users": "Yes", "Feasibility": "Practical"}}


def learner(name: str) -> Learner:
    return Learner(course_id="course-v1:O+R+1", item_id="item-1", student_id=f"anon-{name}", username=name)


def at(hours: float = 0, definition=PEER_ONLY, flexible: bool = False) -> Problem:
    return Problem(definition, START + timedelta(hours=hours), flexible_forced=flexible)


def refusal(call) -> str:
    """The code a service refuses with; the refusal rolls back only its own savepoint here."""
    with pytest.raises(Refusal) as refused, transaction.atomic():
        call()
    return refused.value.code


def submit_all(*names: str, hours: float = 0) -> None:
    for offset, name in enumerate(names):
        submit(at(hours + offset / 60), learner(name), [f"answer of {name}"])


def review(name: str, hours: float = 1) -> Workflow:
    lease = peer_service.next_review(at(hours), learner(name))
    assert lease is not None
    reviewer, _ = peer_service.peer_assess(at(hours), learner(name), lease.pk, GOOD)
    return reviewer


def test_a_reviewer_never_gets_their_own_a_repeat_or_a_cancelled_response() -> None:
    submit_all("ann", "bob", "cat", "dan")
    Workflow.objects.filter(student_id="anon-dan").update(status="cancelled")
    seen = []
    for _ in range(3):
        lease = peer_service.next_review(at(1), learner("ann"))
        if lease is None:
            break
        seen.append(lease.workflow.student_id)
        peer_service.peer_assess(at(1), learner("ann"), lease.pk, GOOD)
    assert seen == ["anon-bob", "anon-cat"]  # oldest first among equals; never ann, never dan, never twice
    assert peer_service.next_review(at(1), learner("ann")) is None


def test_the_lease_is_resumed_until_submitted() -> None:
    submit_all("ann", "bob", "cat")
    first = peer_service.next_review(at(1), learner("ann"))
    assert peer_service.next_review(at(1.5), learner("ann")).pk == first.pk
    assert PeerLease.objects.count() == 1
    assert Workflow.objects.get(student_id=first.workflow.student_id).reviews_load == 1


def test_responses_whose_authors_reviewed_come_first() -> None:
    submit_all("ann", "bob", "cat", "dan", "eve")
    review("eve")  # eve reviewed ann: eve's own response moves up the queue
    lease = peer_service.next_review(at(2), learner("cat"))
    assert lease.workflow.student_id == "anon-eve"


def test_a_review_lands_only_on_the_leased_response() -> None:
    submit_all("ann", "bob", "cat")
    lease = peer_service.next_review(at(1), learner("ann"))
    assert refusal(lambda: peer_service.peer_assess(at(1), learner("ann"), lease.pk + 1000, GOOD)) == "stale_review"
    peer_service.peer_assess(at(1), learner("ann"), lease.pk, GOOD)
    assert refusal(lambda: peer_service.peer_assess(at(1), learner("ann"), lease.pk, GOOD)) == "stale_review"
    assert Assessment.objects.filter(kind="peer").count() == 1


def test_an_expired_hold_is_given_back_by_the_refresh_and_its_holder_may_still_submit() -> None:
    submit_all("ann", "bob", "cat")
    lease = peer_service.next_review(at(1), learner("ann"))
    target = lease.workflow.student_id
    other = peer_service.next_review(at(1.2), learner("cat"))
    assert other.workflow.student_id != target  # held by ann for an hour
    peer_service.next_review(at(2.5), learner("bob"))  # a pick leaves lapsed holds to the refresh
    assert Workflow.objects.get(student_id=target).reviews_load == 1
    assert lapsed.next_lapse() == at(1).now + timedelta(hours=1)  # the refresh's clock stays up for it
    assert lapsed.reclaim_lapsed(at(2.5).now) == 2  # ann's and cat's holds
    assert Workflow.objects.get(student_id=target).reviews_load == 0
    assert lapsed.reclaim_lapsed(at(2.5).now) == 0
    peer_service.peer_assess(at(5), learner("ann"), lease.pk, GOOD)  # within the 8 hours
    assert Workflow.objects.get(student_id=target).reviews_received == 1
    assert Workflow.objects.get(student_id=target).reviews_load == 1


def test_a_pick_that_finds_only_responses_covered_by_leases_gives_back_lapsed_holds_first() -> None:
    submit_all("ann", "bob", "cat")
    step = PEER_ONLY.step(StepName.PEER)
    for name in ("ann", "bob"):  # graded by 2: two holds taken at the start cover each response for an hour
        workflow = Workflow.objects.get(student_id=f"anon-{name}")
        for holder in ("h1", "h2"):
            PeerLease.objects.create(
                item_id="item-1",
                reviewer_id=f"{holder}-{name}",
                workflow=workflow,
                created_at=START,
                blocks_until=START + timedelta(hours=1),
                valid_until=START + timedelta(hours=8),
                active_key=f"item-1:{holder}-{name}",
            )
        workflow.reviews_load = 2
        peer_service.rerank(step, workflow)
        workflow.save()
    early = peer_service.next_review(at(0.5), learner("cat"))  # the holds still count: a covered response
    assert early.workflow.peer_rank == peer.COVERED_BY_LEASES
    assert PeerLease.objects.filter(blocking=True).count() == 5
    PeerLease.objects.filter(pk=early.pk).delete()
    Workflow.objects.filter(pk=early.workflow_id).update(reviews_load=2, peer_rank=peer.COVERED_BY_LEASES)
    late = peer_service.next_review(at(2), learner("cat"))  # every hold lapsed: given back before the pick
    assert late.workflow.peer_rank < peer.COVERED_BY_LEASES
    assert PeerLease.objects.filter(blocking=True).count() == 1  # cat's new one
    assert sorted(
        Workflow.objects.filter(student_id__in=["anon-ann", "anon-bob"]).values_list("reviews_load", flat=True)
    ) == [0, 1]


def test_a_lease_past_its_validity_is_refused_and_replaced() -> None:
    submit_all("ann", "bob", "cat")
    lease = peer_service.next_review(at(1), learner("ann"))
    assert refusal(lambda: peer_service.peer_assess(at(10), learner("ann"), lease.pk, GOOD)) == "review_expired"
    fresh = peer_service.next_review(at(10), learner("ann"))
    assert fresh is not None
    assert not PeerLease.objects.filter(pk=lease.pk).exists() or fresh.pk != lease.pk


def test_must_grade_and_graded_by_then_extra_reviews_do_not_count() -> None:
    submit_all("ann", "bob", "cat", "dan")
    statuses = [review("ann").status, review("ann").status]
    assert statuses == ["peer", "waiting"]  # after her 2 reviews ann waits: nobody has reviewed her yet
    for name in ("bob", "cat", "dan"):  # each reviews until they reach ann
        while True:
            lease = peer_service.next_review(at(3), learner(name))
            scores = GOOD if name != "dan" else {"options_selected": {"Users": "No", "Feasibility": "Unrealistic"}}
            peer_service.peer_assess(at(3), learner(name), lease.pk, scores)
            if lease.workflow.student_id == "anon-ann":
                break
    ann = Workflow.objects.get(student_id="anon-ann")
    counted = list(Assessment.objects.filter(workflow=ann, kind="peer").order_by("created_at", "id"))
    assert (ann.status, len(counted)) == ("done", 3)
    per_criterion = [
        [part["points"] for part in a.parts if part["criterion"] == name]
        for a in counted[:2]
        for name in ("Users", "Feasibility")
    ]
    expected = sum(mean([points[0] for points in per_criterion[i::2]]) for i in range(2))
    assert ann.score_earned == expected  # the first two reviews count (mean strategy); the third is only shown


def test_flexible_grading_after_seven_days_grades_without_a_visit(django_capture_on_commit_callbacks) -> None:
    flexible = load_olx(scenarios.resource_text("scenarios/ideas_content_grammar.xml"))
    submit(Problem(flexible, START), learner("ann"), ["answer"])
    Workflow.objects.filter(student_id="anon-ann").update(
        status="waiting", training_done=True, peers_assessed=3, reviews_received=1
    )
    wf = Workflow.objects.get(student_id="anon-ann")
    Assessment.objects.create(
        workflow=wf,
        kind="peer",
        scorer_id="x",
        points_earned=18,
        points_possible=25,
        created_at=START,
        parts=[
            {"criterion": c, "option": o, "points": p, "feedback": ""}
            for c, o, p in (("Ideas", "Strong", 8), ("Content", "Solid", 8), ("Grammar", "Few errors", 4))
        ],
    )
    Assessment.objects.create(
        workflow=wf,
        kind="self",
        scorer_id="anon-ann",
        points_earned=0,
        points_possible=25,
        created_at=START,
        parts=[],
        once_key=f"{wf.pk}:self",
    )
    assert overdue.refresh(Problem(flexible, START + timedelta(days=6)), "item-1").graded == 0
    with django_capture_on_commit_callbacks(execute=True):
        done = overdue.refresh(Problem(flexible, START + timedelta(days=7, hours=1)), "item-1")
    assert done.graded == 1
    wf.refresh_from_db()
    assert (wf.status, wf.score_earned) == ("done", 20)
    assert submissions_api.get_latest_score_for_submission(wf.submission_uuid)["points_earned"] == 20


def test_nobody_is_left_behind_without_any_review() -> None:
    submit_all("ann")
    Workflow.objects.filter(student_id="anon-ann").update(status="waiting", peers_assessed=2)
    done = overdue.refresh(at(24 * 7 + 1), "item-1")
    assert done.escalated == 1
    ann = Workflow.objects.get(student_id="anon-ann")
    assert (ann.status, ann.escalated_at is not None) == ("staff", True)


def test_learners_still_short_of_reviews_after_seven_days_go_to_staff_without_flexible_grading() -> None:
    submit_all("ann")
    Workflow.objects.filter(student_id="anon-ann").update(status="waiting", peers_assessed=2, reviews_received=1)
    assert overdue.refresh(at(24 * 6), "item-1").escalated == 0
    assert overdue.refresh(at(24 * 7 + 1), "item-1").escalated == 1
    assert Workflow.objects.get(student_id="anon-ann").status == "staff"


def test_required_reviews_drop_to_30_percent_of_graded_by_after_seven_days() -> None:
    step = PEER_ONLY.step(PEER_ONLY.step_names[0])
    late = START + timedelta(days=7)
    assert peer.required_reviews(step, START, late, flexible=True) == 1
    assert peer.required_reviews(step, START, late, flexible=False) == 2
    assert peer.required_reviews(step, START, late - timedelta(seconds=1), flexible=True) == 2


# Through the handlers


def body(response) -> dict:
    return json.loads(response.body)


def test_training_shows_which_criteria_differ_then_moves_on(make_block, users) -> None:
    block = make_block(scenarios.demo_olx("training_peer.xml"))
    html = body(call_handler(block, "submit", {"answers": ["Rayleigh scattering"]}))["html"]
    assert "Sample 1 of 1" in html
    wrong = call_handler(block, "training_assess", {"options_selected": {"Accuracy": "Right", "Clarity": "Yes"}})
    html = body(wrong)["html"]
    assert "differ from the staff assessment for: Accuracy" in html
    assert "Wrong" not in html.split("differ from the staff assessment")[1].split("</p>")[0]
    right = call_handler(block, "training_assess", {"options_selected": {"Accuracy": "Wrong", "Clarity": "Yes"}})
    assert body(right)["matched"] is True
    assert Workflow.objects.get().status == "peer"
    assert "Assess peers" in body(right)["html"]


def test_peer_review_page_never_names_the_author(make_block, users) -> None:
    block = make_block(scenarios.demo_olx("peer_only.xml"))
    users.as_user("zelda")
    call_handler(block, "submit", {"answers": ["zelda proposal"]})
    users.as_user("yann")
    call_handler(block, "submit", {"answers": ["mine"]})
    html = body(call_handler(block, "peer_next", {}))["html"]
    assert "zelda proposal" in html
    author = Workflow.objects.get(username="zelda")
    assert "zelda</" not in html and author.student_id not in html
    lease = PeerLease.objects.get()
    done = call_handler(block, "peer_assess", {"lease_id": str(lease.pk), **GOOD})
    assert done.status_code == 200
    assert "1 of 2 required reviews done" in body(done)["html"]


def test_the_last_review_before_the_peer_step_closes_is_kept(make_block, users, monkeypatch) -> None:
    olx = scenarios.demo_olx("peer_only.xml").replace(
        '<assessment name="peer-assessment"', '<assessment name="peer-assessment" due="2026-03-01T11:00:00Z"', 1
    )
    block = make_block(olx)
    monkeypatch.setattr("ora_xblock.platform.now", lambda: START)
    for name in ("uma", "vic", "wes"):
        users.as_user(name)
        call_handler(block, "submit", {"answers": [f"{name} answer"]})
    body(call_handler(block, "peer_next", {}))
    lease = PeerLease.objects.get()
    monkeypatch.setattr(
        "ora_xblock.platform.now", lambda: datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    )  # after the due date, within the lease
    response = call_handler(block, "peer_assess", {"lease_id": lease.pk, **GOOD})
    assert response.status_code == 200
    assert Assessment.objects.filter(kind="peer").count() == 1
