"""The one validator: every rule a sound ORA problem keeps.

Import, the Studio editor and the CLI all call :func:`validate`, and its
verdict holds everywhere. It returns every error at once, each with a
stable code, the element it concerns and a translatable message.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..errors import N_, DefinitionError, InvalidDefinition
from ..limits import MAX_PROMPTS
from ..model import Definition
from .advice import WEEK_SECONDS, warnings
from .assessments import ASSESSING_STEPS, example_errors, step_errors, training_example_errors
from .common import too_many
from .release import release_errors
from .responses import response_errors, setting_errors
from .rubric import rubric_errors
from .texts import text_errors
from .windows import date_errors

__all__ = [
    "ASSESSING_STEPS",
    "WEEK_SECONDS",
    "date_errors",
    "example_errors",
    "raise_if_invalid",
    "release_errors",
    "response_errors",
    "rubric_errors",
    "setting_errors",
    "step_errors",
    "text_errors",
    "training_example_errors",
    "validate",
    "warnings",
]


def validate(
    definition: Definition,
    *,
    current: Definition | None = None,
    released: bool = False,
    course_start: datetime | None = None,
    course_end: datetime | None = None,
    extra_prohibited: tuple[str, ...] = (),
) -> list[DefinitionError]:
    """Every broken rule of ``definition``; an empty list means it is sound.

    When ``released`` (learners may have answered ``current``), the steps,
    the criteria, their options and points, and the number of prompts can no
    longer change. ``course_start`` and ``course_end`` only bound defaults;
    they never make dates invalid.
    """
    errors = [
        *text_errors(definition),
        *too_many(
            "prompts.too_many",
            N_("A problem can have at most {limit} prompts, not {count}."),
            "prompts",
            len(definition.prompts),
            MAX_PROMPTS,
        ),
        *rubric_errors(definition.rubric, len(definition.prompts)),
        *step_errors(definition.steps),
        *example_errors(definition.rubric, definition.steps),
        *date_errors(definition, course_start, course_end),
        *response_errors(definition, extra_prohibited),
        *setting_errors(definition),
    ]
    if released and current is not None:
        errors.extend(release_errors(definition, current))
    return errors


def raise_if_invalid(definition: Definition, **context: Any) -> None:
    """Raise :class:`InvalidDefinition` with every error :func:`validate` finds, if there is any."""
    errors = validate(definition, **context)
    if errors:
        raise InvalidDefinition(errors)
