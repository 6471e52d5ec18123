"""Flexible peer grading and the staff fallback after seven days, on a site that runs no Celery beat.

Stock and Tutor deployments of Open edX run Celery workers but no beat. Here
a fake broker records what is sent and a fake worker runs each message when
its countdown is over, as the worker would; nothing else calls the refresh.
The page-view tests run with Celery eager and no broker at all, as the demo does.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from kombu.exceptions import OperationalError
from submissions import api as submissions_api

from ora_xblock import platform, scenarios, tasks
from ora_xblock.definition import load_olx
from ora_xblock.models import PeerLease, ProblemSnapshot, RefreshClock, Workflow
from ora_xblock.services import overdue
from ora_xblock.services import peer as peer_service
from ora_xblock.services.common import Learner, Problem
from ora_xblock.services.responses import submit
from tests.concurrency import run_concurrently
from tests.conftest import call_handler
from tests.host import lms

pytestmark = [pytest.mark.django_db, pytest.mark.databases]

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WEEK = timedelta(days=7)
GOOD = {"options_selected": {"Users": "Yes", "Feasibility": "Practical"}}
PEER_OLX = scenarios.resource_text("scenarios/peer_only.xml")  # must grade 2, graded by 2
FLEXIBLE_OLX = PEER_OLX.replace('grading_strategy="mean"', 'grading_strategy="mean" enable_flexible_grading="True"')
PEER, FLEXIBLE = load_olx(PEER_OLX), load_olx(FLEXIBLE_OLX)
COURSE = "course-v1:Org+Run+2026"


class Clock:
    """The time ``platform.now`` gives."""

    def __init__(self) -> None:
        self.now = START


@pytest.fixture
def clock(monkeypatch) -> Clock:
    moment = Clock()
    monkeypatch.setattr(platform, "now", lambda: moment.now)
    return moment


@dataclass
class Broker:
    """A broker with workers and no beat: what was sent (token, run at) and not yet run."""

    clock: Clock
    capture: object
    sent: list[tuple[str, datetime]] = field(default_factory=list)
    queued: list[tuple[str, datetime]] = field(default_factory=list)
    countdowns: list[float] = field(default_factory=list)
    most_queued: int = 0

    def apply_async(self, args, countdown=None, **options) -> None:
        assert countdown is not None and not options, "the clock's task waits by countdown only"
        message = (args[0], self.clock.now + timedelta(seconds=countdown))
        self.sent.append(message)
        self.countdowns.append(countdown)
        self.queued.append(message)
        self.most_queued = max(self.most_queued, len(self.queued))

    def work_until(self, moment: datetime) -> None:
        """Run every message due by ``moment``, in order, at its time, as a worker would."""
        while self.queued and min(eta for _, eta in self.queued) <= moment:
            token, eta = min(self.queued, key=lambda message: message[1])
            self.queued.remove((token, eta))
            self.clock.now = max(self.clock.now, eta)
            with self.capture(execute=True):
                tasks.refresh_due_problems(token)
        self.clock.now = max(self.clock.now, moment)


@pytest.fixture
def broker(clock, monkeypatch, settings, django_capture_on_commit_callbacks) -> Broker:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    task = tasks.refresh_due_problems._get_current_object()
    monkeypatch.setitem(task.app.conf, "broker_url", "memory://")
    fake = Broker(clock, django_capture_on_commit_callbacks)
    monkeypatch.setattr(type(task), "apply_async", lambda self, *args, **kwargs: fake.apply_async(*args, **kwargs))
    return fake


def learner(name: str, item: str = "item-1") -> Learner:
    return Learner(course_id=COURSE, item_id=item, student_id=f"anon-{name}", username=name)


def problem(definition=FLEXIBLE, now: datetime | None = None) -> Problem:
    return Problem(definition, now or platform.now())


def submitted(broker_or_capture, name: str, definition=FLEXIBLE, item: str = "item-1") -> None:
    """What the page's submit does: the response, then the problem remembered for background work."""
    capture = broker_or_capture.capture if isinstance(broker_or_capture, Broker) else broker_or_capture
    olx = FLEXIBLE_OLX if definition is FLEXIBLE else PEER_OLX
    with capture(execute=True):
        submit(problem(definition), learner(name, item), [f"answer of {name}"])
        overdue.remember(problem(definition), item, COURSE, olx)


