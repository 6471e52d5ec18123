"""edx-ora2's side: the pool in its tables, and each measured operation through its public Python API
(``openassessment.workflow.api``, ``openassessment.assessment.api.peer``, ``openassessment.data``). Only called,
never copied: ora2 is AGPL and a benchmark dependency only."""

from __future__ import annotations

import csv
import tempfile
import uuid
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

from pool import BATCH, CHOSEN, COURSE, GRADED_BY, MUST_GRADE, ORA2_ITEM, Plan, write_submissions

REQUIREMENTS = {
    "peer": {
        "must_grade": MUST_GRADE,
        "must_be_graded_by": GRADED_BY,
        "enable_flexible_grading": False,
        "grading_strategy": "mean",
    }
}
COURSE_SETTINGS = {"force_on_flexible_peer_openassessments": False}


def rubric_dict(problem: Any) -> dict[str, Any]:
    """The problem's rubric as ora2's block hands it to the assessment API."""
    return {
        "prompts": [{"description": prompt.description} for prompt in problem.prompts],
        "criteria": [
            {
                "order_num": number,
                "name": criterion.name,
                "label": criterion.label,
                "prompt": criterion.prompt,
                "options": [
                    {
                        "order_num": place,
                        "name": option.name,
                        "label": option.label,
                        "points": option.points,
                        "explanation": option.explanation,
                    }
                    for place, option in enumerate(criterion.options)
                ],
            }
            for number, criterion in enumerate(problem.rubric.criteria)
        ],
    }


def fill(pool: Plan, problem: Any) -> None:
    """The pool as ora2 stores it: assessment workflows with their staff and peer steps, peer workflows, workflow
    items (one per review given or response held), assessments with their parts."""
    from openassessment.assessment.models import PeerWorkflow, PeerWorkflowItem
    from openassessment.workflow.models import AssessmentWorkflow, AssessmentWorkflowStep

    submissions = write_submissions(pool, ORA2_ITEM, "openassessment")
    completed = _moments(pool, MUST_GRADE, by_reviewer=True)
    graded_at = _moments(pool, GRADED_BY, by_reviewer=False)
    flows = AssessmentWorkflow.objects.bulk_create(
        [
            AssessmentWorkflow(
                submission_uuid=str(submissions[n].uuid),
                uuid=uuid.uuid4(),
                course_id=COURSE,
                item_id=ORA2_ITEM,
                status=pool.status(n),
                status_changed=pool.submitted[n],
                created=pool.submitted[n],
                modified=pool.now,
            )
            for n in range(len(pool.names))
        ],
        batch_size=BATCH,
    )
    steps = []
    for n, flow in enumerate(flows):
        at = pool.submitted[n]
        steps.append(
            AssessmentWorkflowStep(
                workflow=flow, name="staff", order_num=0, submitter_completed_at=at, assessment_completed_at=at
            )
        )
        steps.append(
            AssessmentWorkflowStep(
                workflow=flow,
                name="peer",
                order_num=1,
                submitter_completed_at=completed.get(n),
                assessment_completed_at=graded_at.get(n) if pool.graded(n) else None,
            )
        )
    AssessmentWorkflowStep.objects.bulk_create(steps, batch_size=BATCH)
    peers = PeerWorkflow.objects.bulk_create(
        [
            PeerWorkflow(
                student_id=name,
                item_id=ORA2_ITEM,
                course_id=COURSE,
                submission_uuid=str(submissions[n].uuid),
                created_at=pool.submitted[n],
                completed_at=completed.get(n),
                grading_completed_at=graded_at.get(n),
            )
            for n, name in enumerate(pool.names)
        ],
        batch_size=BATCH,
    )
    _reviews(pool, peers, problem, pool.reviews)
    PeerWorkflowItem.objects.bulk_create(
        [
            PeerWorkflowItem(
                scorer=peers[reviewer],
                author=peers[author],
                submission_uuid=peers[author].submission_uuid,
                started_at=moment,
            )
            for reviewer, author, moment in pool.holds
        ],
        batch_size=BATCH,
    )


def exhaust(pool: Plan, problem: Any) -> None:
    """The exhausted reviewer has reviewed every other response, those submitted during the bench too."""
    from openassessment.assessment.models import PeerWorkflow

    peers = list(PeerWorkflow.objects.filter(item_id=ORA2_ITEM).order_by("id"))
    me = next(n for n, peer in enumerate(peers) if peer.student_id == pool.names[pool.exhausted])
    moment = pool.now - timedelta(minutes=1)
    _reviews(pool, peers, problem, [(me, n, moment) for n in range(len(peers)) if n != me], scoring=False)


def _moments(pool: Plan, count: int, by_reviewer: bool) -> dict[int, datetime]:
    """When each learner gave (``by_reviewer``) or received their ``count``-th review."""
    seen: dict[int, list[datetime]] = {}
    for reviewer, author, moment in pool.reviews:
        seen.setdefault(reviewer if by_reviewer else author, []).append(moment)
    return {n: sorted(moments)[count - 1] for n, moments in seen.items() if len(moments) >= count}


