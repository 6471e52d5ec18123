"""Staff asking the grading queue at the same moment, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import pytest

from ora_xblock.models import StaffLease
from ora_xblock.services import queue, staff
from ora_xblock.services.audit import Actor
from ora_xblock.services.common import Refusal
from ora_xblock.workflow import Status
from tests.concurrency import run_concurrently
from tests.integration.staff_world import ITEM, at, self_assess_all, submit_all

pytestmark = [pytest.mark.databases, pytest.mark.django_db(transaction=True)]

GRADERS = 6
STATED = {"options_selected": {"Argument": "Stated"}}


def grader(number: int) -> Actor:
    return Actor(f"anon-staff-{number}", f"staff{number}")


def test_staff_asking_at_once_never_get_the_same_response() -> None:
    names = [f"l{n}" for n in range(GRADERS + 2)]
    submit_all(*names)
    self_assess_all(*names)

    turns = run_concurrently(lambda i: queue.next_response(ITEM, grader(i), at(2).now), GRADERS)

    assert all(isinstance(turn, queue.Turn) and turn.workflow is not None for turn in turns), turns
    handed = [turn.workflow.student_id for turn in turns]
    assert len(set(handed)) == GRADERS
    assert set(handed) == {f"anon-l{n}" for n in range(GRADERS)}  # the oldest ones
    assert StaffLease.objects.count() == GRADERS
    holders = dict(StaffLease.objects.values_list("workflow__student_id", "holder_id"))
    assert all(holders[turn.workflow.student_id] == grader(i).anonymous_id for i, turn in enumerate(turns))


def test_two_staff_grading_one_response_at_once_grade_it_once() -> None:
    submit_all("ann")
    self_assess_all("ann")
    queue.next_response(ITEM, grader(0), at(2).now)

    results = run_concurrently(
        lambda i: staff.grade(at(2), ITEM, "anon-ann", grader(i % 2), STATED, from_queue=True), 4
    )

    graded = [result for result in results if not isinstance(result, Exception)]
    refused = [result for result in results if isinstance(result, Refusal)]
    assert len(graded) == 1 and graded[0].workflow.status == Status.DONE, results
    # before the grade lands the others meet its hold; after it, nobody holds the response any more
    assert len(refused) == 3 and {r.code for r in refused} <= {"being_graded", "not_held"}
