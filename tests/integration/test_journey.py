"""The learner journey through the block's handlers, on a real database and real edx-submissions."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import webob
from django.db import connection
from django.test.utils import CaptureQueriesContext
from submissions import api as submissions_api
from submissions.models import Score, Submission

from ora_xblock import scenarios
from ora_xblock.models import Assessment, Draft, Workflow
from ora_xblock.services import grades
from tests.conftest import call_handler
from tests.integration.test_staff_area import STAFF_JSON_HANDLERS

pytestmark = pytest.mark.django_db

LEARNER_HANDLERS = ("render_page", "save_draft", "submit", "withdraw", "self_assess")
STAFF_HANDLERS = ("staff_learner", "staff_grade", "staff_reset")


def body(response) -> dict:
    return json.loads(response.body)


def with_attrs(filename: str, attrs: str) -> str:
    return scenarios.demo_olx(filename).replace("<ora_xblock", f"<ora_xblock {attrs}", 1)


def submit(block, *answers: str):
    return call_handler(block, "submit", {"answers": list(answers)})


def student_item(block, users) -> dict:
    return {
        "student_id": users.user.opt_attrs["edx-platform.anonymous_user_id"],
        "course_id": "course-v1:local+ora_xblock+demo",
        "item_id": str(block.scope_ids.usage_id),
        "item_type": "ora_xblock",
    }


def test_submit_creates_one_submission_and_one_workflow(make_block, users) -> None:
    block = make_block(scenarios.demo_olx("self_only.xml"))
    assert call_handler(block, "save_draft", {"answers": ["draft"]}).status_code == 200
    response = submit(block, "My reflection, <b>3 < 5</b> 🚀")
    assert response.status_code == 200
    assert "Assess your response" in body(response)["html"]
    (submission,) = submissions_api.get_submissions(student_item(block, users))
    assert submission["answer"] == {"parts": [{"text": "My reflection, <b>3 < 5</b> 🚀"}]}
    assert "My reflection, &lt;b&gt;3 &lt; 5&lt;/b&gt; 🚀" in body(response)["html"]
    assert Workflow.objects.get().status == "self"
    assert not Draft.objects.exists()
    again = submit(block, "second try")
    assert again.status_code == 409
    assert body(again)["error"]["code"] == "already_submitted"
    assert Submission.objects.count() == 1


@pytest.mark.parametrize(
    ("attrs", "code"),
    [
        ('submission_due="2001-01-01T00:00:00Z"', "closed"),
        ('submission_start="2999-01-01T00:00:00Z"', "not_open"),
    ],
)
def test_the_response_window_is_enforced(make_block, attrs: str, code: str) -> None:
    block = make_block(with_attrs("self_only.xml", attrs))
    response = submit(block, "late")
    assert response.status_code == 403
    error = body(response)["error"]
    assert error["code"] == code
    message = error["message"].replace("\u202f", " ")  # the date as people read it (ora_xblock.when), in UTC here
    assert "Jan 1, 2001, 12:00 AM UTC" in message or "Jan 1, 2999, 12:00 AM UTC" in message
    assert not Submission.objects.exists()


def test_an_over_long_response_is_refused_and_the_draft_kept(make_block) -> None:
    block = make_block(scenarios.demo_olx("self_only.xml"))
    call_handler(block, "save_draft", {"answers": ["kept draft"]})
    huge = "é" * 50_001  # 100,002 bytes in UTF-8
    for handler in ("save_draft", "submit"):
        response = call_handler(block, handler, {"answers": [huge]})
        assert response.status_code == 413
        assert body(response)["error"]["code"] == "response_too_long"
    assert Draft.objects.get().answers == ["kept draft"]
    assert "kept draft" in body(call_handler(block, "render_page", {}))["html"]


@pytest.mark.parametrize(
    ("answers", "code"),
    [(["   "], "response_required"), ([], "wrong_answer_count"), ("text", "bad_request"), ([5], "bad_request")],
)
def test_bad_answers_get_clear_errors(make_block, answers, code: str) -> None:
    response = call_handler(make_block(scenarios.demo_olx("self_only.xml")), "submit", {"answers": answers})
    assert response.status_code == 400
    assert body(response)["error"]["code"] == code
    assert not Workflow.objects.exists()


def test_self_assessment_grades_and_publishes_once_after_commit(
    make_block, users, runtime, django_capture_on_commit_callbacks
) -> None:
    block = make_block(scenarios.demo_olx("self_only.xml"))
    submit(block, "answer")
    invalid = call_handler(block, "self_assess", {"options_selected": {}, "criterion_feedback": {}})
    assert invalid.status_code == 400
    assert [e["code"] for e in body(invalid)["error"]["errors"]] == ["assessment.option_missing"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = call_handler(
            block,
            "self_assess",
            {"options_selected": {"Reflection": "Some reflection"}, "criterion_feedback": {}, "overall_feedback": ""},
        )
        assert response.status_code == 200
        assert submissions_api.get_score(student_item(block, users)) is None  # nothing leaves before commit
    for callback in callbacks:
        callback()
    score = submissions_api.get_score(student_item(block, users))
    assert (score["points_earned"], score["points_possible"]) == (2, 4)
    assert "Your grade: 2 out of 4" in body(response)["html"]
    assert ("completion", {"completion": 1.0}) in runtime.published
    workflow = Workflow.objects.get()
    assert grades.publish(workflow.pk) is False
    assert Score.objects.count() == 1
    repeat = call_handler(block, "self_assess", {"options_selected": {"Reflection": "Deep reflection"}})
    assert repeat.status_code == 409
    assert Assessment.objects.count() == 1


def test_staff_grade_overrides_and_the_latest_counts(make_block, users, django_capture_on_commit_callbacks) -> None:
    block = make_block(scenarios.demo_olx("self_staff.xml"))
    submit(block, "uniforms")
    item = student_item(block, users)
    call_handler(block, "self_assess", {"options_selected": {"Argument": "Convincing"}})
    assert Workflow.objects.get().status == "staff"
    assert "Course staff will grade your response" in body(call_handler(block, "render_page", {}))["html"]
    learner_id = item["student_id"]
    users.as_user("staff", staff=True)
    opened = call_handler(block, "staff_learner", {"student_id": learner_id})
    assert "uniforms" in body(opened)["html"]
    for option, expected in (("Stated", 3), ("Unclear", 0)):
        with django_capture_on_commit_callbacks(execute=True):
            grade = {"student_id": learner_id, "options_selected": {"Argument": option}, "reason": "Second look."}
            graded = call_handler(block, "staff_grade", grade)
        assert graded.status_code == 200
        assert submissions_api.get_score(item)["points_earned"] == expected
    assert Workflow.objects.get().score_source == "staff-assessment"
    assert Score.objects.count() == 2


def test_staff_reset_sends_the_learner_back_to_the_start(make_block, users, django_capture_on_commit_callbacks) -> None:
    block = make_block(scenarios.demo_olx("self_only.xml"))
    submit(block, "first")
    item = student_item(block, users)
    with django_capture_on_commit_callbacks(execute=True):
        call_handler(block, "self_assess", {"options_selected": {"Reflection": "Deep reflection"}})
    assert submissions_api.get_score(item)["points_earned"] == 4
    users.as_user("staff", staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert call_handler(block, "staff_reset", {"student_id": item["student_id"]}).status_code == 200
    assert submissions_api.get_score(item) is None
    assert not Workflow.objects.exists()
    users.as_user("alice")
    assert "Submit your response" in body(call_handler(block, "render_page", {}))["html"]
    assert submit(block, "second").status_code == 200


def test_resubmitting_within_the_grace_period(make_block, monkeypatch) -> None:
    block = make_block(
        with_attrs("self_only.xml", 'allow_learner_resubmissions="true" resubmissions_grace_period="00:01:00"')
    )
    monkeypatch.setattr("ora_xblock.platform.now", lambda: datetime(2026, 5, 1, 12, 0, tzinfo=UTC))
    submit(block, "first version")
    assert "Take back my response" in body(call_handler(block, "render_page", {}))["html"]
    assert call_handler(block, "withdraw", {}).status_code == 200
    assert Draft.objects.get().answers == ["first version"]
    assert submit(block, "second version").status_code == 200
    monkeypatch.setattr("ora_xblock.platform.now", lambda: datetime(2026, 5, 1, 14, 0, tzinfo=UTC))
    late = call_handler(block, "withdraw", {})
    assert (late.status_code, body(late)["error"]["code"]) == (403, "grace_period_over")
    assert Submission.objects.count() == 2


def test_resubmitting_is_refused_when_not_allowed(make_block) -> None:
    block = make_block(scenarios.demo_olx("self_only.xml"))
    submit(block, "final")
    response = call_handler(block, "withdraw", {})
    assert (response.status_code, body(response)["error"]["code"]) == (403, "resubmission_not_allowed")


@pytest.mark.parametrize("name", STAFF_HANDLERS)
@pytest.mark.parametrize("who", ["alice", None])
def test_staff_handlers_refuse_learners_and_anonymous_users(make_block, users, name: str, who) -> None:
    block = make_block(scenarios.demo_olx("self_staff.xml"))
    users.as_user(who)
    response = call_handler(block, name, {"student_id": "someone", "options_selected": {}})
    assert response.status_code == 403
    assert body(response)["error"]["code"] == "forbidden"


JSON_HANDLERS = (
    *LEARNER_HANDLERS,
    *STAFF_JSON_HANDLERS,
    "peer_next",
    "peer_assess",
    "training_assess",
    "upload_start",
    "upload_confirm",
    "remove_file",
    "save_definition",
    "save_editor",
    "check_editor",
)


@pytest.mark.parametrize("name", JSON_HANDLERS)
def test_get_is_refused_everywhere(make_block, name: str) -> None:
    assert call_handler(make_block(), name, method="GET").status_code == 405


@pytest.mark.parametrize("name", JSON_HANDLERS)
def test_only_json_is_taken_so_cross_site_forms_are_refused(make_block, users, name: str) -> None:
    users.as_user("staff", staff=True)
    request = webob.Request.blank("/", method="POST", body=b'{"student_id": "x"}', content_type="text/plain")
    response = make_block().handle(name, request)
    assert (response.status_code, body(response)["error"]["code"]) == (415, "not_json")
    infinite = call_handler(make_block(), name, b'{"weight": Infinity}')
    assert (infinite.status_code, body(infinite)["error"]["code"]) == (400, "bad_json")


@pytest.mark.parametrize("name", ("save_draft", "submit", "withdraw", "self_assess"))
def test_anonymous_learners_are_asked_to_sign_in(make_block, users, name: str) -> None:
    users.as_user(None)
    response = call_handler(make_block(scenarios.demo_olx("self_only.xml")), name, {"answers": ["x"]})
    assert (response.status_code, body(response)["error"]["code"]) == (403, "sign_in")


def _queries(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


@pytest.mark.parametrize("learners", [3, 30])
def test_query_counts_do_not_grow_with_learners(make_block, users, learners: int, record_property) -> None:
    block = make_block(scenarios.demo_olx("self_staff.xml"))
    for number in range(learners):
        users.as_user(f"learner{number}")
        submit(block, f"answer {number}")
        call_handler(block, "self_assess", {"options_selected": {"Argument": "Stated"}})
    users.as_user("newcomer")
    newcomer = users.user.opt_attrs["edx-platform.anonymous_user_id"]
    counts = {
        "render": _queries(lambda: call_handler(block, "render_page", {})),
        "save_draft": _queries(lambda: call_handler(block, "save_draft", {"answers": ["d"]})),
        "submit": _queries(lambda: submit(block, "mine")),
        "self_assess": _queries(
            lambda: call_handler(block, "self_assess", {"options_selected": {"Argument": "Stated"}})
        ),
        "render_submitted": _queries(lambda: call_handler(block, "render_page", {})),
    }
    users.as_user("staff", staff=True)
    staff_grade = {"student_id": newcomer, "options_selected": {"Argument": "Stated"}}
    counts["staff_grade"] = _queries(lambda: call_handler(block, "staff_grade", staff_grade))
    record_property("query_counts", counts)
    # Counted inside the test's own transaction, so each includes a SAVEPOINT and its RELEASE. The submit records
    # the staff's notice of a new response (one INSERT: the problem has a staff step; sent after commit). The staff
    # grade reads which team the learner is in before it locks (none here), so that a team's rows are locked
    # together on an index (docs/staff-area.md, team responses): one query more than before teams.
    expected = {"render": 4, "save_draft": 5, "submit": 15, "self_assess": 7, "render_submitted": 4, "staff_grade": 17}
    assert counts == expected


@pytest.mark.parametrize("name", (*STAFF_HANDLERS, "submit"))
def test_studio_preview_neither_grades_nor_answers(make_block, users, runtime, name: str) -> None:
    block = make_block(scenarios.demo_olx("self_only.xml"))
    users.as_user("author", staff=True)
    runtime.is_author_mode = True
    response = call_handler(block, name, {"student_id": "someone", "answers": ["x"]})
    assert response.status_code == 403
    assert body(response)["error"]["code"] in ("forbidden", "sign_in")
    assert "Staff area" not in block.student_view().content
    assert not Workflow.objects.exists()


def test_a_peer_step_offers_a_review_once_submitted(make_block) -> None:
    block = make_block(scenarios.demo_olx("peer_only.xml"))
    html = body(submit(block, "three changes"))["html"]
    assert "Assess peers</h3>" in html
    assert "0 of 2 required reviews done" in html
    assert "Check for a response to review" in html
    assert Workflow.objects.get().status == "peer"
