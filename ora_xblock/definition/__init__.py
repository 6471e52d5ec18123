"""The problem definition: a pure model, its OLX form and its rules.

Nothing in this package imports Django or XBlock.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .model import Definition
from .olx import parse_olx
from .validate import raise_if_invalid


def load_olx(text: str | bytes, **context: Any) -> Definition:
    """Parse OLX and check it with the one validator; raise InvalidDefinition on any error.

    ``context`` is passed to :func:`~.validate.validate`: what the problem
    was (``current``), whether learners may already have answered it
    (``released``), the course's dates and the operator's prohibited files.
    """
    definition = parse_olx(text)
    raise_if_invalid(definition, **context)
    return definition


@lru_cache(maxsize=512)
def parse_olx_cached(text: str) -> Definition:
    """Parse stored, already validated OLX; a block renders many times from one text."""
    return parse_olx(text)
