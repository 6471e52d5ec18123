"""Grades and the platform: the instructor dashboard's "Delete learner state", the staff override's annotation,
the student item the grades app reads, when scores are shown, and frozen course grades."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone
from opaque_keys.edx.locator import BlockUsageLocator
from submissions import api as submissions_api
from submissions.models import ScoreAnnotation, StudentItem

from ora_xblock import scenarios
from ora_xblock.models import AuditEntry, Draft, Workflow
from ora_xblock.services import grades as grade_service
from tests.conftest import call_handler
from tests.host.grades import GradeFreeze, ScoreEvent, graded_block, grades_app, listening
from tests.host.instructor import StudentModuleDoesNotExist, delete_learner_state, reset_student_attempts
from tests.host.lms import COURSE, STUDIO_COURSE, Problem, account, anonymous_id_for_user, gradebook_entry, lms_block

pytestmark = pytest.mark.django_db

SELF_ASSESSED = {"options_selected": {"Reflection": "Some reflection"}}  # 2 of 4 in self_only.xml


def body(response) -> dict:
    return json.loads(response.body)


@pytest.fixture
def publishing(django_capture_on_commit_callbacks):
    """Run what each request leaves for after its commit, as the LMS's transactions would."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


@pytest.fixture
def problem() -> Problem:
    return Problem(scenarios.demo_olx("self_only.xml"))


@pytest.fixture
def staff():
    return account("staff", staff=True)


def graded(problem: Problem, publishing, name: str = "bob"):
    """A learner who submitted and assessed themselves: 2 of 4, in the gradebook."""
    learner = account(name)
    assert (
        publishing(lambda: call_handler(lms_block(problem, learner), "submit", {"answers": ["mine"]})).status_code
        == 200
    )
    response = publishing(lambda: call_handler(lms_block(problem, learner), "self_assess", SELF_ASSESSED))
    assert response.status_code == 200, response.body
    assert gradebook_entry(problem, learner) == (2, 4)
    return learner


# "Delete learner state" (lms/djangoapps/instructor/enrollment.py) ----------------------------------------------------


def test_delete_learner_state_resets_the_learner_as_the_staff_area_does(problem, staff, publishing) -> None:
    bob = graded(problem, publishing)
    with listening() as grades_app_events:
        publishing(lambda: reset_student_attempts(problem, bob, staff))
    assert "bob" not in problem.student_modules  # the platform deleted the learner's row of state too
    assert not Workflow.objects.exists()
    assert gradebook_entry(problem, bob) is None
    (entry,) = AuditEntry.objects.filter(action="reset")
    assert (entry.student_id, entry.actor_id) == (anonymous_id_for_user(bob), anonymous_id_for_user(staff))
    assert entry.actor_username == ""  # the modulestore's user service cannot name people (see below)
    assert entry.details == {"previous": 2}
    assert grades_app_events.events == [ScoreEvent("bob", COURSE, problem.key, 0, 0, deleted=True)]
    again = call_handler(lms_block(problem, bob), "render_page", {})
    assert "Submit your response" in body(again)["html"]


def test_the_dashboard_reports_success_because_the_learner_has_a_row_of_state(problem, staff, publishing) -> None:
    """The LMS deletes the learner's StudentModule row after the block's reset and answers 400 "Module does not
    exist." when there is none (lms/djangoapps/instructor/views/api.py); the block keeps one once the learner
    has worked in the problem."""
    bob = graded(problem, publishing)
    status = publishing(lambda: delete_learner_state(problem, bob, staff))
    assert status == (200, "")
    assert not Workflow.objects.exists()
    assert gradebook_entry(problem, bob) is None


def test_a_learner_with_nothing_to_reset_is_no_error(problem, staff, publishing) -> None:
    nobody = account("nobody")
    with listening() as grades_app_events, pytest.raises(StudentModuleDoesNotExist):
        publishing(lambda: reset_student_attempts(problem, nobody, staff))
    assert not AuditEntry.objects.exists()
    assert grades_app_events.events == []