def reviews(name: str, count: int, definition=FLEXIBLE, item: str = "item-1") -> None:
    for _ in range(count):
        lease = peer_service.next_review(problem(definition), learner(name, item))
        assert lease is not None
        peer_service.peer_assess(problem(definition), learner(name, item), lease.pk, GOOD)


def status(name: str) -> str:
    return Workflow.objects.get(student_id=f"anon-{name}").status


# The self-scheduled task alone


def test_a_learner_left_waiting_is_graded_after_seven_days_by_the_self_scheduled_task_alone(broker, clock) -> None:
    for name in ("ann", "bob", "cat"):
        submitted(broker, name)
    reviews("ann", 2)  # ann did her part: she waits for two reviews
    reviews("bob", 1)  # and got one
    assert status("ann") == "waiting"

    broker.work_until(START + WEEK - timedelta(minutes=1))
    assert status("ann") == "waiting"
    broker.work_until(START + WEEK + overdue.MARGIN + timedelta(seconds=1))

    ann = Workflow.objects.get(student_id="anon-ann")
    assert (ann.status, ann.score_earned, ann.escalated_at) == ("done", 6, None)  # one review is enough now
    assert submissions_api.get_latest_score_for_submission(ann.submission_uuid)["points_earned"] == 6
    assert broker.most_queued == 1  # never two pending tasks
    assert max(broker.countdowns) == overdue.HOP.total_seconds()


def test_a_learner_nobody_reviewed_goes_to_staff_by_the_self_scheduled_task_alone(broker) -> None:
    for name in ("ann", "bob", "cat"):
        submitted(broker, name, definition=PEER)
    reviews("ann", 2, definition=PEER)

    broker.work_until(START + WEEK + overdue.MARGIN + timedelta(seconds=1))

    ann = Workflow.objects.get(student_id="anon-ann")
    assert (ann.status, ann.escalated_at is not None) == ("staff", True)
    assert {status("bob"), status("cat")} == {"peer"}  # they have not done their part: left alone


def test_the_clock_sleeps_when_nobody_waits_and_the_next_submit_wakes_it(broker, clock, settings) -> None:
    settings.ORA_XBLOCK_STAFF_DIGEST = False  # else ann, waiting for staff, is in tomorrow's digest (test_reminders)
    submitted(broker, "ann", definition=PEER)
    Workflow.objects.update(status="waiting", peers_assessed=2)  # her part done, as if others had come and gone
    broker.work_until(START + WEEK + timedelta(hours=1))
    assert status("ann") == "staff"
    assert (RefreshClock.objects.get().token, broker.queued) == ("", [])  # asleep: nothing pending

    submitted(broker, "bob")
    assert len(broker.queued) == 1


def test_a_busy_site_keeps_one_pending_task_for_every_problem_and_learner(broker, clock) -> None:
    for minute in range(0, 240, 4):  # 60 learners over four hours, in three problems
        clock.now = START + timedelta(minutes=minute)
        submitted(broker, f"learner{minute}", item=f"item-{minute % 3}")
        broker.work_until(clock.now)

    assert broker.most_queued == 1
    assert len(broker.sent) <= 240 / 15 + 2  # one run a hop at most, whatever the number of submits
    assert RefreshClock.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("problems", [1, 6], ids=["one problem", "six problems"])
def test_first_submits_at_the_same_moment_start_one_clock(broker, problems: int) -> None:
    def first_submit(number: int) -> None:
        name, item = f"learner{number}", f"item-{number % problems}"
        submit(problem(), learner(name, item), [f"answer of {name}"])
        overdue.remember(problem(), item, COURSE, FLEXIBLE_OLX)  # committed: its wake runs at once

    results = run_concurrently(first_submit, 6)

    assert [result for result in results if isinstance(result, Exception)] == []
    assert (len(broker.sent), RefreshClock.objects.count()) == (1, 1)
    assert ProblemSnapshot.objects.filter(refresh_due_at=START + WEEK + overdue.MARGIN).count() == problems


def test_a_second_delivery_of_a_message_or_a_replaced_one_does_nothing(broker, clock) -> None:
    for name in ("ann", "bob", "cat"):
        submitted(broker, name)
    reviews("ann", 2)
    ((token, eta),) = broker.queued
    broker.work_until(eta)
    sent = len(broker.sent)

    clock.now = START + WEEK + timedelta(hours=1)
    assert overdue.tick(token, clock.now) == overdue.Refreshed()  # redelivered by the broker: ignored
    assert overdue.tick("", clock.now) == overdue.Refreshed()
    assert status("ann") == "waiting" and len(broker.sent) == sent


def test_a_lost_message_is_replaced_once_the_clock_is_a_hop_late(broker, clock) -> None:
    submitted(broker, "ann")
    broker.queued.clear()  # the broker lost it (a Redis restart)
    clock.now = START + overdue.HOP  # not late yet: a submit elsewhere trusts the clock
    submitted(broker, "bob", item="item-2")
    assert broker.queued == []

    clock.now = START + 2 * overdue.HOP + timedelta(seconds=1)
    submitted(broker, "cat", item="item-3")

    assert len(broker.queued) == 1


def test_the_clock_never_waits_longer_than_the_broker_keeps_a_message(broker, monkeypatch) -> None:
    conf = tasks.refresh_due_problems.app.conf
    monkeypatch.setitem(conf, "broker_transport_options", {"visibility_timeout": 600})
    submitted(broker, "ann")
    broker.work_until(START + timedelta(hours=2))
    assert len(broker.countdowns) > 20 and max(broker.countdowns) == 300  # half Redis' visibility timeout


def test_a_broker_that_is_down_loses_no_submit(broker, monkeypatch, caplog, make_block, users) -> None:
    def down(self, *args, **kwargs):
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr(type(tasks.refresh_due_problems._get_current_object()), "apply_async", down)
    block = make_block(scenarios.demo_olx("peer_only.xml"))
    with caplog.at_level(logging.WARNING), broker.capture(execute=True):
        response = call_handler(block, "submit", {"answers": ["mine"]})
    assert response.status_code == 200 and Workflow.objects.count() == 1
    assert "could not schedule the overdue refresh" in caplog.text


def test_one_broken_problem_does_not_stop_the_others(broker, clock) -> None:
    for name in ("ann", "bob", "cat"):
        submitted(broker, name, definition=PEER)
    reviews("ann", 2, definition=PEER)
    submitted(broker, "zed", item="item-broken")
    ProblemSnapshot.objects.filter(item_id="item-broken").update(olx="<openassessment>")

    broker.work_until(START + WEEK + timedelta(hours=1))

    assert status("ann") == "staff"
    broken = ProblemSnapshot.objects.get(item_id="item-broken")
    assert broken.refresh_due_at > clock.now - overdue.HOP  # tried again later, not in a loop


def test_a_learner_still_reviewing_at_seven_days_is_refreshed_when_they_come_to_wait(broker, clock) -> None:
    submitted(broker, "ann")  # ann never reviews in her first week
    clock.now = START + timedelta(days=3)
    submitted(broker, "bob")
    broker.work_until(START + WEEK + timedelta(hours=1))
    assert status("ann") == "peer"
    snapshot = ProblemSnapshot.objects.get(item_id="item-1")
    assert snapshot.refresh_due_at == START + timedelta(days=3) + WEEK + overdue.MARGIN  # bob's turn next

    clock.now = START + timedelta(days=8)
    submitted(broker, "cat")
    reviews("ann", 2)  # now she waits, already past seven days
    assert status("ann") == "waiting"
    assert overdue.on_view(problem(), "item-1", Workflow.objects.get(student_id="anon-ann"))
    assert status("ann") == "staff"


