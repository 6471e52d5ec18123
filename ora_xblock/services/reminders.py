"""Reminders that shrink the waiting: learners who owe peer reviews, and a daily digest for course staff.

Run by the refresh (:mod:`.overdue`: the self-scheduling clock at most once an hour, or the sweep command). A
learner who submitted and has not done their required reviews is reminded when the peer step closes within
:data:`BEFORE_DUE`, or when responses they could review are waiting and they have not acted for :data:`IDLE`;
course staff get one digest a day per course of the responses waiting for them. Each kind has its setting
(``ORA_XBLOCK_PEER_REMINDERS``, ``ORA_XBLOCK_STAFF_DIGEST``); each notice's ``once_key`` holds the day (UTC), so a
learner gets at most one reminder per problem per day whatever runs it. Set-based: a batch of learners costs the
same few queries whatever its size. :func:`next_due` tells the clock when one may next fall due, so that it sleeps
when none can. See docs/notifications.md.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Min, QuerySet

from .. import notifications
from ..conf import ora_settings
from ..definition.model import Definition, PeerStep, StepName
from ..models import Assessment, Workflow
from ..models.notices import Notice
from ..workflow import Status, Window
from . import notices
from .common import Problem

BEFORE_DUE = timedelta(hours=48)  # a learner who owes reviews is reminded this long before the peer step closes
IDLE = timedelta(days=1)  # or when reviews wait for them and they have not acted for this long
REMIND_FOR = timedelta(days=14)  # learners who submitted longer ago than this are reminded no more
LOOK_EVERY = timedelta(hours=1)  # the clock looks for reminders to send once in each hour
LOOK_KEY = "ora_xblock.reminders.looked"
BATCH = 500  # learners one query takes
NAMES_IN_DIGEST = 5  # problems a digest names; more are summed up as "…"


@dataclass(frozen=True)
class Reminded:
    """What a pass recorded: reminders to learners, digests to course staff."""

    learners: int = 0
    digests: int = 0


def run(now: datetime, everything: bool = False) -> Reminded:
    """Remind who should be, once in each hour of ``now`` (Django cache), or now (``everything``: the sweep)."""
    if not (everything or _first_this_hour(now)):
        return Reminded()
    learners = remind_learners(now) if ora_settings.ORA_XBLOCK_PEER_REMINDERS else 0
    digests = digest_staff(now) if ora_settings.ORA_XBLOCK_STAFF_DIGEST else 0
    return Reminded(learners, digests)


def next_due(now: datetime) -> datetime | None:
    """The earliest moment after ``now`` a reminder or digest may fall due, or None when none can without someone
    acting first (their action wakes the clock). Something due already that a look this hour has not recorded
    gives the next hour. A few queries, by problem and course, not by learner."""
    moments = [
        _next_reminder(now) if ora_settings.ORA_XBLOCK_PEER_REMINDERS else None,
        _next_digest(now) if ora_settings.ORA_XBLOCK_STAFF_DIGEST else None,
    ]
    return min((moment for moment in moments if moment is not None), default=None)


def remind_learners(now: datetime) -> int:
    """Record today's reminders of the learners who owe peer reviews, batch after batch; how many were new.

    Per batch: the learners (one query), when each last gave a review (one), their problems' definitions (one),
    the responses waiting for reviews in those problems (one), the reminders recorded already (one), the new ones
    (one insert).
    """
    owing = _owing(now).order_by("pk")
    fields = ("pk", "course_id", "item_id", "student_id", "username", "peers_assessed", "submitted_at")
    recorded, after = 0, 0
    while True:
        batch = list(owing.filter(pk__gt=after).values(*fields)[:BATCH])
        if not batch:
            return recorded
        after = batch[-1]["pk"]
        items = {row["item_id"] for row in batch}
        acted = _last_reviews(batch)
        definitions = notices.definitions(items)
        waiting = _reviewable(items)
        due = [
            _reminder(
                {**row, "acted": acted.get((row["student_id"], row["item_id"]), row["submitted_at"])},
                definitions.get(row["item_id"]),
                waiting.get(row["item_id"], 0),
                now,
            )
            for row in batch
        ]
        recorded += notices.record_all([notice for notice in due if notice is not None])
        if len(batch) < BATCH:
            return recorded


def digest_staff(now: datetime) -> int:
    """Record today's digest of each course with responses waiting for staff; how many were new (three queries,
    one insert)."""
    rows = list(
        Workflow.objects.filter(status=Status.STAFF)
        .values("course_id", "item_id")
        .annotate(waiting=Count("pk"), oldest=Min("submitted_at"))
        .order_by("course_id", "-waiting", "item_id")
    )
    courses: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        courses[row["course_id"]].append(row)
    names = notices.problem_names(row["item_id"] for row in rows)
    digests = []
    for course_id, problems in courses.items():
        listed = [f"{names[p['item_id']]} ({p['waiting']})" for p in problems[:NAMES_IN_DIGEST]]
        waiting = sum(p["waiting"] for p in problems)
        content = {
            "ora_name": ", ".join(listed + ["…"] * (len(problems) > NAMES_IN_DIGEST)),
            "grouped": waiting > 1,  # the platform then says "multiple submissions awaiting review"
            "waiting": waiting,
            "oldest": min(p["oldest"] for p in problems).isoformat(),
        }
        digests.append(
            Notice(
                kind=Notice.Kind.STAFF_DIGEST,
                once_key=_digest_key(course_id, now),
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
    # Waiting besides their own response and the ones they reviewed already: some are theirs to review.
    others_wait = waiting - 1 - row["peers_assessed"] > 0 and row["acted"] <= now - IDLE
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
        context=notices.payload(url, content),
        created_at=now,
    )


def _next_reminder(now: datetime) -> datetime | None:
    """Per problem with learners who owe reviews (one query): its peer step opening, closing within
    :data:`BEFORE_DUE`, or a day after its first submit (the earliest any learner's idle mark can be, since a
    learner acts first by submitting); the earliest, within the learners' time to be reminded. Come already
    (reminded today, or waiting for this hour's look): the next hour's look."""
    rows = list(
        _owing(now)
        .values("item_id")
        .annotate(first=Min("submitted_at"), latest=Max("submitted_at"), reviewed=Min("peers_assessed"))
        .order_by()
    )
    if not rows:
        return None
    items = {row["item_id"] for row in rows}
    definitions, waiting = notices.definitions(items), _reviewable(items)
    moments = []
    for row in rows:
        definition = definitions.get(row["item_id"])
        if definition is None or definition.step(StepName.PEER) is None:
            continue
        window = Problem(definition, now).windows[StepName.PEER]
        if window.state is Window.CLOSED:
            continue
        candidates = [window.start] if window.state is Window.NOT_OPEN else [window.due - BEFORE_DUE]
        if waiting.get(row["item_id"], 0) - 1 - row["reviewed"] > 0:
            candidates.append(row["first"] + IDLE)
        moment = min(candidates)
        if moment < row["latest"] + REMIND_FOR:
            moments.append(moment)
    return _after(min(moments), now) if moments else None


def _next_digest(now: datetime) -> datetime | None:
    """Tomorrow, when every course with responses waiting for staff had today's digest; else this hour's look.
    None when nothing waits for staff (two queries)."""
    courses = set(Workflow.objects.filter(status=Status.STAFF).values_list("course_id", flat=True).distinct())
    if not courses:
        return None
    sent = Notice.objects.filter(once_key__in=[_digest_key(course, now) for course in courses]).count()
    return _tomorrow(now) if sent == len(courses) else _next_hour(now)


def _after(moment: datetime, now: datetime) -> datetime:
    """``moment``, or, when it has come already, the next look: within the hour."""
    return moment if moment > now else _next_hour(now)


def _next_hour(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0) + LOOK_EVERY


def _tomorrow(now: datetime) -> datetime:
    return datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=now.tzinfo)


def _digest_key(course_id: str, now: datetime) -> str:
    return f"staff_digest:{course_id}:{now.date().isoformat()}"


def _owing(now: datetime) -> QuerySet[Workflow]:
    """Learners in the peer step (reviews left to do) who submitted recently enough and can be told."""
    return Workflow.objects.filter(status=Status.PEER, submitted_at__gt=now - REMIND_FOR).exclude(username="")


def _first_this_hour(now: datetime) -> bool:
    try:
        return bool(cache.add(f"{LOOK_KEY}.{now:%Y%m%d%H}", True, 2 * LOOK_EVERY.total_seconds()))
    except Exception:  # noqa: BLE001 - a cache that is down: look now; the once keys keep it to one a day
        return True


def _last_reviews(batch: list[dict[str, Any]]) -> dict[tuple[str, str], datetime]:
    """When each learner of the batch last gave a peer review in their problem (one query, by the scorer index)."""
    given = Assessment.objects.filter(
        kind=Assessment.Kind.PEER,
        scorer_id__in={row["student_id"] for row in batch},
        workflow__item_id__in={row["item_id"] for row in batch},
    )
    rows = given.values("scorer_id", "workflow__item_id").annotate(last=Max("created_at")).order_by()
    return {(row["scorer_id"], row["workflow__item_id"]): row["last"] for row in rows}


def _reviewable(items: set[str]) -> dict[str, int]:
    """Per problem, the responses still in peer grading (their learners in the peer step or waiting for peers)."""
    rows = Workflow.objects.filter(item_id__in=items, status__in=(Status.PEER, Status.WAITING))
    return dict(rows.order_by().values("item_id").annotate(n=Count("pk")).values_list("item_id", "n"))
