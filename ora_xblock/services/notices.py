"""Notifications, recorded once and sent after commit: a learner's grade, a new response for staff, reminders.

Each notice is a :class:`~ora_xblock.models.notices.Notice` row written in the transaction that causes it; its
``once_key`` is unique, so a second record of the same thing (the same score, the same day's reminder) is no row.
Once that transaction commits the notice goes to the platform's framework (:mod:`ora_xblock.notifications`) and
is marked sent, in one transaction under its row lock; a notice left unsent (the process died, the framework
raised) is sent by the refresh (:func:`send_unsent`). Where there is no framework the notice is marked sent all
the same, and stays as the record the demo shows. See docs/notifications.md and decision 0031.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction

from .. import notifications, platform
from ..conf import ora_settings
from ..definition import parse_olx_cached
from ..definition.model import StepName
from ..models import ProblemSnapshot, Workflow
from ..models.notices import Notice
from .common import Learner, Problem

GRACE = timedelta(minutes=1)  # the send after commit has this long before the refresh may send the notice
BATCH = 200  # notices one pass of the refresh sends at most
TYPES = {
    Notice.Kind.GRADE: notifications.GRADE_TYPE,
    Notice.Kind.NEW_RESPONSE: notifications.STAFF_TYPE,
    Notice.Kind.PEER_REMINDER: notifications.REMINDER_TYPE,
    Notice.Kind.STAFF_DIGEST: notifications.STAFF_TYPE,
}
log = logging.getLogger(__name__)


def grade(workflow: Workflow, now: datetime) -> None:
    """Record the learner's notice of the score just published (``ORA_XBLOCK_NOTIFY_GRADES``): once per score,
    in the transaction that publishes it. A score of zero for a learner removed from grading is no grade."""
    if not ora_settings.ORA_XBLOCK_NOTIFY_GRADES or workflow.status != "done" or not workflow.username:
        return
    earned, possible = workflow.score_earned, workflow.score_possible
    content = {"ora_name": problem_name(workflow.item_id), "points_earned": earned, "points_possible": possible}
    record(
        Notice(
            kind=Notice.Kind.GRADE,
            once_key=f"grade:{workflow.submission_uuid}:{earned}/{possible}",
            course_id=workflow.course_id,
            item_id=workflow.item_id,
            recipient_id=workflow.student_id,
            context=payload(notifications.jump_url(workflow.course_id, workflow.item_id), content, workflow.username),
            created_at=now,
        )
    )


def new_response(problem: Problem, learner: Learner, workflow: Workflow) -> None:
    """Tell course staff a response was submitted to a problem with a staff step (``ORA_XBLOCK_NOTIFY_STAFF``),
    as ora2 does; in the submit's transaction."""
    if not ora_settings.ORA_XBLOCK_NOTIFY_STAFF or problem.definition.step(StepName.STAFF) is None:
        return
    content = {"ora_name": problem.definition.title or learner.item_id}
    record(
        Notice(
            kind=Notice.Kind.NEW_RESPONSE,
            once_key=f"new_response:{workflow.submission_uuid}",
            course_id=learner.course_id,
            item_id=learner.item_id,
            context=payload(notifications.grading_url(learner.item_id), content),
            created_at=problem.now,
        )
    )


def payload(url: str, content: dict[str, Any], *usernames: str) -> dict[str, Any]:
    """A notice's ``context``: the framework's ``content_url`` and content context, and the users it goes to
    (none: course staff)."""
    return {"url": url, "content": content, "usernames": list(usernames)}


def record(notice: Notice) -> bool:
    """Keep ``notice`` in the current transaction and send it once that commits; False if its ``once_key`` is
    recorded already (nothing changes)."""
    try:
        with transaction.atomic():
            notice.save(force_insert=True)
    except IntegrityError:
        return False
    _send_after_commit([notice.pk])
    return True


def record_all(batch: Sequence[Notice]) -> int:
    """Keep the notices whose ``once_key`` is new, in one statement, and send them once committed; how many."""
    if not batch:
        return 0
    Notice.objects.bulk_create(batch, ignore_conflicts=True)
    keys = [notice.once_key for notice in batch]
    created_at = {notice.created_at for notice in batch}
    fresh = Notice.objects.filter(once_key__in=keys, sent_at__isnull=True, created_at__in=created_at)
    ids = list(fresh.values_list("pk", flat=True))
    _send_after_commit(ids)
    return len(ids)


def send(notice_id: int) -> bool:
    """Hand the notice to the framework and mark it sent, under its row lock; False if it was sent already.
    Raises what the framework raises, with the notice left unsent."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update().filter(pk=notice_id, sent_at__isnull=True).first()
        if notice is None:
            return False
        if not notifications.send(notification(notice)):
            log.debug("ora_xblock: notice %s recorded, with no framework to send it", notice.once_key)
        notice.sent_at = platform.now()
        notice.save(update_fields=["sent_at"])
    return True


def send_unsent(now: datetime, limit: int = BATCH) -> int:
    """Send the notices left unsent (their send after commit never happened or failed), oldest first; how many
    went. What the refresh runs; one query, then a few per notice."""
    unsent = Notice.objects.filter(sent_at__isnull=True, created_at__lte=now - GRACE).order_by("created_at", "pk")
    sent = 0
    for pk in unsent.values_list("pk", flat=True)[:limit]:
        try:
            sent += send(pk)
        except Exception:  # one notice must not stop the others; it stays unsent for the next refresh
            log.exception("ora_xblock: sending notice %s failed", pk)
    return sent


def notification(notice: Notice) -> notifications.Notification:
    """What the framework is asked for, from the notice's record."""
    context = notice.context
    usernames = tuple(context.get("usernames") or ())
    return notifications.Notification(
        notification_type=TYPES[Notice.Kind(notice.kind)],
        course_id=notice.course_id,
        content_url=context.get("url", ""),
        context=dict(context.get("content") or {}),
        usernames=usernames,
        audience_filters={} if usernames else dict(notifications.STAFF_AUDIENCE),
    )


def of_person(course_id: str, recipient_id: str, staff: bool, limit: int = 20) -> list[Notice]:
    """The latest notices of a learner (their anonymous id) and, for course staff, the course's staff notices."""
    mine = Notice.objects.filter(course_id=course_id, recipient_id=recipient_id)
    if staff:
        mine = mine | Notice.objects.filter(course_id=course_id, recipient_id="")
    return list(mine.order_by("-created_at", "-pk")[:limit])


def problem_name(item_id: str) -> str:
    """The problem's title, from the definition kept for background work; its id when there is none."""
    olx = ProblemSnapshot.objects.filter(item_id=item_id).values_list("olx", flat=True).first()
    return (parse_olx_cached(olx).title if olx else "") or item_id


def _send_after_commit(notice_ids: list[int]) -> None:
    def send_committed_notices() -> None:  # named: Django logs a robust callback's failure by __qualname__
        for pk in notice_ids:
            try:
                send(pk)
            except Exception:  # the action is committed: never its error; the refresh sends it later
                log.exception("ora_xblock: sending notice %s failed", pk)

    if notice_ids:
        transaction.on_commit(send_committed_notices, robust=True)
