"""Notifications, recorded once and sent after commit: a learner's grade, a new response for staff, reminders.

Each notice is a :class:`~ora_xblock.models.notices.Notice` row written in the transaction that causes it, by one
``INSERT`` that a second record of the same thing (the same score, the same day's reminder: its unique
``once_key``) leaves as it was. Once that transaction commits the notice goes to the platform's framework
(:mod:`ora_xblock.notifications`): one conditional ``UPDATE`` marks it sent and, in the same transaction, the
framework is asked, so whichever sender marks it first is the one that sends it. A notice left unsent (the process
died, the framework raised) is sent by the refresh (:func:`send_unsent`). A notice the framework cannot take (it is
not installed, or the platform registers no such type) is recorded as sent, and stays as the record the demo
shows. See docs/notifications.md and docs/decisions/0030-notifications-and-reminders.md.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from .. import notifications, platform
from ..conf import ora_settings
from ..definition import parse_olx_cached
from ..definition.errors import InvalidDefinition
from ..definition.model import Definition, StepName
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


def grade(workflow: Workflow, name: str | None, now: datetime, before: int | None = None) -> None:
    """Record the learner's notice of the score being published (``ORA_XBLOCK_NOTIFY_GRADES``), in the transaction
    that publishes it: once per score. ``name``: the problem's title (None: read from its definition). A score of
    zero for a learner removed from grading is no grade, and a learner with no username has nobody to tell.
    ``before``: the score published earlier, when calibration changed it (the notice says it changed, and why)."""
    if not ora_settings.ORA_XBLOCK_NOTIFY_GRADES or workflow.status != "done" or not workflow.username:
        return
    if name is None:
        name = problem_names([workflow.item_id])[workflow.item_id]
    earned, possible = workflow.score_earned, workflow.score_possible
    content = {"ora_name": name or workflow.item_id, "points_earned": earned, "points_possible": possible}
    if before is not None and before != earned:
        content["points_before"] = before  # "... changed from 12 to 14 after reviewers' leniency was taken ..."
    record(
        Notice(
            kind=Notice.Kind.GRADE,
            once_key=f"grade:{workflow.submission_uuid}:{earned}/{possible}",
            course_id=workflow.course_id,
            item_id=workflow.item_id,
            recipient_id=workflow.student_id,
            context=payload(notifications.jump_url(workflow.course_id, workflow.item_id), content),
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


def payload(url: str, content: dict[str, Any]) -> dict[str, Any]:
    """A notice's ``context``: the framework's ``content_url`` and content context. Who it goes to is its
    ``recipient_id`` (a learner's anonymous id, their username read when it is sent) or, blank, course staff: the
    notice keeps no username, so the platform's retirement of a user leaves none behind here."""
    return {"url": url, "content": content}


def record(notice: Notice) -> None:
    """Keep ``notice`` in the current transaction, unless its ``once_key`` is recorded already, and send it once
    that commits: one ``INSERT``."""
    _insert([notice])


def record_all(batch: Sequence[Notice]) -> int:
    """Keep the notices whose ``once_key`` is new and send them once committed; how many were new (one read of
    the keys recorded already, one ``INSERT``)."""
    keys = [notice.once_key for notice in batch]
    known = set(Notice.objects.filter(once_key__in=keys).values_list("once_key", flat=True)) if keys else set()
    fresh = [notice for notice in batch if notice.once_key not in known]
    _insert(fresh)
    return len(fresh)


def send(notice: Notice, now: datetime | None = None) -> bool:
    """Mark the notice sent and hand it to the framework, in one transaction; False if it was sent already.
    Raises what the framework raises, with the notice left unsent."""
    with transaction.atomic():
        unsent = Notice.objects.filter(once_key=notice.once_key, sent_at__isnull=True)
        if not unsent.update(sent_at=now or platform.now()):  # the row lock: a second sender waits, finds it sent
            return False
        if not notifications.send(notification(notice)):
            log.info("ora_xblock: notice %s had nobody to go to", notice.once_key)
    return True


def send_unsent(now: datetime, limit: int = BATCH) -> int:
    """Send the notices left unsent (their send after commit never happened or failed), oldest first; how many
    went. What the refresh runs: one query, then one transaction per notice."""
    unsent = Notice.objects.filter(sent_at__isnull=True, created_at__lte=now - GRACE).order_by("created_at", "pk")
    return _send_each(list(unsent[:limit]), now)


def notification(notice: Notice) -> notifications.Notification:
    """What the framework is asked for, from the notice's record; a learner's notice reads their username (one
    query: none when the learner's work is gone, and then it goes to nobody)."""
    context = notice.context
    usernames: tuple[str, ...] = ()
    if notice.recipient_id:
        mine = Workflow.objects.filter(item_id=notice.item_id, student_id=notice.recipient_id).exclude(username="")
        usernames = tuple(mine.values_list("username", flat=True)[:1])
    return notifications.Notification(
        notification_type=TYPES[Notice.Kind(notice.kind)],
        course_id=notice.course_id,
        content_url=context.get("url", ""),
        context=dict(context.get("content") or {}),
        usernames=usernames,
        audience_filters={} if notice.recipient_id else dict(notifications.STAFF_AUDIENCE),
    )


def of_person(course_id: str, recipient_id: str, staff: bool, limit: int = 20) -> list[Notice]:
    """The latest notices of a learner (their anonymous id) and, for course staff, the course's staff notices."""
    mine = Notice.objects.filter(course_id=course_id, recipient_id=recipient_id)
    if staff:
        mine = mine | Notice.objects.filter(course_id=course_id, recipient_id="")
    return list(mine.order_by("-created_at", "-pk")[:limit])


def problem_names(items: Iterable[str]) -> dict[str, str]:
    """The problems' titles, from the definitions kept for background work (one query); a problem without one
    is named by its id."""
    wanted = set(items)
    titles = {item: definition.title for item, definition in definitions(wanted).items()}
    return {item: titles.get(item) or item for item in wanted}


def definitions(items: set[str]) -> dict[str, Definition]:
    """The definitions kept for background work of these problems (one query); one that no longer parses is left
    out, and logged."""
    found = {}
    for item, olx in ProblemSnapshot.objects.filter(item_id__in=items).values_list("item_id", "olx") if items else ():
        try:
            found[item] = parse_olx_cached(olx)
        except InvalidDefinition:
            log.warning("ora_xblock: the kept definition of %s does not parse", item)
    return found


def _insert(batch: Sequence[Notice]) -> None:
    """One ``INSERT`` of ``batch``, a ``once_key`` recorded already left as it was. What the framework cannot take
    is recorded as sent; the rest is sent after commit."""
    if not batch:
        return
    deliverable = {kind: notifications.deliverable(kind) for kind in set(TYPES.values())}
    for notice in batch:
        if not deliverable[TYPES[Notice.Kind(notice.kind)]]:
            notice.sent_at = notice.created_at
    Notice.objects.bulk_create(batch, ignore_conflicts=True)
    waiting = [notice for notice in batch if notice.sent_at is None]

    def send_committed_notices() -> None:  # named: Django logs a robust callback's failure by __qualname__
        _send_each(waiting, None)  # the action is committed: nothing here may become its error

    if waiting:
        transaction.on_commit(send_committed_notices, robust=True)


def _send_each(batch: list[Notice], now: datetime | None) -> int:
    sent = 0
    for notice in batch:
        try:
            sent += send(notice, now)
        except Exception:  # one notice must not stop the others; it stays unsent for the next refresh
            log.exception("ora_xblock: sending notice %s failed", notice.once_key)
    return sent
