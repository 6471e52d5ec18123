"""The LMS's teams as a block meets them: the ``teams`` and ``teams_configuration`` services, the user service's
lookup of an account by anonymous id, and the student app's table of anonymous ids.

Each part mirrors a file of openedx-platform (formerly edx-platform), named where it is defined. Teams live here
in memory rather than in the teams app's tables; a member joins or leaves by changing ``usernames``.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from django.contrib.auth import get_user_model
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from ora_xblock.block import OraXBlock

from .lms import COURSE, LmsUserService, Problem, anonymous_id_for_user, lms_block

TEAMS_DASHBOARD = f"/courses/{COURSE}/teams/"  # lms/djangoapps/teams/urls.py ``teams_dashboard``, under lms/urls.py


@dataclass(frozen=True)
class TeamsetConfig:
    """openedx/core/lib/teams_config.py ``TeamsetConfig``: a team-set ("topic" in the teams app)."""

    teamset_id: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class TeamsConfig:
    """openedx/core/lib/teams_config.py ``TeamsConfig``: the course's team-sets, listed and by id."""

    teamsets: tuple[TeamsetConfig, ...] = ()

    @property
    def teamsets_by_id(self) -> dict[str, TeamsetConfig]:
        return {teamset.teamset_id: teamset for teamset in self.teamsets}


@dataclass
class CourseTeam:
    """lms/djangoapps/teams/models.py ``CourseTeam``: ``users`` is its members (a many-to-many through
    ``CourseTeamMembership``), one query to read."""

    team_id: str
    name: str
    topic_id: str
    usernames: list[str]
    course_id: CourseKey = COURSE

    @property
    def users(self) -> Any:
        return _Members(self.usernames)


@dataclass
class _Members:
    usernames: list[str]

    def all(self) -> Any:
        return get_user_model().objects.filter(username__in=list(self.usernames)).order_by("pk")

    def count(self) -> int:
        return int(self.all().count())


@dataclass
class CourseTeams:
    """The course's team-sets and teams, as the teams app keeps them."""

    teamsets: tuple[TeamsetConfig, ...]
    teams: list[CourseTeam] = field(default_factory=list)
    unvisited: set[str] = field(default_factory=set)  # accounts with no anonymous id in the course's table yet

    def services(self) -> dict[str, Any]:
        """What lms/djangoapps/courseware/block_render.py hands a block: ``teams`` and ``teams_configuration``."""
        return {"teams": TeamsService(self), "teams_configuration": TeamsConfigurationService(self)}

    def move(self, username: str, team_id: str | None) -> None:
        """``username`` leaves their team of that team-set (if any) and joins ``team_id`` (None: no team)."""
        target = next((team for team in self.teams if team.team_id == team_id), None)
        for team in self.teams:
            if username in team.usernames and (target is None or team.topic_id == target.topic_id):
                team.usernames.remove(username)
        if target is not None:
            target.usernames.append(username)


class TeamsService:
    """lms/djangoapps/teams/services.py ``TeamsService``, over lms/djangoapps/teams/api.py."""

    def __init__(self, course: CourseTeams):
        self._course = course

    def get_team(self, user: Any, course_id: str, topic_id: str) -> CourseTeam | None:
        """api.get_team_for_user_course_topic: the course id as a string, refused with ValueError if invalid."""
        try:
            course_key = CourseKey.from_string(course_id)
        except InvalidKeyError:
            raise ValueError(f"The supplied course id {course_id} is not valid.") from None
        return next(
            (
                team
                for team in self._course.teams
                if team.course_id == course_key and team.topic_id == topic_id and user.username in team.usernames
            ),
            None,
        )

    def get_team_names(self, course_id: str, topic_id: str) -> dict[str, str]:
        return {team.team_id: team.name for team in self._course.teams if team.topic_id == topic_id}

    def get_team_by_team_id(self, team_id: str) -> CourseTeam | None:
        return next((team for team in self._course.teams if team.team_id == team_id), None)

    def get_team_detail_url(self, team: CourseTeam) -> str:
        """``<teams dashboard url>#teams/<topic_id>/<team_id>``."""
        return f"{TEAMS_DASHBOARD}#teams/{team.topic_id}/{team.team_id}"

    def get_anonymous_user_ids_for_team(self, user: Any, team: CourseTeam) -> list[str]:
        """api.anonymous_user_ids_for_team: the members' ids, sorted (no tie to their names); only a member or
        course staff may ask, others get a bare Exception, as there."""
        if not user or not team:
            raise Exception("User and team must be provided for ID lookup")
        if not user.is_staff and user.username not in team.usernames:
            raise Exception(f"User {user.username} is not permitted to access team info for {team.team_id}")
        members = list(team.users.all())
        self._course.unvisited -= {member.username for member in members}  # anonymous_id_for_user saves each id
        return sorted(anonymous_id_for_user(member) for member in members)


