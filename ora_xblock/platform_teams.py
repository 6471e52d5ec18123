"""The platform's teams, as a team problem sees them (docs/decisions/0031-team-responses.md).

The LMS gives a block two services: ``teams`` (lms/djangoapps/teams/services.py ``TeamsService``) for who is
on which team, and ``teams_configuration`` (xmodule/services.py ``TeamsConfigurationService``) for the course's
team-sets. Hosts without them (Studio, the workbench) have no teams: every call here then answers None or "",
and never raises, so that a page still renders.
"""

from __future__ import annotations

import logging
from typing import Any

from .platform import Viewer, _service, course_id, course_key
from .services.common import Team

log = logging.getLogger(__name__)


def team_of(block: Any, viewer: Viewer) -> Team | None:
    """The viewer's team in the problem's team-set, with its members' anonymous ids and usernames.

    None when the problem is no team problem, the viewer is nobody the platform knows, they have no team in the
    team-set, or the host has no ``teams`` service. Our own queries do not grow with the team (see
    :func:`_usernames`); the platform's ``get_anonymous_user_ids_for_team`` reads each member's id.
    """
    teamset_id = _teamset_id(block)
    service = _service(block, "teams")
    if not teamset_id or service is None or not viewer.anonymous_id:
        return None
    try:
        user = _django_user(block, viewer.anonymous_id)
        found = service.get_team(user, course_id(block), teamset_id) if user is not None else None
        if found is None:
            return None
        ids, members = _members(block, service, user, found)
        return Team(str(found.team_id), str(found.name), ids, members, _detail_url(service, found))
    except Exception:  # the platform's teams may fail in any way; the learner then has no team here
        log.exception("Could not read the team of %s in team-set %s", viewer.anonymous_id, teamset_id)
        return None


def teamset_name(block: Any, teamset_id: str) -> str:
    """The team-set's name as the course's teams configuration gives it, else its id."""
    service = _service(block, "teams_configuration")
    try:
        config = service.get_teams_configuration(_course_key(block)) if service is not None else None
        teamset = (getattr(config, "teamsets_by_id", None) or {}).get(teamset_id)
    except Exception:  # a course without teams, or one the modulestore cannot read
        log.warning("Could not read the teams configuration of %s", course_id(block), exc_info=True)
        teamset = None
    return str(getattr(teamset, "name", "") or teamset_id)


def teams_page_url(block: Any) -> str:
    """The course's Teams tab (lms/djangoapps/teams/urls.py ``teams_dashboard``), where the host routes it."""
    try:
        from django.urls import reverse

        return str(reverse("teams_dashboard", kwargs={"course_id": course_id(block)}))
    except Exception:  # noqa: BLE001 - no teams app in this host (NoReverseMatch), or no Django URLconf at all
        return ""


def _teamset_id(block: Any) -> str:
    teams = block.definition.teams
    return str(teams.teamset_id) if teams.enabled else ""


def _course_key(block: Any) -> Any:
    return course_key(block) or course_id(block)


def _django_user(block: Any, anonymous_id: str) -> Any:
    """The platform's account behind an anonymous id of the course (the ``user`` service's
    ``get_user_by_anonymous_id``, common/djangoapps/xblock_django/user_service.py), or None."""
    find = getattr(_service(block, "user"), "get_user_by_anonymous_id", None)
    return find(anonymous_id) if find is not None else None


def _members(block: Any, service: Any, user: Any, team: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The members' anonymous ids in the course and their usernames, in the same order.

    In the LMS, one query of its ``AnonymousUserId`` table (common/djangoapps/student/models) for the team's
    members, each member's newest row, as ``anonymous_id_for_user`` picks it. A member who has none yet, or a host
    without that table, is read through the platform's own ``get_anonymous_user_ids_for_team`` (which makes the
    missing ids, one query per member) and the usernames through the user service, one member at a time.
    """
    try:
        from common.djangoapps.student.models import AnonymousUserId  # type: ignore[import-not-found]
    except ImportError:
        AnonymousUserId = None  # noqa: N806 - the platform's model, where there is one
    if AnonymousUserId is not None:
        found = _stored_ids(AnonymousUserId, block, team)
        if found is None:  # someone's first visit: the platform makes their id, then the table has everyone's
            service.get_anonymous_user_ids_for_team(user, team)
            found = _stored_ids(AnonymousUserId, block, team)
        if found is not None:
            return tuple(found), tuple(found.values())
    ids = tuple(service.get_anonymous_user_ids_for_team(user, team))
    return ids, tuple(str(getattr(_django_user(block, member), "username", "") or "") for member in ids)


def _stored_ids(table: Any, block: Any, team: Any) -> dict[str, str] | None:
    """Each member's newest anonymous id in the course and their username; None if a member has none yet."""
    rows = table.objects.filter(user__in=team.users.all(), course_id=course_key(block)).order_by("user_id", "-id")
    newest: dict[int, tuple[str, str]] = {}
    for user_id, key, name in rows.values_list("user_id", "anonymous_user_id", "user__username"):
        newest.setdefault(user_id, (str(key), str(name)))
    if len(newest) < team.users.count():
        return None
    return dict(sorted(newest.values()))


def _detail_url(service: Any, team: Any) -> str:
    """The team's page (``get_team_detail_url``), or "" where the host cannot route it."""
    try:
        return str(service.get_team_detail_url(team))
    except Exception:  # noqa: BLE001 - reverse() fails outside the LMS
        return ""
