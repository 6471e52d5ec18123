"""The rows of the two CSV reports, read in chunks with a fixed number of queries per chunk.

Each report's columns are declared once, as (header, value) pairs (:class:`Column`): the header lists and the
rows both read them. Headers are stable English column names, for spreadsheets and scripts alike.
Every cell goes through :func:`safe`, so that no cell is run as a formula.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, partial
from itertools import islice
from operator import attrgetter
from typing import Any, Generic, NamedTuple, TypeVar

from .. import platform
from ..definition.model import Definition, StepName
from ..models import Assessment, AuditEntry, Workflow
from ..scoring import CriterionGrade, Grade
from ..steps import STEPS
from ..workflow import Status
from . import audit
from .accuracy import scorer_score, scores_of, with_score
from .common import Problem
from .grades import grade_of

CHUNK = 500
FORMULA_STARTS = frozenset("=+-@")
STAFF_GRADES = (audit.GRADE, audit.OVERRIDE)
Row = TypeVar("Row")
_NO_PART: dict[str, Any] = {}  # a criterion the assessment has no part for (read only)


def safe(cell: Any) -> Any:
    """The cell, with a leading apostrophe if it is text a spreadsheet could run as a formula.

    The first character that shows counts, read as spreadsheets fold it (NFKC: a fullwidth ``＝`` is
    ``=``), past spaces, line breaks, control and invisible format characters (zero-width space, BOM,
    direction marks); a cell starting with a tab or a line break is neutralised in any case.
    """
    if not isinstance(cell, str) or not cell:
        return cell
    if cell[0] in "\t\r\n" or _first_shown(cell) in FORMULA_STARTS:
        return "'" + cell
    return cell


def _first_shown(text: str) -> str:
    for char in text:
        if not (char.isspace() or unicodedata.category(char) in ("Cc", "Cf")):
            return unicodedata.normalize("NFKC", char)[:1]
    return ""


@dataclass(frozen=True)
class Column(Generic[Row]):
    """One column of a report: its header, and how to get its cell from a row."""

    header: str
    value: Callable[[Row], Any]


@dataclass(frozen=True)
class Graded:
    """What a grade report row is made of: the learner's workflow, their grade, and what staff and peers did."""

    workflow: Workflow
    final: Grade | None  # once the learner is done
    received: list[Assessment]
    email: str
    grader: AuditEntry | None  # the last staff grade or override

    @property
    def score(self) -> int | None:
        return self.final.earned if self.final else 0 if self.workflow.status == Status.CANCELLED else None

    @cached_property
    def parts(self) -> dict[str, CriterionGrade]:
        return {part.name: part for part in self.final.criteria} if self.final else {}

    def points(self, criterion: str, step: StepName | None = None) -> int | None:
        """A criterion's points in the grade, or (``step``) what that step gave it."""
        part = self.parts.get(criterion)
        if part is None:
            return None
        return part.points if step is None else part.by_step.get(step)


def grade_columns(definition: Definition) -> list[Column[Graded]]:
    """The grade report's columns: the learner, their grade, each criterion's points and what each step gave it."""
    columns: list[Column[Graded]] = [
        Column("username", lambda row: row.workflow.username),
        Column("email", lambda row: row.email),
        Column("team", lambda row: row.workflow.team_response.team_name if row.workflow.team_response else ""),
        Column("submitted_at", lambda row: row.workflow.submitted_at.isoformat()),
        Column("status", lambda row: row.workflow.status),
        Column("score", lambda row: row.score),
        Column("points_possible", lambda row: definition.max_score),
    ]
    for name in _criteria(definition):
        columns.append(Column(name, partial(Graded.points, criterion=name)))
        columns += [
            Column(f"{name} ({step.value})", partial(Graded.points, criterion=name, step=step))
            for step in _scored_steps(definition)
        ]
    return [
        *columns,
        Column("peer_reviews_received", lambda row: sum(a.kind == Assessment.Kind.PEER for a in row.received)),
        Column("peer_reviews_given", lambda row: row.workflow.peers_assessed),
        Column(
            "last_staff_grade_by", lambda row: (row.grader.actor_username or row.grader.actor_id) if row.grader else ""
        ),
        Column("last_staff_grade_reason", lambda row: row.grader.reason if row.grader else ""),
    ]


def grade_header(definition: Definition) -> list[str]:
    return [column.header for column in grade_columns(definition)]