def test_the_command_sweeps_every_problem_for_cron(clock, django_capture_on_commit_callbacks) -> None:
    for name in ("ann", "bob", "cat"):
        submitted(django_capture_on_commit_callbacks, name)
    submitted(django_capture_on_commit_callbacks, "dan", item="item-2")
    reviews("ann", 2)  # ann waits, reviewed by bob below: flexible grading will do
    reviews("bob", 1)
    Workflow.objects.filter(student_id="anon-dan").update(status="waiting", peers_assessed=2)  # nobody reviewed
    clock.now = START + WEEK + timedelta(hours=1)
    out = []

    class Out:
        def write(self, text: str) -> None:
            out.append(text)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("ora_refresh_workflows", stdout=Out())

    assert "".join(out).strip() == "1 graded, 1 sent to staff"
    assert (status("ann"), status("dan")) == ("done", "staff")


# Page views alone (Celery eager, no broker: nothing can wait for later)


def body(response) -> dict:
    return json.loads(response.body)


def handler_submit(block, users, name: str) -> None:
    users.as_user(name)
    assert call_handler(block, "submit", {"answers": [f"answer of {name}"]}).status_code == 200


def handler_review(block, users, name: str) -> dict:
    users.as_user(name)
    call_handler(block, "peer_next", {})
    lease = PeerLease.objects.get(reviewer_id=users.user.opt_attrs["edx-platform.anonymous_user_id"], done=False)
    return body(call_handler(block, "peer_assess", {"lease_id": lease.pk, **GOOD}))


