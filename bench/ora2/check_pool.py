"""That the pool written in bulk is one each side's own code agrees with: every learner's status recomputed by the
side's API stays as planned (and our queue rank too), and ora2's workflow steps look like those its API makes."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import ora2
import ours
import pool

SIZE = 400


def check() -> None:
    """Fill a small pool on both sides, recompute everyone through each side's API, and raise on any difference."""
    plan, problem = pool.plan(SIZE, 23, datetime.now(UTC)), ours.definition()
    ours.fill(plan)
    ora2.fill(plan, problem)
    planned = Counter(plan.status(n) for n in range(SIZE))
    for side, statuses in (("ours", _ours_recomputed(plan, problem)), ("ora2", _ora2_recomputed())):
        moved = {change: count for change, count in statuses.items() if change[0] != change[1]}
        assert not moved, f"{side}: statuses moved when recomputed: {moved}"
        assert Counter({before: count for (before, _), count in statuses.items()}) == planned, side
    assert _ora2_steps(_ora2_reference()) == _ora2_steps(_ora2_planned_fresh(plan)), "ora2: steps differ"
    print(f"the pool of {SIZE} is as each side's API keeps it: {dict(planned)}")


def _ours_recomputed(plan: pool.Plan, problem: object) -> Counter:
    from django.db import transaction

    from ora_xblock.definition.model import StepName
    from ora_xblock.models import Workflow
    from ora_xblock.services import grades, peer
    from ora_xblock.services.common import Problem

    served, step, statuses = Problem(problem, plan.now), problem.step(StepName.PEER), Counter()
    for workflow in Workflow.objects.filter(item_id=pool.OURS_ITEM):
        before, rank = workflow.status, workflow.peer_rank
        with transaction.atomic():
            peer.rerank(step, workflow)
            assert workflow.peer_rank == rank, f"ours: {workflow.student_id} is ranked {rank}, not {workflow.peer_rank}"
            grades.advance(served, workflow)
        statuses[(before, workflow.status)] += 1
    return statuses


def _ora2_recomputed() -> Counter:
    from openassessment.workflow import api as workflow_api
    from openassessment.workflow.models import AssessmentWorkflow

    statuses: Counter = Counter()
    for flow in AssessmentWorkflow.objects.filter(item_id=pool.ORA2_ITEM):
        after = workflow_api.update_from_assessments(flow.submission_uuid, ora2.REQUIREMENTS, ora2.COURSE_SETTINGS)
        statuses[(flow.status, after["status"])] += 1
    return statuses


def _ora2_reference() -> str:
    """A learner submitting through ora2's API: their workflow's submission uuid."""
    from openassessment.workflow import api as workflow_api
    from submissions import api as submissions_api

    item = {
        "student_id": "reference",
        "course_id": pool.COURSE,
        "item_id": pool.ORA2_ITEM,
        "item_type": "openassessment",
    }
    submission = submissions_api.create_submission(item, {"parts": [{"text": "A reference answer."}]})
    workflow_api.create_workflow(submission["uuid"], ["peer"], {})
    return submission["uuid"]


def _ora2_planned_fresh(plan: pool.Plan) -> str:
    from openassessment.assessment.models import PeerWorkflow

    return PeerWorkflow.objects.get(student_id=plan.names[plan.fresh[0]]).submission_uuid


def _ora2_steps(submission_uuid: str) -> list[tuple[object, ...]]:
    from openassessment.workflow.models import AssessmentWorkflow

    flow = AssessmentWorkflow.objects.get(submission_uuid=submission_uuid)
    steps = flow.steps.order_by("order_num")
    return [flow.status] + [
        (step.name, step.submitter_completed_at is None, step.assessment_completed_at is None, step.skipped)
        for step in steps
    ]
