"""Reviewers graded on their accuracy: their own feedback in plain words, staff's record, gradebook column, least
reliable list and data report column (the rows are made here as the calibration pass stores them)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ora_xblock import scenarios
from ora_xblock.definition import load_olx
from ora_xblock.models import Assessment, ReviewerAccuracy, Workflow
from ora_xblock.presenters.accuracy import CLOSE, feedback_view, verdict
from ora_xblock.services import accuracy, report_rows
from ora_xblock.services.accuracy import Standing
from tests.conftest import call_handler
from tests.host.lms import Problem, account, anonymous_id_for_user, lms_block, masquerade_as, request_by
from tests.integration import staff_world
from tests.integration.staff_world import PEER_ONLY, peer_review, submit_all

pytestmark = pytest.mark.django_db

OLX = scenarios.demo_olx("peer_only.xml")
CALIBRATED = OLX.replace('grading_strategy="mean"', 'grading_strategy="calibrated" accuracy_weight="10"')
NOW = datetime(2026, 3, 2, tzinfo=UTC)
DEFINITION = load_olx(
    CALIBRATED.replace("<ora_xblock", "<openassessment").replace("</ora_xblock>", "</openassessment>")
)
CLOSE_ON_USERS = {"reviews": 5, "bias": 0.1, "error": 0.2, "score": 93}
LENIENT = {"reviews": 5, "bias": 1.2, "error": 1.4, "score": 53}
HARSH = {"reviews": 5, "bias": -1.0, "error": 1.2, "score": 60}
APART = {"reviews": 5, "bias": 0.2, "error": 1.5, "score": 50}


def measure(item_id: str, reviewer_id: str, score: int, reviews: int = 5, criteria: dict | None = None) -> None:
    criteria = criteria or {"Users": {**CLOSE_ON_USERS, "score": score}}
    ReviewerAccuracy.objects.create(
        item_id=item_id, reviewer_id=reviewer_id, score=score, reviews=reviews, criteria=criteria, updated_at=NOW
    )


def html(response) -> str:
    assert response.status_code == 200, response.body
    return json.loads(response.body)["html"]


@pytest.fixture
def problem(make_block, users):
    """A calibrated peer problem (accuracy counts for 10%) where alice and bob submitted; the viewer is alice."""
    block = make_block(CALIBRATED)
    for name in ("alice", "bob"):
        users.as_user(name)
        assert call_handler(block, "submit", {"answers": [f"a bus shelter, says {name}"]}).status_code == 200
    block.runtime.handler_url = lambda block, name, suffix="", *args, **kwargs: f"/handler/{name}/{suffix}"
    return block


def item_of(username: str = "alice") -> str:
    return Workflow.objects.get(username=username).item_id


def student_of(username: str) -> str:
    return Workflow.objects.get(username=username).student_id


@pytest.mark.parametrize(
    ("measured", "expected"),
    [(CLOSE_ON_USERS, "close"), (LENIENT, "lenient"), (HARSH, "harsh"), (APART, "apart")],
)
def test_each_criterion_gets_one_verdict_from_its_score_bias_and_error(measured: dict, expected: str) -> None:
    assert verdict(measured) == expected
    assert verdict({**measured, "score": CLOSE}) == "close"  # close wins whatever the bias


def test_the_reviewer_reads_one_sentence_per_verdict_in_the_rubrics_order() -> None:
    standing = Standing("r", 73, 5, {"Feasibility": LENIENT, "Users": CLOSE_ON_USERS})
    shown = feedback_view(standing, DEFINITION, lambda text: text)
    assert shown == {
        "score": 73,
        "reviews": 5,
        "sentences": [
            "Your reviews were close to the consensus on: Users.",
            "Your reviews were more lenient than the consensus on: Feasibility.",
        ],
    }
    harsh = feedback_view(Standing("r", 55, 5, {"Users": HARSH, "Feasibility": APART}), DEFINITION, str)
    assert harsh is not None and harsh["sentences"] == [
        "Your reviews were harsher than the consensus on: Users.",
        "Your reviews were often far from the consensus, in both directions, on: Feasibility.",
    ]
    assert feedback_view(None, DEFINITION, str) is None


def test_the_reviewer_sees_their_own_accuracy_and_its_weight_and_nobody_elses(problem, users) -> None:
    measure(item_of(), student_of("alice"), 73, criteria={"Users": CLOSE_ON_USERS, "Feasibility": LENIENT})
    measure(item_of(), student_of("bob"), 12)
    users.as_user("alice")
    with CaptureQueriesContext(connection) as queries:
        page = html(call_handler(problem, "render_page", {}))
    assert sum("revieweraccuracy" in query["sql"].lower() for query in queries.captured_queries) == 1
    assert "Your accuracy as a reviewer: 73 out of 100, over 5 reviews." in page
    assert "Your reviews were close to the consensus on: Users." in page
    assert "Your reviews were more lenient than the consensus on: Feasibility." in page
    assert "counts for 10% of your grade" in page
    assert "bob" not in page and "12 out of 100" not in page


def test_before_being_measured_the_reviewer_reads_only_the_weight(problem, users) -> None:
    users.as_user("alice")
    page = html(call_handler(problem, "render_page", {}))
    assert "counts for 10% of your grade" in page and "Your accuracy as a reviewer" not in page


def test_a_problem_that_does_not_calibrate_says_nothing_and_reads_no_accuracy(make_block, users) -> None:
    block = make_block(OLX)
    users.as_user("alice")
    call_handler(block, "submit", {"answers": ["a bench"]})
    measure(item_of(), student_of("alice"), 73)  # a stale row, from when the problem calibrated
    with CaptureQueriesContext(connection) as queries:
        page = html(call_handler(block, "render_page", {}))
    assert "Your reviews" not in page
    assert not any("revieweraccuracy" in query["sql"].lower() for query in queries.captured_queries)


@pytest.mark.databases
def test_staff_read_a_learners_accuracy_in_their_record_at_no_extra_query(problem, users) -> None:
    users.as_user("staff", staff=True)
    call_handler(problem, "staff_learner", {"student_id": student_of("alice")})  # what is read once is read
    with CaptureQueriesContext(connection) as unmeasured:
        before = html(call_handler(problem, "staff_learner", {"student_id": student_of("alice")}))
    assert "Accuracy as a reviewer" not in before
    measure(item_of(), student_of("alice"), 73, reviews=6, criteria={"Users": CLOSE_ON_USERS, "Feasibility": LENIENT})
    with CaptureQueriesContext(connection) as measured:
        record = html(call_handler(problem, "staff_learner", {"student_id": student_of("alice")}))
    assert len(measured) == len(unmeasured)
    assert "Accuracy as a reviewer" in record and "73 out of 100, over 6 reviews." in record
    assert '<th scope="row">Feasibility</th><td>53</td><td>more lenient</td><td>+1.2</td><td>1.4</td>' in record
    assert '<th scope="row">Users</th><td>93</td><td>close</td><td>+0.1</td><td>0.2</td>' in record


def gradebook_queries(block) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        page = html(call_handler(block, "staff_gradebook", {}))
    return len(queries), page


@pytest.mark.databases
def test_the_gradebook_has_an_accuracy_column_blank_when_unmeasured_in_constant_queries(problem, users) -> None:
    measure(item_of(), student_of("alice"), 73)
    users.as_user("staff", staff=True)
    few, page = gradebook_queries(problem)
    assert '<th scope="col">Accuracy</th>' in page
    rows = page.split("<tbody>")[1].split("</tr>")
    assert "<td>73</td>" in rows[0] and "alice" in rows[0]
    assert "bob" in rows[1] and "<td></td>" in rows[1]
    for name in ("cal", "dee", "eve", "fay", "gus"):
        users.as_user(name)
        call_handler(problem, "submit", {"answers": [f"a bus shelter, says {name}"]})
        measure(item_of(), student_of(name), 50)
    users.as_user("staff", staff=True)
    many, page = gradebook_queries(problem)
    assert many == few and page.count("<td>50</td>") == 5


@pytest.mark.databases
def test_the_least_reliable_are_lowest_first_with_at_least_three_reviews_and_ten_at_most() -> None:
    item = "block-v1:x+y+z+type@ora_xblock+block@one"
    measure(item, "few-reviews", 5, reviews=2)  # the worst, but on too few reviews
    for number in range(12):
        measure(item, f"r{number:02}", 90 - 5 * number, reviews=3 + number)
    measure(item, "tie-a", 35, reviews=4)
    measure("another-problem", "elsewhere", 1, reviews=9)
    with CaptureQueriesContext(connection) as queries:
        found = accuracy.least_reliable(item)
    assert len(queries) == 1
    assert [(item.reviewer_id, item.score) for item in found] == [
        ("r11", 35),
        ("tie-a", 35),
        ("r10", 40),
        ("r09", 45),
        ("r08", 50),
        ("r07", 55),
        ("r06", 60),
        ("r05", 65),
        ("r04", 70),
        ("r03", 75),
    ]


def overview_queries(block) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        page = html(call_handler(block, "staff_overview", {}))
    return len(queries), page


def test_the_staff_area_lists_the_least_reliable_reviewers_with_their_records_in_constant_queries(
    problem, users
) -> None:
    users.as_user("staff", staff=True)
    _, empty = overview_queries(problem)
    assert "Least reliable reviewers" in empty and "No reviewer has been measured" in empty
    measure(item_of(), student_of("bob"), 41)
    measure(item_of(), student_of("alice"), 62)
    few, page = overview_queries(problem)
    listed = page.split("Least reliable reviewers")[1]
    assert listed.index("bob") < listed.index("alice")
    assert json.dumps({"student_id": student_of("bob")}).replace('"', "&#34;") in listed  # opens bob's record
    for name in ("cal", "dee", "eve", "fay"):
        users.as_user(name)
        call_handler(problem, "submit", {"answers": ["a bench"]})
        measure(item_of(), student_of(name), 70)
    users.as_user("staff", staff=True)
    many, page = overview_queries(problem)
    assert many == few and page.split("Least reliable reviewers")[1].count("<td>70</td>") == 4


@pytest.mark.parametrize("handler", ["staff_overview", "staff_learner", "staff_gradebook"])
def test_a_learner_gets_no_ones_accuracy_from_the_staff_handlers(problem, users, handler: str) -> None:
    measure(item_of(), student_of("bob"), 41)
    users.as_user("alice")
    response = call_handler(problem, handler, {"student_id": student_of("bob")})
    assert response.status_code == 403
    assert "41" not in response.body.decode()


def test_staff_viewing_as_a_reviewer_read_their_feedback_and_change_nothing() -> None:
    problem = Problem(CALIBRATED)
    bob = account("bob")
    with request_by(bob):
        assert call_handler(lms_block(problem, bob), "submit", {"answers": ["Bob's bench"]}).status_code == 200
    measure(item_of("bob"), anonymous_id_for_user(bob), 58, criteria={"Users": HARSH})
    before = list(ReviewerAccuracy.objects.values_list("reviewer_id", "score", "reviews", "criteria", "updated_at"))
    staff = account("sam", staff=True)
    with request_by(staff):
        block = lms_block(problem, masquerade_as(staff, "bob"))
        page = html(call_handler(block, "render_page", {}))
        refused = call_handler(block, "peer_assess", {"lease_id": 1, "options_selected": {}})
    assert "Your reviews were harsher than the consensus on: Users." in page
    assert refused.status_code == 403
    assert list(ReviewerAccuracy.objects.values_list("reviewer_id", "score", "reviews", "criteria", "updated_at")) == (
        before
    )
    assert Assessment.objects.count() == 0


@pytest.mark.databases
def test_the_data_report_gives_each_assessors_accuracy_blank_when_unmeasured() -> None:
    submit_all("ann", "bob", "cat", definition=PEER_ONLY)
    peer_review("ann")
    peer_review("bob")
    measure(staff_world.ITEM, "anon-ann", 64)
    header = report_rows.data_header(PEER_ONLY)
    assert header.index("assessor_accuracy") == header.index("assessor_id") + 1
    found = [dict(zip(header, row, strict=True)) for row in report_rows.data_rows(PEER_ONLY, staff_world.ITEM)]
    assert sorted((row["assessor_id"], row["assessor_accuracy"]) for row in found) == [
        ("anon-ann", 64),
        ("anon-bob", ""),
    ]


def graded_by_peers(first: int, last: int) -> None:
    """Learners ``first`` to ``last - 1``, each graded by three peer reviews (rows made directly) and measured as
    a reviewer."""
    parts = [
        {"criterion": "Users", "option": "Partly", "points": 2},
        {"criterion": "Feasibility", "option": "Plausible", "points": 2},
    ]
    for number in range(first, last):
        workflow = Workflow.objects.create(
            course_id="course-v1:Org+Accuracy+2026", item_id="item-weighted", student_id=f"learner{number}",
            username=f"learner{number}", submission_uuid=f"uuid-{number}", status="done", submitted_at=NOW,
            updated_at=NOW,
        )  # fmt: skip
        Assessment.objects.bulk_create(
            Assessment(workflow=workflow, kind="peer", scorer_id=f"peer{peer}", parts=parts, points_earned=4,
                       points_possible=6, created_at=NOW)
            for peer in range(3)
        )  # fmt: skip
        measure("item-weighted", workflow.student_id, 90)


def test_grading_by_accuracy_reads_no_accuracy_per_learner_in_the_gradebook_and_the_grade_report() -> None:
    from ora_xblock.services import gradebook
    from ora_xblock.services.common import Problem as Served

    problem = Served(DEFINITION, NOW)

    def counted() -> tuple[int, int, list]:
        with CaptureQueriesContext(connection) as book:
            found = gradebook.page(problem, "item-weighted")
        with CaptureQueriesContext(connection) as report:
            list(report_rows.grade_rows(problem, "item-weighted"))
        return len(book), len(report), found.rows

    graded_by_peers(0, 2)
    few = counted()
    graded_by_peers(2, 7)
    many = counted()
    assert many[:2] == few[:2]
    assert all(row.criteria == {"Users": 2, "Feasibility": 2} for row in many[2])  # graded, by the rules
