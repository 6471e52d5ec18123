"""The problem definition: a pure model, its OLX form and its rules.

Nothing in this package imports Django or XBlock.
"""

from __future__ import annotations

from functools import lru_cache

from .model import Definition
from .olx import parse_olx
from .validate import raise_if_invalid


def load_olx(text: str | bytes, *, current: Definition | None = None, released: bool = False) -> Definition:
    """Parse OLX and check it with the one validator; raise InvalidDefinition on any error.

    ``current`` and ``released`` say what the problem was and whether
    learners may already have answered it, which freezes its rubric and steps.
    """
    definition = parse_olx(text)
    raise_if_invalid(definition, current=current, released=released)
    return definition


@lru_cache(maxsize=512)
def parse_olx_cached(text: str) -> Definition:
    """Parse stored, already validated OLX; a block renders many times from one text."""
    return parse_olx(text)
