"""Notifications through the platform's framework (docs/notifications.md), against a fake of openedx-events and of
the platform's registry (tests/host/notifications.py): a learner is told of each new grade once, course staff of
each response to a problem with a staff step; only after commit, never for staff viewing as a learner, nothing
where there is no framework, and a notice the framework failed to take goes out with the refresh, once."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from opaque_keys.edx.keys import CourseKey

from ora_xblock import notifications, scenarios
from ora_xblock.definition import load_olx
from ora_xblock.models import Workflow
from ora_xblock.models.notices import Notice
from ora_xblock.services import grades, notices, staff
from ora_xblock.services.assessments import self_assess
from ora_xblock.services.common import Learner, Problem
from ora_xblock.services.responses import submit
from tests.conftest import call_handler
from tests.host import notifications as host
from tests.host.lms import Problem as HostProblem
from tests.host.lms import account, lms_block, masquerade_as, request_by
from tests.integration.staff_world import (
    ANN_STAFF,
    COURSE,
    ITEM,
    PEER_ONLY,
    SELF_STAFF,
    START,
    at,
    learner,
    peer_review,
    self_assess_all,
    submit_all,
)

pytestmark = pytest.mark.django_db

SELF_ONLY = load_olx(scenarios.resource_text("scenarios/self_only.xml"))
STATED, UNCLEAR = ({"options_selected": {"Argument": option}} for option in ("Stated", "Unclear"))


@pytest.fixture
def framework():
    with host.installed() as installed:
        yield installed


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit, as the end of the request's transaction would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def accounts() -> dict[str, int]:
    return {name: get_user_model().objects.create(username=name).pk for name in ("ann", "bob", "cat")}


def staff_graded(name: str, commit, data=STATED, hours: float = 2, reason: str = "") -> None:
    with commit():
        staff.grade(at(hours), ITEM, f"anon-{name}", ANN_STAFF, data, reason=reason)


# A learner's grade


def test_a_staff_grade_notifies_the_learner_once_and_a_new_score_again(framework, commit, accounts) -> None:
    submit_all("ann")
    self_assess_all("ann")
    assert framework.of_type(notifications.GRADE_TYPE) == []  # waiting for staff: no grade yet
    staff_graded("ann", commit)
    assert grades.publish(Workflow.objects.get().pk) is False  # published already: nothing more to tell
    staff_graded("ann", commit, UNCLEAR, hours=3, reason="Copied.")

    first, second = framework.of_type(notifications.GRADE_TYPE)
    assert (first.user_ids, first.app_name, first.course_key) == (
        [accounts["ann"]],
        "grading",
        CourseKey.from_string(COURSE),
    )
    assert first.context == {
        "course_name": COURSE,
        "ora_name": SELF_STAFF.title,
        "points_earned": 3,
        "points_possible": 5,
    }
    assert first.content_url == f"/courses/{COURSE}/jump_to/{ITEM}"  # LMS_ROOT_URL is unset in the tests
    assert (second.context["points_earned"], second.context["points_possible"]) == (0, 5)
    assert Notice.objects.filter(kind="grade", sent_at__isnull=True).count() == 0


def test_peer_grades_notify_each_learner_once(framework, commit, accounts) -> None:
    submit_all("ann", "bob", "cat", definition=PEER_ONLY)
    with commit():
        for name in ("ann", "bob", "cat", "ann", "bob", "cat"):
            peer_review(name)

    assert Workflow.objects.filter(status="done").count() == 3
    told = sorted(data.user_ids[0] for data in framework.of_type(notifications.GRADE_TYPE))
    assert told == sorted(accounts.values())
    assert all(data.context["ora_name"] == PEER_ONLY.title for data in framework.of_type(notifications.GRADE_TYPE))


def test_a_self_grade_notifies_the_learner(framework, commit, accounts) -> None:
    problem = Problem(SELF_ONLY, START)
    with commit():
        submit(problem, learner("bob"), ["my reflection"])
        self_assess(problem, learner("bob"), {"options_selected": {"Reflection": "Some reflection"}})

    [told] = framework.of_type(notifications.GRADE_TYPE)
    assert told.user_ids == [accounts["bob"]] and told.context["ora_name"] == SELF_ONLY.title


# Course staff


def test_staff_are_told_of_a_new_response_only_where_a_staff_step_waits_for_it(framework, commit, settings) -> None:
    settings.ORA_GRADING_MICROFRONTEND_URL = "https://grading.example.com"
    with commit():
        submit_all("ann", "bob")
    with commit():
        submit(Problem(PEER_ONLY, START), Learner(COURSE, "peer-item", "anon-cat", username="cat"), ["peers only"])

    told = framework.of_type(notifications.STAFF_TYPE)
    assert [name for name, _ in framework.sent] == ["COURSE_NOTIFICATION_REQUESTED"] * 2
    assert {(data.content_url, data.app_name) for data in told} == {(f"https://grading.example.com/{ITEM}", "grading")}
    assert told[0].audience_filters == {"course_roles": ["staff", "instructor"]}
    assert told[0].content_context == {"course_name": COURSE, "ora_name": SELF_STAFF.title}


# When, and when not


def test_nothing_is_sent_before_the_commit_and_nothing_for_a_rolled_back_action(
    framework, django_capture_on_commit_callbacks
) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        submit(at(0), learner("bob"), ["rolled back"])
        raise RuntimeError("the request failed after the submit")
    assert Notice.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit(at(0), learner("ann"), ["kept"])
    assert framework.sent == [] and Notice.objects.get().sent_at is None
    for callback in callbacks:
        callback()
    assert len(framework.sent) == 1 and Notice.objects.get().sent_at is not None


def test_staff_viewing_as_a_learner_cause_no_notice(framework, django_capture_on_commit_callbacks) -> None:
    problem = HostProblem(scenarios.demo_olx("self_staff.xml"))
    bob, sam = account("bob"), account("sam", staff=True)
    with request_by(sam), django_capture_on_commit_callbacks(execute=True):
        as_bob = lms_block(problem, masquerade_as(sam, "bob"))
        assert call_handler(as_bob, "submit", {"answers": ["staff typing as Bob"]}).status_code == 403
    assert (Notice.objects.count(), framework.sent) == (0, [])

    with request_by(bob), django_capture_on_commit_callbacks(execute=True):
        assert call_handler(lms_block(problem, bob), "submit", {"answers": ["Bob's own"]}).status_code == 200
    assert Notice.objects.count() == len(framework.sent) == 1


def test_without_the_framework_notices_are_recorded_as_sent(commit) -> None:
    assert not notifications.available()
    with commit():
        submit_all("ann")
    self_assess_all("ann")
    staff_graded("ann", commit)

    assert sorted(Notice.objects.values_list("kind", flat=True)) == ["grade", "new_response"]
    assert not Notice.objects.filter(sent_at__isnull=True).exists()  # nothing left for the refresh to retry
    assert notices.send_unsent(START + timedelta(days=1)) == 0


@pytest.mark.parametrize(
    "setting, kind", [("ORA_XBLOCK_NOTIFY_GRADES", "grade"), ("ORA_XBLOCK_NOTIFY_STAFF", "new_response")]
)
def test_each_setting_turns_its_notices_off(framework, commit, settings, setting: str, kind: str) -> None:
    setattr(settings, setting, False)
    with commit():
        submit_all("ann")
    self_assess_all("ann")
    staff_graded("ann", commit)

    assert not Notice.objects.filter(kind=kind).exists()
    assert Notice.objects.exclude(kind=kind).count() == 1  # the other one still goes


# A framework that fails


def test_a_notice_the_framework_failed_to_take_is_sent_by_the_refresh_once(framework, commit, caplog) -> None:
    framework.failing = True
    with commit():
        submit_all("ann")
    assert Workflow.objects.filter(student_id="anon-ann").exists()  # the learner's submit stands
    assert Notice.objects.get().sent_at is None and "sending notice" in caplog.text

    framework.failing = False
    assert notices.send_unsent(START) == 0  # within the grace the send after commit has
    assert notices.send_unsent(START + notices.GRACE) == 1
    assert notices.send_unsent(START + notices.GRACE) == 0
    assert len(framework.sent) == 1 and Notice.objects.get().sent_at is not None


def test_two_senders_of_one_notice_send_it_once(framework, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        submit_all("ann")
    notice = Notice.objects.get()
    assert [notices.send(notice), notices.send(notice)] == [True, False]
    assert len(framework.sent) == 1


# What the platform registers


def test_only_the_types_the_platform_registers_are_sent_there() -> None:
    with host.installed(registry=True):
        assert notifications.deliverable(notifications.GRADE_TYPE)
        assert notifications.deliverable(notifications.STAFF_TYPE)
        assert not notifications.deliverable(notifications.REMINDER_TYPE)  # the platform has no reminder type
    with host.installed(registry=False):  # another receiver of the signals: nothing known to refuse it
        assert notifications.deliverable(notifications.REMINDER_TYPE)
    assert not notifications.deliverable(notifications.GRADE_TYPE)  # no framework at all


def test_sending_a_notice_costs_a_fixed_few_queries(framework, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        submit_all("ann", "bob", "cat")
    for notice in Notice.objects.order_by("pk"):
        with CaptureQueriesContext(connection) as staff_notice:
            assert notices.send(notice)
    Workflow.objects.filter(student_id="anon-ann").update(status="done", score_earned=3, score_possible=5)
    ann = Workflow.objects.get(student_id="anon-ann")
    with django_capture_on_commit_callbacks(execute=False), CaptureQueriesContext(connection) as recording:
        notices.grade(ann, "Essay", START)
    recorded = Notice.objects.get(kind="grade")
    with CaptureQueriesContext(connection) as grade_notice:
        assert notices.send(recorded)

    # Recording: one INSERT. Sending (in the test's transaction): savepoint, mark sent, release; a learner's
    # notice also reads their username and user id. None of it depends on how many learners the problem has.
    assert (len(recording), len(staff_notice), len(grade_notice)) == (1, 3, 5)


def test_a_learners_notice_keeps_no_username_and_goes_to_nobody_once_their_work_is_gone(
    framework, django_capture_on_commit_callbacks
) -> None:
    submit_all("ann")
    Workflow.objects.filter(student_id="anon-ann").update(status="done", score_earned=3, score_possible=5)
    with django_capture_on_commit_callbacks(execute=False):
        notices.grade(Workflow.objects.get(), "Essay", START)
    notice = Notice.objects.get(kind="grade")
    assert "ann" not in json.dumps(notice.context)  # the platform's retirement leaves nothing behind here
    Workflow.objects.all().delete()  # staff reset the learner

    assert notices.send(notice) is True
    assert framework.sent == []  # to nobody: never to the whole course
    assert Notice.objects.get(kind="grade").sent_at is not None
