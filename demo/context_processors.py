"""Template context for the persona switcher on workbench pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .personas import DEFAULT_ID, PERSONAS, persona


def personas(request: HttpRequest) -> dict[str, Any]:
    """``personas``: links to the current scenario as each persona; ``viewer``: the persona viewing it (any other
    ``?student=`` is a learner of that name)."""
    match = request.resolver_match
    scenario_id = match.kwargs.get("scenario_id") if match else None
    if not scenario_id:
        return {}
    current = request.GET.get("student") or DEFAULT_ID
    return {
        "viewer": persona(current),
        "personas": [{"persona": p, "url": p.url(scenario_id), "current": p.user_id == current} for p in PERSONAS],
    }