def grade_rows(problem: Problem, item_id: str, chunk: int = CHUNK) -> Iterator[list[Any]]:
    """One row per learner who submitted, oldest submission first; scores as the learner sees them. Each member of a
    team's response has a row, naming the team."""
    columns = grade_columns(problem.definition)
    ordered = Workflow.objects.filter(item_id=item_id).select_related("team_response")  # a member's team: joined
    workflows = with_score(ordered.order_by("submitted_at", "id")).iterator(chunk_size=chunk)  # and the accuracy
    for batch in _chunks(workflows, chunk):
        received = defaultdict(list)
        for assessment in Assessment.objects.filter(workflow_id__in=[w.pk for w in batch]).order_by("created_at", "id"):
            received[assessment.workflow_id].append(assessment)
        emails = platform.emails_of(w.username for w in batch if w.username)
        accuracy = scores_of(batch)
        graders: dict[str, AuditEntry] = {}
        for entry in AuditEntry.objects.filter(
            item_id=item_id, student_id__in=[w.student_id for w in batch], action__in=STAFF_GRADES
        ).order_by("created_at", "id"):
            graders[entry.student_id] = entry
        for workflow in batch:
            mine = received[workflow.pk]
            final = grade_of(problem, workflow, mine, accuracy) if workflow.status == Status.DONE else None
            row = Graded(workflow, final, mine, emails.get(workflow.username, ""), graders.get(workflow.student_id))
            yield [column.value(row) for column in columns]


class Given(NamedTuple):
    """What a data report row is made of: one assessment, its parts by criterion (a tuple: one per assessment)."""

    learner: str
    team: str | None  # the assessed learner's team, in a team problem
    kind: str
    scorer: str
    scorer_accuracy: int | None  # the assessor's accuracy score as a reviewer in the problem, if measured
    created_at: datetime
    parts: dict[str, dict[str, Any]]
    overall_feedback: str
    earned: int
    possible: int
    feedback_options: list[str] | None  # the learner's feedback on the assessments they received, if given
    feedback_comment: str | None
    appeal_status: str | None = None  # the assessed learner's appeal of their peer grade: open, upheld, regraded


def data_columns(definition: Definition) -> list[Column[Given]]:
    """The data report's columns: who assessed whom and when, each criterion's option, points and feedback."""
    columns: list[Column[Given]] = [
        Column("learner_id", attrgetter("learner")),
        Column("team", lambda row: row.team or ""),
        Column("step", attrgetter("kind")),
        Column("assessor_id", attrgetter("scorer")),
        Column("assessor_accuracy", lambda row: "" if row.scorer_accuracy is None else row.scorer_accuracy),
        Column("assessed_at", lambda row: row.created_at.isoformat()),
    ]
    for criterion in definition.rubric.criteria:
        name = criterion.name
        columns += [
            Column(f"{name} option", lambda row, name=name: row.parts.get(name, _NO_PART).get("option")),
            Column(f"{name} points", lambda row, name=name: row.parts.get(name, _NO_PART).get("points")),
            Column(f"{name} feedback", lambda row, name=name: row.parts.get(name, _NO_PART).get("feedback", "")),
        ]
    return [
        *columns,
        Column("overall_feedback", attrgetter("overall_feedback")),
        Column("points_earned", attrgetter("earned")),
        Column("points_possible", attrgetter("possible")),
        # The assessed learner's feedback on the assessments they received (ora2's statements, one per line, and
        # the comment), beside each of those assessments as ora2's data report has it
        Column("feedback_statements", lambda row: "\n".join(row.feedback_options or ())),
        Column("feedback_comment", lambda row: row.feedback_comment or ""),
        Column("appeal_status", lambda row: row.appeal_status or ""),  # docs/appeals.md
    ]


def data_header(definition: Definition) -> list[str]:
    return [column.header for column in data_columns(definition)]


def data_rows(definition: Definition, item_id: str, chunk: int = CHUNK) -> Iterator[list[Any]]:
    """One row per assessment in the problem, in the order they were given; learners by anonymous id only. The
    assessed learner's feedback on their assessments, and the assessor's accuracy, are read in the same query."""
    columns = data_columns(definition)
    assessments = (
        Assessment.objects.filter(workflow__item_id=item_id)
        .annotate(scorer_accuracy=scorer_score(item_id))
        .order_by("id")
        .values_list(
            "workflow__student_id",
            "workflow__team_response__team_name",  # joined, as the feedback is
            "kind",
            "scorer_id",
            "scorer_accuracy",
            "created_at",
            "parts",
            "overall_feedback",
            "points_earned",
            "points_possible",
            "workflow__feedback__options",  # joined: no query of its own
            "workflow__feedback__comment",
            "workflow__appeal__status",  # joined, as the feedback is
        )
        .iterator(chunk_size=chunk)
    )
    for learner, team, kind, scorer, accuracy, created_at, parts, overall, earned, possible, *said in assessments:
        by_name = {part["criterion"]: part for part in parts}
        row = Given(learner, team, kind, scorer, accuracy, created_at, by_name, overall, earned, possible, *said)
        yield [column.value(row) for column in columns]


def _scored_steps(definition: Definition) -> list[StepName]:
    """The steps whose grade a criterion may show: the problem's grading steps, and staff (who may override any)."""
    return [
        step.name
        for step in STEPS
        if step.grades and (step.name in definition.step_names or step.name is StepName.STAFF)
    ]


def _criteria(definition: Definition) -> list[str]:
    return [criterion.name for criterion in definition.rubric.criteria if criterion.options]


def _chunks(rows: Iterable[Workflow], size: int) -> Iterator[list[Workflow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch
