"""The in-block gradebook: filters, search, course team, pages, and a cost that does not grow with learners."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ora_xblock import platform
from ora_xblock.services import gradebook, staff
from ora_xblock.services.gradebook import Filters
from ora_xblock.services.state import learner_state
from ora_xblock.workflow import Status
from tests.integration.staff_world import (
    ANN_STAFF,
    ITEM,
    PEER_FAIR,
    PEER_GOOD,
    PEER_ONLY,
    at,
    learner,
    peer_review,
    refusal,
    self_assess_all,
    submit_all,
)

pytestmark = pytest.mark.django_db

PROBLEM = at(5)


def graded_course() -> None:
    """Zoe and Bob get 5, Amy 3, Cal waits for staff, Dee has not assessed herself, Tam is course staff."""
    submit_all("Zoe", "amy", "Bob", "cal", "dee", "tam")
    self_assess_all("Zoe", "amy", "Bob", "cal", "tam")
    for name, option in (("Zoe", "Convincing"), ("amy", "Stated"), ("Bob", "Convincing"), ("tam", "Unclear")):
        staff.grade(at(2), ITEM, f"anon-{name}", ANN_STAFF, {"options_selected": {"Argument": option}})


def names(page: gradebook.Page) -> list[str]:
    return [row.username for row in page.rows]


def test_rows_are_ordered_by_username_in_any_case_with_per_criterion_scores() -> None:
    graded_course()
    page = gradebook.page(PROBLEM, ITEM, team={"TAM"})
    assert names(page) == ["amy", "Bob", "cal", "dee", "Zoe"]
    amy, _, cal, dee, _ = page.rows
    assert (amy.status, amy.earned, amy.possible, amy.criteria) == (Status.DONE, 3, 5, {"Argument": 3})
    assert (cal.status, cal.earned, cal.criteria) == (Status.STAFF, None, {"Argument": None})
    assert dee.status == Status.SELF and amy.submitted_at < dee.submitted_at
    assert page.total == 5 and page.pages == 1


def test_the_course_team_is_left_out_unless_included() -> None:
    graded_course()
    assert "tam" not in names(gradebook.page(PROBLEM, ITEM, team={"Tam"}))
    assert "tam" not in names(gradebook.page(PROBLEM, ITEM, team={"anon-tam"}))  # or by anonymous id
    assert "tam" in names(gradebook.page(PROBLEM, ITEM, Filters(include_team=True), team={"tam"}))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(status="done"), ["amy", "Bob", "Zoe"]),
        (Filters(status="staff"), ["cal"]),
        (Filters(min_score=4), ["Bob", "Zoe"]),
        (Filters(max_score=3), ["amy"]),
        (Filters(min_score=3, max_score=3), ["amy"]),
        (Filters(search="B"), ["Bob"]),
        (Filters(search=" zO "), ["Zoe"]),
        (Filters(step="staff-assessment"), ["amy", "Bob", "Zoe"]),
        (Filters(step="self-assessment"), []),
    ],
)
def test_filters_and_search(filters: Filters, expected: list[str]) -> None:
    graded_course()
    assert names(gradebook.page(PROBLEM, ITEM, filters, team={"tam"})) == expected


def test_unknown_filters_are_refused() -> None:
    assert refusal(lambda: gradebook.page(PROBLEM, ITEM, Filters(status="lost"))) == ("bad_filter", 400)
    assert refusal(lambda: gradebook.page(PROBLEM, ITEM, Filters(step="peer"))) == ("bad_filter", 400)


def test_pages_are_cut_by_the_database_and_clamped() -> None:
    submit_all(*(f"u{n:02}" for n in range(7)))
    second = gradebook.page(PROBLEM, ITEM, number=2, size=3)
    assert names(second) == ["u03", "u04", "u05"] and (second.total, second.pages) == (7, 3)
    assert names(gradebook.page(PROBLEM, ITEM, number=99, size=3)) == ["u06"]
    assert names(gradebook.page(PROBLEM, ITEM, number=2**63 - 1, size=3)) == ["u06"]  # no integer overflows
    assert gradebook.page(PROBLEM, ITEM, size=1000).size == gradebook.MAX_PAGE_SIZE


def test_peer_scores_per_criterion_are_what_the_learner_sees() -> None:
    submit_all("ann", "bob", "cat", definition=PEER_ONLY)
    for reviewer, data in (("ann", PEER_GOOD), ("bob", PEER_FAIR), ("cat", PEER_GOOD)) * 2:
        peer_review(reviewer, data)  # each reviews the two others

    rows = gradebook.page(at(2, PEER_ONLY), ITEM).rows

    assert [row.status for row in rows] == [Status.DONE] * 3
    for row in rows:
        state = learner_state(at(2, PEER_ONLY), learner(row.username))
        assert row.criteria == {c.name: c.points for c in state.grade.criteria}
        assert row.earned == state.grade.earned
    assert {row.username: row.earned for row in rows} == {"ann": 6, "bob": 6, "cat": 6}  # means of 3 and 2 round up


@pytest.mark.parametrize("learners", [4, 40])
def test_a_page_costs_three_queries_whatever_the_number_of_learners(learners: int) -> None:
    submit_all(*(f"l{n:02}" for n in range(learners)))
    self_assess_all(*(f"l{n:02}" for n in range(learners)))
    for n in range(0, learners, 2):
        staff.grade(at(2), ITEM, f"anon-l{n:02}", ANN_STAFF, {"options_selected": {"Argument": "Stated"}})
    with CaptureQueriesContext(connection) as captured:
        page = gradebook.page(PROBLEM, ITEM, Filters(min_score=0), size=4, team={"l01"})
    assert len(captured) == 3
    assert [row.criteria for row in page.rows] == [{"Argument": 3}] * min(4, learners // 2)


def test_outside_edx_platform_the_course_team_is_unknown() -> None:
    assert platform.course_team("course-v1:Org+Run+2026") == frozenset()
