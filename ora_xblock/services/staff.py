"""What course staff do to one learner's work: list it, and reset it."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from submissions import api as submissions_api

from ..models import Draft, Workflow
from ..workflow import Status
from . import top


def recent(item_id: str, limit: int = 50) -> list[Workflow]:
    """The latest submissions in a problem, those waiting for staff first (one query)."""
    rows = list(Workflow.objects.filter(item_id=item_id).order_by("-submitted_at")[:limit])
    return sorted(rows, key=lambda row: row.status != Status.STAFF)


def reset(course_id: str, item_id: str, student_id: str) -> bool:
    """Delete the learner's state in the problem so they start again; their score is reset once committed.

    Returns whether there was anything to delete.
    """
    with transaction.atomic(savepoint=False):
        deleted, _ = Workflow.objects.filter(item_id=item_id, student_id=student_id).delete()
        drafts, _ = Draft.objects.filter(item_id=item_id, student_id=student_id).delete()
        transaction.on_commit(partial(submissions_api.reset_score, student_id, course_id, item_id, clear_state=True))
        transaction.on_commit(partial(top.forget, item_id))
    return bool(deleted or drafts)
