"""Team problems in the LMS (docs/decisions/0031-team-responses.md), through the real handlers in the test host
that gives blocks the platform's ``teams`` and ``teams_configuration`` services (tests/host/teams.py): a shared
draft, one submission for the team, one grade for every member, the learner in no team, a joiner, masquerade."""

from __future__ import annotations

import json
import logging

import pytest
import webob
from submissions import team_api
from submissions.models import Submission

from ora_xblock import platform, scenarios
from ora_xblock.models import Draft, ResponseFile, TeamResponse, Workflow
from tests.conftest import call_handler
from tests.host.lms import (
    Problem,
    account,
    anonymous_id_for_user,
    gradebook_entry,
    lms_block,
    masquerade_as,
    request_by,
)
from tests.host.studio import preview_block, preview_fragment
from tests.host.teams import CourseTeam, CourseTeams, TeamsetConfig, TeamsUserService, student_app, team_block
from tests.samples import png

pytestmark = pytest.mark.django_db

GRADE = {
    "options_selected": {"Proposal": "Concrete", "Estimate": "Rough"},  # 10 + 5 of 20 in team_project.xml
    "criterion_feedback": {},
    "overall_feedback": "A clear plan.",
}


def body(response) -> dict:
    return json.loads(response.body)


@pytest.fixture
def problem() -> Problem:
    return Problem(scenarios.demo_olx("team_project.xml"))


@pytest.fixture
def course() -> CourseTeams:
    for name in ("alice", "bob", "carol", "dave", "erin", "grace"):
        account(name)
    return CourseTeams(
        (TeamsetConfig("project-groups", "Project groups"),),
        [
            CourseTeam("team-aurora", "Team Aurora", "project-groups", ["alice", "bob", "carol"]),
            CourseTeam("team-borealis", "Team Borealis", "project-groups", ["dave", "erin"]),
        ],
    )


