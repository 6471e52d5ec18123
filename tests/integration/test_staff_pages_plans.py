"""Staff pages stay flat as a problem grows: every statement of the gradebook's first page, the staff queue's
``next``, submit and a staff grade reads an index (SQLite's ``EXPLAIN QUERY PLAN``: no full scan of a table), the
pages read their rows in the index's order (no sort), and their counts stop at ``COUNT_LIMIT`` ("1000+")."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from ora_xblock import scenarios
from ora_xblock.services import gradebook, queue, staff
from ora_xblock.services.counting import AtLeast
from ora_xblock.services.gradebook import Filters
from ora_xblock.services.responses import submit
from tests.conftest import call_handler
from tests.integration.staff_world import ANN_STAFF, BEN_STAFF, ITEM, at, learner, self_assess_all, submit_all

pytestmark = pytest.mark.django_db

DERIVED = {"CONSTANT ROW", "subquery", "by_status", "by_appeal"}  # rows a statement made itself, not a table
STATED = {"options_selected": {"Argument": "Stated"}}


def plans(action: Callable[[], Any]) -> list[tuple[str, list[str]]]:
    """Each statement ``action`` ran that reads or writes rows, with SQLite's plan for it."""
    seen: list[tuple[str, Any]] = []

    def record(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        action()
    found = []
    for sql, params in seen:
        if sql.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                found.append((sql, [row[-1] for row in cursor.fetchall()]))
    return found


def full_scans(found: list[tuple[str, list[str]]]) -> list[str]:
    """Plan lines that read a whole table (or a whole index of one)."""
    return [line for _sql, plan in found for line in plan if line.startswith("SCAN ") and line[5:] not in DERIVED]


def reading(found: list[tuple[str, list[str]]], pattern: str) -> list[str]:
    """The plan of the one statement matching ``pattern``."""
    (plan,) = [plan for sql, plan in found if re.search(pattern, sql)]
    return plan


@pytest.fixture
def world() -> None:
    """Six learners: three graded by staff, three waiting for staff."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's plans; PostgreSQL's and MariaDB's are in decision 0034")
    names = [f"l{n}" for n in range(6)]
    submit_all(*names)
    self_assess_all(*names)
    for name in names[::2]:
        staff.grade(at(2), ITEM, f"anon-{name}", ANN_STAFF, STATED)


def test_the_gradebooks_first_page_reads_its_rows_in_index_order_and_counts_a_bounded_number(world) -> None:
    found = plans(lambda: gradebook.page(at(5), ITEM, Filters(), team={"anon-l1", "someone"}))
    assert full_scans(found) == []
    rows = reading(found, r'^SELECT "ora_xblock_workflow"\.')
    assert any("USING INDEX ora_gradebook (item_id=?)" in line for line in rows)
    assert not any("TEMP B-TREE" in line for line in rows)
    assert re.search(r"LIMIT 1001\) subquery$", next(sql for sql, _plan in found if "COUNT(*)" in sql))


def test_a_search_reads_the_range_of_usernames_from_the_index(world) -> None:
    found = plans(lambda: gradebook.page(at(5), ITEM, Filters(search="L1"), team={"someone"}))
    assert full_scans(found) == []
    rows = reading(found, r'^SELECT "ora_xblock_workflow"\.')
    assert any("ora_gradebook (item_id=? AND username_lower>? AND username_lower<?)" in line for line in rows)
    assert [row.username for row in gradebook.page(at(5), ITEM, Filters(search="L1")).rows] == ["l1"]


def test_the_queues_next_reads_indexes_only_and_takes_the_oldest_in_index_order(world) -> None:
    found = plans(lambda: queue.next_response(ITEM, BEN_STAFF, at(3).now))
    assert full_scans(found) == []
    assert not [line for _sql, plan in found for line in plan if line.endswith("(item_id=?)")]  # a whole problem
    oldest = reading(found, r'ORDER BY "ora_xblock_workflow"\."submitted_at" ASC')
    assert any("USING INDEX ora_workflow_queue (item_id=? AND status=?)" in line for line in oldest)
    assert not any("TEMP B-TREE" in line for line in oldest)
    counted = reading(found, r"^SELECT \(SELECT COUNT\(\*\)")
    assert any(line.endswith("(item_id=? AND status=?)") for line in counted)  # the waiting by status, not all
    assert any("ora_appeals_open" in line for line in counted)


def test_submit_and_a_staff_grade_read_no_whole_table(world) -> None:
    assert full_scans(plans(lambda: submit(at(3), learner("newcomer"), ["an answer"]))) == []
    assert full_scans(plans(lambda: staff.grade(at(4), ITEM, "anon-l1", BEN_STAFF, STATED))) == []


def test_counts_stop_at_the_limit_and_say_so(world, monkeypatch) -> None:
    monkeypatch.setattr(gradebook, "COUNT_LIMIT", 2)
    monkeypatch.setattr(queue, "COUNT_LIMIT", 2)
    first = gradebook.page(at(5), ITEM, Filters(), size=1)
    assert (first.total, first.pages, str(first.total), str(first.pages)) == (2, 2, "2+", "2+")
    assert isinstance(first.total, AtLeast) and first.rows[0].username == "l0"
    third = gradebook.page(at(5), ITEM, Filters(), number=3, size=1)
    assert (str(third.total), third.rows[0].username) == ("4+", "l2")  # counted from the page's start
    last = gradebook.page(at(5), ITEM, Filters(), number=99, size=1)
    assert (last.total, last.number, last.rows[0].username) == (6, 6, "l5")  # fewer than the limit: exact
    assert str(queue.next_response(ITEM, BEN_STAFF, at(3).now).remaining) == "2+"  # of l1, l3, l5: 2 or more
    queue.release(ITEM, "anon-l1", BEN_STAFF)
    monkeypatch.setattr(queue, "COUNT_LIMIT", 3)
    turn = queue.next_response(ITEM, BEN_STAFF, at(3).now)
    assert (turn.remaining, turn.workflow.username) == (2, "l1")  # within the limit: exact
    assert str(queue.held_among([ITEM], BEN_STAFF, at(3).now).remaining) == "2"


def test_the_staff_area_says_a_count_that_stopped_with_a_plus(make_block, users, monkeypatch) -> None:
    monkeypatch.setattr(gradebook, "COUNT_LIMIT", 2)
    monkeypatch.setattr(queue, "COUNT_LIMIT", 2)
    block = make_block(scenarios.demo_olx("self_staff.xml"))
    for name in ("alice", "bob", "carol"):
        users.as_user(name)
        call_handler(block, "submit", {"answers": [f"uniforms, says {name}"]})
        call_handler(block, "self_assess", STATED)
    users.as_user("staff", staff=True)
    book = json.loads(call_handler(block, "staff_gradebook", {}).body)["html"]
    assert "2+ learners match." in book and "alice" in book and "carol" in book  # the page itself is whole
    turn = json.loads(call_handler(block, "staff_queue_next", {}).body)["html"]
    assert "Response of alice" in turn and "2+ other responses are waiting for staff." in turn
