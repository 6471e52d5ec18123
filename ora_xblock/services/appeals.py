"""Appeals: a learner asks course staff to review their peer grade, once per response, with a reason, within
the author's ``appeal_days`` of the grade; staff uphold it (the grade stands) or regrade it (a staff grade
overrides it, through :func:`.staff.grade`), once. See docs/appeals.md.

The window counts from the last assessment that made the grade: the response's latest peer or self assessment,
or the learner's own latest peer review, whichever came last (the workflow is done from then on; a later review
may still change a calibrated grade, and so restarts the window).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q

from ..definition.errors import N_
from ..definition.model import PeerStep, StepName
from ..models import Appeal, Assessment, StaffLease, Workflow
from ..workflow import Status
from . import audit, staff
from .audit import Actor
from .common import Conflict, Invalid, Learner, NotAllowed, NotFound, Problem

MAX_REASON = 1000
UPHOLD, REGRADE = "uphold", "regrade"


def appeal(problem: Problem, learner: Learner, reason: object) -> Appeal:
    """Record the learner's appeal of their peer grade; refused, storing nothing, when the reason is wrong, the
    problem takes no appeals, the grade is no peer grade, the window closed, or they appealed already."""
    text = checked_reason(reason)
    step = _peer_step(problem)
    with transaction.atomic(savepoint=False):
        workflow = Workflow.objects.lock_for(learner.item_id, learner.student_id)
        if workflow is None:
            raise NotFound("not_submitted", N_("You have not submitted a response."))
        if Appeal.objects.filter(workflow=workflow).exists():
            raise _already_appealed()
        _refuse_unless_peer_graded(workflow)
        closes = closes_at(step, workflow)
        if problem.now >= closes:
            raise NotAllowed("appeal_closed", N_("Appeals of this grade closed on {date}."), date=closes)
        try:
            with transaction.atomic():
                made = Appeal.objects.create(
                    workflow=workflow,
                    course_id=workflow.course_id,
                    item_id=workflow.item_id,
                    reason=text,
                    created_at=problem.now,
                )
        except IntegrityError:
            raise _already_appealed() from None
        author = Actor(learner.student_id, learner.username)
        audit.record(workflow.item_id, workflow.student_id, author, audit.APPEAL, problem.now, text)
        return made


def decide(
    problem: Problem, item_id: str, student_id: str, actor: Actor, decision: object, reason: object, data: Mapping
) -> Appeal:
    """Decide the learner's open appeal, once: ``uphold`` (the grade stands) or ``regrade`` (``data`` holds the
    rubric's staff grade, which overrides the peer grade and is published after commit). Both need a ``reason``,
    which the learner reads. A second decision, at once or later, is refused (``already_decided``)."""
    if decision not in (UPHOLD, REGRADE):
        raise Invalid("bad_decision", N_("Decide an appeal by upholding the grade or regrading the response."))
    text = checked_reason(reason, N_("Say why; the learner will read it."))
    with transaction.atomic(savepoint=False):
        workflow = Workflow.objects.lock_for(item_id, student_id)
        found = Appeal.objects.select_for_update().filter(workflow=workflow).first() if workflow else None
        if found is None:
            raise NotFound("no_appeal", N_("This learner has not appealed their grade."))
        if found.status != Appeal.State.OPEN:
            raise Conflict("already_decided", N_("This appeal was already decided by {name}."), name=found.decided_by)
        if decision == REGRADE:
            staff.grade(problem, item_id, student_id, actor, data, reason=text)
            found.status = Appeal.State.REGRADED
        else:
            StaffLease.objects.filter(workflow=workflow).delete()
            found.status = Appeal.State.UPHELD
        found.decided_by, found.decider_id = actor.username, actor.anonymous_id
        found.decided_at, found.decision_reason = problem.now, text
        found.save(update_fields=["status", "decided_by", "decider_id", "decided_at", "decision_reason"])
        action = audit.APPEAL_UPHELD if decision == UPHOLD else audit.APPEAL_REGRADED
        audit.record(item_id, student_id, actor, action, problem.now, text, earned=workflow.score_earned)
        return found


def closes_at(step: PeerStep, workflow: Workflow) -> datetime:
    """When appeals of the workflow's grade close: ``appeal_days`` after the grade was made (one query)."""
    made = Assessment.objects.filter(
        Q(workflow=workflow, kind__in=(Assessment.Kind.PEER, Assessment.Kind.SELF))
        | Q(scorer_id=workflow.student_id, kind=Assessment.Kind.PEER, workflow__item_id=workflow.item_id)
    ).aggregate(last=Max("created_at"))["last"]
    return (made or workflow.updated_at) + timedelta(days=step.appeal_days)


