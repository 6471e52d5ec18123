"""The staff area through its handlers, as course staff use it; nobody else gets an answer from any of them."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import webob
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from submissions import api as submissions_api

from ora_xblock import platform, scenarios
from ora_xblock.models import AuditEntry, ReportTask, Workflow
from tests.conftest import call_handler

pytestmark = pytest.mark.django_db

STAFF_JSON_HANDLERS = (
    "staff_overview",
    "staff_learner",
    "staff_grade",
    "staff_remove",
    "staff_reset",
    "staff_queue_next",
    "staff_queue_release",
    "staff_gradebook",
    "staff_reports",
    "staff_report_start",
)
STAFF_FILE_HANDLERS = ("staff_report_download", "staff_files_zip")


def body(response) -> dict:
    return json.loads(response.body)


def html(response) -> str:
    assert response.status_code == 200, response.body
    return body(response)["html"]


@pytest.fixture
def problem(make_block, users):
    """A self-then-staff problem where alice, bob and carol submitted and assessed themselves."""
    block = make_block(scenarios.demo_olx("self_staff.xml"))
    for name in ("alice", "bob", "carol"):
        users.as_user(name)
        call_handler(block, "submit", {"answers": [f"uniforms, says {name}"]})
        call_handler(block, "self_assess", {"options_selected": {"Argument": "Stated"}})
    users.as_user("staff", staff=True)
    block.runtime.handler_url = lambda block, name, suffix="", *args, **kwargs: f"/handler/{name}/{suffix}"
    return block


def anonymous_id(name: str) -> str:
    import hashlib

    return hashlib.sha256(name.encode()).hexdigest()[:32]


@pytest.mark.parametrize("handler", STAFF_JSON_HANDLERS + STAFF_FILE_HANDLERS)
@pytest.mark.parametrize("who", ("learner", "anonymous", "beta tester", "studio preview"))
def test_no_staff_handler_answers_anyone_but_course_staff(problem, users, runtime, handler: str, who: str) -> None:
    before = (Workflow.objects.count(), AuditEntry.objects.count(), ReportTask.objects.count())
    if who == "learner":
        users.as_user("alice")
    elif who == "anonymous":
        users.as_user(None)
    elif who == "beta tester":
        users.as_user("betty", role="beta_tester")
    else:
        users.as_user("staff", staff=True)
        runtime.is_author_mode = True
    data = {"student_id": anonymous_id("alice"), "query": "alice", "kind": "grade", "comment": "x", "reason": "x"}
    if handler in STAFF_FILE_HANDLERS:
        response = problem.handle(handler, webob.Request.blank("/token"))
    else:
        response = call_handler(problem, handler, data | {"options_selected": {"Argument": "Convincing"}})
    assert response.status_code == 403
    assert body(response)["error"]["code"] == "forbidden"
    assert "alice" not in response.text.replace('"alice"', "")
    assert (Workflow.objects.count(), AuditEntry.objects.count(), ReportTask.objects.count()) == before


def test_the_staff_area_templates_get_plain_values_and_dates_already_formatted(problem, monkeypatch) -> None:
    from django.db.models import Model

    from ora_xblock.handlers import staff
    from ora_xblock.when import Moment

    contexts: list[dict] = []
    render = staff.render
    monkeypatch.setattr(staff, "render", lambda name, **context: contexts.append(context) or render(name, **context))
    alice = anonymous_id("alice")
    grade = {"student_id": alice, "options_selected": {"Argument": "Convincing"}, "reason": ""}
    call_handler(problem, "staff_grade", grade)  # a history entry, a staff assessment received
    call_handler(problem, "staff_report_start", {"kind": "grade"})
    for handler, data in (
        ("staff_overview", {}),
        ("staff_learner", {"student_id": alice}),
        ("staff_queue_next", {}),
        ("staff_gradebook", {}),
        ("staff_reports", {}),
    ):
        assert call_handler(problem, handler, data).status_code == 200

    moments = []

    def plain(value: object, where: str) -> None:
        assert not isinstance(value, Model | datetime), f"{where} is {type(value).__name__}"
        if isinstance(value, Moment):
            moments.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                plain(item, f"{where}.{key}")
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                plain(item, f"{where}[{index}]")

    sections = {context["section"] for context in contexts}
    assert {"overview_section", "learner_section", "queue_section", "gradebook_section", "reports_section"} <= sections
    for context in contexts:
        for key, value in context.items():
            if key not in ("_", "ngettext", "rubric"):  # the words, and the author's rubric (a definition value)
                plain(value, f"{context['section']}.{key}")
    assert moments  # submitted, assessed, recorded and requested: each a moment formatted for the reader


def test_staff_find_a_learner_by_username_or_email_and_override_their_grade(
    problem, users, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    monkeypatch.setattr(
        platform, "usernames_for_email", lambda email: ["Bob"] if email.lower() == "bob@example.com" else []
    )
    page = html(call_handler(problem, "staff_learner", {"query": "ALICE"}))
    assert "Learner alice" in page
    assert "uniforms, says alice" in page
    assert "Assessing their own response" not in page and "Waiting for staff" in page
    by_email = html(call_handler(problem, "staff_learner", {"query": "BOB@example.com"}))
    assert "Learner bob" in by_email
    missing = call_handler(problem, "staff_learner", {"query": "nobody"})
    assert (missing.status_code, body(missing)["error"]["code"]) == (404, "no_such_learner")

    alice = anonymous_id("alice")
    grade = {"student_id": alice, "options_selected": {"Argument": "Convincing"}, "reason": ""}
    with django_capture_on_commit_callbacks(execute=True):
        assert "on its way to the gradebook" in body(call_handler(problem, "staff_grade", grade))["message"]
    item = {
        "student_id": alice,
        "course_id": "course-v1:local+ora_xblock+demo",
        "item_id": str(problem.scope_ids.usage_id),
        "item_type": "ora_xblock",
    }
    assert submissions_api.get_score(item)["points_earned"] == 5

    refused = call_handler(problem, "staff_grade", grade | {"options_selected": {"Argument": "Unclear"}})
    assert (refused.status_code, body(refused)["error"]["code"]) == (400, "reason_required")
    override = grade | {"options_selected": {"Argument": "Unclear"}, "reason": "Copied from the reading."}
    with django_capture_on_commit_callbacks(execute=True):
        record = html(call_handler(problem, "staff_grade", override))
    assert submissions_api.get_score(item)["points_earned"] == 0
    assert "Overrode the grade, by staff" in record and "Copied from the reading." in record
    assert [entry.action for entry in AuditEntry.objects.order_by("id")] == ["grade", "override"]

    users.as_user("alice")
    learner_page = html(call_handler(problem, "render_page", {}))
    assert "Your grade" in learner_page and "0" in learner_page


def test_removing_a_response_from_peer_grading_tells_the_learner_why(problem, users) -> None:
    bob = anonymous_id("bob")
    refused = call_handler(problem, "staff_remove", {"student_id": bob, "comment": " "})
    assert body(refused)["error"]["code"] == "comment_required"
    record = html(call_handler(problem, "staff_remove", {"student_id": bob, "comment": "Plagiarised."}))
    assert "Removed from peer grading because" in record and "Plagiarised." in record
    assert "Remove the response from peer grading" not in record
    users.as_user("bob")
    page = html(call_handler(problem, "render_page", {}))
    assert "Your response was removed by course staff" in page
    assert "Course staff gave this reason: Plagiarised." in page


def test_reset_is_recorded_and_the_learner_answers_again(problem, users) -> None:
    carol = anonymous_id("carol")
    answer = call_handler(problem, "staff_reset", {"student_id": carol, "reason": "Asked to start over."})
    assert "can answer again" in body(answer)["message"]
    assert not Workflow.objects.filter(student_id=carol).exists()
    entry = AuditEntry.objects.get(student_id=carol)
    assert (entry.action, entry.reason, entry.actor_username) == ("reset", "Asked to start over.", "staff")
    users.as_user("carol")
    assert "Submit your response" in html(call_handler(problem, "render_page", {}))


def test_the_queue_hands_out_each_response_once_and_grades_flow_into_the_workflow(problem, users) -> None:
    first = html(call_handler(problem, "staff_queue_next", {}))
    assert "Response of alice" in first and "2 other responses are waiting" in first
    users.as_user("staff2", staff=True)
    second = html(call_handler(problem, "staff_queue_next", {}))
    assert "Response of bob" in second
    assert "Held by staff until" in html(call_handler(problem, "staff_learner", {"query": "alice"}))
    stolen = call_handler(
        problem,
        "staff_grade",
        {"student_id": anonymous_id("alice"), "from_queue": "1", "options_selected": {"Argument": "Stated"}},
    )
    assert (stolen.status_code, body(stolen)["error"]["code"]) == (409, "being_graded")
    graded = call_handler(
        problem,
        "staff_grade",
        {"student_id": anonymous_id("bob"), "from_queue": "1", "options_selected": {"Argument": "Stated"}},
    )
    assert "Response of carol" in html(graded)
    alone = html(call_handler(problem, "staff_queue_next", {"skip": anonymous_id("carol")}))
    assert "the one you skipped is back in the queue" in alone
    assert Workflow.objects.get(student_id=anonymous_id("bob")).status == "done"
    users.as_user("staff", staff=True)
    released = html(call_handler(problem, "staff_queue_release", {"student_id": anonymous_id("alice")}))
    assert "Overview" in released
    late = {"student_id": anonymous_id("alice"), "from_queue": "1", "options_selected": {"Argument": "Stated"}}
    refused = call_handler(problem, "staff_grade", late)
    assert (refused.status_code, body(refused)["error"]["code"]) == (409, "not_held")


def test_the_gradebook_filters_pages_and_refuses_bad_numbers(problem) -> None:
    call_handler(
        problem, "staff_grade", {"student_id": anonymous_id("alice"), "options_selected": {"Argument": "Convincing"}}
    )
    everyone = html(call_handler(problem, "staff_gradebook", {}))
    assert "3 learners match." in everyone
    graded = html(call_handler(problem, "staff_gradebook", {"status": "done", "min_score": "4"}))
    assert "1 learner matches." in graded and "alice" in graded and "5 / 5" in graded
    assert "1 learner matches." in html(call_handler(problem, "staff_gradebook", {"search": "CAR"}))
    bad = call_handler(problem, "staff_gradebook", {"min_score": "lots"})
    assert (bad.status_code, body(bad)["error"]["code"]) == (400, "bad_filter")


def test_reports_are_generated_listed_and_downloaded_through_a_link_that_expires(
    problem, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    with django_capture_on_commit_callbacks(execute=True):
        started = body(call_handler(problem, "staff_report_start", {"kind": "grade"}))
    assert "being generated" in started["message"]
    listing = html(call_handler(problem, "staff_reports", {}))
    assert "_ora_grade_report_" in listing and "(3 rows)" in listing
    assert "personal data" in listing
    link = listing.split('href="/handler/staff_report_download/')[1].split('"')[0]
    from urllib.parse import unquote

    token = unquote(link)
    download = problem.handle("staff_report_download", webob.Request.blank("/"), token)
    assert download.status_code == 200
    assert b"alice" in download.body and download.headers["Content-Type"].startswith("text/csv")
    later = platform.now() + timedelta(seconds=301)
    monkeypatch.setattr(platform, "now", lambda: later)
    expired = problem.handle("staff_report_download", webob.Request.blank("/"), token)
    assert (expired.status_code, body(expired)["error"]["code"]) == (403, "link_expired")


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.body
    return len(captured)


@pytest.mark.parametrize("learners", (3, 30))
def test_staff_handlers_query_counts_do_not_grow_with_learners(
    make_block, users, learners: int, record_property
) -> None:
    block = make_block(scenarios.demo_olx("self_staff.xml"))
    for number in range(learners):
        users.as_user(f"learner{number}")
        call_handler(block, "submit", {"answers": [f"answer {number}"]})
        call_handler(block, "self_assess", {"options_selected": {"Argument": "Stated"}})
    users.as_user("staff", staff=True)
    block.runtime.handler_url = lambda block, name, *args, **kwargs: f"/handler/{name}"
    counts = {
        "overview": _queries(lambda: call_handler(block, "staff_overview", {})),
        "learner": _queries(lambda: call_handler(block, "staff_learner", {"query": "learner1"})),
        "queue_next": _queries(lambda: call_handler(block, "staff_queue_next", {})),
        "gradebook": _queries(lambda: call_handler(block, "staff_gradebook", {"status": "staff"})),
        "reports": _queries(lambda: call_handler(block, "staff_reports", {})),
    }
    record_property("query_counts", counts)
    assert counts == EXPECTED_STAFF_QUERIES


# Counted inside the test transaction (a SAVEPOINT and its RELEASE each); the same for 3 and 30 learners.
EXPECTED_STAFF_QUERIES = {"overview": 4, "learner": 9, "queue_next": 13, "gradebook": 4, "reports": 3}


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
_KEYS = (
    "student_id",
    "query",
    "skip",
    "kind",
    "comment",
    "reason",
    "from_queue",
    "options_selected",
    "criterion_feedback",
    "overall_feedback",
    "status",
    "step",
    "min_score",
    "max_score",
    "search",
    "include_team",
    "page",
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(handler=st.sampled_from(STAFF_JSON_HANDLERS), data=st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=5))
def test_staff_handlers_answer_any_body_with_a_clear_status(problem, handler: str, data: dict) -> None:
    """Whatever staff (or a script) send, the answer is a page or a 4xx error with a code: never a crash."""
    response = call_handler(problem, handler, data)
    assert response.status_code in (200, 400, 403, 404, 409), response.body
    if response.status_code != 200:
        assert body(response)["error"]["code"]
