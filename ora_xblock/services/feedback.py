"""A learner's feedback on the assessments their response received, as ora2 takes it after the grade: any of its
four statements and a comment, given once per response (the database holds one per workflow).

The statements are stored as ora2 stores them, its English texts (:data:`OPTIONS`), so that reports and
analytics read the same data from both; the page shows them in the reader's language (presenters/feedback.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, TextField
from django.db.models.functions import Cast
from django.db.models.lookups import Contains

from ..definition.errors import N_
from ..definition.model import StepName
from ..models import Assessment, Workflow
from ..models.feedback import AssessmentFeedback
from ..workflow import Status
from .common import Conflict, Invalid, Learner, NotAllowed, NotFound, Problem

OPTIONS = (
    "These assessments were useful.",
    "These assessments were not useful.",
    "I disagree with one or more of the peer assessments of my response.",
    "Some comments I received were inappropriate.",
)
"""ora2's statements (its grade template's checkbox values), in its order: the stored values and the event's."""
MAX_COMMENT = 1000


def is_open(problem: Problem, status: Status | None, received: Sequence[Assessment]) -> bool:
    """Whether the learner may give feedback, as ora2 shows its form: the grade is final (done) in a problem with
    a peer step, and peers assessed the response."""
    return (
        problem.definition.step(StepName.PEER) is not None
        and status is Status.DONE
        and any(assessment.kind == Assessment.Kind.PEER for assessment in received)
    )


def give(problem: Problem, learner: Learner, options: object, comment: object) -> AssessmentFeedback:
    """Record the learner's feedback on the assessments of their response; refused, storing nothing, when the
    input is wrong, the feedback is not open to them (:func:`is_open`) or they gave it already."""
    chosen, text = _checked(options, comment)
    if problem.definition.step(StepName.PEER) is None:
        raise NotFound("no_peer_step", N_("This problem has no peer assessment to give feedback on."))
    with transaction.atomic(savepoint=False):
        workflow = Workflow.objects.lock_for(learner.item_id, learner.student_id)
        if workflow is None:
            raise NotFound("not_submitted", N_("You have not submitted a response."))
        received = list(workflow.assessments.filter(kind=Assessment.Kind.PEER)[:1])
        if not is_open(problem, Status(workflow.status), received):
            raise NotAllowed(
                "feedback_not_open",
                N_("You can give feedback on the assessments once your grade is final and peers have assessed you."),
            )
        if AssessmentFeedback.objects.filter(workflow=workflow).exists():
            raise _already_given()
        try:
            with transaction.atomic():
                return AssessmentFeedback.objects.create(
                    workflow=workflow,
                    course_id=workflow.course_id,
                    item_id=workflow.item_id,
                    options=chosen,
                    comment=text,
                    created_at=problem.now,
                )
        except IntegrityError:
            raise _already_given() from None


def _already_given() -> Conflict:
    return Conflict("feedback_already_given", N_("You have already given feedback on these assessments."))


def _checked(options: object, comment: object) -> tuple[list[str], str]:
    """The statements chosen, in ora2's order and each once, and the comment; refused if any is wrong."""
    if options is None:
        options = []
    if comment is None:
        comment = ""
    if not isinstance(options, list) or not all(isinstance(option, str) for option in options):
        raise Invalid("bad_request", N_("Send options as a list of statements."))
    if not isinstance(comment, str):
        raise Invalid("bad_request", N_("Send the comment as text."))
    unknown = [option for option in options if option not in OPTIONS]
    if unknown:
        raise Invalid("unknown_feedback_option", N_("'{option}' is not one of the statements."), option=unknown[0])
    if len(comment) > MAX_COMMENT:
        raise Invalid(
            "feedback_too_long",
            N_("The comment is {length} characters long; it may have at most {limit}."),
            length=len(comment),
            limit=MAX_COMMENT,
        )
    if not options and not comment.strip():
        raise Invalid("feedback_empty", N_("Choose at least one statement or write a comment."))
    return [option for option in OPTIONS if option in options], comment.strip()


def of_workflow(workflow: Workflow) -> AssessmentFeedback | None:
    """The feedback given on ``workflow``'s assessments, if any (one query)."""
    return AssessmentFeedback.objects.filter(workflow=workflow).first()


# The course-wide dashboard's reads


@dataclass(frozen=True)
class Recent:
    """One learner's feedback, as the course's staff list it: where, who, what and when."""

    item_id: str
    student_id: str
    username: str
    options: list[str]
    comment: str
    created_at: datetime


def recent_for_course(course_id: str, limit: int) -> list[Recent]:
    """The course's latest ``limit`` feedbacks, newest first, in one query."""
    rows = (
        AssessmentFeedback.objects.filter(course_id=course_id)
        .order_by("-created_at", "-id")
        .values_list("item_id", "workflow__student_id", "workflow__username", "options", "comment", "created_at")[
            :limit
        ]
    )
    return [Recent(*row) for row in rows]


@dataclass(frozen=True)
class Counts:
    """How many learners gave feedback in one problem, and how many chose each statement (by :data:`OPTIONS`)."""

    given: int
    by_option: dict[str, int]


def counts_for_course(course_id: str) -> dict[str, Counts]:
    """Per problem (item id) of the course with any feedback: its counts, in one aggregate query.

    A statement is counted by its JSON text, quotes included, so that "were useful." never counts "were not
    useful."; the stored list is read as text on every database (SQLite, MySQL and PostgreSQL alike)."""
    listed = Cast("options", TextField())
    chosen = {
        f"option_{number}": Count("id", filter=Contains(listed, f'"{text}"')) for number, text in enumerate(OPTIONS)
    }
    rows = (
        AssessmentFeedback.objects.filter(course_id=course_id)
        .values("item_id")
        .annotate(given=Count("id"), **chosen)
        .order_by()
    )
    return {
        row["item_id"]: Counts(row["given"], {text: row[f"option_{number}"] for number, text in enumerate(OPTIONS)})
        for row in rows
    }
