"""Tracking events (docs/events.md): each learner action emits exactly ora2's event, with every documented field,
anonymous ids where ora2 has them, only after commit, and nothing when refused or while staff view as a learner."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime

import pytest

from ora_xblock import events, scenarios
from ora_xblock.definition.model import Criterion, Option, Rubric
from ora_xblock.models import PeerLease, Workflow
from tests.conftest import call_handler
from tests.host.lms import Problem as HostProblem
from tests.host.lms import account, lms_block, masquerade_as, request_by
from tests.integration.test_files import PNG, storage_root, upload_request  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

COURSE = "course-v1:local+ora_xblock+demo"
ASSESSMENT_FIELDS = {"feedback", "rubric", "scorer_id", "score_type", "scored_at", "submission_uuid", "parts"}


def anon(username: str) -> str:
    """The anonymous id the test user service gives ``username`` (tests/conftest.py)."""
    return hashlib.sha256(username.encode()).hexdigest()[:32]


@pytest.fixture
def act(runtime, django_capture_on_commit_callbacks):
    """Call a handler as the browser would, commit, and return the answer and the tracking events it emitted."""

    def call(block, name: str, body=None, request=None):
        before = len(runtime.published)
        with django_capture_on_commit_callbacks(execute=True):
            response = block.handle(name, request) if request is not None else call_handler(block, name, body or {})
        emitted = [(kind, data) for kind, data in runtime.published[before:] if kind != "completion"]
        return response, emitted

    return call


def is_time(value: object) -> bool:
    return isinstance(value, str) and datetime.fromisoformat(value).tzinfo is not None


def uuid_of(username: str) -> str:
    return Workflow.objects.get(student_id=anon(username)).submission_uuid


def check_assessment(data: dict, score_type: str, scorer: str, assessed: str, parts: list) -> None:
    assert set(data) >= ASSESSMENT_FIELDS
    assert (data["score_type"], data["scorer_id"], data["submission_uuid"]) == (score_type, anon(scorer), assessed)
    assert re.fullmatch("[0-9a-f]{40}", data["rubric"]["content_hash"]) and set(data["rubric"]) == {"content_hash"}
    assert is_time(data["scored_at"])
    assert data["parts"] == parts


# ora2's events, action by action


def test_saving_and_submitting_emit_save_and_create_submission(make_block, users, act) -> None:
    block = make_block(scenarios.demo_olx("self_only.xml"))
    _, saved = act(block, "save_draft", {"answers": ["a draft"]})
    assert saved == [(events.SAVE_SUBMISSION, {"saved_response": json.dumps({"parts": [{"text": "a draft"}]})})]
    _, submitted = act(block, "submit", {"answers": ["My reflection"]})
    [(name, data)] = submitted
    assert name == "openassessmentblock.create_submission"
    assert set(data) == {"submission_uuid", "attempt_number", "created_at", "submitted_at", "answer"}
    assert data["submission_uuid"] == uuid_of("alice")
    assert data["attempt_number"] == 1
    assert is_time(data["created_at"]) and is_time(data["submitted_at"])
    assert data["answer"] == {"parts": [{"text": "My reflection"}]}


def test_a_self_assessment_emits_self_assess_with_the_learners_anonymous_id(make_block, act) -> None:
    block = make_block(scenarios.demo_olx("self_only.xml"))
    act(block, "submit", {"answers": ["answer"]})
    choice = {"options_selected": {"Reflection": "Some reflection"}, "criterion_feedback": {"Reflection": "Fair."}}
    _, emitted = act(block, "self_assess", {**choice, "overall_feedback": "Could go deeper."})
    [(name, data)] = emitted
    assert name == "openassessmentblock.self_assess"
    part = {
        "option": {"name": "Some reflection", "points": 2},
        "criterion": {"name": "Reflection", "points_possible": 4},
        "feedback": "Fair.",
    }
    check_assessment(data, "SE", "alice", uuid_of("alice"), [part])
    assert set(data) == ASSESSMENT_FIELDS and data["feedback"] == "Could go deeper."
    assert "alice" not in json.dumps(data)  # no username anywhere


def test_peer_review_emits_get_peer_submission_and_peer_assess(make_block, users, act) -> None:
    block = make_block(scenarios.demo_olx("peer_only.xml"))  # must_grade 2, graded by 2
    for name in ("bob", "alice"):
        users.as_user(name)
        act(block, "submit", {"answers": [f"proposal of {name}"]})
    _, asked = act(block, "peer_next")
    handed = {
        "requesting_student_id": anon("alice"),
        "course_id": COURSE,
        "item_id": str(block.scope_ids.usage_id),
        "submission_returned_uuid": uuid_of("bob"),
    }
    assert asked == [(events.GET_PEER_SUBMISSION, handed)]
    _, again = act(block, "peer_next")  # the one held: ora2 sends the event each time one is asked for
    assert again == asked
    lease_id = PeerLease.objects.get(reviewer_id=anon("alice")).pk
    review = {"lease_id": lease_id, "options_selected": {"Users": "Yes", "Feasibility": "Practical"}}
    _, reviewed = act(block, "peer_assess", review)
    assert [name for name, _ in reviewed] == [events.PEER_ASSESS, events.GET_PEER_SUBMISSION]
    check_assessment(reviewed[0][1], "PE", "alice", uuid_of("bob"), reviewed[0][1]["parts"])
    assert {part["criterion"]["name"] for part in reviewed[0][1]["parts"]} == {"Users", "Feasibility"}
    assert reviewed[1][1] == {**handed, "submission_returned_uuid": None}  # nobody else is left to review


def test_staff_grades_emit_staff_assess_with_ora2s_type(make_block, users, act) -> None:
    block = make_block(scenarios.demo_olx("self_staff.xml"))
    act(block, "submit", {"answers": ["mine"]})
    act(block, "self_assess", {"options_selected": {"Argument": "Stated"}})
    users.as_user("staff", staff=True)
    grade = {"student_id": anon("alice"), "options_selected": {"Argument": "Convincing"}}
    assert act(block, "staff_queue_next")[1] == []
    _, emitted = act(block, "staff_grade", {**grade, "from_queue": True})
    assert [(name, data["type"]) for name, data in emitted] == [(events.STAFF_ASSESS, "full-grade")]
    _, emitted = act(block, "staff_grade", {**grade, "reason": "A second look."})  # an override
    [(name, data)] = emitted
    assert name == "openassessmentblock.staff_assess"
    part = {"option": {"name": "Convincing", "points": 5}, "criterion": {"name": "Argument", "points_possible": 5}}
    check_assessment(data, "ST", "staff", uuid_of("alice"), [{**part, "feedback": ""}])
    assert set(data) == {*ASSESSMENT_FIELDS, "type"} and data["type"] == "regrade"


def test_training_emits_student_training_assess_example_with_corrections(make_block, act) -> None:
    block = make_block(scenarios.demo_olx("training_peer.xml"))
    act(block, "submit", {"answers": ["Rayleigh scattering"]})
    wrong = {"Accuracy": "Right", "Clarity": "Yes"}
    _, emitted = act(block, "training_assess", {"options_selected": wrong})
    expected = {"submission_uuid": uuid_of("alice"), "options_selected": wrong, "corrections": {"Accuracy": "Wrong"}}
    assert emitted == [("openassessment.student_training_assess_example", expected)]
    right = {"Accuracy": "Wrong", "Clarity": "Yes"}
    _, emitted = act(block, "training_assess", {"options_selected": right})
    assert emitted == [(events.TRAINING_ASSESS, {**expected, "options_selected": right, "corrections": {}})]


def test_an_upload_emits_upload_file_from_the_server_once_checked(storage_root, make_block, runtime, act) -> None:  # noqa: F811
    runtime.handler_url = lambda block, name, suffix="", query="": f"/handler/{name}/{suffix}"
    block = make_block(scenarios.demo_olx("staff_only.xml"))
    refused, emitted = act(block, "upload_file", request=upload_request("x.HTML", b"<html>"))
    assert refused.status_code == 400 and emitted == []
    _, emitted = act(block, "upload_file", request=upload_request("plot.png", PNG))
    file_event = {"fileName": "plot.png", "fileSize": len(PNG), "fileType": "image/png"}
    assert emitted == [("openassessment.upload_file", file_event)]


# When nothing is emitted


def test_refused_actions_emit_nothing(make_block, act) -> None:
    block = make_block(scenarios.demo_olx("self_only.xml"))
    assert act(block, "submit", {"answers": ["   "]})[1] == []  # response_required
    act(block, "submit", {"answers": ["answer"]})
    again, emitted = act(block, "submit", {"answers": ["again"]})
    assert again.status_code == 409 and emitted == []
    invalid, emitted = act(block, "self_assess", {"options_selected": {}})
    assert invalid.status_code == 400 and emitted == []
    assert act(block, "save_draft", {"answers": ["late draft"]})[1] == []  # already_submitted


def test_events_wait_for_the_commit(make_block, runtime, django_capture_on_commit_callbacks) -> None:
    block = make_block(scenarios.demo_olx("self_only.xml"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert call_handler(block, "submit", {"answers": ["answer"]}).status_code == 200
    assert not [name for name, _ in runtime.published if name.startswith("openassessment")]
    for callback in callbacks:
        callback()
    assert [name for name, _ in runtime.published] == [events.CREATE_SUBMISSION]


def test_staff_viewing_as_a_learner_emit_nothing(django_capture_on_commit_callbacks) -> None:
    problem = HostProblem(scenarios.demo_olx("self_only.xml"))
    bob, staff = account("bob"), account("sam", staff=True)
    with request_by(bob):
        call_handler(lms_block(problem, bob), "submit", {"answers": ["Bob's words"]})
    with request_by(staff), django_capture_on_commit_callbacks(execute=True):
        block = lms_block(problem, masquerade_as(staff, "bob"))
        for name in ("render_page", "save_draft", "self_assess", "withdraw"):
            call_handler(block, name, {"answers": ["x"], "options_selected": {"Reflection": "Some reflection"}})
    assert block.runtime.published == []


# Our own events, off unless the operator turns them on


def test_rich_events_are_off_by_default_and_name_the_peer_tier_when_on(make_block, users, act, settings) -> None:
    block = make_block(scenarios.demo_olx("peer_only.xml"))
    for name in ("bob", "cat", "alice"):
        users.as_user(name)
        _, emitted = act(block, "submit", {"answers": [f"proposal of {name}"]})
        assert [kind for kind, _ in emitted] == [events.CREATE_SUBMISSION]
    settings.ORA_XBLOCK_RICH_EVENTS = True
    _, emitted = act(block, "peer_next")
    [(_, asked), (rich, handed)] = emitted
    assert rich == "ora_xblock.peer.handed_out"
    assert handed == {
        "submission_uuid": asked["submission_returned_uuid"],
        "reviewer_id": anon("alice"),
        "rank": 2,  # neither bob nor cat has reviewed yet
        "rank_name": "short_author_idle",
        "reviews_received": 0,
        "reviews_load": 1,
    }
    _, held = act(block, "peer_next")
    assert [kind for kind, _ in held] == [events.GET_PEER_SUBMISSION]  # the same lease: not handed out again


def test_rich_events_follow_status_and_withdrawal(make_block, act, settings) -> None:
    settings.ORA_XBLOCK_RICH_EVENTS = True
    attrs = 'allow_learner_resubmissions="true"'
    olx = scenarios.demo_olx("self_only.xml").replace("<ora_xblock", f"<ora_xblock {attrs}", 1)
    block = make_block(olx)
    _, emitted = act(block, "submit", {"answers": ["first"]})
    uuid = uuid_of("alice")
    status = {"submission_uuid": uuid, "student_id": anon("alice"), "status": "self"}
    assert emitted[1:] == [(events.WORKFLOW_STATUS, status)]
    _, emitted = act(block, "withdraw")
    assert emitted == [("ora_xblock.response.withdrawn", {"submission_uuid": uuid, "student_id": anon("alice")})]
    _, emitted = act(block, "submit", {"answers": ["second"]})
    assert emitted[0][1]["attempt_number"] == 2
    _, emitted = act(block, "self_assess", {"options_selected": {"Reflection": "Some reflection"}})
    assert emitted[1] == (events.WORKFLOW_STATUS, {**status, "submission_uuid": uuid_of("alice"), "status": "done"})


# The builders


def test_a_feedback_only_criterion_has_no_option_and_the_hash_follows_the_rubric() -> None:
    rubric = Rubric(criteria=(Criterion("Ideas", options=(Option("Weak", 0), Option("Strong", 3))), Criterion("Notes")))
    parts = [
        {"criterion": "Ideas", "option": "Strong", "points": 3, "feedback": ""},
        {"criterion": "Notes", "option": None, "points": 0, "feedback": "Nice."},
    ]
    data = events.assessed(
        kind="peer",
        submission_uuid="u",
        scorer_id="s",
        scored_at=datetime.fromisoformat("2026-03-01T09:00:00+00:00"),
        feedback="",
        parts=parts,
        rubric=rubric,
    )
    assert data["parts"][1] == {
        "option": None,
        "criterion": {"name": "Notes", "points_possible": 0},
        "feedback": "Nice.",
    }
    assert data["scored_at"] == "2026-03-01T09:00:00+00:00"
    assert events.rubric_hash(rubric) == events.rubric_hash(Rubric(criteria=rubric.criteria))
    assert events.rubric_hash(rubric) != events.rubric_hash(Rubric(criteria=rubric.criteria[:1]))


def test_feedback_on_the_assessments_emits_submit_feedback_on_assessments(make_block, users, act) -> None:
    olx = scenarios.demo_olx("peer_only.xml").replace(
        'must_grade="2" must_be_graded_by="2"', 'must_grade="1" must_be_graded_by="1"'
    )
    block = make_block(olx)
    for name in ("bob", "alice"):
        users.as_user(name)
        act(block, "submit", {"answers": [f"proposal of {name}"]})
    for name in ("alice", "bob"):
        users.as_user(name)
        act(block, "peer_next")
        lease_id = PeerLease.objects.get(reviewer_id=anon(name)).pk
        act(
            block,
            "peer_assess",
            {"lease_id": lease_id, "options_selected": {"Users": "Yes", "Feasibility": "Practical"}},
        )
    useful = "These assessments were useful."
    given, emitted = act(block, "submit_feedback", {"options": [useful], "comment": " Clear and kind. "})
    assert given.status_code == 200, given.body
    feedback = {"submission_uuid": uuid_of("bob"), "feedback_text": "Clear and kind.", "options": [useful]}
    assert emitted == [("openassessmentblock.submit_feedback_on_assessments", feedback)]
    again, emitted = act(block, "submit_feedback", {"options": [useful]})
    assert again.status_code == 409 and emitted == []
