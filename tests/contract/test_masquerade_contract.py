"""Masquerade: staff "viewing this course as" a learner see the learner's page and change nothing."""

from __future__ import annotations

import json

import pytest
import webob
from submissions.models import Submission

from ora_xblock import scenarios
from ora_xblock.block import OraXBlock
from ora_xblock.models import Assessment, Draft, Workflow
from tests.conftest import call_handler
from tests.host.lms import Problem, account, gradebook_entry, lms_block, masquerade_as, request_by

pytestmark = pytest.mark.django_db

READS = {"render_page", "download_file"}
STAFF = {name for name in dir(OraXBlock) if name.startswith("staff_")}
STUDIO = {"save_definition", "save_editor", "check_editor", "course_rubrics"}


def handlers() -> set[str]:
    return {name for name in dir(OraXBlock) if getattr(getattr(OraXBlock, name), "_is_xblock_handler", False)}


WRITES = sorted(handlers() - READS - STAFF - STUDIO)


@pytest.fixture
def problem() -> Problem:
    return Problem(scenarios.demo_olx("self_only.xml"))


@pytest.fixture
def bob_submitted(problem: Problem):
    bob = account("bob")
    with request_by(bob):
        answer = call_handler(lms_block(problem, bob), "submit", {"answers": ["Bob's own words"]})
    assert answer.status_code == 200, answer.body
    return bob


def rows() -> tuple[int, ...]:
    return (
        Workflow.objects.count(),
        Draft.objects.count(),
        Assessment.objects.count(),
        Submission.objects.count(),
    )


MULTIPART = {
    "upload_file": {"file": ("notes.txt", b"hello"), "description": "d"},
    "upload_piece": {"piece": ("blob", b"hello"), "upload_id": "1", "index": "0", "offset": "0"},
}


def call(block: OraXBlock, name: str) -> webob.Response:
    if name in MULTIPART:
        request = webob.Request.blank("/", method="POST", POST=MULTIPART[name])
        request.headers["X-CSRFToken"] = "token"
        return block.handle(name, request)
    return call_handler(block, name, {"answers": ["changed by staff"], "options_selected": {}, "lease_id": 1})


def test_every_write_handler_refuses_staff_viewing_as_the_learner_and_nothing_is_written(problem, bob_submitted):
    staff = account("sam", staff=True)
    learner = masquerade_as(staff, "bob")
    assert "submit" in WRITES and "self_assess" in WRITES and "save_draft" in WRITES
    before = rows()

    with request_by(staff):
        block = lms_block(problem, learner)
        answers = {name: call(block, name) for name in WRITES}

    for name, answer in answers.items():
        assert answer.status_code == 403, (name, answer.body)
        assert json.loads(answer.body)["error"]["code"] == "read_only", name
    assert rows() == before
    assert block.runtime.published == []


def test_staff_viewing_as_the_learner_see_the_learners_answer_read_only_with_a_notice(problem, bob_submitted):
    staff = account("sam", staff=True)
    with request_by(staff):
        block = lms_block(problem, masquerade_as(staff, "bob"))
        html = block.runtime.render(block, "student_view").content
        page = json.loads(call_handler(block, "render_page", {}).body)["html"]

    assert "Bob&#39;s own words" in html and "Bob&#39;s own words" in page
    assert "You are viewing this problem as bob" in html
    assert '<fieldset class="ora-read-only" disabled>' in html
    assert "ora-staff-area" not in html
    assert OraXBlock.show_in_read_only_mode is True  # else the LMS hides the block while masquerading


@pytest.mark.parametrize("sign", ["real_user_only", "request_settings_only", "request_user_differs"])
def test_masquerade_is_recognised_from_each_thing_the_platform_sets(problem, bob_submitted, sign):
    staff = account("sam", staff=True)
    bob = account("bob")
    if sign == "real_user_only":  # a runtime built for the learner, with crum not recording the request
        learner, requester = masquerade_as(staff, "bob"), None
    elif sign == "request_settings_only":  # the request's user carries the masquerade; the learner object is bare
        masquerade_as(staff, "bob")
        learner, requester = bob, staff
    else:  # no masquerade settings at all, but the request is someone else's than the learner's
        learner, requester = bob, staff
    before = rows()

    with request_by(requester):
        answer = call_handler(lms_block(problem, learner), "submit", {"answers": ["changed"]})

    assert answer.status_code == 403
    assert json.loads(answer.body)["error"]["code"] == "read_only"
    assert rows() == before


def test_the_learners_grade_is_untouched_by_staff_viewing_as_them(
    problem, bob_submitted, django_capture_on_commit_callbacks
):
    with request_by(bob_submitted), django_capture_on_commit_callbacks(execute=True):
        block = lms_block(problem, bob_submitted)
        assessed = call_handler(block, "self_assess", self_assessment(block))
    assert assessed.status_code == 200, assessed.body
    grade = gradebook_entry(problem, bob_submitted)
    assert grade is not None

    staff = account("sam", staff=True)
    with request_by(staff), django_capture_on_commit_callbacks(execute=True):
        block = lms_block(problem, masquerade_as(staff, "bob"))
        assert call_handler(block, "self_assess", self_assessment(block, worst=True)).status_code == 403

    assert gradebook_entry(problem, bob_submitted) == grade


def test_a_learner_acting_for_themselves_is_not_taken_for_a_masquerade(problem):
    carol = account("carol")
    with request_by(carol):
        answer = call_handler(lms_block(problem, carol), "save_draft", {"answers": ["mine"]})
    assert answer.status_code == 200, answer.body
    assert Draft.objects.count() == 1


def self_assessment(block: OraXBlock, worst: bool = False) -> dict:
    criteria = block.definition.rubric.criteria
    pick = min if worst else max
    return {
        "options_selected": {c.name: pick(c.options, key=lambda o: o.points).name for c in criteria if c.options},
        "criterion_feedback": {},
        "overall_feedback": "",
    }
