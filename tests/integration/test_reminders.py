"""Reminders (docs/notifications.md): a learner who owes peer reviews is reminded before the peer step closes, or
when responses they could review wait and they idle; at most once per problem and day whatever runs it; course
staff get one digest a day per course; each kind has its setting; the cost is flat in the number of learners; and
the clock sleeps when no reminder can fall due."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ora_xblock import notifications, scenarios
from ora_xblock.definition import load_olx
from ora_xblock.models import RefreshClock, Workflow
from ora_xblock.models.notices import Notice
from ora_xblock.services import overdue, reminders
from ora_xblock.services.common import Learner, Problem
from ora_xblock.services.responses import submit
from tests.host import notifications as host
from tests.integration.staff_world import COURSE, ITEM, START, peer_review, self_assess_all, submit_all
from tests.integration.test_refresh_without_beat import PEER, broker, clock  # noqa: F401 - the clock's fixtures
from tests.integration.test_refresh_without_beat import START as CLOCK_START
from tests.integration.test_refresh_without_beat import submitted as submitted_with_clock

pytestmark = pytest.mark.django_db

PEER_OLX = scenarios.resource_text("scenarios/peer_only.xml")  # must grade 2, graded by 2; no due date
PEER_DUE = START + timedelta(hours=60)
DUE_OLX = PEER_OLX.replace('grading_strategy="mean"', f'grading_strategy="mean" due="{PEER_DUE.isoformat()}"')
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def fresh_looks():
    """Each test starts with no look of the hour done (the clock's looks are kept in the cache)."""
    cache.clear()
    yield
    cache.clear()


def owing(*names: str, olx: str = PEER_OLX, item: str = ITEM, course: str = COURSE) -> None:
    """Learners who submitted at START and owe their two reviews; the problem remembered for background work."""
    problem = Problem(load_olx(olx), START)
    for name in names:
        submit(problem, Learner(course, item, f"anon-{name}", username=name), [f"answer of {name}"])
    overdue.remember(problem, item, course, olx)


def reminded(now, everything: bool = True) -> list[str]:
    """Run the reminders at ``now``; the usernames reminded by that run."""
    before = set(Notice.objects.values_list("pk", flat=True))
    reminders.run(now, everything)
    fresh = Notice.objects.filter(kind="peer_reminder").exclude(pk__in=before)
    return sorted(notice.recipient_id.removeprefix("anon-") for notice in fresh)


# Learners who owe reviews


def test_learners_who_owe_reviews_are_reminded_before_the_peer_step_closes() -> None:
    owing("ann", "bob", olx=DUE_OLX)
    assert reminded(START + timedelta(hours=1)) == []  # not idle yet, and the step closes in 59 hours
    assert reminded(PEER_DUE - reminders.BEFORE_DUE - timedelta(minutes=1)) == []
    assert reminded(PEER_DUE - reminders.BEFORE_DUE) == ["ann", "bob"]  # twelve hours after submitting

    notice = Notice.objects.get(recipient_id="anon-ann")
    assert notice.context["content"] == {
        "ora_name": load_olx(DUE_OLX).title,
        "reviews_left": 2,
        "due": PEER_DUE.isoformat(),
    }
    assert notice.context["url"] == f"/courses/{COURSE}/jump_to/{ITEM}"
    assert reminded(PEER_DUE + timedelta(minutes=1)) == []  # closed: too late to remind


def test_an_idle_learner_is_reminded_while_responses_wait_for_their_review() -> None:
    owing("ann", "bob", "cat")
    peer_review("ann", hours=10)  # ann acted at 10h: she is not idle a day later
    assert reminded(START + timedelta(hours=23)) == []
    assert reminded(START + timedelta(hours=25)) == ["bob", "cat"]
    assert reminded(START + timedelta(hours=35)) == ["ann"]


def test_at_most_one_reminder_per_learner_and_problem_a_day_whatever_runs_it() -> None:
    owing("ann", "bob", "cat")
    day_two = START + DAY + timedelta(hours=1)
    assert reminded(day_two, everything=False) == ["ann", "bob", "cat"]  # the clock's look of the hour
    assert reminded(day_two + timedelta(minutes=5), everything=False) == []  # the same hour: not looked again
    assert overdue.refresh_all(day_two + timedelta(hours=2)) is not None  # the sweep (cron, beat)
    assert reminded(day_two + timedelta(hours=3)) == []  # and again
    assert reminded(day_two + DAY) == ["ann", "bob", "cat"]  # the next day
    assert Notice.objects.filter(recipient_id="anon-ann").count() == 2


def test_learners_who_did_their_reviews_or_have_no_username_are_not_reminded() -> None:
    owing("ann", "bob", "cat", "dan")
    Workflow.objects.filter(student_id="anon-dan").update(username="")
    for _ in range(2):
        peer_review("ann")
    assert Workflow.objects.get(student_id="anon-ann").status == "waiting"  # her reviews are done
    assert reminded(START + 2 * DAY) == ["bob", "cat"]


def test_each_setting_turns_its_reminders_off(settings) -> None:
    owing("ann", "bob", "cat", item="peer-item")
    submit_all("eve", "fay")
    self_assess_all("eve", "fay")
    settings.ORA_XBLOCK_PEER_REMINDERS = False
    assert reminders.run(START + 2 * DAY, everything=True) == reminders.Reminded(learners=0, digests=1)
    settings.ORA_XBLOCK_PEER_REMINDERS, settings.ORA_XBLOCK_STAFF_DIGEST = True, False
    assert reminders.run(START + 3 * DAY, everything=True) == reminders.Reminded(learners=3, digests=0)
    assert reminders.next_due(START + 3 * DAY) is not None
    settings.ORA_XBLOCK_PEER_REMINDERS = False
    assert reminders.next_due(START + 3 * DAY) is None  # nothing left that could fall due


# Course staff


def test_course_staff_get_one_digest_a_day_per_course_of_what_waits_for_them() -> None:
    submit_all("eve", "fay")
    self_assess_all("eve", "fay")
    other = "course-v1:Org+Other+2026"
    owing("gus", olx=scenarios.resource_text("scenarios/self_staff.xml"), item="other-item", course=other)
    Workflow.objects.filter(student_id="anon-gus").update(status="staff")

    assert reminders.digest_staff(START + DAY) == 2
    assert reminders.digest_staff(START + DAY + timedelta(hours=5)) == 0
    assert reminders.digest_staff(START + 2 * DAY) == 2
    digest = Notice.objects.filter(kind="staff_digest", course_id=COURSE).earliest("created_at")
    content = digest.context["content"]
    assert (content["ora_name"], content["waiting"], content["grouped"]) == (
        f"{load_olx(scenarios.resource_text('scenarios/self_staff.xml')).title} (2)",
        2,
        True,
    )
    assert digest.recipient_id == ""  # the course's staff, not a learner


def test_reminders_go_to_the_framework_only_where_the_platform_registers_their_type(
    django_capture_on_commit_callbacks,
) -> None:
    owing("ann", "bob", "cat")
    for name in ("ann", "bob", "cat"):
        get_user_model().objects.create(username=name)
    with host.installed(registry=True) as framework, django_capture_on_commit_callbacks(execute=True):
        assert reminded(START + 2 * DAY) == ["ann", "bob", "cat"]
    assert framework.sent == []  # the platform has no reminder type: kept as records, marked sent
    assert not Notice.objects.filter(sent_at__isnull=True).exists()

    with host.installed(registry=False) as framework, django_capture_on_commit_callbacks(execute=True):
        assert reminded(START + 3 * DAY) == ["ann", "bob", "cat"]
    assert {data.notification_type for _, data in framework.sent} == {notifications.REMINDER_TYPE}


@pytest.mark.parametrize("learners", [3, 30])
def test_a_pass_costs_the_same_queries_however_many_learners(learners: int, record_property) -> None:
    owing(*[f"learner{number}" for number in range(learners)], item="peer-item")
    submit_all("eve")
    self_assess_all("eve")
    moment = START + 2 * DAY
    with CaptureQueriesContext(connection) as recording:
        done = reminders.run(moment, everything=True)
    with CaptureQueriesContext(connection) as looking:
        reminders.next_due(moment)
    record_property("queries", {"run": len(recording), "next_due": len(looking)})
    assert done == reminders.Reminded(learners=learners, digests=1)
    # Learners: the batch, their last reviews, its problems' definitions, the responses waiting, the reminders
    # known, the INSERT.
    # Digest: what waits for staff, the problems' titles, the digests known, the INSERT.
    # next_due: the owing learners by problem, their definitions, the responses waiting, the courses with
    # responses for staff, today's digests.
    assert (len(recording), len(looking)) == (10, 5)


# The clock


def test_the_clock_stays_up_for_tomorrows_digest_and_sleeps_once_staff_graded(broker, clock) -> None:  # noqa: F811
    submitted_with_clock(broker, "ann", definition=PEER)
    Workflow.objects.update(status="waiting", peers_assessed=2)  # her part done, as if others had come and gone
    broker.work_until(CLOCK_START + timedelta(days=7, hours=1))
    assert Workflow.objects.get().status == "staff"
    assert Notice.objects.filter(kind="staff_digest").count() == 1  # today's digest
    assert RefreshClock.objects.get().token and len(broker.queued) == 1  # up for tomorrow's

    Workflow.objects.update(status="done")  # staff graded her
    broker.work_until(clock.now + overdue.HOP)
    assert (RefreshClock.objects.get().token, broker.queued) == ("", [])  # asleep: nothing can fall due


def test_next_due_is_when_the_first_learner_can_have_idled_for_a_day() -> None:
    owing("ann", "bob", "cat")
    assert reminders.next_due(START + timedelta(hours=1)) == START + reminders.IDLE
    reminders.run(START + reminders.IDLE, everything=True)
    later = START + reminders.IDLE + timedelta(minutes=30)
    assert reminders.next_due(later) == START + reminders.IDLE + reminders.LOOK_EVERY  # reminded: the next look
    assert reminders.next_due(START + reminders.REMIND_FOR) is None  # too long ago to remind