def test_a_draft_is_reset_and_recorded_too(problem, staff, publishing) -> None:
    carol = account("carol")
    assert call_handler(lms_block(problem, carol), "save_draft", {"answers": ["half"]}).status_code == 200
    publishing(lambda: reset_student_attempts(problem, carol, staff))
    assert not Draft.objects.exists()
    assert AuditEntry.objects.get().details == {"previous": None}


def test_clear_student_state_never_raises_and_leaves_the_callers_transaction_usable(
    problem, staff, publishing, monkeypatch, caplog
) -> None:
    bob = graded(problem, publishing)

    def broken(*args, **kwargs):
        Workflow.objects.filter(pk=-1).update(status="done")  # a write inside the savepoint
        raise DatabaseError("the database went away")

    monkeypatch.setattr("ora_xblock.services.staff.audit.record", broken)
    with transaction.atomic(), caplog.at_level(logging.ERROR, logger="ora_xblock.block"):
        reset_student_attempts(problem, bob, staff)
        assert Workflow.objects.count() == 1  # rolled back to the block's savepoint; the caller goes on
    assert "Deleting the state of learner" in caplog.text
    assert gradebook_entry(problem, bob) == (2, 4)


def test_a_failing_score_reset_changes_nothing_and_is_logged(problem, staff, publishing, monkeypatch, caplog) -> None:
    bob = graded(problem, publishing)

    def unavailable(*args, **kwargs):
        raise submissions_api.SubmissionInternalError("submissions are down")

    monkeypatch.setattr("ora_xblock.services.staff.submissions_api.reset_score", unavailable)
    with caplog.at_level(logging.ERROR, logger="ora_xblock.block"):
        publishing(lambda: reset_student_attempts(problem, bob, staff))
    assert "submissions are down" in caplog.text
    assert Workflow.objects.count() == 1
    assert not AuditEntry.objects.filter(action="reset").exists()
    assert gradebook_entry(problem, bob) == (2, 4)


def test_the_support_course_reset_keeps_the_grades_app_quiet(problem, staff, publishing) -> None:
    """lms/djangoapps/support/tasks.py resets every block of a course with emit_signals_and_events=False."""
    bob = graded(problem, publishing)
    with listening() as grades_app_events:
        reset_student_attempts(problem, bob, staff, emit_signals_and_events=False)
    assert gradebook_entry(problem, bob) is None
    assert grades_app_events.events == []


def test_the_requesting_staff_members_name_is_recorded_where_the_user_service_knows_it(
    problem, staff, publishing, monkeypatch
) -> None:
    """DjangoXBlockUserService.get_user_by_anonymous_id (common/djangoapps/xblock_django/user_service.py)."""
    bob = graded(problem, publishing)
    block = lms_block(problem, staff, staff=True)
    service = block.runtime.service(block, "user")
    monkeypatch.setattr(type(service), "get_user_by_anonymous_id", lambda self, uid: staff, raising=False)
    course, item = str(COURSE), str(problem.key)
    publishing(
        lambda: block.clear_student_state(anonymous_id_for_user(bob), course, item, anonymous_id_for_user(staff))
    )
    assert AuditEntry.objects.get(action="reset").actor_username == "staff"


# The staff grade's annotation (edx-submissions api.set_score) ---------------------------------------------------------


def test_a_staff_override_is_annotated_with_its_grader_and_reason(staff, publishing) -> None:
    problem = Problem(scenarios.demo_olx("self_staff.xml"))
    dan = account("dan")
    publishing(lambda: call_handler(lms_block(problem, dan), "submit", {"answers": ["uniforms"]}))
    publishing(
        lambda: call_handler(lms_block(problem, dan), "self_assess", {"options_selected": {"Argument": "Stated"}})
    )
    grading = {"student_id": anonymous_id_for_user(dan), "options_selected": {"Argument": "Convincing"}}
    assert (
        publishing(lambda: call_handler(lms_block(problem, staff, staff=True), "staff_grade", grading)).status_code
        == 200
    )
    override = grading | {"options_selected": {"Argument": "Stated"}, "reason": "Regraded after appeal."}
    assert (
        publishing(lambda: call_handler(lms_block(problem, staff, staff=True), "staff_grade", override)).status_code
        == 200
    )
    assert gradebook_entry(problem, dan) == (3, 5)
    annotations = ScoreAnnotation.objects.order_by("id")
    assert [(a.creator, a.annotation_type, a.reason, a.score.points_earned) for a in annotations] == [
        (anonymous_id_for_user(staff), "staff_override", "", 5),
        (anonymous_id_for_user(staff), "staff_override", "Regraded after appeal.", 3),
    ]
    latest = submissions_api.get_latest_score_for_submission(Workflow.objects.get().submission_uuid)
    assert latest["annotations"][0]["creator"] == anonymous_id_for_user(staff)


