"""No grade is lost between our tables and the gradebook: a score whose send after commit never happens (the process
died) or fails (``set_score`` raised) reaches edx-submissions at the next refresh, exactly once.

Real commits (``transaction=True``), so that what runs after commit runs as it does in production; on SQLite,
PostgreSQL and MariaDB (``databases``).
"""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from opaque_keys.edx.keys import CourseKey
from submissions import api as submissions_api
from submissions.errors import SubmissionInternalError
from submissions.models import Score, ScoreAnnotation, score_set

from ora_xblock import platform, scenarios, tasks
from ora_xblock.models import ProblemSnapshot, RefreshClock, Workflow
from ora_xblock.services import grades, overdue, staff
from tests.concurrency import run_concurrently
from tests.conftest import call_handler
from tests.host.grades import GradeFreeze, grades_app
from tests.integration.staff_world import ANN_STAFF, COURSE, ITEM, at, self_assess_all, submit_all

pytestmark = [pytest.mark.databases, pytest.mark.django_db(transaction=True)]

SELF_ONLY = scenarios.demo_olx("self_only.xml")
DEEP = {"options_selected": {"Reflection": "Deep reflection"}}  # 4 of 4
STATED = {"options_selected": {"Argument": "Stated"}}


@pytest.fixture
def signals():
    """Every ``score_set`` edx-submissions sends, as the LMS's grades app receives them."""
    received: list[dict] = []
    lock = threading.Lock()

    def receiver(sender, **kwargs):
        with lock:
            received.append(kwargs)

    score_set.connect(receiver, weak=False, dispatch_uid="test_no_grade_lost")
    yield received
    score_set.disconnect(dispatch_uid="test_no_grade_lost")


@contextmanager
def dying_after_each_commit() -> Iterator[None]:
    """The process dies right after each commit: nothing registered to run after commit ever runs."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda func, using=None, robust=False: None)
        yield


@contextmanager
def set_score_failing(failure: Exception) -> Iterator[None]:
    """edx-submissions' ``set_score`` raises: from the API itself, or from its tables when ``failure`` is a
    database error."""

    def failing(*args, **kwargs):
        raise failure

    with pytest.MonkeyPatch.context() as patch:
        if isinstance(failure, OperationalError):
            patch.setattr(Score, "save", failing)
        else:
            patch.setattr(submissions_api, "set_score", failing)
        yield


@pytest.fixture
def broker(monkeypatch, settings) -> list[float]:
    """Celery with a broker and workers: the countdowns of the clock's tasks sent (nothing runs them)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    task = tasks.refresh_due_problems._get_current_object()
    monkeypatch.setitem(task.app.conf, "broker_url", "memory://")
    sent: list[float] = []
    monkeypatch.setattr(type(task), "apply_async", lambda self, args, countdown=None, **kw: sent.append(countdown))
    return sent


def graded_learner(block, users, name: str) -> None:
    users.as_user(name)
    assert call_handler(block, "submit", {"answers": [f"answer of {name}"]}).status_code == 200
    answer = call_handler(block, "self_assess", DEEP)
    assert answer.status_code == 200, answer.body


def gradebook() -> list[tuple[int, int]]:
    return list(Score.objects.order_by("id").values_list("points_earned", "points_possible"))


def refresh_by_cron() -> None:
    call_command("ora_refresh_workflows", stdout=io.StringIO())


def refresh_by_the_clock() -> None:
    RefreshClock.objects.update_or_create(name=overdue.CLOCK, defaults={"token": "run", "wake_at": platform.now()})
    tasks.refresh_due_problems("run")


@pytest.mark.parametrize("refresh", [refresh_by_cron, refresh_by_the_clock], ids=["cron", "clock"])
def test_a_score_whose_process_died_after_commit_reaches_the_gradebook_at_the_next_refresh_once(
    make_block, users, clock, signals, refresh
) -> None:
    block = make_block(SELF_ONLY)
    with dying_after_each_commit():
        graded_learner(block, users, "ann")
    workflow = Workflow.objects.get()
    assert (workflow.status, workflow.score_earned, workflow.published_earned) == ("done", 4, None)
    assert workflow.publish_due_at == clock.now + grades.GRACE  # recorded with the score, in its transaction
    assert gradebook() == [] and signals == []

    refresh()
    assert gradebook() == [], "the send after commit has a grace; the refresh waits for it"
    clock.later(minutes=2)
    refresh()
    refresh()

    assert gradebook() == [(4, 4)]
    assert [(s["points_earned"], s["points_possible"]) for s in signals] == [(4, 4)]
    workflow.refresh_from_db()
    assert (workflow.published_earned, workflow.publish_due_at) == (4, None)


