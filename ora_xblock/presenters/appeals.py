"""Appeals of a peer grade as people read them: the learner's form or their appeal's state and decision (inside
their grade), and the same for course staff in the learner's record and the grading queue (docs/appeals.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..definition.errors import N_
from ..services.appeals import MAX_REASON
from ..when import Reader

Gettext = Callable[[str], str]

STATES = {
    "open": N_("Waiting for course staff"),
    "upheld": N_("Upheld: your peer grade stands"),
    "regraded": N_("Regraded: course staff graded your response"),
}
STAFF_STATES = {
    "open": N_("Open: waiting for a decision"),
    "upheld": N_("Upheld: the peer grade stands"),
    "regraded": N_("Regraded: a staff grade overrides the peer grade"),
}


def learner_view(appeal: Any, closes: datetime | None, gettext: Gettext, dates: Reader) -> dict[str, Any] | None:
    """The learner's appeal (an ``Appeal``, or None) with its state and staff's reason once decided; else the form
    while the window is open (``closes``), or None when nothing is to be shown."""
    if appeal is None and closes is None:
        return None
    if appeal is None:
        return {"appeal": None, "closes": dates.moment(closes), "max_reason": MAX_REASON}
    return {"appeal": _shown(appeal, STATES, gettext, dates), "closes": None, "max_reason": MAX_REASON}


def staff_view(appeal: Any, gettext: Gettext, dates: Reader) -> dict[str, Any] | None:
    """A learner's appeal as course staff read it (their record, the queue); None without one."""
    return None if appeal is None else _shown(appeal, STAFF_STATES, gettext, dates) | {"max_reason": MAX_REASON}


def _shown(appeal: Any, states: dict[str, str], gettext: Gettext, dates: Reader) -> dict[str, Any]:
    decided = appeal.decided_at is not None
    return {
        "status": appeal.status,
        "state": gettext(states.get(appeal.status, appeal.status)),
        "reason": appeal.reason,
        "when": dates.moment(appeal.created_at),
        "decided_when": dates.moment(appeal.decided_at) if decided else None,
        "decided_by": appeal.decided_by,
        "decision_reason": appeal.decision_reason,
    }
