"""Appeals in the LMS (issue 18, part 3): the learner's form, their appeal's state and staff's decision on their
page; staff read it in the learner's record and decide from the grading queue; staff viewing as the learner
write nothing; the handlers' queries stay flat with more learners."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ora_xblock import scenarios
from ora_xblock.models import Appeal, PeerLease, Workflow
from ora_xblock.workflow import Status
from tests.conftest import call_handler
from tests.host.lms import Problem as HostProblem
from tests.host.lms import account, anonymous_id_for_user, lms_block, masquerade_as, request_by

REASON = "Reviewer two read only my <b>first</b> change."
REGRADE = {"options_selected": {"Users": "Partly", "Feasibility": "Plausible"}}


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """``send(problem, user, handler, body, staff=False)``: call a handler as ``user`` and commit; the answer."""

    def call(problem: HostProblem, user: Any, name: str, body: Any = None, staff=False, block_user: Any = None):
        block = lms_block(problem, block_user or user, staff=staff)
        with request_by(user), django_capture_on_commit_callbacks(execute=True):
            return call_handler(block, name, body or {})

    return call


@pytest.fixture
def world(send):
    """The peer-only problem in the LMS: ann, bob and cat submitted and reviewed each other, so all are graded."""
    problem = HostProblem(scenarios.demo_olx("peer_only.xml"))
    people = {name: account(name) for name in ("ann", "bob", "cat")}
    for name, user in people.items():
        assert send(problem, user, "submit", {"answers": [f"The proposal of {name}."]}).status_code == 200
    for _ in range(2):
        for user in people.values():
            send(problem, user, "peer_next")
            lease = PeerLease.objects.get(reviewer_id=anonymous_id_for_user(user), active_key__isnull=False)
            review = {"lease_id": lease.pk, "options_selected": {"Users": "Yes", "Feasibility": "Practical"}}
            assert send(problem, user, "peer_assess", review).status_code == 200
    assert set(Workflow.objects.values_list("status", flat=True)) == {Status.DONE}
    return problem, people, account("sam", staff=True)


def html(answer: Any) -> str:
    assert answer.status_code == 200, answer.body
    return str(json.loads(answer.body)["html"])


def code(answer: Any) -> tuple[int, str]:
    return answer.status_code, json.loads(answer.body)["error"]["code"]


@pytest.mark.django_db
def test_the_learner_appeals_from_their_grade_and_reads_staffs_decision(world, send) -> None:
    problem, people, sam = world
    page = html(send(problem, people["ann"], "render_page"))
    assert 'class="ora-appeal-form"' in page and "You can appeal once, until <time" in page

    appealed = send(problem, people["ann"], "appeal", {"reason": REASON})

    shown = html(appealed)
    assert "Waiting for course staff" in shown and 'class="ora-appeal-form"' not in shown
    assert "Reviewer two read only my &lt;b&gt;first&lt;/b&gt; change." in shown  # escaped: never markup
    assert json.loads(appealed.body)["message"]
    assert code(send(problem, people["ann"], "appeal", {"reason": "Again."})) == (409, "already_appealed")
    record = html(send(problem, sam, "staff_learner", {"query": "ann"}, staff=True))
    assert "Appeal of the peer grade" in record and 'data-staff-form="staff_decide_appeal"' in record
    assert "Appealed the peer grade" in record  # the history
    assert 'data-ora-action="staff_grade"' not in record  # the appeal's forms grade it, deciding it
    overview = html(send(problem, sam, "staff_overview", staff=True))
    assert "1 open appeal of a peer grade waits for staff in the grading queue." in overview

    decided = send(
        problem,
        sam,
        "staff_decide_appeal",
        {"student_id": anonymous_id_for_user(people["ann"]), "decision": "uphold", "reason": "Both read it all."},
        staff=True,
    )

    assert "Upheld the appeal: the peer grade stands" in html(decided)
    page = html(send(problem, people["ann"], "render_page"))
    assert "Upheld: your peer grade stands" in page and "Both read it all." in page


@pytest.mark.django_db
def test_staff_decide_an_appeal_from_the_queue_with_a_regrade(world, send) -> None:
    problem, people, sam = world
    send(problem, people["bob"], "appeal", {"reason": REASON})

    turn = html(send(problem, sam, "staff_queue_next", staff=True))

    assert "Appeal: the learner asks staff to review their peer grade." in turn
    assert "Peer reviews" in turn and "Peer grade: 6 of 6" in turn
    assert 'data-ora-action="staff_decide_appeal"' in turn and 'data-ora-action="staff_grade"' not in turn
    body = {"student_id": anonymous_id_for_user(people["bob"]), "decision": "regrade", "reason": "Too generous."}
    after = html(send(problem, sam, "staff_decide_appeal", {**body, **REGRADE, "from_queue": True}, staff=True))
    assert "No response is waiting for a staff grade." in after
    assert Workflow.objects.get(username="bob").score_earned == 4
    assert Appeal.objects.get().status == Appeal.State.REGRADED
    page = html(send(problem, people["bob"], "render_page"))
    assert "Regraded: course staff graded your response" in page and "Too generous." in page


@pytest.mark.django_db
def test_staff_viewing_as_the_learner_appeal_nothing_and_learners_cannot_decide(world, send) -> None:
    problem, people, sam = world
    viewing = masquerade_as(sam, "ann")

    assert code(send(problem, sam, "appeal", {"reason": REASON}, block_user=viewing)) == (403, "read_only")
    send(problem, people["bob"], "appeal", {"reason": REASON})
    body = {"student_id": anonymous_id_for_user(people["bob"]), "decision": "uphold", "reason": "Mine."}
    assert code(send(problem, people["cat"], "staff_decide_appeal", body)) == (403, "forbidden")
    assert list(Appeal.objects.values_list("status", "workflow__username")) == [("open", "bob")]


@pytest.mark.django_db
def test_appealing_and_deciding_read_as_many_queries_with_twelve_more_learners(world, send) -> None:
    problem, people, sam = world

    def costs(name: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as made:
            assert send(problem, people[name], "appeal", {"reason": REASON}).status_code == 200
        body = {"student_id": anonymous_id_for_user(people[name]), "decision": "uphold", "reason": "It stands."}
        with CaptureQueriesContext(connection) as decided:
            assert send(problem, sam, "staff_decide_appeal", body, staff=True).status_code == 200
        return len(made), len(decided)

    first = costs("ann")
    for number in range(12):
        send(problem, account(f"late{number}"), "submit", {"answers": [f"Late proposal {number}."]})
    assert costs("bob") == first