def test_learner_scores_carry_no_annotation(problem, publishing) -> None:
    graded(problem, publishing)
    assert not ScoreAnnotation.objects.exists()


# The student item the grades app reads (lms/djangoapps/grades/signals/handlers.py, scores.py) ------------------------


def test_a_block_keyed_with_branch_and_version_writes_the_keys_the_lms_reads(publishing) -> None:
    versioned = BlockUsageLocator(STUDIO_COURSE, "ora_xblock", "ora1")
    assert versioned.course_key.branch and versioned.course_key.version_guid
    problem = Problem(scenarios.demo_olx("self_only.xml"), key=versioned)
    erin = account("erin")
    with listening() as grades_app_events:
        graded_on = lms_block(problem, erin)
        publishing(lambda: call_handler(graded_on, "submit", {"answers": ["mine"]}))
        publishing(lambda: call_handler(lms_block(problem, erin), "self_assess", SELF_ASSESSED))
    (item,) = StudentItem.objects.all()
    assert (item.course_id, item.item_id) == (str(COURSE), "block-v1:OraOrg+ORA101+2026+type@ora_xblock+block@ora1")
    assert grades_app_events.events == [
        ScoreEvent("erin", COURSE, BlockUsageLocator(COURSE, "ora_xblock", "ora1"), 2, 4)
    ]
    scores = submissions_api.get_scores(str(COURSE), anonymous_id_for_user(erin))
    assert scores[item.item_id]["points_earned"] == 2


# show_correctness (xmodule/graders.py ShowCorrectness) ----------------------------------------------------------------


def page_of(problem: Problem, user, **kwargs) -> str:
    return body(call_handler(graded_block(problem, user, **kwargs), "render_page", {}))["html"]


@pytest.mark.parametrize("rule", ["never", "never_but_include_grade"])
def test_never_hides_the_score_from_everyone_but_the_gradebook_still_gets_it(problem, staff, publishing, rule) -> None:
    bob = graded(problem, publishing)
    html = page_of(problem, bob, inherited={"show_correctness": rule})
    assert "Your grade: 2 out of 4" not in html and "Points per criterion" not in html
    assert "The course team has chosen not to show scores for this problem." in html
    assert gradebook_entry(problem, bob) == (2, 4)
    staff_html = page_of(problem, staff, staff=True)
    assert "Your grade: 2 out of 4" not in staff_html  # the platform hides "never" from staff too
    record = call_handler(
        lms_block(problem, staff, staff=True), "staff_learner", {"student_id": anonymous_id_for_user(bob)}
    )
    assert "2 / 4" in body(record)["html"]  # staff grade in the staff area, as in the platform's gradebook


def test_past_due_shows_the_score_once_the_due_date_and_grace_period_are_over(problem, publishing, monkeypatch) -> None:
    bob = graded(problem, publishing)
    due = datetime(2026, 6, 1, 17, 0, tzinfo=UTC)
    settings = {"show_correctness": "past_due", "due": due, "graceperiod": timedelta(hours=1)}
    monkeypatch.setattr("ora_xblock.platform.now", lambda: due + timedelta(minutes=30))
    html = page_of(problem, bob, inherited=settings)
    assert "Your grade: 2 out of 4" not in html
    assert 'Scores for this problem are shown after the due date, <time datetime="2026-06-01T18:00:00+00:00"' in html
    assert "Jun 1, 2026, 6:00\u202fPM UTC</time>" in html
    assert gradebook_entry(problem, bob) == (2, 4)
    monkeypatch.setattr("ora_xblock.platform.now", lambda: due + timedelta(hours=2))
    assert "Your grade: 2 out of 4" in page_of(problem, bob, inherited=settings)


