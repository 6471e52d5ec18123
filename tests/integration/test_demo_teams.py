"""The demo's teams (demo/teams.py): the LMS's ``teams`` and ``teams_configuration`` services as blocks call them,
the user service that finds an account by anonymous id, and what the block's seam (platform.team_of) makes of them."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.http import Http404
from django.test import RequestFactory

from demo import scenarios, teams
from demo.middleware import DEMO_COURSE
from demo.personas import PERSONAS, create_accounts, shown
from demo.services import DemoUserService, anonymous_id
from ora_xblock import platform
from ora_xblock.definition import load_olx
from ora_xblock.scenarios import demo_olx

pytestmark = [pytest.mark.django_db, pytest.mark.urls("demo.urls")]


@pytest.fixture
def accounts() -> dict[str, Any]:
    create_accounts()
    return {user.username: user for user in get_user_model().objects.all()}


def test_each_learner_has_the_team_the_lms_would_give_and_grace_has_none(accounts: dict[str, Any]) -> None:
    service = teams.DemoTeamsService()
    aurora = service.get_team(accounts["alice"], DEMO_COURSE, teams.TEAMSET_ID)
    assert aurora is not None and (aurora.team_id, aurora.name, aurora.topic_id) == (
        "team-aurora",
        "Team Aurora",
        "project-groups",
    )
    assert [user.username for user in aurora.users.all()] == ["alice", "bob", "carol"]
    assert service.get_team(accounts["frank"], DEMO_COURSE, teams.TEAMSET_ID).name == "Team Borealis"
    assert service.get_team(accounts["grace"], DEMO_COURSE, teams.TEAMSET_ID) is None
    assert service.get_team(accounts["alice"], DEMO_COURSE, "another-set") is None
    assert service.get_team(accounts["alice"], "course-v1:other+course+run", teams.TEAMSET_ID) is None
    assert service.get_team_names(DEMO_COURSE, teams.TEAMSET_ID) == {
        "team-aurora": "Team Aurora",
        "team-borealis": "Team Borealis",
    }
    assert service.get_team_by_team_id("team-borealis").name == "Team Borealis"
    assert service.get_team_by_team_id("team-gone") is None
    assert service.get_team_detail_url(aurora) == (f"/courses/{DEMO_COURSE}/teams/#teams/project-groups/team-aurora")


def test_only_a_member_or_course_staff_may_read_a_teams_anonymous_ids(accounts: dict[str, Any]) -> None:
    service = teams.DemoTeamsService()
    aurora = teams.TEAMS[0]
    expected = sorted(anonymous_id(name) for name in ("alice", "bob", "carol"))
    assert service.get_anonymous_user_ids_for_team(accounts["bob"], aurora) == expected
    assert service.get_anonymous_user_ids_for_team(accounts["staff"], aurora) == expected
    with pytest.raises(Exception, match="not permitted"):  # the LMS's api raises a bare Exception too
        service.get_anonymous_user_ids_for_team(accounts["dave"], aurora)


def test_the_course_has_one_team_set_named_project_groups() -> None:
    config = teams.DemoTeamsConfigurationService().get_teams_configuration(DEMO_COURSE)
    assert config.is_enabled
    assert [(t.teamset_id, t.name) for t in config.teamsets] == [("project-groups", "Project groups")]
    assert config.teamsets_by_id["project-groups"].name == "Project groups"
    assert not teams.DemoTeamsConfigurationService().get_teams_configuration("course-v1:x+y+z").teamsets_by_id


def test_the_user_service_finds_an_account_by_its_anonymous_id(accounts: dict[str, Any]) -> None:
    service = DemoUserService()
    assert service.get_user_by_anonymous_id(anonymous_id("carol")) == accounts["carol"]
    assert service.get_user_by_anonymous_id("0" * 32) is None


def test_the_team_problem_offers_the_team_personas_and_other_problems_do_not() -> None:
    everyone = [p.user_id for p in shown(team_problem=True)]
    assert everyone == [p.user_id for p in PERSONAS]
    assert {"erin", "frank", "grace"} <= set(everyone)
    assert not {"erin", "frank", "grace"} & {p.user_id for p in shown(team_problem=False)}
    assert teams.is_team_problem(SimpleNamespace(xml=demo_olx("team_project.xml")))
    assert not teams.is_team_problem(SimpleNamespace(xml=demo_olx("staff_only.xml")))
    assert [teams.team_label(name) for name in ("alice", "erin", "grace")] == [
        "Team Aurora",
        "Team Borealis",
        "no team",
    ]


def test_the_demo_team_problem_is_a_valid_staff_graded_team_problem() -> None:
    definition = load_olx(demo_olx("team_project.xml"))
    assert definition.teams.enabled and definition.teams.teamset_id == teams.TEAMSET_ID
    assert [step.name.value for step in definition.steps] == ["staff-assessment"]


def test_the_block_seam_reads_the_demo_teams(accounts: dict[str, Any]) -> None:
    runtime = SimpleNamespace(
        service=lambda block, name: {
            "teams": teams.DemoTeamsService(),
            "teams_configuration": teams.DemoTeamsConfigurationService(),
            "user": DemoUserService(),
        }[name]
    )
    block = SimpleNamespace(
        runtime=runtime,
        definition=load_olx(demo_olx("team_project.xml")),
        scope_ids=SimpleNamespace(usage_id="demo-team-project"),
    )
    team = platform.team_of(block, platform.Viewer(anonymous_id=anonymous_id("bob"), username="bob"))
    assert team is not None and team.name == "Team Aurora"
    assert sorted(team.member_names) == ["alice", "bob", "carol"]
    assert set(team.member_ids) == {anonymous_id(name) for name in ("alice", "bob", "carol")}
    assert platform.team_of(block, platform.Viewer(anonymous_id=anonymous_id("grace"), username="grace")) is None
    assert platform.teamset_name(block, teams.TEAMSET_ID) == "Project groups"


def _team_problem_id() -> str:
    return next(sid for sid, scenario in scenarios.ora_scenarios() if teams.is_team_problem(scenario))


def test_the_teams_page_opened_from_a_problem_keeps_its_persona_and_problem() -> None:
    """The block's links carry no ``?student=``: the Teams page takes them from the problem page that linked it."""
    problem = _team_problem_id()
    page = f"/courses/{DEMO_COURSE}/teams/"
    referer = f"http://testserver/scenario/{problem}/student_view/?student=grace"
    response = teams.teams_page(RequestFactory().get(page, HTTP_REFERER=referer), DEMO_COURSE)
    assert response.status_code == 302
    assert response["Location"] == f"{page}?{urlencode({'student': 'grace', 'problem': problem})}"


