"""Submitting for a team, joining a team that submitted, and taking the team's response back, through the services.

edx-submissions' own models are read to check what the platform sees: one team submission, one submission per
member linked to it.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta
from functools import partial
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from submissions import api as submissions_api
from submissions import team_api
from submissions.models import Submission, TeamSubmission

from ora_xblock import scenarios
from ora_xblock.definition import load_olx
from ora_xblock.models import Draft, ResponseFile, TeamResponse, Workflow
from ora_xblock.services import files, teams
from ora_xblock.services.assessments import staff_assess
from ora_xblock.services.common import Learner, Problem, Team
from ora_xblock.services.responses import submit, withdraw
from ora_xblock.services.state import learner_state
from tests import samples
from tests.integration.test_team_drafts import AURORA, ITEM, LAB, NOW, at, learner, refused, save, storage_root

__all__ = ["storage_root"]  # the fixture, shared
pytestmark = pytest.mark.django_db
GOOD = {"options_selected": {"Method": "Yes", "Findings": "Partly"}}  # 15 of 20
RESUBMITTABLE = load_olx(
    scenarios.resource_text("scenarios/staff_only.xml").replace(
        "<openassessment", '<openassessment allow_learner_resubmissions="true"', 1
    )
)
PNG = samples.sized("png", 208)


def submitting(name: str) -> Learner:
    """The member as the block gives them, with their platform user (a team submission names its submitter)."""
    user = get_user_model().objects.create(username=name)
    return replace(learner(name), user_id=user.pk)


def submit_for(team: Team, name: str, answers: list, revisions: list[int], minutes: float = 0, definition=LAB):
    problem = Problem(definition, NOW + timedelta(minutes=minutes))
    return teams.submit_team(problem, submitting(name), team, answers, revisions)


def test_one_member_submits_for_the_team_and_every_member_gets_a_submission_and_a_workflow(storage_root) -> None:
    save("ann", ["Ann's summary", None], [0, 0])
    shared = teams.team_learner(learner("bo"), AURORA)
    png = files.upload(at(), shared, "figure.png", "A figure", io.BytesIO(PNG), len(PNG), files.Limits())

    workflow, made = submit_for(AURORA, "bo", [None, "Bo's changes"], [1, 0], minutes=5)

    team_submission = TeamSubmission.objects.get()
    assert (team_submission.team_id, str(team_submission.uuid)) == ("aurora", made["team_submission_uuid"])
    assert team_submission.submitted_by.username == "bo"
    submissions = Submission.objects.filter(team_submission=team_submission)
    assert sorted(submissions.values_list("student_item__student_id", flat=True)) == ["anon-ann", "anon-bo", "anon-cy"]
    assert {str(uuid) for uuid in submissions.values_list("uuid", flat=True)} == {
        str(uuid) for uuid in made["submission_uuids"]
    }
    answer = submissions.first().answer
    assert [part["text"] for part in answer["parts"]] == ["Ann's summary", "Bo's changes"]
    assert (answer["file_keys"], answer["files_names"]) == ([png.key], ["figure.png"])

    response = TeamResponse.objects.get()
    assert (response.team_name, response.submitter_id, response.submitted_by_username) == (
        "Team Aurora",
        "anon-bo",
        "bo",
    )
    assert response.team_submission_uuid == made["team_submission_uuid"]
    rows = teams.member_rows(response)
    assert [(row.username, row.shares_response, row.status) for row in rows] == [
        ("ann", True, "staff"),
        ("bo", False, "staff"),
        ("cy", True, "staff"),
    ]
    by_member = {str(s.uuid): s.student_item.student_id for s in submissions.select_related("student_item")}
    assert all(by_member[row.submission_uuid] == row.student_id for row in rows)
    assert teams.submitter_of(response) == workflow
    assert teams.response_of(rows[0]) == response
    assert not Draft.objects.exists()
    assert ResponseFile.objects.get().workflow == workflow
    assert files.submitted_files(rows[0]) == [png]  # a sharing member sees the team's files
    assert files.for_download(ITEM, png.pk, "anon-cy", False, NOW) == png  # in the response they share
    ann = learner_state(at(6), learner("ann"), AURORA)
    assert (ann.submitted, ann.answers, ann.team_draft) == (True, ["Ann's summary", "Bo's changes"], None)


def test_members_who_answered_with_another_team_are_left_out(storage_root) -> None:
    old = Team("old", "Old team", ("anon-cy", "anon-dee"))
    teams.submit_team(at(), learner("dee"), old, ["Old", "Team"], [0, 0])  # a host that gives no user id
    assert TeamSubmission.objects.get().submitted_by is None
    workflow, made = submit_for(AURORA, "ann", ["Ann's", "answer"], [0, 0], minutes=1)
    assert len(made["submission_uuids"]) == 2
    assert sorted(
        Workflow.objects.filter(team_response=workflow.team_response).values_list("student_id", flat=True)
    ) == [
        "anon-ann",
        "anon-bo",
    ]
    cy = Workflow.objects.get(student_id="anon-cy")
    assert teams.response_of(cy).team_name == "Old team"  # their page names the team they answered with
    assert refused(lambda: teams.submit_team(at(2), learner("cy"), AURORA, ["a", "b"], [0, 0])) == (
        "team_already_submitted"
    )
    newer = Team("newer", "Newer team", ("anon-cy", "anon-eve"))
    assert refused(lambda: teams.submit_team(at(2), learner("cy"), newer, ["a", "b"], [0, 0])) == "already_submitted"


def test_refusals_of_a_team_submit_change_nothing(storage_root) -> None:
    save("ann", ["Ann's summary", None], [0, 0])
    assert refused(lambda: submit_for(AURORA, "bo", ["Bo's summary", "x"], [0, 0])) == "team_draft_changed"
    assert refused(lambda: submit_for(AURORA, "bo", ["", ""], [1, 0], definition=_required_text())) == (
        "response_required"
    )
    assert refused(lambda: submit_for(AURORA, "bo", ["a", "b"], [1])) == "bad_request"
    assert not (TeamResponse.objects.exists() or Workflow.objects.exists() or TeamSubmission.objects.exists())
    assert Draft.objects.get().answers == ["Ann's summary", ""]

    submit_for(AURORA, "ann", [None, None], [1, 0], minutes=1)
    assert refused(lambda: submit_for(AURORA, "bo", [None, None], [0, 0], minutes=2)) == "team_already_submitted"
    assert refused(lambda: save("cy", ["late", None], [0, 0])) == "team_already_submitted"
    shared = teams.team_learner(learner("cy"), AURORA)
    late = lambda: files.upload(at(), shared, "late.png", "Late", io.BytesIO(PNG), len(PNG), files.Limits())  # noqa: E731
    assert refused(late) == "team_already_submitted"
    assert TeamSubmission.objects.count() == 1 and not Draft.objects.exists()


def test_the_changed_prompt_and_its_author_are_named() -> None:
    save("ann", [None, "Ann's changes"], [0, 0])
    with pytest.raises(teams.Conflict) as refusal:
        submit_for(AURORA, "bo", [None, "Bo's changes"], [0, 0])
    assert refusal.value.params == {"number": 2, "teammate": "ann"}


def test_a_learner_who_joins_after_the_team_submitted_gets_its_response_and_grade(
    django_capture_on_commit_callbacks,
) -> None:
    workflow, made = submit_for(AURORA, "ann", ["Ann's", "answer"], [0, 0])
    staff_assess(at(10), ITEM, "anon-ann", "anon-staff", GOOD)  # the team's grade, on the submitter's row
    joined = replace(AURORA, member_ids=(*AURORA.member_ids, "anon-dee"), member_names=(*AURORA.member_names, "dee"))
    assert teams.join_submitted(at(20), learner("dee"), Team("borealis", "Borealis", ("anon-dee",))) is None

    with django_capture_on_commit_callbacks(execute=True):
        dee = teams.join_submitted(at(20), learner("dee"), joined)

    assert dee is not None and (dee.shares_response, dee.team_response_id) == (True, workflow.team_response_id)
    assert (dee.status, dee.score_earned, dee.score_possible) == ("done", 15, 20)
    submission = Submission.objects.get(uuid=dee.submission_uuid)
    assert str(submission.team_submission.uuid) == made["team_submission_uuid"]
    assert submission.answer["parts"] == [{"text": "Ann's"}, {"text": "answer"}]
    assert submissions_api.get_score(learner("dee").student_item)["points_earned"] == 15
    assert teams.join_submitted(at(21), learner("dee"), joined) is None  # once
    assert teams.join_submitted(at(21), learner("bo"), joined) is None  # a member already has their row


def _required_text():
    return load_olx(
        scenarios.resource_text("scenarios/staff_only.xml").replace(
            'text_response="optional"', 'text_response="required"'
        )
    )


def test_withdrawing_gives_the_whole_team_its_draft_and_files_back_and_lets_it_submit_again(storage_root) -> None:
    shared = teams.team_learner(learner("ann"), AURORA)
    png = files.upload(at(), shared, "figure.png", "A figure", io.BytesIO(PNG), len(PNG), files.Limits())
    _, made = submit_for(AURORA, "ann", ["Ann's", "answer"], [0, 0], definition=RESUBMITTABLE)

    taken_back = teams.withdraw_team(Problem(RESUBMITTABLE, NOW + timedelta(minutes=5)), learner("bo"))

    assert taken_back == made["team_submission_uuid"]
    assert not (Workflow.objects.exists() or TeamResponse.objects.exists() or TeamSubmission.objects.exists())
    assert not Submission.objects.exists()  # set aside (edx-submissions' soft delete), so none counts for another
    assert teams.team_draft(at(), learner("cy"), AURORA).texts == ["Ann's", "answer"]
    assert files.draft_files(teams.team_learner(learner("cy"), AURORA)) == [png]
    again, _ = submit_for(AURORA, "cy", [None, "changed"], [1, 1], minutes=6, definition=RESUBMITTABLE)
    assert Workflow.objects.filter(team_response=again.team_response).count() == 3


def test_withdrawing_is_refused_once_graded_or_where_not_allowed() -> None:
    submit_for(AURORA, "ann", ["Ann's", "answer"], [0, 0], definition=RESUBMITTABLE)
    assert refused(lambda: teams.withdraw_team(at(1), learner("ann"))) == "resubmission_not_allowed"
    assert refused(lambda: teams.withdraw_team(Problem(RESUBMITTABLE, NOW), learner("dee"))) == "not_submitted"
    staff_assess(at(10), ITEM, "anon-ann", "anon-staff", GOOD)
    assert refused(lambda: teams.withdraw_team(Problem(RESUBMITTABLE, NOW), learner("cy"))) == "already_assessed"
    assert Workflow.objects.count() == 3


def test_a_learners_withdraw_returns_their_files_to_the_draft(storage_root) -> None:
    problem = Problem(RESUBMITTABLE, NOW)
    png = files.upload(problem, learner("eve"), "figure.png", "A figure", io.BytesIO(PNG), len(PNG), files.Limits())
    submit(problem, learner("eve"), ["Eve's", "answer"])
    withdraw(problem, learner("eve"))
    assert files.draft_files(learner("eve")) == [png]


def ours(action) -> int:
    """The queries of ``action`` but those edx-submissions' team API runs (one submission and student item per
    member, with their savepoints, by contract); our one query of its submissions table is counted."""
    inside = []
    create = team_api.create_submission_for_team

    def measured(*args, **kwargs):
        before = len(captured)
        try:
            return create(*args, **kwargs)
        finally:
            inside.append(len(captured) - before)

    with (
        CaptureQueriesContext(connection) as captured,
        mock.patch.object(team_api, "create_submission_for_team", measured),
    ):
        action()
    return len(captured) - sum(inside)


def team_of(size: int, team_id: str) -> Team:
    names = tuple(f"{team_id}{number}" for number in range(size))
    return Team(team_id, team_id, tuple(f"anon-{name}" for name in names), names)


def test_query_counts_do_not_grow_with_the_team_or_the_number_of_teams() -> None:
    counts = {}
    problem = Problem(RESUBMITTABLE, NOW + timedelta(minutes=1))
    for size, team_id in ((2, "small"), (6, "large"), (6, "another")):
        team = team_of(size, team_id)
        first, second, joiner = learner(f"{team_id}0"), submitting(f"{team_id}1"), learner(f"{team_id}-new")
        joined = replace(team, member_ids=(*team.member_ids, joiner.student_id))
        counts[team_id] = (
            ours(partial(teams.save_team_draft, problem, first, team, ["one", None], [0, 0])),  # creates the row
            ours(partial(teams.save_team_draft, problem, second, team, [None, "two"], [1, 0])),
            ours(partial(teams.submit_team, problem, second, team, [None, None], [1, 1])),
            ours(partial(teams.join_submitted, problem, joiner, joined)),
            ours(partial(teams.withdraw_team, problem, first)),
        )
    # withdraw: 20, one of them the members' appeals that go with their workflows (Django's cascade looks for them)
    assert counts["small"] == counts["large"] == counts["another"] == (6, 3, 15, 22, 20), counts