def _reviews(
    pool: Plan, peers: list[Any], problem: Any, reviews: list[tuple[int, int, datetime]], scoring: bool = True
) -> None:
    """Each review's assessment, its parts and its workflow item; ``scoring``: the first reviews of a graded
    learner are marked as the ones their score was taken from."""
    from openassessment.assessment.models import Assessment, AssessmentPart, PeerWorkflowItem
    from openassessment.assessment.serializers import rubric_from_dict

    rubric = rubric_from_dict(rubric_dict(problem))
    chosen = [(criterion, criterion.options.get(name=CHOSEN[criterion.name])) for criterion in rubric.criteria.all()]
    assessments = Assessment.objects.bulk_create(
        [
            Assessment(
                submission_uuid=peers[author].submission_uuid,
                rubric=rubric,
                scored_at=moment,
                scorer_id=peers[reviewer].student_id,
                score_type="PE",
            )
            for reviewer, author, moment in reviews
        ],
        batch_size=BATCH,
    )
    AssessmentPart.objects.bulk_create(
        [
            AssessmentPart(assessment=assessment, criterion=criterion, option=option)
            for assessment in assessments
            for criterion, option in chosen
        ],
        batch_size=BATCH,
    )
    scored: dict[int, int] = {}
    items = []
    for (reviewer, author, moment), assessment in zip(reviews, assessments, strict=True):
        counts = scoring and pool.graded(author) and scored.get(author, 0) < GRADED_BY
        scored[author] = scored.get(author, 0) + counts
        items.append(
            PeerWorkflowItem(
                scorer=peers[reviewer],
                author=peers[author],
                submission_uuid=peers[author].submission_uuid,
                started_at=moment,
                assessment=assessment,
                scored=counts,
            )
        )
    PeerWorkflowItem.objects.bulk_create(items, batch_size=BATCH)


class Ora2:
    """Each operation as ora2's block calls its APIs."""

    name = "ora2"

    def __init__(self, pool: Plan, problem: Any):
        from openassessment.assessment.models import PeerWorkflow

        self.pool, self.rubric = pool, rubric_dict(problem)
        self.uuids = dict(PeerWorkflow.objects.filter(item_id=ORA2_ITEM).values_list("student_id", "submission_uuid"))
        self.assessed = ""  # the submission the last review was of

    def pick(self, n: int) -> None:
        from openassessment.assessment.api import peer as peer_api

        assert peer_api.get_submission_to_assess(self.uuids[self.pool.names[n]], GRADED_BY), "ora2: the pool ran dry"

    def assess(self, n: int) -> None:
        """The peer assessment, then both learners' workflows updated (as ora2's peer_assess handler does)."""
        from openassessment.assessment.api import peer as peer_api
        from openassessment.workflow import api as workflow_api

        name = self.pool.names[n]
        assessment = peer_api.create_assessment(self.uuids[name], name, CHOSEN, {}, "", self.rubric, GRADED_BY)
        workflow_api.update_from_assessments(assessment["submission_uuid"], REQUIREMENTS, COURSE_SETTINGS)
        workflow_api.update_from_assessments(self.uuids[name], REQUIREMENTS, COURSE_SETTINGS)
        self.assessed = assessment["submission_uuid"]

    def prepare_finish(self, n: int) -> None:
        """Nothing to do: the finisher's workflow item is open already."""

    def finish(self, n: int) -> None:
        self.assess(n)

    def finished(self) -> bool:
        """Whether the last review graded its target (read after the measurement)."""
        from openassessment.workflow.models import AssessmentWorkflow

        return AssessmentWorkflow.objects.get(submission_uuid=self.assessed).status == "done"

    def submit(self, name: str) -> None:
        """The submission, then its workflow (as ora2's submit handler does)."""
        from openassessment.workflow import api as workflow_api
        from submissions import api as submissions_api

        item = {"student_id": name, "course_id": COURSE, "item_id": ORA2_ITEM, "item_type": "openassessment"}
        answer = {"parts": [{"text": f"Three changes to the bus stop, by {name}."}]}
        submission = submissions_api.create_submission(item, answer)
        workflow_api.create_workflow(submission["uuid"], ["peer"], {})

    def nothing_left(self) -> None:
        from openassessment.assessment.api import peer as peer_api

        assert peer_api.get_submission_to_assess(self.uuids[self.pool.names[self.pool.exhausted]], GRADED_BY) is None

    def data_report(self) -> None:
        """OraAggregateData's rows written as CSV, as the platform's data report task writes them. Its one call
        into the platform's course structure (the problems' display names) answers from here."""
        from openassessment.data import OraAggregateData

        names = {ORA2_ITEM: "Peer review"}
        with mock.patch.object(OraAggregateData, "_map_block_usage_keys_to_display_names", return_value=names):
            header, rows = OraAggregateData.collect_ora2_data(COURSE)
        with tempfile.TemporaryFile("w+", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(header)
            writer.writerows(rows)
        assert rows, "ora2: an empty data report"
