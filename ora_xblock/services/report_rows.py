"""The rows of the two CSV reports, read in chunks with a fixed number of queries per chunk.

Headers are stable English column names, for spreadsheets and scripts alike.
Every cell goes through :func:`safe`, so that no cell is run as a formula.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from .. import platform
from ..definition.model import Definition, StepName
from ..models import Assessment, AuditEntry, Workflow
from ..workflow import Status
from . import audit
from .common import Problem
from .grades import grade_of

CHUNK = 500
FORMULA_STARTS = frozenset("=+-@")
STAFF_GRADES = (audit.GRADE, audit.OVERRIDE)


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


def grade_header(definition: Definition) -> list[str]:
    steps = _scored_steps(definition)
    columns = ["username", "email", "submitted_at", "status", "score", "points_possible"]
    for name in _criteria(definition):
        columns += [name, *(f"{name} ({step.value})" for step in steps)]
    return [*columns, "peer_reviews_received", "peer_reviews_given", "last_staff_grade_by", "last_staff_grade_reason"]


def grade_rows(problem: Problem, item_id: str, chunk: int = CHUNK) -> Iterator[list[Any]]:
    """One row per learner who submitted, oldest submission first; scores as the learner sees them."""
    definition = problem.definition
    steps, criteria = _scored_steps(definition), _criteria(definition)
    workflows = Workflow.objects.filter(item_id=item_id).order_by("submitted_at", "id").iterator(chunk_size=chunk)
    for batch in _chunks(workflows, chunk):
        received = defaultdict(list)
        for assessment in Assessment.objects.filter(workflow_id__in=[w.pk for w in batch]).order_by("created_at", "id"):
            received[assessment.workflow_id].append(assessment)
        emails = platform.emails_of(w.username for w in batch if w.username)
        graders: dict[str, AuditEntry] = {}
        for entry in AuditEntry.objects.filter(
            item_id=item_id, student_id__in=[w.student_id for w in batch], action__in=STAFF_GRADES
        ).order_by("created_at", "id"):
            graders[entry.student_id] = entry
        for workflow in batch:
            mine = received[workflow.pk]
            final = grade_of(problem, workflow, mine) if workflow.status == Status.DONE else None
            by_name = {part.name: part for part in final.criteria} if final else {}
            score = final.earned if final else 0 if workflow.status == Status.CANCELLED else None
            row = [
                workflow.username,
                emails.get(workflow.username, ""),
                workflow.submitted_at.isoformat(),
                workflow.status,
                score,
                definition.max_score,
            ]
            for name in criteria:
                part = by_name.get(name)
                row += [part.points if part else None, *(part.by_step.get(step) if part else None for step in steps)]
            grader = graders.get(workflow.student_id)
            yield [
                *row,
                sum(assessment.kind == Assessment.Kind.PEER for assessment in mine),
                workflow.peers_assessed,
                (grader.actor_username or grader.actor_id) if grader else "",
                grader.reason if grader else "",
            ]


def data_header(definition: Definition) -> list[str]:
    columns = ["learner_id", "step", "assessor_id", "assessed_at"]
    for criterion in definition.rubric.criteria:
        columns += [f"{criterion.name} option", f"{criterion.name} points", f"{criterion.name} feedback"]
    return [*columns, "overall_feedback", "points_earned", "points_possible"]


def data_rows(definition: Definition, item_id: str, chunk: int = CHUNK) -> Iterator[list[Any]]:
    """One row per assessment in the problem, in the order they were given; learners by anonymous id only."""
    names = [criterion.name for criterion in definition.rubric.criteria]
    assessments = (
        Assessment.objects.filter(workflow__item_id=item_id)
        .order_by("id")
        .values_list(
            "workflow__student_id",
            "kind",
            "scorer_id",
            "created_at",
            "parts",
            "overall_feedback",
            "points_earned",
            "points_possible",
        )
        .iterator(chunk_size=chunk)
    )
    for learner, kind, scorer, created_at, parts, overall, earned, possible in assessments:
        by_name = {part["criterion"]: part for part in parts}
        row = [learner, kind, scorer, created_at.isoformat()]
        for name in names:
            part = by_name.get(name, {})
            row += [part.get("option"), part.get("points"), part.get("feedback", "")]
        yield [*row, overall, earned, possible]


def _scored_steps(definition: Definition) -> list[StepName]:
    """The steps whose grade a criterion may show: the problem's peer and self steps, and staff (who may override)."""
    return [*(step for step in (StepName.PEER, StepName.SELF) if step in definition.step_names), StepName.STAFF]


def _criteria(definition: Definition) -> list[str]:
    return [criterion.name for criterion in definition.rubric.criteria if criterion.options]


def _chunks(rows: Iterable[Workflow], size: int) -> Iterator[list[Workflow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch
