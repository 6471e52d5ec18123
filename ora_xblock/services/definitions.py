"""An author's problem, judged before it is stored: whether learners may have answered it, and the one
validator's verdict on a new definition (Studio's save and check).

Nothing here writes: the definition lives in the block's fields, which the runtime stores once the
handler that judged it returns.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..definition.errors import DefinitionError, InvalidDefinition
from ..definition.model import DateConfig, Definition
from ..definition.validate import validate, warnings
from ..models import Draft, Workflow


def released(definition: Definition, item_id: str, course_start: datetime | None, now: datetime) -> bool:
    """Whether learners may already have answered, which freezes the rubric and steps.

    The problem counts as released once it has opened (its subsection's start, ``course_start``, has passed,
    and its own response start when the author sets the dates) or once anyone has a draft or a response in
    it, whatever the dates say now.
    """
    own = definition.submission_start if definition.date_config_type is DateConfig.MANUAL else None
    opens = [date for date in (course_start, own) if date]
    if opens and max(opens) <= now:
        return True
    return bool(Workflow.objects.filter(item_id=item_id).exists() or Draft.objects.filter(item_id=item_id).exists())


def judge(
    read: Callable[[], Definition], *, current: Definition, released: bool, **context: Any
) -> tuple[Definition, list[DefinitionError]]:
    """Read a new definition (``read`` raises :class:`InvalidDefinition` when it cannot) and judge it against
    ``current`` with the one validator and the course's ``context`` (``course_start``, ``course_end``,
    ``extra_prohibited``): the definition and the advice on it, or :class:`InvalidDefinition` with every
    error. Nothing is stored: the caller keeps the definition in the block only when this returns."""
    errors: list[DefinitionError] = []
    try:
        definition = read()
        errors += validate(definition, **context, current=current, released=released)
    except InvalidDefinition as invalid:
        errors += invalid.errors
    if errors:
        raise InvalidDefinition(errors)
    return definition, warnings(definition)
