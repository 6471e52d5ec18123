"""A learner's feedback on the peer assessments they received (issue 14, item 6): ora2's statements and a comment,
once per response, after the grade; every refusal, the race of two tabs, ora2's event, staff viewing as the learner,
the course-wide reads, and the handler's queries."""

from __future__ import annotations

import json
from typing import Any

import pytest
import webob
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ora_xblock import scenarios
from ora_xblock.handlers.feedback import EVENT
from ora_xblock.models import Assessment, PeerLease, Workflow
from ora_xblock.models.feedback import AssessmentFeedback
from ora_xblock.services import feedback
from ora_xblock.services.common import Refusal
from ora_xblock.workflow import Status
from tests.concurrency import run_concurrently
from tests.conftest import call_handler
from tests.host.lms import Problem as HostProblem
from tests.host.lms import account, anonymous_id_for_user, lms_block, masquerade_as, request_by
from tests.integration.staff_world import (
    COURSE,
    ITEM,
    PEER_ONLY,
    SELF_STAFF,
    at,
    learner,
    peer_review,
    refusal,
    submit_all,
)

USEFUL, NOT_USEFUL, DISAGREE, RUDE = feedback.OPTIONS


def graded_by_peers(*names: str) -> None:
    """``names`` (three or more) submit to the peer-only problem and each reviews two others: all are graded."""
    submit_all(*names, definition=PEER_ONLY)
    for _ in range(2):
        for name in names:
            peer_review(name)
    assert set(Workflow.objects.filter(item_id=ITEM).values_list("status", flat=True)) == {Status.DONE}


def give(name: str, options: Any = None, comment: Any = None, hours: float = 5) -> AssessmentFeedback:
    return feedback.give(at(hours, PEER_ONLY), learner(name), options, comment)


# The service


@pytest.mark.django_db
def test_the_statements_are_kept_in_ora2s_order_and_the_comment_trimmed() -> None:
    graded_by_peers("ann", "bob", "cat")

    given = give("ann", [DISAGREE, USEFUL, DISAGREE], "  One review missed my second point.  ")

    stored = AssessmentFeedback.objects.get()
    assert stored == given and stored.workflow.student_id == "anon-ann"
    assert stored.options == [USEFUL, DISAGREE]
    assert stored.comment == "One review missed my second point."
    assert stored.created_at == at(5).now
    assert feedback.of_workflow(stored.workflow) == stored
    assert feedback.of_workflow(Workflow.objects.get(student_id="anon-bob")) is None
    assert give("bob", comment="x" * feedback.MAX_COMMENT).comment == "x" * 1000  # the limit itself is allowed
    assert give("cat", [RUDE]).comment == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("options", "comment", "code"),
    [
        ("These assessments were useful.", None, "bad_request"),
        ([1], None, "bad_request"),
        ([USEFUL], 5, "bad_request"),
        (["These assessments were great."], None, "unknown_feedback_option"),
        ([USEFUL], "x" * 1001, "feedback_too_long"),
        ([], "   ", "feedback_empty"),
        (None, None, "feedback_empty"),
    ],
)
def test_wrong_input_is_refused_and_nothing_is_stored(options: Any, comment: Any, code: str) -> None:
    graded_by_peers("ann", "bob", "cat")
    assert refusal(lambda: give("ann", options, comment)) == (code, 400)
    assert not AssessmentFeedback.objects.exists()


@pytest.mark.django_db
def test_feedback_is_taken_once_after_a_grade_that_peers_gave() -> None:
    graded_by_peers("ann", "bob", "cat")
    submit_all("dan", definition=PEER_ONLY, hours=2)  # still reviewing: no grade yet
    submit_all("eve", hours=2)  # in the self-then-staff problem, under another item below

    assert refusal(lambda: give("zed", [USEFUL])) == ("not_submitted", 404)
    assert refusal(lambda: give("dan", [USEFUL])) == ("feedback_not_open", 403)
    no_peers = at(5, SELF_STAFF)
    assert refusal(lambda: feedback.give(no_peers, learner("eve"), [USEFUL], "")) == ("no_peer_step", 404)
    give("ann", [USEFUL])
    assert refusal(lambda: give("ann", [NOT_USEFUL], "Changed my mind.")) == ("feedback_already_given", 409)
    assert list(AssessmentFeedback.objects.values_list("options", flat=True)) == [[USEFUL]]


def test_the_form_is_open_only_once_peers_have_graded_the_response() -> None:
    by_peer, by_staff = Assessment(kind=Assessment.Kind.PEER), Assessment(kind=Assessment.Kind.STAFF)
    assert feedback.is_open(at(5, PEER_ONLY), Status.DONE, [by_staff, by_peer])
    assert not feedback.is_open(at(5, PEER_ONLY), Status.PEER, [by_peer])
    assert not feedback.is_open(at(5, PEER_ONLY), Status.DONE, [by_staff])  # graded by staff alone
    assert not feedback.is_open(at(5, SELF_STAFF), Status.DONE, [by_peer])


