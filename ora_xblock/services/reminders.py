"""Reminders that shrink the waiting: learners who owe peer reviews, and a daily digest for course staff.

Run by the refresh (:mod:`.overdue`: the self-scheduling clock, or the sweep command), at most every
:data:`LOOK_EVERY`. A learner who submitted and has not done their required reviews is reminded when the peer
step closes within :data:`BEFORE_DUE`, or when responses they could review are waiting and they have been idle
for :data:`IDLE`; course staff get one digest a day per course of the responses waiting for them. Each kind has
its setting (``ORA_XBLOCK_PEER_REMINDERS``, ``ORA_XBLOCK_STAFF_DIGEST``); each notice's ``once_key`` holds the
day, so a learner gets at most one reminder per problem per day whatever runs it. Set-based: a batch of learners
costs the same few queries whatever its size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Min

from .. import notifications
from ..conf import ora_settings
from ..definition import parse_olx_cached
from ..definition.model import Definition, PeerStep, StepName
from ..models import ProblemSnapshot, Workflow
from ..models.notices import Notice
from ..workflow import Status, Window
from . import notices
from .common import Problem

BEFORE_DUE = timedelta(hours=48)  # a learner who owes reviews is reminded this long before the peer step closes
IDLE = timedelta(days=1)  # or when reviews wait for them and they have not acted for this long
REMIND_FOR = timedelta(days=14)  # learners who submitted longer ago than this are reminded no more
LOOK_EVERY = timedelta(hours=1)  # how often the clock looks for reminders to send
LOOK_KEY = "ora_xblock.reminders.looked"
BATCH = 500  # learners one query takes


@dataclass(frozen=True)
class Reminded:
    """What a pass recorded: reminders to learners, digests to course staff."""

    learners: int = 0
    digests: int = 0


def run(now: datetime, everything: bool = False) -> Reminded:
    """Remind who should be, at most every :data:`LOOK_EVERY` (Django cache), or now (``everything``: the sweep)."""
    if not (everything or _first_in_a_while()):
        return Reminded()
    learners = remind_learners(now) if ora_settings.ORA_XBLOCK_PEER_REMINDERS else 0
    digests = digest_staff(now) if ora_settings.ORA_XBLOCK_STAFF_DIGEST else 0
    return Reminded(learners, digests)


def next_due(now: datetime) -> datetime | None:
    """When the clock should look again: within :data:`LOOK_EVERY` while someone may need a reminder or a digest
    (one indexed query), else never."""
    owing = Workflow.objects.filter(status=Status.PEER, submitted_at__gt=now - REMIND_FOR)
    staff = Workflow.objects.filter(status=Status.STAFF)
    return now + LOOK_EVERY if (owing.exists() or staff.exists()) else None


def remind_learners(now: datetime) -> int:
    """Record today's reminders of the learners who owe peer reviews, batch after batch; how many were new.

    Per batch: the learners (one query), their problems' definitions (one), the responses waiting for reviews
    in those problems (one), the new reminders (one insert, one read of their ids).
    """
    owing = Workflow.objects.filter(status=Status.PEER, submitted_at__gt=now - REMIND_FOR).order_by("pk")
    fields = ("pk", "course_id", "item_id", "student_id", "username", "peers_assessed", "updated_at")
    recorded, after = 0, 0
    while True:
        batch = list(owing.filter(pk__gt=after).values(*fields)[:BATCH])
        if not batch:
            return recorded
        after = batch[-1]["pk"]
        items = {row["item_id"] for row in batch}
        definitions = _definitions(items)
        waiting = _reviewable(items)
        due = [_reminder(row, definitions.get(row["item_id"]), waiting.get(row["item_id"], 0), now) for row in batch]
        recorded += notices.record_all([notice for notice in due if notice is not None])
        if len(batch) < BATCH:
            return recorded


def digest_staff(now: datetime) -> int:
    """Record today's digest of each course with responses waiting for staff; how many were new (two queries,
    one insert)."""
    rows = list(
        Workflow.objects.filter(status=Status.STAFF)
        .values("course_id", "item_id")
        .annotate(waiting=Count("pk"), oldest=Min("submitted_at"))
        .order_by("course_id", "item_id")
    )
    courses: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        courses[row["course_id"]].append(row)
    titles = {item: d.title for item, d in _definitions({row["item_id"] for row in rows}).items() if d.title}
    day = now.date().isoformat()
    digests = []
    for course_id, problems in courses.items():
        content = {
            "ora_name": ", ".join(f"{titles.get(p['item_id'], p['item_id'])} ({p['waiting']})" for p in problems),
            "waiting": sum(p["waiting"] for p in problems),
            "oldest": min(p["oldest"] for p in problems).isoformat(),
        }
        digests.append(
            Notice(
                kind=Notice.Kind.STAFF_DIGEST,
                once_key=f"staff_digest:{course_id}:{day}",
                course_id=course_id,
                context=notices.payload(notifications.dashboard_url(course_id), content),
                created_at=now,
            )
        )
    return notices.record_all(digests)


def _reminder(row: dict[str, Any], definition: Definition | None, waiting: int, now: datetime) -> Notice | None:
    """Today's reminder of one learner who owes reviews, or None when they need none now."""
    step = definition.step(StepName.PEER) if definition else None
    if definition is None or not isinstance(step, PeerStep) or not row["username"]:
        return None
    window = Problem(definition, now).windows[StepName.PEER]
    if window.state is not Window.OPEN:
        return None
    closing = window.due - now <= BEFORE_DUE
    others_wait = waiting > 1 and row["updated_at"] <= now - IDLE  # the learner's own response is among them
    if not (closing or others_wait):
        return None
    content = {
        "ora_name": definition.title or row["item_id"],
        "reviews_left": max(1, step.must_grade - row["peers_assessed"]),
        "due": window.due.isoformat() if closing else "",
    }
    url = notifications.jump_url(row["course_id"], row["item_id"])
    return Notice(
        kind=Notice.Kind.PEER_REMINDER,
        once_key=f"peer_reminder:{row['item_id']}:{row['student_id']}:{now.date().isoformat()}",
        course_id=row["course_id"],
        item_id=row["item_id"],
        recipient_id=row["student_id"],
        context=notices.payload(url, content, row["username"]),
        created_at=now,
    )


def _first_in_a_while() -> bool:
    try:
        return bool(cache.add(LOOK_KEY, True, LOOK_EVERY.total_seconds()))
    except Exception:  # noqa: BLE001 - a cache that is down: look now; the once keys keep it to one a day
        return True


def _definitions(items: set[str]) -> dict[str, Definition]:
    snapshots = ProblemSnapshot.objects.filter(item_id__in=items).values_list("item_id", "olx")
    return {item: parse_olx_cached(olx) for item, olx in snapshots}


def _reviewable(items: set[str]) -> dict[str, int]:
    """Per problem, the responses still in peer grading (their learners in the peer step or waiting for peers)."""
    rows = Workflow.objects.filter(item_id__in=items, status__in=(Status.PEER, Status.WAITING))
    return dict(rows.order_by().values("item_id").annotate(n=Count("pk")).values_list("item_id", "n"))