def of_workflow(workflow: Workflow) -> Appeal | None:
    """The appeal of ``workflow``'s grade, if any (no query when it was read with the workflow, else one)."""
    try:
        return workflow.appeal
    except Appeal.DoesNotExist:
        return None


def open_for(workflow_ids: Sequence[int]) -> dict[int, Appeal]:
    """The open appeals of these workflows, by workflow id (one query)."""
    found = Appeal.objects.filter(workflow_id__in=list(workflow_ids), status=Appeal.State.OPEN)
    return {appeal.workflow_id: appeal for appeal in found}


def open_counts(course_id: str) -> dict[str, int]:
    """Open appeals per problem (item id) of the course, in one aggregate query."""
    rows = Appeal.objects.filter(course_id=course_id, status=Appeal.State.OPEN).values("item_id")
    return {row["item_id"]: row["open"] for row in rows.annotate(open=Count("id")).order_by()}


def open_in(problem: Problem, item_id: str) -> int:
    """How many appeals of the problem wait for staff (one query; none in a problem without a peer step)."""
    if problem.definition.step(StepName.PEER) is None:
        return 0
    return Appeal.objects.filter(item_id=item_id, status=Appeal.State.OPEN).count()


@dataclass(frozen=True)
class Offer:
    """Whether the learner's page offers an appeal, and until when (None: not offered)."""

    closes: datetime | None


def offer(problem: Problem, workflow: Workflow | None) -> Offer:
    """The appeal form's offer to the workflow's learner: open while :func:`appeal` would take it (but for the
    reason); one query when the grade is a peer grade, none otherwise."""
    step = problem.definition.step(StepName.PEER)
    if not isinstance(step, PeerStep) or not step.allow_appeals or workflow is None or not _peer_graded(workflow):
        return Offer(None)
    closes = closes_at(step, workflow)
    return Offer(closes if problem.now < closes else None)


def checked_reason(reason: object, missing: str = N_("Say why you ask staff to review your grade.")) -> str:
    """The reason, trimmed; refused when it is no text, empty, or longer than :data:`MAX_REASON`."""
    if not isinstance(reason, str):
        raise Invalid("bad_request", N_("Send the reason as text."))
    text = reason.strip()
    if not text:
        raise Invalid("reason_required", missing)
    if len(text) > MAX_REASON:
        raise Invalid("reason_too_long", N_("Keep the reason under {limit} characters."), limit=MAX_REASON)
    return text


def _peer_step(problem: Problem) -> PeerStep:
    step = problem.definition.step(StepName.PEER)
    if not isinstance(step, PeerStep):
        raise NotFound("no_peer_step", N_("This problem has no peer assessment to appeal."))
    if not step.allow_appeals:
        raise NotAllowed("appeals_off", N_("This problem does not take appeals of its grades."))
    return step


def _peer_graded(workflow: Workflow) -> bool:
    return workflow.status == Status.DONE and workflow.score_source == StepName.PEER.value


def _refuse_unless_peer_graded(workflow: Workflow) -> None:
    if workflow.score_source == StepName.STAFF.value:
        raise NotAllowed("staff_graded", N_("Course staff gave this grade: it cannot be appealed."))
    if not _peer_graded(workflow):
        raise NotAllowed("not_peer_graded", N_("You can appeal once your peers have graded your response."))


def _already_appealed() -> Conflict:
    return Conflict("already_appealed", N_("You have already appealed this grade."))