@pytest.fixture
def publishing(django_capture_on_commit_callbacks):
    """Run what each request leaves for after its commit, as the LMS's transactions would."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def act(problem: Problem, course: CourseTeams, name: str, handler: str, data: dict, staff: bool = False):
    user = account(name)
    with request_by(user):
        return call_handler(team_block(problem, user, course, staff=staff), handler, data)


def page(problem: Problem, course: CourseTeams, name: str) -> str:
    answer = act(problem, course, name, "render_page", {})
    assert answer.status_code == 200, answer.body
    return str(body(answer)["html"])


def test_members_share_one_draft_and_a_stale_save_is_a_conflict_that_loses_nothing(problem, course) -> None:
    saved = act(problem, course, "alice", "save_draft", {"answers": ["Alice's plan"], "revisions": [0]})
    assert saved.status_code == 200, saved.body
    assert {key: body(saved)[key] for key in ("texts", "revisions", "authors", "conflicts")} == {
        "texts": ["Alice's plan"],
        "revisions": [1],
        "authors": ["alice"],
        "conflicts": [],
    }
    seen = page(problem, course, "bob")
    assert "Alice&#39;s plan" in seen and "Last changed by alice" in seen
    assert "Team Aurora" in seen and "alice, bob, carol" in seen
    assert 'data-ora-revision="1"' in seen

    stale = body(act(problem, course, "carol", "save_draft", {"answers": ["Carol's plan"], "revisions": [0]}))
    assert stale["conflicts"] == [0] and stale["texts"] == ["Alice's plan"] and stale["authors"] == ["alice"]
    kept = body(act(problem, course, "carol", "save_draft", {"answers": ["Carol's plan"], "revisions": [1]}))
    assert (kept["conflicts"], kept["texts"], kept["revisions"], kept["authors"]) == (
        [],
        ["Carol's plan"],
        [2],
        ["carol"],
    )
    assert Draft.objects.get().student_id == "team:team-aurora"  # one draft for the team, nobody's own


def test_one_member_submits_for_the_team_staff_grade_it_once_and_every_member_is_scored(
    problem, course, publishing
) -> None:
    act(problem, course, "alice", "save_draft", {"answers": ["Our plan"], "revisions": [0]})
    submitted = publishing(lambda: act(problem, course, "bob", "submit", {"answers": [None], "revisions": [1]}))
    assert submitted.status_code == 200, submitted.body
    assert body(submitted)["message"] == "Your response was submitted for your team, Team Aurora."
    team_submission = team_api.get_team_submission_for_team(
        str(problem.key.course_key), str(problem.key), "team-aurora"
    )
    assert len(team_submission["submission_uuids"]) == 3  # one submission per member, as the platform reads them

    for name in ("alice", "carol"):
        seen = page(problem, course, name)
        assert "Our plan" in seen and "bob submitted this response for Team Aurora" in seen
        assert "<textarea" not in seen
    again = act(problem, course, "carol", "submit", {"answers": ["Mine"], "revisions": [1]})
    assert again.status_code == 409, again.body

    bob = anonymous_id_for_user(account("bob"))
    graded = publishing(lambda: act(problem, course, "sam", "staff_grade", {"student_id": bob, **GRADE}, staff=True))
    assert graded.status_code == 200, graded.body
    for name in ("alice", "bob", "carol"):
        assert gradebook_entry(problem, account(name)) == (15, 20), name
        assert "Your grade: 15 out of 20" in page(problem, course, name)
    assert gradebook_entry(problem, account("dave")) is None  # another team's member


def upload(problem: Problem, course: CourseTeams, name: str, filename: str):
    user = account(name)
    request = webob.Request.blank("/", method="POST", POST={"file": (filename, png()), "description": "A chart"})
    request.headers["X-CSRFToken"] = "token"
    with request_by(user):
        return team_block(problem, user, course).handle("upload_file", request)


def test_the_files_belong_to_the_team_and_name_who_uploaded_each(problem, course, publishing) -> None:
    assert upload(problem, course, "carol", "chart.png").status_code == 200
    assert "chart.png" in page(problem, course, "alice") and "Uploaded by carol" in page(problem, course, "alice")
    file_id = ResponseFile.objects.get().pk
    with request_by(account("bob")):
        downloaded = team_block(problem, account("bob"), course).handle(
            "download_file", webob.Request.blank("/"), str(file_id)
        )
    assert downloaded.status_code == 200 and downloaded.body == png()
    with request_by(account("dave")):  # another team's member
        refused = team_block(problem, account("dave"), course).handle(
            "download_file", webob.Request.blank("/"), str(file_id)
        )
    assert refused.status_code == 404

    publishing(lambda: act(problem, course, "alice", "submit", {"answers": ["See the chart"], "revisions": [0]}))
    for name in ("bob", "carol"):
        seen = page(problem, course, name)
        uploader = "Uploaded by you, " if name == "carol" else "Uploaded by carol, "
        assert "chart.png" in seen and uploader in seen and "ora-remove-file" not in seen


def test_a_learner_in_no_team_is_refused_and_told_why_and_whom_to_ask(problem, course) -> None:
    for handler, data in (
        ("save_draft", {"answers": ["x"], "revisions": [0]}),
        ("submit", {"answers": ["x"], "revisions": [0]}),
        ("upload_begin", {"filename": "chart.png", "size": 10, "description": "A chart"}),
    ):
        refused = act(problem, course, "grace", handler, data)
        assert refused.status_code == 403, (handler, refused.body)
        error = body(refused)["error"]
        assert error["code"] == "no_team", handler
        assert '"Project groups"' in error["message"] and "Teams page" in error["message"]
        assert "course staff" in error["message"]
    seen = page(problem, course, "grace")
    assert "you are not on a team in it yet" in seen and "ask course staff" in seen
    assert "<textarea" not in seen and "ora-submit" not in seen
    assert not Draft.objects.exists() and not Workflow.objects.exists()


def test_a_learner_who_joins_after_the_team_submitted_gets_its_response_and_grade(problem, course, publishing) -> None:
    publishing(lambda: act(problem, course, "alice", "submit", {"answers": ["Our plan"], "revisions": [0]}))
    alice = anonymous_id_for_user(account("alice"))
    publishing(lambda: act(problem, course, "sam", "staff_grade", {"student_id": alice, **GRADE}, staff=True))
    course.move("grace", "team-aurora")
    seen = publishing(lambda: page(problem, course, "grace"))
    assert "Our plan" in seen and "alice submitted this response for Team Aurora" in seen
    joined = Workflow.objects.get(student_id=anonymous_id_for_user(account("grace")))
    assert joined.shares_response and joined.team_response == TeamResponse.objects.get()
    assert gradebook_entry(problem, account("grace")) == (15, 20)


def test_a_learner_who_changed_team_after_submitting_sees_the_team_they_answered_with(
    problem, course, publishing
) -> None:
    publishing(lambda: act(problem, course, "carol", "submit", {"answers": ["Our plan"], "revisions": [0]}))
    course.move("alice", "team-borealis")
    seen = page(problem, course, "alice")
    assert "Your response was submitted with Team Aurora." in seen and "Team Borealis" in seen


def test_staff_viewing_as_a_member_see_the_team_and_write_nothing(problem, course, publishing) -> None:
    act(problem, course, "alice", "save_draft", {"answers": ["Our plan"], "revisions": [0]})
    staff = account("sam", staff=True)
    with request_by(staff):
        refused = call_handler(
            team_block(problem, masquerade_as(staff, "bob"), course), "save_draft", {"answers": ["x"], "revisions": [1]}
        )
        draft_page = body(call_handler(team_block(problem, masquerade_as(staff, "bob"), course), "render_page", {}))
    assert body(refused)["error"]["code"] == "read_only"
    assert "Our plan" in draft_page["html"] and "Team Aurora" in draft_page["html"]

    publishing(lambda: act(problem, course, "alice", "submit", {"answers": [None], "revisions": [1]}))
    course.move("dave", "team-aurora")  # a joiner: opening the page would give them the response, not staff's look
    before = (Workflow.objects.count(), Submission.objects.count())
    with request_by(staff):
        shown = body(call_handler(team_block(problem, masquerade_as(staff, "dave"), course), "render_page", {}))
    assert "alice submitted this response for Team Aurora" in shown["html"]
    assert (Workflow.objects.count(), Submission.objects.count()) == before


# Each request reads the team: the account by anonymous id, the members' ids, their usernames (3, whatever the size).
PAGE_QUERIES = 9  # the team, the learner's workflow, the team's response, its draft and files, a savepoint (2)
SAVE_QUERIES = 8  # the team, the draft locked, the team's response, the draft written, a savepoint (2)


@pytest.mark.parametrize("size", [3, 6])
def test_a_members_page_and_save_take_as_many_queries_whatever_the_team_size(
    problem, course, size, django_assert_num_queries
) -> None:
    extra = [f"member{number}" for number in range(size - 3)]
    for name in extra:
        account(name)
    course.teams[0].usernames.extend(extra)
    act(problem, course, "alice", "save_draft", {"answers": ["Our plan"], "revisions": [0]})
    bob = account("bob")
    with student_app(course), request_by(bob):
        with django_assert_num_queries(PAGE_QUERIES):
            shown = call_handler(team_block(problem, bob, course), "render_page", {})
        with django_assert_num_queries(SAVE_QUERIES):
            saved = call_handler(
                team_block(problem, bob, course), "save_draft", {"answers": ["Our plan, longer"], "revisions": [1]}
            )
    assert f"member{size - 4}" in body(shown)["html"] if size > 3 else "alice, bob, carol" in body(shown)["html"]
    assert body(saved)["revisions"] == [2]


def test_the_submit_sends_ora2s_team_event_with_the_team_submission(problem, course, publishing) -> None:
    alice = account("alice")
    with request_by(alice):
        block = team_block(problem, alice, course)
        publishing(lambda: call_handler(block, "submit", {"answers": ["Our plan"], "revisions": [0]}))
    (event,) = [data for name, data in block.runtime.published if name == "openassessmentblock.create_team_submission"]
    assert event["submission_uuid"] == TeamResponse.objects.get().team_submission_uuid
    assert event["team_id"] == "team-aurora" and event["answer"]["parts"] == [{"text": "Our plan"}]


def test_any_member_takes_the_teams_response_back_and_every_member_edits_it_again(course, publishing) -> None:
    olx = scenarios.demo_olx("team_project.xml").replace(
        ' teams_enabled="true"', ' teams_enabled="true" allow_learner_resubmissions="true"', 1
    )
    problem = Problem(olx)
    publishing(lambda: act(problem, course, "alice", "submit", {"answers": ["Our plan"], "revisions": [0]}))
    assert "Take back your team&#39;s response to edit it" in page(problem, course, "carol")
    taken = act(problem, course, "carol", "withdraw", {})
    assert taken.status_code == 200, taken.body
    assert not Workflow.objects.exists()
    seen = page(problem, course, "bob")
    assert "<textarea" in seen and "Our plan" in seen
    assert (
        act(problem, course, "bob", "save_draft", {"answers": ["Our better plan"], "revisions": [1]}).status_code == 200
    )


def test_a_host_without_the_teams_service_has_no_team_for_anyone(problem, course, caplog) -> None:
    """Studio's preview and the workbench give no ``teams`` service; a service that fails counts as no team."""
    alice = account("alice")
    with request_by(alice), caplog.at_level(logging.ERROR, logger="ora_xblock.platform_teams"):
        alone = lms_block(problem, alice, user_service=TeamsUserService)
        alone.save()  # the course import's save of the problem's content
        assert platform.team_of(alone, platform.viewer(alone)) is None
        broken = team_block(problem, alice, course)
        broken.runtime._services["teams"].get_team = lambda *args: 1 / 0
        assert platform.team_of(broken, platform.viewer(broken)) is None
        assert platform.teamset_name(alone, "project-groups") == "project-groups"  # no teams_configuration: the id
        assert platform.teamset_name(broken, "project-groups") == "Project groups"
        assert platform.teams_page_url(broken) == ""  # this host routes no teams_dashboard
    assert "Could not read the team" in caplog.text