@pytest.fixture
def inline(settings, clock):
    """The demo's Celery: tasks run inline and cannot wait, so nothing is scheduled."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    cache.clear()
    return clock


def flexible_block(make_block):
    return make_block(
        scenarios.demo_olx("peer_only.xml").replace(
            'grading_strategy="mean"', 'grading_strategy="mean" enable_flexible_grading="True"'
        )
    )


def test_an_overdue_learner_is_graded_when_they_open_their_page(make_block, users, inline) -> None:
    block = flexible_block(make_block)
    for name in ("ann", "bob", "cat"):
        handler_submit(block, users, name)
    handler_review(block, users, "ann")
    handler_review(block, users, "ann")
    handler_review(block, users, "bob")
    inline.now = START + WEEK + timedelta(minutes=1)
    cache.set(overdue._lazy_key(Workflow.objects.first().item_id), True, 600)  # only her own check may act

    users.as_user("ann")
    html = body(call_handler(block, "render_page", {}))["html"]

    assert "Your response has been graded." in html
    assert Workflow.objects.get(username="ann").status == "done"
    assert not RefreshClock.objects.exists()  # nothing was scheduled: the view did it


def test_any_page_view_refreshes_the_problem_when_its_refresh_is_past_due(make_block, users, inline) -> None:
    block = make_block(scenarios.demo_olx("peer_only.xml"))
    for name in ("ann", "bob", "cat"):
        handler_submit(block, users, name)
    handler_review(block, users, "ann")
    handler_review(block, users, "ann")
    inline.now = START + WEEK + overdue.MARGIN + timedelta(minutes=1)
    cache.clear()

    users.as_user("cat")  # cat has reviewed nobody: only the problem-wide check can help ann
    call_handler(block, "render_page", {})

    assert Workflow.objects.get(username="ann").status == "staff"
    snapshot = ProblemSnapshot.objects.get()
    assert snapshot.refresh_due_at is None  # bob and cat are past seven days too: nothing left to plan


def test_the_problem_wide_check_runs_at_most_every_few_minutes(make_block, users, inline) -> None:
    block = make_block(scenarios.demo_olx("peer_only.xml"))
    handler_submit(block, users, "ann")
    inline.now = START + timedelta(hours=1)
    users.as_user("ann")
    key = overdue._lazy_key(Workflow.objects.get().item_id)
    call_handler(block, "render_page", {})  # edx-submissions caches her answer
    cache.delete(key)
    first = _queries(lambda: call_handler(block, "render_page", {}))
    second = _queries(lambda: call_handler(block, "render_page", {}))
    cache.delete(key)  # its timeout, LAZY_EVERY, is over
    third = _queries(lambda: call_handler(block, "render_page", {}))
    assert (first - second, third - second) == (1, 1)  # one indexed query, once in a while


def test_a_page_view_restarts_a_clock_that_died(make_block, users, broker, clock) -> None:
    block = make_block(scenarios.demo_olx("peer_only.xml"))
    for name in ("ann", "bob", "cat"):
        with broker.capture(execute=True):
            handler_submit(block, users, name)
    handler_review(block, users, "ann")
    handler_review(block, users, "ann")
    clock.now = START + timedelta(days=3)
    with broker.capture(execute=True):
        handler_submit(block, users, "dan")  # due in four days more
    broker.queued.clear()  # lost: the clock is dead
    clock.now = START + WEEK + timedelta(hours=1)
    cache.clear()

    users.as_user("bob")
    with broker.capture(execute=True):
        call_handler(block, "render_page", {})

    assert Workflow.objects.get(username="ann").status == "staff"
    assert len(broker.queued) == 1  # running again, for dan


def test_without_the_staff_fallback_a_waiting_learner_is_looked_at_once(make_block, users, inline, settings) -> None:
    settings.ORA_XBLOCK_PEER_STAFF_FALLBACK = False
    block = make_block(scenarios.demo_olx("peer_only.xml"))
    for name in ("ann", "bob", "cat"):
        handler_submit(block, users, name)
    handler_review(block, users, "ann")
    handler_review(block, users, "ann")
    users.as_user("ann")
    inline.now = START + WEEK - timedelta(hours=1)
    call_handler(block, "render_page", {})
    before = _queries(lambda: call_handler(block, "render_page", {}))
    inline.now = START + WEEK + timedelta(hours=1)

    looked = _queries(lambda: call_handler(block, "render_page", {}))
    again = _queries(lambda: call_handler(block, "render_page", {}))

    assert Workflow.objects.get(username="ann").status == "waiting"  # only peers can grade her now
    assert looked > before and again == before


def _queries(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


@pytest.mark.parametrize("learners", [3, 30])
def test_a_learner_page_view_costs_the_same_queries_however_many_learners_wait(
    make_block, users, inline, learners: int, record_property
) -> None:
    block = make_block(scenarios.demo_olx("peer_only.xml"))
    names = [f"learner{number}" for number in range(learners)]
    for name in names:
        handler_submit(block, users, name)
    for name in names:
        handler_review(block, users, name)
        handler_review(block, users, name)
    inline.now = START + timedelta(days=3)
    users.as_user(names[0])
    cache.delete(overdue._lazy_key(Workflow.objects.first().item_id))
    counts = {
        "first_view": _queries(lambda: call_handler(block, "render_page", {})),
        "view": _queries(lambda: call_handler(block, "render_page", {})),
    }
    record_property("query_counts", counts)
    assert counts == {"first_view": counts["view"] + 1, "view": counts["view"]}
    assert counts["view"] == VIEW_QUERIES


# Savepoint, workflow (with its appeal), its assessments, the graded learner's feedback on them (issue 14, item 6),
# when their appeal window closes (issue 18: the last assessment that made the grade), release (edx-submissions
# caches the answer).
VIEW_QUERIES = 6


def test_staff_viewing_as_an_overdue_learner_change_nothing_and_the_learner_is_refreshed_on_their_own_view(
    inline,
) -> None:
    in_course = lms.Problem(scenarios.demo_olx("peer_only.xml"))
    bob, staff = lms.account("bob"), lms.account("sam", staff=True)
    with lms.request_by(bob):
        assert call_handler(lms.lms_block(in_course, bob), "submit", {"answers": ["Bob's words"]}).status_code == 200
    Workflow.objects.update(status="waiting", peers_assessed=2)  # his part done; nobody reviewed him
    inline.now = START + WEEK + timedelta(hours=1)

    with lms.request_by(staff):
        call_handler(lms.lms_block(in_course, lms.masquerade_as(staff, "bob")), "render_page", {})
    assert status_of("bob") == "waiting"  # looking as bob writes nothing, not even the refresh

    with lms.request_by(bob):
        call_handler(lms.lms_block(in_course, bob), "render_page", {})
    assert status_of("bob") == "staff"


def status_of(username: str) -> str:
    return Workflow.objects.get(username=username).status
