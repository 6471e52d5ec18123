"""Rubric reuse: the rubrics of the course's other problems, one of which an author may copy into the problem
being edited (edx-ora2's "clone a rubric"). Copying is one-way: the editor's form takes the rubric, nothing is
stored until the author saves, and the problem it came from never changes.

The problems come from the platform's course content where the host has it (Studio's modulestore, through the
handler), else from the content's own index: the problems learners have submitted to (:mod:`.course`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..definition import parse_olx_cached
from ..definition.codec import to_dict
from ..definition.errors import N_, InvalidDefinition
from ..definition.model import Definition
from . import course
from .common import NotFound

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Source:
    """Another problem of the course, whose rubric may be copied."""

    item_id: str
    title: str
    definition: Definition


def sources(course_id: str, item_id: str, hosted: Iterable[tuple[str, Definition]] | None) -> list[Source]:
    """The course's problems other than ``item_id``, by title: ``hosted`` (``(item_id, definition)`` pairs from
    the platform's course content), or, where the host has none (None), the course's own index (one query)."""
    if hosted is None:
        hosted = _indexed(course_id)
    found = [Source(other, definition.title, definition) for other, definition in hosted if other != item_id]
    return sorted(found, key=lambda source: (source.title.casefold(), source.item_id))


def listed(found: list[Source]) -> list[dict[str, Any]]:
    """What the editor lists of each problem: its id, title, number of criteria and points possible."""
    return [
        {
            "id": source.item_id,
            "title": source.title,
            "criteria": len(source.definition.rubric.criteria),
            "points": source.definition.max_score,
        }
        for source in found
    ]


def rubric_of(found: list[Source], item_id: str) -> dict[str, Any]:
    """The rubric of the problem ``item_id`` among ``found``, as the editor's JSON has it (``definition.codec``:
    criteria with their options, the overall feedback prompt and its default text)."""
    for source in found:
        if source.item_id == item_id:
            return {"title": source.title, "rubric": to_dict(source.definition)["rubric"]}
    raise NotFound("no_such_problem", N_("No other problem of this course has the id {item_id}."), item_id=item_id)


def _indexed(course_id: str) -> list[tuple[str, Definition]]:
    """The index's problems of the course, as learners last submitted to them; one that no longer reads is left
    out (and logged)."""
    pairs = []
    for problem in course.indexed_problems(course_id):
        try:
            pairs.append((problem.item_id, parse_olx_cached(problem.olx)))
        except InvalidDefinition:
            log.warning(
                "ora_xblock: the indexed problem %s no longer reads; its rubric is not offered", problem.item_id
            )
    return pairs