def test_a_member_with_no_anonymous_id_yet_gets_one_from_the_platform_and_is_named(problem, course) -> None:
    """In the LMS a member who never opened the course has no row in its anonymous id table: the platform's
    ``get_anonymous_user_ids_for_team`` makes them, and the team is read again."""
    course.unvisited.add("carol")
    bob = account("bob")
    with student_app(course), request_by(bob):
        block = team_block(problem, bob, course)
        team = platform.team_of(block, platform.viewer(block))
    assert team is not None and not course.unvisited
    assert dict(zip(team.member_names, team.member_ids, strict=True)) == {
        name: anonymous_id_for_user(account(name)) for name in ("alice", "bob", "carol")
    }


def test_every_member_completes_the_problem_when_the_team_submits(problem, course, publishing) -> None:
    """The platform takes completion only from a learner's own requests: a member gets it on their next visit."""
    publishing(lambda: act(problem, course, "alice", "submit", {"answers": ["Our plan"], "revisions": [0]}))
    carol = account("carol")
    with request_by(carol):
        block = team_block(problem, carol, course)
        call_handler(block, "render_page", {})
        again = team_block(problem, carol, course)
        call_handler(again, "render_page", {})
    assert ("completion", {"completion": 1.0}) in block.runtime.published
    assert problem.student_modules["carol"] == {"has_worked_here": True}  # "Delete learner state" finds her row
    assert not [event for event in again.runtime.published if event[0] == "completion"]


