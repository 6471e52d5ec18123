"""Synthetic learners through the real services, to see who gets graded and when; deterministic for a seed.

Learners arrive uniformly at random over ``days`` and submit. Some leave at
once; some do about half their reviews, take one more and walk away from
it; the rest do Must Grade reviews, and a few of those continue. Reviews are
done in sessions a few hours apart, each of a random number of reviews; a
learner who finds nothing to review retries at a later session, a few times.
An hourly refresh stands in for the Celery beat task (flexible grading and
the staff fallback). Time is simulated: each event, taken in time order from
a priority queue, calls the services with a Problem at its own moment.

With ``reminders`` the hourly refresh also runs the real peer reminders
(:mod:`.services.reminders`: a day idle while responses wait, at most one a
day). The reminder model: a reminded learner who has stopped (nothing
scheduled) comes back with probability ``reminder_response`` (default 0.3 per
reminder), after a delay drawn uniformly from :data:`REMINDER_DELAY`, and then
does every review they owe (Must Grade), however they meant to leave; one who
ignores it may answer the next day's. Those figures are assumptions, not
measurements: change them to see how much the effect depends on them.

Needs Django set up with ora_xblock's tables (``ora-xblock simulate`` makes
a throwaway database). Grades are observed as they happen, up to the horizon
(``days`` + 10): "graded by day N" counts final grades within N days of
submitting, seen before the horizon.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .definition import load_olx
from .models import Assessment, Workflow
from .models.notices import Notice
from .services import assessments, overdue, peer, reminders, responses
from .services.common import Learner, Problem, Refusal
from .workflow import Status

START = datetime(2026, 1, 5, tzinfo=UTC)
COURSE_ID = "course-v1:ora_xblock+simulation+1"
ITEM_ID = "block-v1:ora_xblock+simulation+1+type@ora_xblock+block@simulated"
EXTRA_DAYS = 10  # the horizon is this long after the last possible arrival
REFRESH_EVERY = timedelta(hours=1)
SESSION_GAP = (timedelta(hours=1), timedelta(hours=18))  # between one learner's review sessions
REVIEW_TIME = (timedelta(minutes=3), timedelta(minutes=15))
RETRIES = 3  # sessions a learner tries again after finding nothing to review
EXTRA_REVIEWS = (1, 3)  # how many more those who continue do
REPORTED_DAYS = (3, 7, 14)
DEADLINE_DAYS = 8  # by then every deserving learner has a grade or is in the staff queue
REMINDER_DELAY = (timedelta(hours=1), timedelta(hours=12))  # how soon a learner who answers a reminder comes back

OLX = """<openassessment text_response="required">
  <title>Simulated peer problem</title>
  <prompts><prompt><description>Write a short essay.</description></prompt></prompts>
  <rubric>
    <criterion><name>Ideas</name><prompt>Ideas?</prompt>{options}</criterion>
    <criterion><name>Form</name><prompt>Form?</prompt>{options}</criterion>
  </rubric>
  <assessments>
    <assessment name="peer-assessment" must_grade="{must_grade}" must_be_graded_by="{graded_by}"
                enable_flexible_grading="{flexible}"/>{self_step}
  </assessments>
</openassessment>"""
OPTIONS = "".join(
    f'<option points="{points}"><name>{name}</name><explanation>{name}.</explanation></option>'
    for points, name in ((0, "Poor"), (1, "Fair"), (2, "Good"))
)


@dataclass(frozen=True)
class Params:
    """What to simulate; shares are of all learners, except ``continuing`` (of those who do their reviews)."""

    learners: int = 100
    days: float = 14
    seed: int = 1
    must_grade: int = 5
    graded_by: int = 3
    flexible: bool = True
    self_step: bool = False
    leave_at_once: float = 0.2
    leave_midway: float = 0.1
    continuing: float = 0.1
    reminders: bool = False
    reminder_response: float = 0.3  # the chance a stopped learner comes back after a reminder

    def olx(self) -> str:
        return OLX.format(
            options=OPTIONS,
            must_grade=self.must_grade,
            graded_by=self.graded_by,
            flexible=str(self.flexible).lower(),
            self_step='\n    <assessment name="self-assessment"/>' if self.self_step else "",
        )


@dataclass
class SimLearner:
    """One synthetic learner and what they mean to do."""

    who: Learner
    arrives: datetime
    target: int  # peer reviews they will do
    walks_away: bool  # takes one more review after the target and abandons it
    done: int = 0
    quota: int = 0  # reviews left in the current session
    retries: int = RETRIES
    lease_id: int | None = None
    scheduled: int = 0  # their events waiting in the queue: none means they have stopped


def run(params: Params) -> dict[str, Any]:
    """Simulate and return the report. Seeds the global ``random`` (services use it) and restores it after."""
    saved = random.getstate()
    random.seed(params.seed)
    try:
        return Simulation(params).run()
    finally:
        random.setstate(saved)


class Simulation:
    """The event loop: (moment, sequence, action, learner) entries in a heap."""

    def __init__(self, params: Params):
        self.params = params
        self.rng = random.Random(params.seed)  # noqa: S311 - a reproducible simulation, not security
        self.definition = load_olx(params.olx())
        self.end = START + timedelta(days=params.days + EXTRA_DAYS)
        self.queue: list[tuple[datetime, int, Callable[[datetime, SimLearner | None], None], SimLearner | None]] = []
        self.sequence = itertools.count()
        self.graded_at: dict[str, datetime] = {}
        self.refusals: Counter[str] = Counter()
        self.by_id: dict[str, SimLearner] = {}
        self.reminded = Counter[str]()  # "sent", "answered"
        self.answers = random.Random(params.seed + 1)  # noqa: S311 - the reminder model's own draws: the rest unchanged

    def run(self) -> dict[str, Any]:
        if Workflow.objects.filter(item_id=ITEM_ID).exists():
            raise RuntimeError(f"{ITEM_ID} already has learners in this database: simulate on a fresh one")
        learners = self._learners()
        self.by_id = {learner.who.student_id: learner for learner in learners}
        if self.params.reminders:  # the definition the reminders read, as a submit in the LMS keeps it
            overdue.remember(self._problem(START), ITEM_ID, COURSE_ID, self.params.olx())
        for learner in learners:
            self._at(learner.arrives, self._submit, learner)
        self._at(START, self._refresh)
        while self.queue:
            moment, _, action, learner = heapq.heappop(self.queue)
            if moment > self.end:
                break
            if learner is not None:
                learner.scheduled -= 1
            action(moment, learner)
        return self._report(learners)

    def _learners(self) -> list[SimLearner]:
        p, rng = self.params, self.rng
        leave, midway = round(p.learners * p.leave_at_once), round(p.learners * p.leave_midway)
        full = p.learners - leave - midway
        more = round(full * p.continuing)
        kinds = ["leave"] * leave + ["midway"] * midway + ["more"] * more + ["full"] * (full - more)
        rng.shuffle(kinds)
        arrivals = sorted(rng.uniform(0, p.days * 86400) for _ in kinds)
        learners = []
        for number, (kind, seconds) in enumerate(zip(kinds, arrivals, strict=True)):
            target = {"leave": 0, "midway": max(1, p.must_grade // 2), "full": p.must_grade}.get(kind)
            if target is None:
                target = p.must_grade + rng.randint(*EXTRA_REVIEWS)
            who = Learner(COURSE_ID, ITEM_ID, f"sim-{number:05d}", username=f"learner{number}")
            learners.append(SimLearner(who, START + timedelta(seconds=round(seconds)), target, kind == "midway"))
        return learners

    # Events

    def _at(self, moment: datetime, action: Callable[[datetime, Any], None], learner: SimLearner | None = None) -> None:
        heapq.heappush(self.queue, (moment, next(self.sequence), action, learner))
        if learner is not None:
            learner.scheduled += 1

    def _submit(self, moment: datetime, learner: SimLearner) -> None:
        responses.submit(self._problem(moment), learner.who, [f"The essay of {learner.who.username}."])
        if learner.target:
            self._session(moment, learner)

    def _session(self, moment: datetime, learner: SimLearner) -> None:
        learner.quota = self.rng.randint(1, max(1, learner.target - learner.done))
        self._ask(moment, learner)

    def _ask(self, moment: datetime, learner: SimLearner) -> None:
        lease = self._try(peer.next_review, moment, learner.who)
        if lease is None:
            learner.retries -= 1
            if learner.retries >= 0:
                self._later(moment, learner)
            return
        learner.lease_id = lease.pk
        self._at(moment + self._between(*REVIEW_TIME), self._assess, learner)

    def _assess(self, moment: datetime, learner: SimLearner) -> None:
        data = self._assessment()
        if self._try(peer.peer_assess, moment, learner.who, learner.lease_id, data) is None:
            self._later(moment, learner)
            return
        learner.done += 1
        learner.quota -= 1
        if self.params.self_step and learner.done == self.params.must_grade:
            self._try(assessments.self_assess, moment, learner.who, self._assessment())
        self._track(moment)
        if learner.done >= learner.target:
            if learner.walks_away:
                self._try(peer.next_review, moment, learner.who)
        elif learner.quota > 0:
            self._ask(moment, learner)
        else:
            self._later(moment, learner)

    def _refresh(self, moment: datetime, _: None) -> None:
        overdue.refresh(self._problem(moment), ITEM_ID, escalate=True)
        self._track(moment)
        if self.params.reminders:
            self._remind(moment)
        self._at(moment + REFRESH_EVERY, self._refresh)

    def _remind(self, moment: datetime) -> None:
        """The real reminders at ``moment``; each reminded learner who has stopped may come back (the model)."""
        seen = Notice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        reminders.remind_learners(moment)
        fresh = Notice.objects.filter(pk__gt=seen, kind=Notice.Kind.PEER_REMINDER)
        for student_id in fresh.values_list("recipient_id", flat=True):
            learner = self.by_id[student_id]
            self.reminded["sent"] += 1
            if learner.scheduled or self.answers.random() >= self.params.reminder_response:
                continue
            self.reminded["answered"] += 1
            learner.target, learner.walks_away, learner.retries = (
                max(learner.target, self.params.must_grade),
                False,
                RETRIES,
            )
            delay = self.answers.uniform(*(bound.total_seconds() for bound in REMINDER_DELAY))
            self._at(moment + timedelta(seconds=round(delay)), self._session, learner)

    # Helpers

    def _problem(self, moment: datetime) -> Problem:
        return Problem(self.definition, now=moment)

    def _later(self, moment: datetime, learner: SimLearner) -> None:
        self._at(moment + self._between(*SESSION_GAP), self._session, learner)

    def _between(self, low: timedelta, high: timedelta) -> timedelta:
        return timedelta(seconds=round(self.rng.uniform(low.total_seconds(), high.total_seconds())))

    def _assessment(self) -> dict[str, Any]:
        options = {c.name: self.rng.choice(c.options).name for c in self.definition.rubric.criteria}
        return {"options_selected": options, "criterion_feedback": {}, "overall_feedback": ""}

    def _try(self, service: Callable[..., Any], moment: datetime, *args: Any) -> Any:
        """Call a service at ``moment``; a refusal is counted (the report shows it) and gives None."""
        try:
            return service(self._problem(moment), *args)
        except Refusal as refusal:
            self.refusals[refusal.code] += 1
            return None

    def _track(self, moment: datetime) -> None:
        """Note who got a final grade at this moment (``advance`` stamps every change with the time)."""
        graded = Workflow.objects.filter(item_id=ITEM_ID, updated_at=moment, status=Status.DONE)
        for student_id in graded.values_list("student_id", flat=True):
            self.graded_at.setdefault(student_id, moment)

    # Report

    def _report(self, learners: list[SimLearner]) -> dict[str, Any]:
        rows = list(
            Workflow.objects.filter(item_id=ITEM_ID)
            .order_by("student_id")
            .values_list("student_id", "status", "reviews_received", "escalated_at", "submitted_at")
        )
        deserving = [row for row in rows if row[1] in (Status.WAITING, Status.STAFF, Status.DONE)]

        def graded_within(row: tuple, days: float) -> bool:
            moment = self.graded_at.get(row[0])
            return moment is not None and moment - row[4] <= timedelta(days=days)

        def shares(days: float) -> dict[str, float]:
            return {
                "all": _share(sum(graded_within(row, days) for row in rows), len(learners)),
                "deserving": _share(sum(graded_within(row, days) for row in deserving), len(deserving)),
            }

        def in_time(row: tuple) -> bool:
            escalated = row[3] is not None and row[3] - row[4] <= timedelta(days=DEADLINE_DAYS)
            return escalated or graded_within(row, DEADLINE_DAYS)

        received = Counter(row[2] for row in rows)
        return {
            "parameters": asdict(self.params),
            "learners": len(learners),
            "deserving": len(deserving),
            "graded_by_day": {
                **{str(days): shares(days) for days in REPORTED_DAYS},
                "end": shares(self.params.days + EXTRA_DAYS),
            },
            "peer_reviews": sum(count * reviews for reviews, count in received.items()),
            "reviews_per_submission": {str(n): received[n] for n in range(max(received, default=0) + 1)},
            "deserving_never_graded": sum(row[1] != Status.DONE for row in deserving),
            "escalated": sum(row[1] == Status.STAFF and row[3] is not None for row in rows),
            "escalated_then_graded": sum(row[1] == Status.DONE and row[3] is not None for row in rows),
            "deserving_without_grade_or_escalation_by_day_8": sum(not in_time(row) for row in deserving),
            "gave_up_for_nothing_to_review": sum(learner.retries < 0 for learner in learners),
            "time_to_peer_grade_hours": self._time_to_peer_grade(),
            "reminders": {"sent": self.reminded["sent"], "answered": self.reminded["answered"]},
            "refusals": dict(sorted(self.refusals.items())),
        }

    def _time_to_peer_grade(self) -> dict[str, float | None]:
        """Hours from each submission until it had the Graded By peer reviews, median and 90th percentile (nearest
        rank) over every response; None when that response had not got them by the horizon."""
        reviews: dict[int, list[datetime]] = {}
        peer_reviews = Assessment.objects.filter(workflow__item_id=ITEM_ID, kind=Assessment.Kind.PEER)
        for workflow_id, moment in peer_reviews.order_by("created_at").values_list("workflow_id", "created_at"):
            reviews.setdefault(workflow_id, []).append(moment)
        hours = []
        for pk, submitted in Workflow.objects.filter(item_id=ITEM_ID).values_list("pk", "submitted_at"):
            got = reviews.get(pk, [])
            enough = len(got) >= self.params.graded_by
            hours.append((got[self.params.graded_by - 1] - submitted).total_seconds() / 3600 if enough else None)
        ranked = sorted(hours, key=lambda value: float("inf") if value is None else value)

        def rank(share: float) -> float | None:
            value = ranked[max(0, math.ceil(len(ranked) * share) - 1)] if ranked else None
            return None if value is None else round(value, 1)

        return {"median": rank(0.5), "p90": rank(0.9)}


def _hours(value: float | None) -> str:
    return "not by the end" if value is None else f"{value:g}"


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def text_report(report: dict[str, Any]) -> str:
    """The report for people."""
    p = report["parameters"]
    graded = report["graded_by_day"]
    lines = [
        f"{p['learners']} learners arriving over {p['days']:g} days (seed {p['seed']}), simulated for "
        f"{p['days'] + EXTRA_DAYS:g} days: must_grade {p['must_grade']}, graded_by {p['graded_by']}, "
        f"flexible grading {'on' if p['flexible'] else 'off'}, self step {'on' if p['self_step'] else 'off'}",
        f"Leaving at once {p['leave_at_once']:.0%}, midway {p['leave_midway']:.0%}; "
        f"{p['continuing']:.0%} of the others continue",
        f"Deserving (finished their own steps): {report['deserving']} of {report['learners']}",
        "Final grade by day after submitting:  all learners  deserving",
        *(
            f"  {day:<35}{graded[day]['all']:>12.1%}{graded[day]['deserving']:>11.1%}"
            for day in (*map(str, REPORTED_DAYS), "end")
        ),
        f"Peer reviews given: {report['peer_reviews']}",
        "Peer reviews per submission: "
        + ", ".join(f"{n}: {count}" for n, count in report["reviews_per_submission"].items()),
        f"Deserving learners never graded: {report['deserving_never_graded']}",
        f"Escalated to staff: {report['escalated']} waiting for staff, "
        f"{report['escalated_then_graded']} graded by a peer later",
        "Deserving learners without a grade or a staff escalation by day 8: "
        f"{report['deserving_without_grade_or_escalation_by_day_8']}",
        f"Learners who gave up finding nothing to review: {report['gave_up_for_nothing_to_review']}",
        "Hours to a peer grade (Graded By reviews), median / 90th percentile of all responses: "
        + " / ".join(_hours(report["time_to_peer_grade_hours"][key]) for key in ("median", "p90")),
        (
            f"Reminders: {report['reminders']['sent']} sent, {report['reminders']['answered']} answered "
            f"(each answered with probability {p['reminder_response']:.0%})"
            if p["reminders"]
            else "Reminders: off"
        ),
        "Refusals: " + (", ".join(f"{code} {n}" for code, n in report["refusals"].items()) or "none"),
    ]
    return "\n".join(lines)