class TeamsConfigurationService:
    """xmodule/services.py ``TeamsConfigurationService``: ``get_teams_configuration(course_id)`` is the course's
    ``teams_configuration`` (a ``TeamsConfig``), read from the modulestore."""

    def __init__(self, course: CourseTeams):
        self._course = course

    def get_teams_configuration(self, course_id: CourseKey) -> TeamsConfig:
        return TeamsConfig(self._course.teamsets) if course_id == COURSE else TeamsConfig()


class TeamsUserService(LmsUserService):
    """common/djangoapps/xblock_django/user_service.py ``DjangoXBlockUserService.get_user_by_anonymous_id``
    (student/models ``user_by_anonymous_id``: the account behind an anonymous id, or None)."""

    def get_user_by_anonymous_id(self, uid: str | None = None) -> Any:
        uid = uid or self._kwargs.get("anonymous_user_id")
        return next((user for user in get_user_model().objects.all() if anonymous_id_for_user(user) == uid), None)


class _AnonymousUserIds:
    """common/djangoapps/student/models ``AnonymousUserId.objects``: a row per account and course (made by
    ``anonymous_id_for_user`` on the account's first visit; here every account has its row, the id lms.py gives),
    read for some accounts in one query."""

    def __init__(self, unvisited: set[str]):
        self._unvisited = unvisited

    def filter(self, user__in: Any, course_id: CourseKey) -> _Rows:
        rows = [(user.pk, anonymous_id_for_user(user, course_id), user.username) for user in user__in]
        return _Rows([row for row in rows if row[2] not in self._unvisited])


@dataclass
class _Rows:
    rows: list[tuple[int, str, str]]

    def order_by(self, *fields: str) -> _Rows:
        return self  # one row per account here

    def values_list(self, *fields: str) -> list[tuple[Any, ...]]:
        columns = ("user_id", "anonymous_user_id", "user__username")
        return [tuple(row[columns.index(name)] for name in fields) for row in self.rows]


@contextmanager
def student_app(course: CourseTeams) -> Iterator[None]:
    """The LMS's ``common.djangoapps.student.models``, importable as in an LMS process, with ``AnonymousUserId``
    (no row for the course's ``unvisited`` accounts)."""
    names = ("common", "common.djangoapps", "common.djangoapps.student", "common.djangoapps.student.models")
    modules = {name: types.ModuleType(name) for name in names}
    modules["common.djangoapps.student.models"].AnonymousUserId = types.SimpleNamespace(
        objects=_AnonymousUserIds(course.unvisited)
    )  # type: ignore[attr-defined]
    with mock.patch.dict(sys.modules, modules):
        yield


def team_block(problem: Problem, user: Any, course: CourseTeams, *, staff: bool = False) -> OraXBlock:
    """``problem`` as the LMS renders it for ``user`` in a course with teams (block_render.py)."""
    return lms_block(problem, user, staff=staff, extra=course.services(), user_service=TeamsUserService)