def test_studios_preview_of_a_team_problem_shows_the_form_with_no_team(problem) -> None:
    """Studio's preview gives no teams service and nobody answers there: the learner's form, no team part."""
    author = account("author", staff=True)
    html = preview_fragment(preview_block(problem, author, frozenset({"author"}))).content
    assert "ora-response-form" in html and "ora-team" not in html and "ora-no-team" not in html


def test_a_file_sent_in_pieces_is_its_uploaders_to_continue_and_joins_the_teams_draft(problem, course) -> None:
    data = png()
    begun = body(
        act(
            problem, course, "carol", "upload_begin", {"filename": "c.png", "size": len(data), "description": "A chart"}
        )
    )

    def piece(name: str):
        user = account(name)
        form = {"upload_id": begun["upload_id"], "index": "0", "offset": "0", "piece": ("c.png", data)}
        request = webob.Request.blank("/", method="POST", POST=form)
        request.headers["X-CSRFToken"] = "token"
        with request_by(user):
            return team_block(problem, user, course).handle("upload_piece", request)

    assert piece("alice").status_code == 404  # a teammate cannot continue carol's upload
    assert piece("carol").status_code == 200, piece
    assert act(problem, course, "alice", "upload_finish", {"upload_id": begun["upload_id"]}).status_code == 404
    assert act(problem, course, "carol", "upload_finish", {"upload_id": begun["upload_id"]}).status_code == 200
    added = ResponseFile.objects.get()
    assert (added.student_id, added.uploaded_by) == ("team:team-aurora", "carol")
    assert "c.png" in page(problem, course, "bob")