def test_past_due_shows_course_staff_their_score_before_the_due_date(problem, publishing, monkeypatch) -> None:
    tester = account("tester", staff=True)
    learner = account("learner")
    for who, is_staff in ((tester, True), (learner, False)):
        publishing(
            lambda who=who, is_staff=is_staff: call_handler(
                graded_block(problem, who, staff=is_staff), "submit", {"answers": ["x"]}
            )
        )
        publishing(
            lambda who=who, is_staff=is_staff: call_handler(
                graded_block(problem, who, staff=is_staff), "self_assess", SELF_ASSESSED
            )
        )
    settings = {"show_correctness": "past_due", "due": datetime(2999, 1, 1, tzinfo=UTC)}
    assert "Your grade: 2 out of 4" in page_of(problem, tester, staff=True, inherited=settings)
    assert "Your grade: 2 out of 4" not in page_of(problem, learner, inherited=settings)


def test_always_and_no_setting_show_the_score(problem, publishing) -> None:
    bob = graded(problem, publishing)
    assert "Your grade: 2 out of 4" in page_of(problem, bob, inherited={"show_correctness": "always"})
    assert "Your grade: 2 out of 4" in body(call_handler(lms_block(problem, bob), "render_page", {}))["html"]


# Frozen course grades (lms/djangoapps/grades/grade_utils.py) ----------------------------------------------------------


@pytest.fixture
def frozen():
    """The course's grades frozen: the flag is on and the course ended more than 30 days ago."""
    freeze = GradeFreeze({COURSE: timezone.now() - timedelta(days=31)})
    with grades_app(freeze):
        yield freeze


def test_frozen_grades_keep_new_scores_out_of_the_gradebook(problem, publishing, frozen) -> None:
    fay = account("fay")
    with listening() as grades_app_events:
        publishing(lambda: call_handler(graded_block(problem, fay, freeze=frozen), "submit", {"answers": ["x"]}))
        page = publishing(lambda: call_handler(graded_block(problem, fay, freeze=frozen), "self_assess", SELF_ASSESSED))
    assert "Your grade: 2 out of 4" in body(page)["html"]  # the learner's own page still shows what they got
    assert gradebook_entry(problem, fay) is None
    assert grades_app_events.events == []
    workflow = Workflow.objects.get()
    assert grade_service.publish(workflow.pk) is False
    frozen.course_ends.clear()  # the flag turned off: the waiting score goes out
    assert grade_service.publish(workflow.pk) is True
    assert gradebook_entry(problem, fay) == (2, 4)


def test_frozen_grades_refuse_staff_grading_and_tell_staff(staff, publishing, frozen) -> None:
    problem = Problem(scenarios.demo_olx("self_staff.xml"))
    gus = account("gus")
    frozen.course_ends.clear()
    publishing(lambda: call_handler(lms_block(problem, gus), "submit", {"answers": ["x"]}))
    frozen.course_ends[COURSE] = timezone.now() - timedelta(days=40)
    staff_block = graded_block(problem, staff, staff=True, freeze=frozen)
    grading = {"student_id": anonymous_id_for_user(gus), "options_selected": {"Argument": "Stated"}}
    for handler, data in (
        ("staff_grade", grading),
        ("staff_remove", grading | {"comment": "c"}),
        ("staff_reset", grading),
    ):
        refused = call_handler(staff_block, handler, data)
        assert (refused.status_code, body(refused)["error"]["code"]) == (403, "grades_frozen"), handler
    assert (Workflow.objects.get().status, AuditEntry.objects.count()) == ("self", 0)
    assert "grades are frozen: scores in this problem" in page_of(problem, staff, staff=True, freeze=frozen)
    assert "grades are frozen" not in page_of(problem, gus, freeze=frozen)


def test_grades_not_yet_frozen_change_as_usual(problem, publishing) -> None:
    freeze = GradeFreeze({COURSE: timezone.now() - timedelta(days=29)})
    with grades_app(freeze):
        hal = graded(problem, publishing, name="hal")
        assert "grades are frozen" not in page_of(problem, account("staff", staff=True), staff=True, freeze=freeze)
    assert gradebook_entry(problem, hal) == (2, 4)
