"""The team part of the learner's page: the team and its members, the shared draft with who last changed each
prompt, the response submitted for the team, or why a learner in no team cannot answer."""

from __future__ import annotations

from typing import Any

from ..services.common import Team
from ..when import Reader
from .common import moment


def _team(team: Team) -> dict[str, Any]:
    members = sorted((name for name in team.member_names if name), key=str.lower)
    return {"name": team.name, "url": team.url, "members": members}


def draft_view(team: Team, draft: Any, dates: Reader) -> dict[str, Any]:
    """Before the team submits: its draft's revision and last author per prompt (``draft``: a ``TeamDraft``)."""
    return {
        "kind": "draft",
        **_team(team),
        "revisions": list(draft.revisions),
        "authors": list(draft.authors),
        "saved_at": moment(draft.saved_at, dates),
    }


def submitted_view(response: Any, team: Team | None, dates: Reader) -> dict[str, Any]:
    """After the team submitted (``response``: its ``TeamResponse``): who submitted it, when, for which team; and
    whether the learner answered with a team other than the one they are on now."""
    view = _team(team) if team is not None else {"name": "", "url": "", "members": []}
    return {
        **view,
        "kind": "submitted",
        "response_team": response.team_name,
        "submitted_by": response.submitted_by_username,
        "submitted_at": moment(response.submitted_at, dates),
        "other_team": team is None or team.team_id != response.team_id,
    }


def no_team_view(teamset: str, teams_page: str) -> dict[str, Any]:
    """A learner in no team of the problem's team-set: the team-set, and where to join a team."""
    return {"kind": "none", "teamset": teamset, "teams_page": teams_page}
