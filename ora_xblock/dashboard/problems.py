"""The course's problems as the dashboard lists them: from the host's course content (the LMS's modulestore, the
demo's problems), in its order; where the host has no content to ask, from the content's own index, which holds
the problems learners have submitted to."""

from __future__ import annotations

from dataclasses import dataclass

from .. import platform
from ..definition import parse_olx_cached
from ..definition.model import Definition
from ..definition.schedule import HostDates
from ..services import course
from . import host


@dataclass(frozen=True)
class CourseProblem:
    """One problem: its id in learner data, its name, its definition, the page it is on ("" where unknown) and
    the dates the platform owns for it (None where there is no block to ask)."""

    item_id: str
    title: str
    definition: Definition
    url: str
    dates: HostDates | None


def course_problems(course_id: str) -> list[CourseProblem]:
    """Every problem of the course, from the host's content, else the index (one query)."""
    blocks = host.course_blocks(course_id)
    if blocks is None:
        return [_indexed(found) for found in course.indexed_problems(course_id)]
    return [_of_block(block, url) for block, url in blocks]


def _of_block(block: object, url: str) -> CourseProblem:
    definition: Definition = block.definition  # type: ignore[attr-defined]
    title = str(getattr(block, "display_name", "") or definition.title or platform.item_id(block))
    return CourseProblem(platform.item_id(block), title, definition, url, platform.host_dates(block))


def _indexed(found: course.Indexed) -> CourseProblem:
    definition = parse_olx_cached(found.olx)
    return CourseProblem(found.item_id, definition.title or found.item_id, definition, "", None)
