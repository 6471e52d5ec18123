"""The course-wide grade and data reports: every problem's rows (:mod:`.report_rows`) in one CSV.

Problems have different rubrics, so the header is every problem's columns in the order they first appear, after
two that name the problem (``problem``, its title; ``item_id``, its usage key); a row leaves the columns of other
problems' criteria empty. Problems come from the course's own index (:class:`~ora_xblock.models.ProblemSnapshot`),
which holds every problem anyone submitted to: a problem nobody answered has no row to report.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ..definition import parse_olx_cached
from ..definition.model import Definition
from ..models import ProblemSnapshot, ReportTask
from . import report_rows
from .common import Problem

NAMING = ["problem", "item_id"]


def content(course_id: str, kind: str, now: datetime) -> tuple[list[str], Iterator[list[Any]]]:
    """The header and rows of the course's ``grade`` or ``data`` report."""
    problems = []
    for item_id, olx, forced in (
        ProblemSnapshot.objects.filter(course_id=course_id)
        .order_by("item_id")
        .values_list("item_id", "olx", "flexible_forced")
    ):
        definition = parse_olx_cached(olx)
        problems.append((item_id, definition, forced))
    headers = {item_id: _header(kind, definition) for item_id, definition, _forced in problems}
    columns = list(dict.fromkeys(name for header in headers.values() for name in header))
    return NAMING + columns, _rows(kind, problems, headers, columns, now)


def _header(kind: str, definition: Definition) -> list[str]:
    if kind == ReportTask.Kind.GRADE:
        return report_rows.grade_header(definition)
    return report_rows.data_header(definition)


def _rows(
    kind: str,
    problems: list[tuple[str, Definition, bool]],
    headers: dict[str, list[str]],
    columns: list[str],
    now: datetime,
) -> Iterator[list[Any]]:
    for item_id, definition, forced in problems:
        if kind == ReportTask.Kind.GRADE:
            rows = report_rows.grade_rows(Problem(definition, now, flexible_forced=forced), item_id)
        else:
            rows = report_rows.data_rows(definition, item_id)
        name = definition.title or item_id
        header = headers[item_id]
        for row in rows:
            cells = dict(zip(header, row, strict=True))
            yield [name, item_id, *(cells.get(column, "") for column in columns)]