@pytest.mark.parametrize(
    "failure",
    [SubmissionInternalError("score not valid"), OperationalError("server closed the connection unexpectedly")],
    ids=["submissions_error", "database_error"],
)
def test_a_failing_set_score_keeps_the_answer_200_logs_and_the_next_refresh_sends_once(
    make_block, users, clock, signals, broker, caplog, failure
) -> None:
    block = make_block(SELF_ONLY)
    users.as_user("bea")
    assert call_handler(block, "submit", {"answers": ["mine"]}).status_code == 200
    sent_before = len(broker)

    with set_score_failing(failure), caplog.at_level(logging.ERROR, logger="ora_xblock.services.grades"):
        answer = call_handler(block, "self_assess", DEEP)

    assert answer.status_code == 200, answer.body
    assert json.loads(answer.body)  # the learner's page, as after any assessment
    assert [record.levelname for record in caplog.records if "edx-submissions failed" in record.message] == ["ERROR"]
    workflow = Workflow.objects.get()
    assert (workflow.status, workflow.score_earned, workflow.published_earned) == ("done", 4, None)
    assert workflow.publish_due_at == clock.now + grades.RETRY_AFTER
    assert ProblemSnapshot.objects.get().refresh_due_at == clock.now + grades.RETRY_AFTER
    assert broker[sent_before:] == [grades.RETRY_AFTER.total_seconds()], "the clock is woken for the retry"
    assert gradebook() == [] and signals == []

    clock.later(minutes=4)  # edx-submissions is back
    assert overdue.refresh_all(clock.now).published == 0  # not due yet
    clock.later(minutes=2)
    assert overdue.refresh_all(clock.now).published == 1
    assert overdue.refresh_all(clock.now).published == 0

    assert gradebook() == [(4, 4)] and len(signals) == 1
    assert Workflow.objects.get().publish_due_at is None


def test_a_score_left_behind_wakes_the_idle_clock_at_the_next_send(make_block, users, clock, broker) -> None:
    """No refresh was due (no peers anywhere): the next score sent after commit finds the lost one and starts
    the clock, which sends it."""
    cache.delete(grades.LOOK_KEY)  # sends look at most once a minute
    block = make_block(SELF_ONLY)
    with dying_after_each_commit():
        graded_learner(block, users, "ann")
    clock.later(minutes=2)
    graded_learner(block, users, "bob")
    assert gradebook() == [(4, 4)]
    assert broker == [grades.RETRY_AFTER.total_seconds()]
    token = RefreshClock.objects.get().token
    clock.later(minutes=5)
    tasks.refresh_due_problems(token)
    assert gradebook() == [(4, 4), (4, 4)]
    assert not Workflow.objects.filter(publish_due_at__isnull=False).exists()
    assert RefreshClock.objects.get().token == ""  # nothing left to do: the clock sleeps again


def test_two_refreshes_at_once_send_each_score_once(make_block, users, clock, signals) -> None:
    block = make_block(SELF_ONLY)
    with dying_after_each_commit():
        for n in range(5):
            graded_learner(block, users, f"learner{n}")
    assert Workflow.objects.filter(publish_due_at__isnull=False).count() == 5
    clock.later(minutes=2)

    results = run_concurrently(lambda _: grades.republish_pending(clock.now), 3)

    assert all(isinstance(result, grades.Republished) for result in results), results
    assert sum(result.sent for result in results) == 5
    assert gradebook() == [(4, 4)] * 5 and len(signals) == 5
    assert grades.republish_pending(clock.now) == grades.Republished()
    assert not Workflow.objects.filter(publish_due_at__isnull=False).exists()


def test_a_staff_override_keeps_its_grader_and_reason_when_sent_by_the_refresh(clock, signals) -> None:
    submit_all("ann")
    self_assess_all("ann")
    staff.grade(at(2), ITEM, "anon-ann", ANN_STAFF, STATED)  # sent after commit, as usual
    assert gradebook() == [(3, 5)]

    override = {"options_selected": {"Argument": "Unclear"}}
    with set_score_failing(SubmissionInternalError("down")):
        staff.grade(at(3), ITEM, "anon-ann", ANN_STAFF, override, reason="Copied from a classmate.")
    assert gradebook() == [(3, 5)]

    assert grades.republish_pending(clock.now).sent == 1

    assert gradebook() == [(3, 5), (0, 5)]
    annotations = ScoreAnnotation.objects.order_by("id").values_list("creator", "annotation_type", "reason")
    assert list(annotations) == [
        ("anon-staff-ann", "staff_override", ""),
        ("anon-staff-ann", "staff_override", "Copied from a classmate."),
    ]
    assert len(signals) == 2


