"""The team part of the learner's page: the team and its members, the shared draft with who last changed each
prompt, the response submitted for the team, or why a learner in no team cannot answer."""

from __future__ import annotations

from typing import Any

from ..definition.errors import N_
from ..services.common import Team
from ..when import Reader
from ..workflow import Status
from .common import moment

# What comes next on a team problem (staff graded only): always the team's response, never the member's own.
TEAM_WHAT_NEXT = {
    None: N_("Write your team's response below with your teammates; one of you submits it for the whole team."),
    Status.STAFF: N_(
        "Your team's part is done. Course staff will grade your team's response; your grade appears here then."
    ),
    Status.WAITING: N_("Your team's part is done. Your grade appears here once your team's response is graded."),
    Status.DONE: N_("Your team's response has been graded."),
    Status.CANCELLED: N_("Your team's response was removed by course staff, so it will not be graded."),
}


def _team(team: Team) -> dict[str, Any]:
    members = sorted((name for name in team.member_names if name), key=str.lower)
    return {"name": team.name, "url": team.url, "members": members}


def draft_view(team: Team, draft: Any, dates: Reader, me: str) -> dict[str, Any]:
    """Before the team submits: its draft's revision and last author per prompt (``draft``: a ``TeamDraft``), and
    when it was last saved; ``me`` is the reader's username, named "you"."""
    return {
        "kind": "draft",
        **_team(team),
        "me": me,
        "revisions": list(draft.revisions),
        "authors": list(draft.authors),
        "saved_at": moment(draft.saved_at, dates),
    }


def submitted_view(response: Any, team: Team | None, dates: Reader, me: str) -> dict[str, Any]:
    """After the team submitted (``response``: its ``TeamResponse``): who submitted it (whether the reader,
    ``me``), when, for which team; and whether the learner answered with a team other than the one they are on
    now."""
    view = _team(team) if team is not None else {"name": "", "url": "", "members": []}
    return {
        **view,
        "kind": "submitted",
        "response_team": response.team_name,
        "submitted_by": response.submitted_by_username,
        "by_me": bool(me) and response.submitted_by_username == me,
        "submitted_at": moment(response.submitted_at, dates),
        "other_team": team is None or team.team_id != response.team_id,
    }


def no_team_view(teamset: str, teams_page: str) -> dict[str, Any]:
    """A learner in no team of the problem's team-set: the team-set, and where to join a team."""
    return {"kind": "none", "teamset": teamset, "teams_page": teams_page}


def staff_view(teamset: str) -> dict[str, Any]:
    """Course staff in no team of the team-set: they do not answer, learners answer as teams, staff grade."""
    return {"kind": "staff", "teamset": teamset}
