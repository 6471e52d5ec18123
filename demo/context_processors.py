"""Template context for the persona switcher on workbench pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .personas import PERSONAS


def personas(request: HttpRequest) -> dict[str, Any]:
    """``personas``: links to the current scenario as each persona, and ``current_persona``."""
    match = request.resolver_match
    scenario_id = match.kwargs.get("scenario_id") if match else None
    if not scenario_id:
        return {}
    current = request.GET.get("student", "")
    return {
        "current_persona": next((p for p in PERSONAS if p.user_id == current), None),
        "personas": [{"persona": p, "url": p.url(scenario_id), "current": p.user_id == current} for p in PERSONAS],
    }