def test_frozen_grades_keep_a_pending_score_until_they_thaw(clock, signals) -> None:
    submit_all("cal")
    self_assess_all("cal")
    with dying_after_each_commit():
        staff.grade(at(2), ITEM, "anon-cal", ANN_STAFF, STATED)
    freeze = GradeFreeze({CourseKey.from_string(COURSE): clock.now - timedelta(days=31)})
    with grades_app(freeze):
        done = grades.republish_pending(clock.now)
        assert (done.sent, done.frozen) == (0, 1)
        assert Workflow.objects.get().publish_due_at == clock.now + grades.FROZEN_RETRY
        freeze.course_ends.clear()  # thawed
        assert grades.republish_pending(clock.now).sent == 0  # looked at again a day later
        clock.later(days=1)
        assert grades.republish_pending(clock.now).sent == 1
    assert gradebook() == [(3, 5)] and len(signals) == 1


def test_the_migration_marks_every_score_the_gradebook_lacks(clock) -> None:
    migration = import_module("ora_xblock.migrations.0009_publish_and_report_outbox")
    submit_all("ann", "bob", "cat", "dan")
    rows = {
        f"anon-{name}": values
        for name, values in (
            ("ann", (3, 5, 3, 5)),  # sent
            ("bob", (3, 5, None, None)),  # never sent
            ("cat", (5, 5, 3, 5)),  # sent, then changed
            ("dan", (None, None, None, None)),  # no score yet
        )
    }
    for student, (earned, possible, published, published_of) in rows.items():
        Workflow.objects.filter(student_id=student).update(
            score_earned=earned,
            score_possible=possible,
            published_earned=published,
            published_possible=published_of,
            publish_due_at=None,
        )

    migration.mark_unpublished_scores_due(apps, None)

    due = Workflow.objects.filter(publish_due_at__isnull=False).values_list("student_id", flat=True)
    assert sorted(due) == ["anon-bob", "anon-cat"]


def _pending_learners(names: list[str], pending: int) -> None:
    """Learners with a score and a submission, the first ``pending`` of them not yet sent."""
    submit_all(*names)
    learners = Workflow.objects.filter(student_id__in=[f"anon-{name}" for name in names])
    learners.update(status="done", score_earned=3, score_possible=5, published_earned=3, published_possible=5)
    first = learners.order_by("pk").values_list("pk", flat=True)[:pending]
    Workflow.objects.filter(pk__in=list(first)).update(published_earned=None, publish_due_at=at(1).now)


def _pass(now: datetime) -> tuple[int, int]:
    """Queries of a pass that sends two scores, then of one with nothing to send."""
    with CaptureQueriesContext(connection) as sending:
        assert grades.republish_pending(now).sent == 2
    with CaptureQueriesContext(connection) as idle:
        assert grades.republish_pending(now) == grades.Republished()
    return len(sending), len(idle)


def test_the_pending_pass_costs_the_same_queries_however_many_learners(clock, record_property) -> None:
    _pending_learners([f"a{n}" for n in range(4)], pending=2)
    few = _pass(clock.now)
    _pending_learners([f"b{n}" for n in range(40)], pending=2)
    many = _pass(clock.now)
    record_property("queries", {"4_learners": few, "44_learners": many})
    assert few == many
    sending, idle = many
    assert idle == 1
    if connection.vendor == "sqlite":  # counted as SQLite logs them (BEGIN IMMEDIATE included)
        assert sending == 2 + 2 * PER_SCORE  # the scores due, their problems' titles (for the notices), each score


# Per score sent: BEGIN, lock, edx-submissions' set_score (9: the submission and student item, read twice by its
# serializer, a savepoint, the score, the score summary read and written), mark sent, the learner's notice of the
# grade (one INSERT), COMMIT. The frozen check
# reads nothing in this host; in the LMS it reads the course's waffle flag and overview once per course and pass.
PER_SCORE = 14