STAFF_NOTE_QUERIES = 4  # the viewer's team (none), their own workflow (none), a savepoint (2): no draft, no files


def test_course_staff_in_no_team_see_a_note_for_staff_rather_than_the_learners_join_notice(
    problem, course, django_assert_num_queries
) -> None:
    act(problem, course, "alice", "save_draft", {"answers": ["Our plan"], "revisions": [0]})
    grace = account("grace")
    with student_app(course), request_by(grace), django_assert_num_queries(STAFF_NOTE_QUERIES):
        answer = call_handler(team_block(problem, grace, course, staff=True), "render_page", {})
    seen = str(body(answer)["html"])
    assert 'class="ora-notice ora-team-staff"' in seen and "team-set &#34;Project groups&#34;" in seen
    assert "Course staff do not answer team assignments" in seen and "in the staff area" in seen
    assert "ora-no-team" not in seen and "Join a team" not in seen and "ora-response-form" not in seen
    assert 'aria-current="step"' not in seen  # no step of the learners' is the staff member's own
    assert "ora-team-staff" not in page(problem, course, "grace")  # a learner in no team: the join notice
    assert "ora-no-team" in page(problem, course, "grace")


def test_the_page_names_its_reader_you_and_speaks_of_the_teams_response_throughout(problem, course, publishing) -> None:
    act(problem, course, "alice", "save_draft", {"answers": ["Our plan"], "revisions": [0]})
    mine, bobs = page(problem, course, "alice"), page(problem, course, "bob")
    assert "Last changed by you" in mine and "Last changed by alice" not in mine
    assert "Last changed by alice" in bobs and 'data-ora-me="bob"' in bobs
    assert "Your team&#39;s draft was last saved on <time datetime=" in bobs
    assert "Submit your team&#39;s response" in bobs and "Submit your response" not in bobs

    publishing(lambda: act(problem, course, "bob", "submit", {"answers": [None], "revisions": [1]}))
    bobs, carols = page(problem, course, "bob"), page(problem, course, "carol")
    assert "You submitted this response for Team Aurora on <time" in bobs and "bob submitted" not in bobs
    assert "bob submitted this response for Team Aurora on <time" in carols
    assert bobs.count("Course staff will grade your team&#39;s response") == 1
    assert "Your part is done" not in bobs and "grade your response" not in bobs