@pytest.mark.parametrize(
    "referer",
    [
        "",  # typed in, or a browser that sends no Referer
        "http://elsewhere.example/scenario/ora_xblock.0/student_view/?student=grace",  # another site
        "http://testserver/?student=grace",  # the demo's home page, not a problem
        "http://testserver/scenario/ora_xblock.0/student_view/",  # a problem seen with no persona
        "http://testserver/no/such/page/?student=grace",
    ],
)
def test_the_teams_page_is_not_redirected_without_a_problem_page_and_persona_to_keep(referer: str) -> None:
    request = RequestFactory().get(f"/courses/{DEMO_COURSE}/teams/", HTTP_REFERER=referer)
    assert teams._problem_page(request) == {}


def test_a_teams_page_with_its_persona_links_back_to_the_problem_as_that_persona(settings: Any) -> None:
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [Path(teams.__file__).parent / "templates"]}]
    problem = _team_problem_id()
    referer = f"http://testserver/scenario/{problem}/student_view/?student=grace"
    query = urlencode({"student": "grace", "problem": problem})
    request = RequestFactory().get(f"/courses/{DEMO_COURSE}/teams/?{query}", HTTP_REFERER=referer)
    response = teams.teams_page(request, DEMO_COURSE)
    assert response.status_code == 200  # not sent round again, though it came from a problem page
    assert (
        f'href="/scenario/{problem}/student_view/?student=grace">Back to the problem</a>' in response.content.decode()
    )
    assert 'href="/?student=grace">Back to the demo' in response.content.decode()
    with pytest.raises(Http404):
        teams.teams_page(request, "course-v1:other+course+run")
