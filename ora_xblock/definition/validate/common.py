"""What every rule module builds its errors with."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable

from ..errors import DefinitionError


def error(code: str, template: str, where: str = "", **params: object) -> DefinitionError:
    """One broken rule, at ``where``."""
    return DefinitionError(code, template, where, params)


def too_many(code: str, template: str, where: str, count: int, limit: int) -> list[DefinitionError]:
    """``code`` when ``count`` exceeds ``limit``."""
    return [error(code, template, where, count=count, limit=limit)] if count > limit else []


def repeated(values: Iterable[Hashable]) -> list[Hashable]:
    """The values that occur more than once."""
    counts = Counter(values)
    return [value for value, count in counts.items() if count > 1]
