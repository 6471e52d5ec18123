"""Course staff and teams' responses (decision 0031): graded once for every member, overridden for one, reset for
the whole team, listed once in the queue, with the team shown in the record, gradebook, reports and dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from submissions import api as submissions_api
from submissions import team_api
from submissions.models import Submission, TeamSubmission

from ora_xblock import scenarios
from ora_xblock.definition import load_olx
from ora_xblock.models import Assessment, AuditEntry, Draft, PendingReset, ResponseFile, Workflow
from ora_xblock.models.teams import TeamResponse
from ora_xblock.services import course, gradebook, learners, queue, report_rows, staff, teams, top
from ora_xblock.services.common import Problem, Team
from ora_xblock.services.responses import submit
from ora_xblock.workflow import Status
from tests.integration.staff_world import ANN_STAFF, BEN_STAFF, COURSE, ITEM, START, learner, refusal

pytestmark = pytest.mark.django_db

STAFF_ONLY = load_olx(scenarios.resource_text("scenarios/staff_only.xml"))  # Method, Findings: 0/5/10 each
GOOD = {"options_selected": {"Method": "Yes", "Findings": "Partly"}, "overall_feedback": "Clear."}
FAIR = {"options_selected": {"Method": "Mostly", "Findings": "No"}}


def at(hours: float = 1) -> Problem:
    return Problem(STAFF_ONLY, START + timedelta(hours=hours))


def team(*names: str, team_id: str = "t1", hours: float = 0, item: str = ITEM, course: str = COURSE) -> TeamResponse:
    """A team's response submitted by the first of ``names`` for all, as decision 0031 records it: one team
    submission and one submission per member in edx-submissions, a TeamResponse, a workflow per member."""
    members = [learner(name) for name in names]
    user, _ = get_user_model().objects.get_or_create(username=names[0])
    created = team_api.create_submission_for_team(
        course,
        item,
        team_id,
        user.pk,
        [member.student_id for member in members],
        {"parts": [{"text": f"answer of team {team_id}"}]},
        submitted_at=START + timedelta(hours=hours),
        item_type="ora_xblock",
    )
    uuids = {
        submission.student_item.student_id: str(submission.uuid)
        for submission in Submission.objects.filter(team_submission__uuid=created["team_submission_uuid"])
    }
    response = TeamResponse.objects.create(
        course_id=course,
        item_id=item,
        team_id=team_id,
        team_name=f"Team {team_id}",
        team_submission_uuid=created["team_submission_uuid"],
        submitter_id=members[0].student_id,
        submitted_by_username=names[0],
        submitted_at=START + timedelta(hours=hours),
    )
    Workflow.objects.bulk_create(
        Workflow(
            course_id=course,
            item_id=item,
            student_id=member.student_id,
            username=member.username,
            username_lower=member.username.lower(),
            submission_uuid=uuids[member.student_id],
            status=Status.STAFF.value,
            submitted_at=START + timedelta(hours=hours),
            updated_at=START + timedelta(hours=hours),
            team_response=response,
            shares_response=index > 0,
        )
        for index, member in enumerate(members)
    )
    ResponseFile.objects.create(
        item_id=item,
        student_id=f"team:{team_id}",
        workflow=Workflow.objects.get(item_id=item, student_id=members[0].student_id),
        key=f"ora/{team_id}/chart.png",
        name="chart.png",
        size=2000,
        content_type="image/png",
        uploaded_at=START,
        confirmed=True,
        uploaded_by=names[1] if len(names) > 1 else names[0],
    )
    return response


def alone(name: str, hours: float = 0) -> None:
    """A learner who answers the problem alone."""
    submit(at(hours), learner(name), [f"method of {name}", f"change of {name}"])


def score_of(name: str) -> int | None:
    found = submissions_api.get_score(learner(name).student_item)
    return found["points_earned"] if found else None


def rows(*names: str) -> list[tuple[str, str, int | None]]:
    found = Workflow.objects.filter(student_id__in=[f"anon-{name}" for name in names]).order_by("username")
    return list(found.values_list("username", "status", "score_earned"))


def test_grading_any_members_row_grades_the_team_and_every_member_gets_the_score(
    django_capture_on_commit_callbacks,
) -> None:
    team("ann", "bob", "cat")
    with django_capture_on_commit_callbacks(execute=True):
        saved = staff.grade(at(), ITEM, "anon-bob", ANN_STAFF, GOOD)  # from a member's row: the team's grade

    assert saved.workflow.student_id == "anon-ann"  # the submitter's row holds the team's response
    assert rows("ann", "bob", "cat") == [("ann", "done", 15), ("bob", "done", 15), ("cat", "done", 15)]
    assert [score_of(name) for name in ("ann", "bob", "cat")] == [15, 15, 15]
    copies = Assessment.objects.filter(workflow__team_response__isnull=False).values_list("kind", "overall_feedback")
    assert sorted(copies) == [("staff", "Clear.")] * 3
    history = AuditEntry.objects.order_by("student_id").values_list("student_id", "action", "details")
    assert [(who, action, details["scope"]) for who, action, details in history] == [
        ("anon-ann", "grade", "team"),
        ("anon-bob", "grade", "team"),
        ("anon-cat", "grade", "team"),
    ]
    assert not Workflow.objects.filter(publish_due_at__isnull=False).exists()  # every member's score was sent


def team_grade_queries(size: int, team_id: str) -> int:
    names = [f"{team_id}m{n}" for n in range(size)]
    team(*names, team_id=team_id)
    with CaptureQueriesContext(connection) as captured:
        staff.grade(at(), ITEM, f"anon-{names[-1]}", ANN_STAFF, GOOD)  # publication after commit not run here
    return len(captured)


@pytest.mark.databases
def test_a_team_submitted_through_the_team_service_is_graded_reset_and_submits_again(
    django_capture_on_commit_callbacks,
) -> None:
    aurora = Team("aurora", "Aurora", ("anon-ann", "anon-bob", "anon-cat"), ("ann", "bob", "cat"))
    with django_capture_on_commit_callbacks(execute=True):
        teams.submit_team(at(0), learner("ann"), aurora, ["method", "change"], [0, 0])
    with django_capture_on_commit_callbacks(execute=True):
        staff.grade(at(), ITEM, "anon-cat", ANN_STAFF, GOOD)
    assert rows("ann", "bob", "cat") == [("ann", "done", 15), ("bob", "done", 15), ("cat", "done", 15)]
    assert [score_of(name) for name in ("ann", "bob", "cat")] == [15, 15, 15]

    with django_capture_on_commit_callbacks(execute=True):
        gone = staff.reset(COURSE, ITEM, "anon-bob", BEN_STAFF, at(2).now)
    assert sorted(gone) == ["anon-ann", "anon-bob", "anon-cat"]
    assert not Workflow.objects.exists() and [score_of(name) for name in ("ann", "bob", "cat")] == [None] * 3
    with django_capture_on_commit_callbacks(execute=True):
        teams.submit_team(at(3), learner("cat"), aurora, ["again", "again"], [0, 0])
    assert rows("ann", "bob", "cat") == [("ann", "staff", None), ("bob", "staff", None), ("cat", "staff", None)]


@pytest.mark.databases
def test_a_team_grade_costs_the_same_queries_for_teams_of_two_and_six_and_any_number_of_teams(
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        two = team_grade_queries(2, "a")
        six = team_grade_queries(6, "b")
        team("c1", "c2", "c3", team_id="c")
        team("d1", "d2", team_id="d")
        again = team_grade_queries(6, "e")
    # which team (read without a lock), the team's rows locked, the queue's hold, staff_assess (lock, insert,
    # read, save), the hold's release, then the members' assessments, scores and history: one statement each
    assert two == six == again == 11
    alone("dan")
    with CaptureQueriesContext(connection) as captured:
        staff.grade(at(), ITEM, "anon-dan", ANN_STAFF, GOOD)
    # A learner who answered alone: the same less the members' assessments and scores (their history is one insert
    # either way). One more than before teams (8): the read of the learner's team, so that a team's rows are
    # locked together, in one order, on an index
    assert len(captured) == 9
    # after commit: the submitter's publication, and one for all the members (each member's set_score is
    # edx-submissions' own contract, one per member)
    assert len(callbacks) == 6


@pytest.mark.databases
def test_one_member_is_overridden_with_a_reason_and_a_later_team_grade_replaces_it(
    django_capture_on_commit_callbacks,
) -> None:
    team("ann", "bob", "cat")
    # Not before the team has its grade: the response would leave the queue with the others ungraded
    for who in ("anon-ann", "anon-bob"):
        assert refusal(lambda who=who: staff.grade(at(), ITEM, who, BEN_STAFF, FAIR, "why", scope="member")) == (
            "team_not_graded",
            409,
        )
    with django_capture_on_commit_callbacks(execute=True):
        staff.grade(at(), ITEM, "anon-ann", ANN_STAFF, GOOD)
    assert refusal(lambda: staff.grade(at(2), ITEM, "anon-bob", BEN_STAFF, FAIR, scope="member")) == (
        "reason_required",
        400,
    )
    with django_capture_on_commit_callbacks(execute=True):
        staff.grade(at(2), ITEM, "anon-bob", BEN_STAFF, FAIR, reason="bob did not take part", scope="member")
    assert rows("ann", "bob", "cat") == [("ann", "done", 15), ("bob", "done", 5), ("cat", "done", 15)]
    assert [score_of(name) for name in ("ann", "bob", "cat")] == [15, 5, 15]
    last = AuditEntry.objects.filter(student_id="anon-bob").latest("id")
    assert (last.action, last.reason, last.details["scope"]) == ("override", "bob did not take part", "member")

    assert refusal(lambda: staff.grade(at(3), ITEM, "anon-cat", ANN_STAFF, GOOD)) == ("reason_required", 400)
    with django_capture_on_commit_callbacks(execute=True):
        staff.grade(at(3), ITEM, "anon-cat", ANN_STAFF, FAIR, reason="regraded", scope="team")
    assert rows("ann", "bob", "cat") == [("ann", "done", 5), ("bob", "done", 5), ("cat", "done", 5)]
    assert [score_of(name) for name in ("ann", "bob", "cat")] == [5, 5, 5]


def test_a_scope_other_than_team_or_member_is_refused() -> None:
    team("ann", "bob")
    for scope in ("everyone", 3, ["team"]):
        assert refusal(lambda scope=scope: staff.grade(at(), ITEM, "anon-ann", ANN_STAFF, GOOD, scope=scope)) == (
            "bad_scope",
            400,
        )
    assert Workflow.objects.filter(score_earned__isnull=False).count() == 0


def test_a_learner_who_answered_alone_is_graded_as_before_whatever_the_scope(
    django_capture_on_commit_callbacks,
) -> None:
    alone("dan")
    team("ann", "bob")
    with django_capture_on_commit_callbacks(execute=True):
        staff.grade(at(), ITEM, "anon-dan", ANN_STAFF, GOOD, scope="team")
    assert rows("ann", "bob", "dan") == [("ann", "staff", None), ("bob", "staff", None), ("dan", "done", 15)]


@pytest.mark.databases
def test_resetting_one_member_resets_the_whole_team_which_may_submit_again(
    django_capture_on_commit_callbacks,
) -> None:
    response = team("ann", "bob", "cat")
    Draft.objects.create(item_id=ITEM, student_id="team:t1", answers=["left over"], updated_at=START)
    with django_capture_on_commit_callbacks(execute=True):
        staff.grade(at(), ITEM, "anon-ann", ANN_STAFF, GOOD)
    with django_capture_on_commit_callbacks(execute=True):
        staff.reset(COURSE, ITEM, "anon-cat", BEN_STAFF, at(2).now, "start over")

    assert not Workflow.objects.exists() and not TeamResponse.objects.exists()
    assert not ResponseFile.objects.exists() and not Draft.objects.exists()
    assert [score_of(name) for name in ("ann", "bob", "cat")] == [None, None, None]
    assert not PendingReset.objects.exists()  # each member's reset went through after commit
    resets = AuditEntry.objects.filter(action="reset").order_by("student_id").values_list("student_id", "reason")
    assert list(resets) == [("anon-ann", "start over"), ("anon-bob", "start over"), ("anon-cat", "start over")]
    assert not TeamSubmission.objects.filter(uuid=response.team_submission_uuid).exists()  # soft-deleted
    team("ann", "bob", "cat")  # the team submits again
    assert Workflow.objects.filter(team_response__team_id="t1").count() == 3


@pytest.mark.databases
def test_a_team_reset_writes_one_pending_reset_per_member_in_one_statement(
    django_capture_on_commit_callbacks,
) -> None:
    counts = []
    for names, team_id in ((("a1", "a2"), "a"), (tuple(f"b{n}" for n in range(6)), "b")):
        team(*names, team_id=team_id)
        with django_capture_on_commit_callbacks(execute=False), CaptureQueriesContext(connection) as captured:
            staff.reset(COURSE, ITEM, f"anon-{names[0]}", BEN_STAFF, at(2).now)
        counts.append(len(captured))
        assert PendingReset.objects.filter(student_id__in=[f"anon-{name}" for name in names]).count() == len(names)
    assert counts[0] == counts[1]


def test_the_platforms_delete_learner_state_of_a_member_clears_the_team(django_capture_on_commit_callbacks) -> None:
    team("ann", "bob")
    with django_capture_on_commit_callbacks(execute=True):
        staff.grade(at(), ITEM, "anon-ann", ANN_STAFF, GOOD)
    assert staff.clear(COURSE, ITEM, "anon-bob", ANN_STAFF, at(2).now) is True
    assert not Workflow.objects.exists() and not TeamResponse.objects.exists()
    assert [score_of(name) for name in ("ann", "bob")] == [None, None]  # reset within the call


@pytest.mark.databases
def test_the_queue_and_top_responses_hold_a_team_once(django_capture_on_commit_callbacks) -> None:
    team("ann", "bob", "cat")
    team("dan", "eve", team_id="t2", hours=1)
    alone("fay", hours=2)

    turn = queue.next_response(ITEM, ANN_STAFF, at(3).now)
    assert turn.workflow is not None and turn.workflow.student_id == "anon-ann" and turn.remaining == 2
    second = queue.next_response(ITEM, BEN_STAFF, at(3).now)
    assert second.workflow is not None and second.workflow.student_id == "anon-dan"
    with django_capture_on_commit_callbacks(execute=True):
        staff.grade(at(3.1), ITEM, "anon-ann", ANN_STAFF, GOOD, from_queue=True)
    assert len(top.top_responses(at(5), ITEM, 10)) == 1  # the team's response, not one per member


def test_the_record_shows_the_team_its_members_who_submitted_and_the_responses_files() -> None:
    team("ann", "bob", "cat")
    record = learners.record(at(), ITEM, "anon-cat")
    assert record.team is not None and record.team.response.team_name == "Team t1"
    assert [member.username for member in record.team.members] == ["ann", "bob", "cat"]
    assert record.team.submitter is not None and record.team.submitter.username == "ann"
    assert [(item.name, item.uploaded_by) for item in record.files] == [("chart.png", "bob")]
    assert learners.record(at(), ITEM, "anon-ann").team is not None


def test_a_team_members_record_reads_one_query_more_than_a_learners_whatever_the_team_size() -> None:
    alone("dan")
    team("a1", "a2", team_id="a")
    team(*(f"b{n}" for n in range(6)), team_id="b")
    counts = []
    for student_id in ("anon-dan", "anon-a2", "anon-b5"):
        with CaptureQueriesContext(connection) as captured:
            learners.record(at(), ITEM, student_id)
        counts.append(len(captured))
    assert counts[0] + 1 == counts[1] == counts[2]  # the team's members, in one query


def test_gradebook_and_grade_report_name_each_members_team() -> None:
    team("ann", "bob")
    alone("dan")
    book = gradebook.page(at(), ITEM)
    assert [(row.username, row.team) for row in book.rows] == [("ann", "Team t1"), ("bob", "Team t1"), ("dan", "")]
    header = report_rows.grade_header(STAFF_ONLY)
    found = [dict(zip(header, row, strict=True)) for row in report_rows.grade_rows(at(), ITEM)]
    assert [(row["username"], row["team"]) for row in found] == [("ann", "Team t1"), ("bob", "Team t1"), ("dan", "")]


@pytest.mark.databases
def test_the_data_report_names_the_assessed_members_team(django_capture_on_commit_callbacks) -> None:
    team("ann", "bob")
    with django_capture_on_commit_callbacks(execute=True):
        staff.grade(at(), ITEM, "anon-ann", ANN_STAFF, GOOD)
    header = report_rows.data_header(STAFF_ONLY)
    found = [dict(zip(header, row, strict=True)) for row in report_rows.data_rows(STAFF_ONLY, ITEM)]
    assert sorted((row["learner_id"], row["team"]) for row in found) == [
        ("anon-ann", "Team t1"),
        ("anon-bob", "Team t1"),
    ]


@pytest.mark.databases
def test_the_course_dashboard_counts_responses_and_team_responses() -> None:
    team("ann", "bob", "cat")
    team("dan", "eve", team_id="t2")
    alone("fay")
    tally = course.tallies([ITEM])[ITEM]
    assert tally.submitted == 3 and tally.waiting_for_staff == 3  # responses, not the six members' rows
    assert tally.team_responses == 2
