"""The in-block gradebook: one row per learner, filtered and paginated by the database; a member of a team's
response has their own row, which names the team.

Ordered by lower-cased username on the ``ora_gradebook`` indexes; the page
costs three queries whatever the number of learners: the count, the page's
workflows (each with the learner's accuracy as a reviewer), and their
assessments, from which each row's per-criterion scores are worked out by the
same code that grades learners. The count reads at most ``COUNT_LIMIT`` rows
past the page's start (:mod:`.counting`): beyond, the total is "1000+" and the
page costs the same at 1,000 and 100,000 learners.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import QuerySet

from ..definition.errors import N_
from ..models import Assessment, Workflow
from ..steps import STEPS
from ..workflow import Status
from .accuracy import scores_of, with_score
from .common import Invalid, Problem
from .counting import COUNT_LIMIT, AtLeast, capped_count
from .grades import grade_of

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
MAX_PAGE = 1_000_000  # a page number beyond any problem's learners
GRADED_BY = frozenset(step.name.value for step in STEPS if step.grades)  # what a score_source may hold


@dataclass(frozen=True)
class Filters:
    """What to show. ``step``: whose grade counts (peer, self or staff); ``search``: usernames starting so."""

    status: str | None = None
    min_score: int | None = None
    max_score: int | None = None
    step: str | None = None
    search: str = ""
    include_team: bool = False  # course team members are left out unless this is set


@dataclass(frozen=True)
class Row:
    """One learner: their total and each criterion's points (None until graded)."""

    student_id: str
    username: str
    status: Status
    earned: int | None
    possible: int | None
    criteria: dict[str, int | None]
    submitted_at: datetime
    team: str = ""  # the name of the team whose response the learner shares, in a team problem
    accuracy: int | None = None  # the learner's accuracy score as a reviewer (0-100), None unmeasured


@dataclass(frozen=True)
class Page:
    """A page of rows, and where it is among them."""

    rows: list[Row]
    number: int
    size: int
    total: int  # rows matching the filters, over every page; an AtLeast when counting stopped

    @property
    def pages(self) -> int:
        pages = max(1, -(-self.total // self.size))
        return AtLeast(pages) if isinstance(self.total, AtLeast) else pages


def page(
    problem: Problem,
    item_id: str,
    filters: Filters = Filters(),
    number: int = 1,
    size: int = PAGE_SIZE,
    team: Collection[str] = (),
) -> Page:
    """Page ``number`` (from 1) of the learners matching ``filters``; ``team`` holds the course team's usernames
    or anonymous ids, left out unless ``filters.include_team``."""
    size = max(1, min(size, MAX_PAGE_SIZE))
    number = max(1, min(number, MAX_PAGE))  # past the last page shows the last; the database's integers stay whole
    matching = _filtered(item_id, filters, team)
    start = (number - 1) * size
    total = capped_count(matching, start + COUNT_LIMIT)  # the rows up to the page, and some beyond
    number = max(1, min(number, max(1, -(-total // size))))
    ordered = matching.select_related("team_response").order_by("username_lower", "id")  # the team: joined
    ordered = with_score(ordered)  # the accuracy too
    workflows = list(ordered[(number - 1) * size : number * size])
    received = defaultdict(list)
    done = [workflow.pk for workflow in workflows if workflow.status == Status.DONE]
    for assessment in Assessment.objects.filter(workflow_id__in=done).order_by("created_at", "id"):
        received[assessment.workflow_id].append(assessment)
    criteria = [criterion.name for criterion in problem.definition.rubric.criteria]
    rows = []
    accuracy = scores_of(workflows)  # read with the rows: grading by accuracy costs no query per learner
    for workflow in workflows:
        final = grade_of(problem, workflow, received[workflow.pk], accuracy) if workflow.status == Status.DONE else None
        points = {part.name: part.points for part in final.criteria} if final else {}
        rows.append(
            Row(
                student_id=workflow.student_id,
                username=workflow.username,
                status=Status(workflow.status),
                earned=workflow.score_earned,
                possible=workflow.score_possible,
                criteria={name: points.get(name) for name in criteria},
                submitted_at=workflow.submitted_at,
                team=workflow.team_response.team_name if workflow.team_response else "",
                accuracy=workflow.accuracy_score,
            )
        )
    return Page(rows, number, size, total)


def _filtered(item_id: str, filters: Filters, team: Collection[str]) -> QuerySet[Workflow]:
    workflows = Workflow.objects.filter(item_id=item_id)
    if filters.status is not None:
        if filters.status not in set(Status):
            raise Invalid("bad_filter", N_("Choose a status from the list."))
        workflows = workflows.filter(status=filters.status)
    if filters.step is not None:
        if filters.step not in GRADED_BY:
            raise Invalid("bad_filter", N_("Choose a step from the list."))
        workflows = workflows.filter(score_source=filters.step)
    if filters.min_score is not None:
        workflows = workflows.filter(score_earned__gte=filters.min_score)
    if filters.max_score is not None:
        workflows = workflows.filter(score_earned__lte=filters.max_score)
    if filters.search.strip():
        prefix = filters.search.strip().lower()
        workflows = workflows.filter(username_lower__startswith=prefix, **_starting_with(prefix))
    if team and not filters.include_team:
        names = [name.lower() for name in team]
        workflows = workflows.exclude(username_lower__in=names).exclude(student_id__in=list(team))
    return workflows


def _starting_with(prefix: str) -> dict[str, str]:
    """On SQLite, the range of lower-cased usernames starting with ``prefix``, so that the search reads it from the
    ``ora_gradebook`` index: SQLite's LIKE ignores case, so it cannot use an index of a column compared as bytes
    (which makes the range exact there). MySQL's LIKE reads the index itself; PostgreSQL compares by its collation,
    where such a range may leave out a match."""
    if connection.vendor != "sqlite" or ord(prefix[-1]) >= sys.maxunicode:
        return {}
    return {"username_lower__gte": prefix, "username_lower__lt": prefix[:-1] + chr(ord(prefix[-1]) + 1)}