@pytest.mark.databases
@pytest.mark.django_db(transaction=True)
def test_two_tabs_sending_at_once_store_it_once() -> None:
    graded_by_peers("ann", "bob", "cat")

    results = run_concurrently(lambda i: give("ann", [USEFUL], f"tab {i}"), 4)

    stored = [result for result in results if isinstance(result, AssessmentFeedback)]
    refused = [result for result in results if isinstance(result, Refusal)]
    assert len(stored) == 1 and len(refused) == 3, results
    assert {r.code for r in refused} == {"feedback_already_given"}
    assert AssessmentFeedback.objects.get().comment == stored[0].comment


@pytest.mark.django_db
def test_the_course_reads_its_latest_feedback_and_counts_each_statement_in_one_query_each() -> None:
    graded_by_peers("ann", "bob", "cat")
    give("ann", [USEFUL, DISAGREE], "Thanks.", hours=5)
    give("bob", [NOT_USEFUL], hours=6)  # "were not useful." must not count as "were useful."
    give("cat", comment="Only a comment.", hours=7)

    with CaptureQueriesContext(connection) as recent_queries:
        recent = feedback.recent_for_course(COURSE, 2)
    with CaptureQueriesContext(connection) as count_queries:
        counts = feedback.counts_for_course(COURSE)

    assert len(recent_queries) == 1 and len(count_queries) == 1
    assert [(r.username, r.options, r.comment) for r in recent] == [
        ("cat", [], "Only a comment."),
        ("bob", [NOT_USEFUL], ""),
    ]
    assert recent[0].item_id == ITEM and recent[0].student_id == "anon-cat" and recent[0].created_at == at(7).now
    assert counts[ITEM].given == 3
    assert counts[ITEM].by_option == {USEFUL: 1, NOT_USEFUL: 1, DISAGREE: 1, RUDE: 0}
    assert feedback.counts_for_course("course-v1:Other+Run+1") == {}


# The handler, in the LMS


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """``send(problem, user, handler, body, block_user=None, staff=False)``: call a handler as ``user`` (the block
    bound to ``block_user``, else to them; ``staff``: course staff) and commit; the answer and the tracking events
    emitted, grade and completion aside."""

    def call(problem: HostProblem, user: Any, name: str, body: Any = None, block_user: Any = None, staff=False):
        block = lms_block(problem, block_user or user, staff=staff)
        with request_by(user), django_capture_on_commit_callbacks(execute=True):
            answer = call_handler(block, name, body or {})
        return answer, [(kind, data) for kind, data in block.runtime.published if kind not in ("completion", "grade")]

    return call


@pytest.fixture
def world(send):
    """The peer-only problem in the LMS: ann, bob and cat submitted and reviewed each other, so all are graded."""
    problem = HostProblem(scenarios.demo_olx("peer_only.xml"))
    people = {name: account(name) for name in ("ann", "bob", "cat")}
    for name, user in people.items():
        assert send(problem, user, "submit", {"answers": [f"The proposal of {name}."]})[0].status_code == 200
    for _ in range(2):
        for user in people.values():
            send(problem, user, "peer_next")
            lease = PeerLease.objects.get(reviewer_id=anonymous_id_for_user(user), active_key__isnull=False)
            review = {"lease_id": lease.pk, "options_selected": {"Users": "Yes", "Feasibility": "Practical"}}
            assert send(problem, user, "peer_assess", review)[0].status_code == 200
    assert set(Workflow.objects.values_list("status", flat=True)) == {Status.DONE}
    return problem, people


def error_code(answer: Any) -> tuple[int, str | None]:
    return answer.status_code, json.loads(answer.body)["error"]["code"] if answer.status_code >= 400 else None


@pytest.mark.django_db
def test_the_learner_sends_feedback_once_and_ora2s_event_follows_the_commit(world, send) -> None:
    problem, people = world
    page = json.loads(send(problem, people["ann"], "render_page")[0].body)["html"]
    assert 'class="ora-feedback-form"' in page and 'value="These assessments were useful."' in page

    body = {"options": [DISAGREE, USEFUL], "comment": "Reviewer two read only the first paragraph."}
    answer, emitted = send(problem, people["ann"], "submit_feedback", body)

    assert answer.status_code == 200, answer.body
    html = json.loads(answer.body)["html"]
    assert "Thank you for your feedback" in html and 'class="ora-feedback-form"' not in html
    assert "I disagree with at least one of the peer assessments of my response." in html  # our label, not ora2's
    assert "Reviewer two read only the first paragraph." in html
    uuid = Workflow.objects.get(username="ann").submission_uuid
    assert emitted == [
        (EVENT, {"submission_uuid": uuid, "feedback_text": body["comment"], "options": [USEFUL, DISAGREE]})
    ]
    again, emitted_again = send(problem, people["ann"], "submit_feedback", {"options": [NOT_USEFUL]})
    assert error_code(again) == (409, "feedback_already_given") and emitted_again == []
    assert AssessmentFeedback.objects.get().options == [USEFUL, DISAGREE]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "refused"),
    [
        ({"options": "useful"}, (400, "bad_request")),
        ({"options": ["Great!"]}, (400, "unknown_feedback_option")),
        ({"comment": "x" * 1001}, (400, "feedback_too_long")),
        ({"options": [], "comment": ""}, (400, "feedback_empty")),
    ],
)
def test_the_handler_refuses_wrong_input_with_its_code_and_emits_nothing(world, send, body, refused) -> None:
    problem, people = world
    answer, emitted = send(problem, people["bob"], "submit_feedback", body)
    assert error_code(answer) == refused and emitted == []
    assert not AssessmentFeedback.objects.exists()


@pytest.mark.django_db
def test_learners_without_a_peer_grade_are_refused(world, send) -> None:
    problem, _ = world
    dan = account("dan")
    assert error_code(send(problem, dan, "submit_feedback", {"options": [USEFUL]})[0]) == (404, "not_submitted")
    send(problem, dan, "submit", {"answers": ["Late proposal."]})
    assert error_code(send(problem, dan, "submit_feedback", {"options": [USEFUL]})[0]) == (403, "feedback_not_open")
    selfish = HostProblem(scenarios.demo_olx("self_only.xml"))
    answer, emitted = send(selfish, dan, "submit_feedback", {"options": [USEFUL]})
    assert error_code(answer) == (404, "no_peer_step") and emitted == []
    assert not AssessmentFeedback.objects.exists()


@pytest.mark.django_db
def test_staff_viewing_as_the_learner_cannot_send_it(world, send) -> None:
    problem, _ = world
    staff = account("sam", staff=True)
    as_ann = masquerade_as(staff, "ann")

    answer, emitted = send(problem, staff, "submit_feedback", {"options": [USEFUL]}, block_user=as_ann)

    assert error_code(answer) == (403, "read_only") and emitted == []
    assert not AssessmentFeedback.objects.exists()


@pytest.mark.django_db
def test_sending_feedback_reads_as_many_queries_with_twelve_more_learners(world, send, record_property) -> None:
    problem, people = world

    def queries(name: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            answer, _ = send(problem, people[name], "submit_feedback", {"options": [USEFUL]})
        assert answer.status_code == 200, answer.body
        return len(captured)

    first = queries("bob")
    for number in range(12):
        send(problem, account(f"late{number}"), "submit", {"answers": [f"Late proposal {number}."]})
    record_property("queries", first)
    assert queries("cat") == first


@pytest.mark.django_db
def test_staff_read_it_in_the_learners_record(world, send) -> None:
    problem, people = world
    body = {"options": [NOT_USEFUL, RUDE], "comment": "One reviewer <b>mocked</b> my idea."}
    send(problem, people["ann"], "submit_feedback", body)
    staff = account("sam", staff=True)

    answer, _ = send(problem, staff, "staff_learner", {"query": "ann"}, staff=True)
    html = json.loads(answer.body)["html"]
    other = json.loads(send(problem, staff, "staff_learner", {"query": "bob"}, staff=True)[0].body)["html"]

    assert "Feedback on the assessments received" in html
    shown = html.split("Feedback on the assessments received")[1].split("History")[0]
    assert "The assessments I received were not useful." in shown
    assert "Some of the comments I received were inappropriate." in shown
    assert "One reviewer &lt;b&gt;mocked&lt;/b&gt; my idea." in shown  # escaped: the learner's text, never markup
    assert "Sent <time" in shown
    assert "The learner has not given feedback on the assessments they received." in other
    no_peer = HostProblem(scenarios.demo_olx("self_only.xml"))
    send(no_peer, people["ann"], "submit", {"answers": ["A reflection."]})
    plain = json.loads(send(no_peer, staff, "staff_learner", {"query": "ann"}, staff=True)[0].body)["html"]
    assert "Feedback on the assessments received" not in plain  # no peer step: nobody is asked for it


@pytest.mark.django_db
def test_only_a_json_post_is_taken(world) -> None:
    problem, people = world
    block = lms_block(problem, people["ann"])
    with request_by(people["ann"]):
        assert call_handler(block, "submit_feedback", method="GET").status_code == 405
        form = webob.Request.blank(
            "/", method="POST", body=b"options=x", content_type="application/x-www-form-urlencoded"
        )
        assert error_code(block.handle("submit_feedback", form)) == (415, "not_json")
    assert not AssessmentFeedback.objects.exists()
