"""One learner in a problem, as course staff look them up: everything about their response, in constant queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import platform
from ..definition.errors import N_
from ..models import Appeal, Assessment, AuditEntry, ResponseFile, StaffLease, Workflow
from ..models.feedback import AssessmentFeedback
from ..models.teams import TeamResponse
from .accuracy import Standing, measured, standing, with_standing
from .audit import history
from .common import Invalid, NotFound, Problem
from .files import submitted_files
from .state import LearnerState, submitted_state

EmailResolver = Callable[[str], list[str]]


@dataclass(frozen=True)
class TeamRecord:
    """The team's response a learner shares: the team, and every member's row, its submitter's first."""

    response: TeamResponse
    members: list[Workflow]

    @property
    def submitter(self) -> Workflow | None:
        return next((member for member in self.members if not member.shares_response), None)


@dataclass(frozen=True)
class LearnerRecord:
    """A submitted learner's answer, files, assessments received and given, grade, and what staff did."""

    state: LearnerState  # status, answers, assessments received, grade; ``removed`` and its comment
    files: list[ResponseFile]
    given: list[Assessment]  # this learner's reviews of others, oldest first (``.workflow`` is whose)
    history: list[AuditEntry]  # newest first
    lease: StaffLease | None  # who holds the response in the staff queue, if anyone (it may have lapsed)
    team: TeamRecord | None = None  # the team's response the learner shares, in a team problem
    accuracy: Standing | None = None  # the learner's accuracy as a reviewer, where the problem measures it

    @property
    def workflow(self) -> Workflow:
        assert self.state.workflow is not None
        return self.state.workflow

    @property
    def published(self) -> tuple[int, int] | None:
        """The score the gradebook has (earned, possible), if one was sent."""
        workflow = self.workflow
        if workflow.published_earned is None or workflow.published_possible is None:
            return None
        return workflow.published_earned, workflow.published_possible

    @property
    def feedback(self) -> AssessmentFeedback | None:
        """What the learner said about the assessments they received, if anything (read with the workflow by
        :func:`record`; a query of its own otherwise)."""
        try:
            return self.workflow.feedback  # type: ignore[no-any-return]
        except AssessmentFeedback.DoesNotExist:
            return None

    @property
    def appeal(self) -> Appeal | None:
        """The learner's appeal of their peer grade, if any (read with the workflow by :func:`record`; a query of
        its own otherwise)."""
        try:
            return self.workflow.appeal  # type: ignore[no-any-return]
        except Appeal.DoesNotExist:
            return None


def find(item_id: str, query: str, usernames_for_email: EmailResolver = platform.usernames_for_email) -> str:
    """The anonymous id of the learner whose username or email (either case) is ``query``; refused if none submitted.

    An email goes through ``usernames_for_email``, the host's accounts by default.
    """
    query = query.strip()
    if not query:
        raise Invalid("bad_request", N_("Enter a username or an email address."))
    names = [name.lower() for name in usernames_for_email(query)] if "@" in query else [query.lower()]
    found = Workflow.objects.filter(item_id=item_id, username_lower__in=names).values_list("student_id", flat=True)
    student_id = found.first()
    if student_id is None:
        raise NotFound("no_such_learner", N_("No learner {query} has submitted a response here."), query=query)
    return student_id


def record(problem: Problem, item_id: str, student_id: str) -> LearnerRecord:
    """The learner's record in the problem (a constant number of queries); refused if they have not submitted."""
    workflows = Workflow.objects.select_related("feedback", "appeal").filter(item_id=item_id, student_id=student_id)
    workflow = (with_standing(workflows) if measured(problem.definition) else workflows).first()
    if workflow is None:
        raise NotFound("not_submitted", N_("There is no submitted response to assess."))
    return record_of(problem, workflow)


def record_of(problem: Problem, workflow: Workflow) -> LearnerRecord:
    """The record of the learner whose workflow the caller already holds; a team's response costs one query more
    (its members), and its files are the response's, whichever member's row this is. Their accuracy as a reviewer
    is there when the workflow was read :func:`~.accuracy.with_standing`."""
    given = (
        Assessment.objects.filter(workflow__item_id=workflow.item_id, scorer_id=workflow.student_id)
        .exclude(workflow=workflow)
        .select_related("workflow")
        .order_by("created_at", "id")
    )
    return LearnerRecord(
        state=submitted_state(problem, workflow),
        files=submitted_files(workflow),
        given=list(given),
        history=history(workflow.item_id, workflow.student_id),
        lease=StaffLease.objects.filter(workflow=workflow).first(),
        team=team_of(workflow),
        accuracy=standing(workflow),
    )


def team_of(workflow: Workflow) -> TeamRecord | None:
    """The team's response the learner's workflow shares, with every member's row (one query; none for a
    learner who answered alone)."""
    if workflow.team_response_id is None:
        return None
    rows = Workflow.objects.filter(team_response_id=workflow.team_response_id).select_related("team_response")
    members = sorted(rows, key=lambda row: (row.shares_response, row.username_lower, row.pk))
    return TeamRecord(members[0].team_response, members)
