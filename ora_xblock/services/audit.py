"""The record of what course staff did to a learner's work, kept even when the learner's state is reset."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..models import AuditEntry

GRADE = "grade"
OVERRIDE = "override"
CANCEL = "cancel"
RESET = "reset"
APPEAL = "appeal"  # the learner appealed their peer grade (services/appeals.py)
APPEAL_UPHELD = "appeal_upheld"
APPEAL_REGRADED = "appeal_regraded"


@dataclass(frozen=True)
class Actor:
    """A member of the course team acting in the staff area."""

    anonymous_id: str
    username: str = ""


def record(
    item_id: str, student_id: str, actor: Actor, action: str, now: datetime, reason: str = "", **details: Any
) -> AuditEntry:
    """Add an entry to the learner's history; runs in the caller's transaction."""
    return AuditEntry.objects.create(
        item_id=item_id,
        student_id=student_id,
        actor_id=actor.anonymous_id,
        actor_username=actor.username,
        action=action,
        reason=reason,
        created_at=now,
        details=details,
    )


def history(item_id: str, student_id: str) -> list[AuditEntry]:
    """The learner's history in the problem, newest first (one query)."""
    return list(AuditEntry.objects.filter(item_id=item_id, student_id=student_id).order_by("-created_at", "-id"))
