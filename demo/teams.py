"""The demo course's teams, as the LMS hands them to blocks: its ``teams`` and ``teams_configuration`` services.

Faithful to the platform's interfaces (lms/djangoapps/teams/services.py ``TeamsService``, its api's
``anonymous_user_ids_for_team``, and openedx/core/lib/teams_config.py ``TeamsConfig``), with the course's teams
fixed here instead of the teams app's tables: one team-set, "Project groups", of two teams of three personas;
Grace is in the course but in no team.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse

from . import scenarios
from .middleware import DEMO_COURSE
from .personas import DEFAULT_ID, STAFF_IDS, persona
from .services import anonymous_id

TEAMSET_ID = "project-groups"


@dataclass(frozen=True)
class TeamsetConfig:
    """A team-set (the LMS's ``TeamsetConfig``; "topic" in the teams app)."""

    teamset_id: str
    name: str
    description: str = ""
    teamset_type: str = "public_managed"  # staff put learners in teams; learners cannot switch themselves
    max_team_size: int | None = None


@dataclass(frozen=True)
class TeamsConfig:
    """A course's teams configuration (the LMS's ``TeamsConfig``), as ``get_teams_configuration`` returns it."""

    teamsets: list[TeamsetConfig] = field(default_factory=list)

    @property
    def is_enabled(self) -> bool:
        return bool(self.teamsets)

    @property
    def teamsets_by_id(self) -> dict[str, TeamsetConfig]:
        return {teamset.teamset_id: teamset for teamset in self.teamsets}


@dataclass(frozen=True)
class CourseTeam:
    """A team as the teams app's ``CourseTeam`` model presents it to blocks; ``users`` is a query of its members."""

    team_id: str
    name: str
    usernames: tuple[str, ...]
    course_id: str = DEMO_COURSE
    topic_id: str = TEAMSET_ID
    description: str = ""

    @property
    def users(self) -> Any:
        """The members' accounts (``team.users.all()``, as ora2 reads them)."""
        return get_user_model().objects.filter(username__in=self.usernames).order_by("username")


CONFIGURATION = TeamsConfig(
    [TeamsetConfig(TEAMSET_ID, "Project groups", "The groups that work on the course's team projects.")]
)
TEAMS = (
    CourseTeam("team-aurora", "Team Aurora", ("alice", "bob", "carol")),
    CourseTeam("team-borealis", "Team Borealis", ("dave", "erin", "frank")),
)
NO_TEAM = ("grace",)  # a learner of the course in no team of the team-set


def team_name_of(username: str) -> str | None:
    """The name of ``username``'s team in the demo's team-set, or None."""
    return next((team.name for team in TEAMS if username in team.usernames), None)


class DemoTeamsService:
    """The LMS's ``teams`` service for the demo course."""

    runtime = None

    def get_team(self, user: Any, course_id: Any, topic_id: str) -> CourseTeam | None:
        """``user``'s team in team-set ``topic_id`` of the course, or None (api.get_team_for_user_course_topic)."""
        username = getattr(user, "username", None)
        return next((team for team in _teams(course_id, topic_id) if username in team.usernames), None)

    def get_team_names(self, course_id: Any, topic_id: str) -> dict[str, str]:
        """Each team of the team-set: team id to name."""
        return {team.team_id: team.name for team in _teams(course_id, topic_id)}

    def get_team_by_team_id(self, team_id: str) -> CourseTeam | None:
        return next((team for team in TEAMS if team.team_id == team_id), None)

    def get_teamset(self, course_id: Any, teamset_id: str) -> TeamsetConfig | None:
        return DemoTeamsConfigurationService().get_teams_configuration(course_id).teamsets_by_id.get(teamset_id)

    def get_team_detail_url(self, team: CourseTeam) -> str:
        """The team's page, where the LMS puts it (the teams dashboard's ``#teams/<topic>/<team>``)."""
        return f"{teams_dashboard_url(team.course_id)}#teams/{team.topic_id}/{team.team_id}"

    def get_anonymous_user_ids_for_team(self, user: Any, team: CourseTeam) -> list[str]:
        """The members' anonymous ids, sorted; only a member or course staff may ask (api.anonymous_user_ids_for_team).

        The LMS's raises a bare ``Exception`` when neither; so does this one.
        """
        if not user or not team:
            raise Exception("User and team must be provided for ID lookup")
        username = getattr(user, "username", None)
        if username not in STAFF_IDS and username not in team.usernames:
            raise Exception(f"User {username} is not permitted to access team info for {team.team_id}")
        return sorted(anonymous_id(member) for member in team.usernames)


class DemoTeamsConfigurationService:
    """The LMS's ``teams_configuration`` service: the course's team-sets."""

    runtime = None

    def get_teams_configuration(self, course_id: Any) -> TeamsConfig:
        return CONFIGURATION if str(course_id) == DEMO_COURSE else TeamsConfig()


def teams_dashboard_url(course_id: str) -> str:
    """The course's Teams page, under the LMS's name and path (``teams_dashboard``), which the demo serves."""
    return reverse("teams_dashboard", kwargs={"course_id": course_id})


def _teams(course_id: Any, topic_id: str) -> list[CourseTeam]:
    return [team for team in TEAMS if str(course_id) == team.course_id and topic_id == team.topic_id]


def is_team_problem(scenario: Any) -> bool:
    """Whether a workbench scenario is a team problem of the demo, as its shipped OLX says."""
    return 'teams_enabled="true"' in (getattr(scenario, "xml", "") or "")


def team_label(username: str) -> str:
    """What the demo's persona bar says of a learner's team on a team problem."""
    return team_name_of(username) or "no team"


def teams_page(request: HttpRequest, course_id: str) -> HttpResponse:
    """The course's Teams page, where the LMS has it: each team-set's teams and members, and who is in none.

    The block links here without the demo's ``?student=``: opened from a problem's page, the Teams page is sent
    back to itself with that page's persona and problem (the referring URL, the demo's own), so that it is seen
    as the same person and links back to the problem; the team's ``#teams/...`` fragment survives the redirect.
    """
    if course_id != DEMO_COURSE:
        raise Http404("The demo has one course.")
    student, problem = request.GET.get("student"), request.GET.get("problem")
    if student is None and (came_from := _problem_page(request)):
        return redirect(f"{request.path}?{urlencode(came_from)}")
    back = persona(student or DEFAULT_ID).url(problem) if problem in scenarios.load() else ""
    context = {"teamsets": CONFIGURATION.teamsets, "teams": TEAMS, "no_team": NO_TEAM, "student": student}
    return render(request, "demo/teams.html", {**context, "problem_url": back})


def _problem_page(request: HttpRequest) -> dict[str, str]:
    """``student`` and ``problem`` of the demo problem page that linked here (its Referer), or {}."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.get_host():
        return {}
    try:
        match = resolve(referer.path)
    except Resolver404:
        return {}
    student = parse_qs(referer.query).get("student", [""])[0]
    if match.url_name != "scenario" or not student:
        return {}
    return {"student": student, "problem": match.kwargs["scenario_id"]}
