"""What a learner's page shows, read in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import Assessment, Workflow
from ..scoring import Grade
from ..workflow import Status
from .common import Learner, Problem, Team
from .grades import assessments_of, grade_of
from .responses import draft_answers, submitted_answers
from .team_drafts import TeamDraft, team_draft


@dataclass(frozen=True)
class LearnerState:
    """A learner's answers, where they are, what they received and their grade."""

    status: Status | None
    answers: list[str]
    workflow: Workflow | None = None
    received: list[Assessment] = field(default_factory=list)
    grade: Grade | None = None
    team_draft: TeamDraft | None = None  # before a team submitted: its shared draft, with revisions and authors

    @property
    def submitted(self) -> bool:
        return self.workflow is not None

    @property
    def removed(self) -> bool:
        """Whether course staff removed the response from peer grading (see :attr:`removal_comment`)."""
        return self.workflow is not None and self.workflow.cancelled_at is not None

    @property
    def removal_comment(self) -> str:
        """Why staff removed the response, for the learner to read; empty unless :attr:`removed`."""
        return self.workflow.cancel_comment if self.workflow is not None else ""

    def of_kind(self, kind: str) -> list[Assessment]:
        return [assessment for assessment in self.received if assessment.kind == kind]


def learner_state(problem: Problem, learner: Learner, team: Team | None = None) -> LearnerState:
    """The learner's state in the problem: the draft before submitting (their ``team``'s, in a team problem),
    then the workflow."""
    mine = Workflow.objects.filter(item_id=learner.item_id, student_id=learner.student_id)
    workflow = mine.select_related("appeal").first()  # an appeal of the grade, read with it (services.appeals)
    if workflow is None and team is not None:
        shared = team_draft(problem, learner, team)
        return LearnerState(status=None, answers=list(shared.texts), team_draft=shared)
    if workflow is None:
        return LearnerState(status=None, answers=draft_answers(problem.definition, learner))
    return submitted_state(problem, workflow)


def submitted_state(
    problem: Problem,
    workflow: Workflow,
    received: list[Assessment] | None = None,
    answers: list[str] | None = None,
) -> LearnerState:
    """The state of a submitted workflow, as its learner or course staff see it.

    ``received`` and ``answers`` spare the queries when the caller already has them.
    """
    if received is None:
        received = assessments_of(workflow)
    if answers is None:
        answers = submitted_answers(workflow.submission_uuid)
    status = Status(workflow.status)
    return LearnerState(
        status=status,
        answers=answers,
        workflow=workflow,
        received=received,
        grade=grade_of(problem, workflow, received) if status is Status.DONE else None,
    )
