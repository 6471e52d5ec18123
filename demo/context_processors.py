"""Template context for the persona switcher on workbench pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import scenarios, teams
from .personas import DEFAULT_ID, persona, shown


def personas(request: HttpRequest) -> dict[str, Any]:
    """``personas``: links to the current scenario as each persona, with each learner's team on a team problem;
    ``viewer``: the persona viewing it (any other ``?student=`` is a learner of that name) and ``viewer_team``."""
    match = request.resolver_match
    scenario_id = match.kwargs.get("scenario_id") if match else None
    if not scenario_id:
        return {}
    current = request.GET.get("student") or DEFAULT_ID
    team_problem = teams.is_team_problem(scenarios.load().get(scenario_id))

    def team(p: Any) -> str:
        return teams.team_label(p.user_id) if team_problem and p.role == "learner" else ""

    viewer = persona(current)
    return {
        "viewer": viewer,
        "viewer_team": team(viewer),
        "personas": [
            {"persona": p, "url": p.url(scenario_id), "current": p.user_id == current, "team": team(p)}
            for p in shown(team_problem)
        ],
    }
