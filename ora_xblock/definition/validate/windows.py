"""Dates: each in the authors' range, and the author's own windows in step order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from ..dates import in_range, out_of_range, resolve_dates
from ..errors import N_, DefinitionError
from ..model import DateConfig, Definition
from .common import error


def date_errors(
    definition: Definition, course_start: datetime | None = None, course_end: datetime | None = None
) -> Iterator[DefinitionError]:
    """Each window opens before it closes, and windows open and close in step order.

    Only the author's own dates are judged: when the platform owns the dates
    (``date_config_type`` subsection or course_end) the step dates are kept
    but unused, and every step shares the platform's one window.
    """
    out_of_range = list(_range_errors(definition))
    yield from out_of_range
    if out_of_range or definition.date_config_type is not DateConfig.MANUAL:
        return
    labels = ["submission", *(step.name.value for step in definition.steps)]
    windows = [(definition.submission_start, definition.submission_due)]
    windows += [(step.start, step.due) for step in definition.steps]
    _, _, resolved = resolve_dates(course_start, course_end, windows)
    for index, (label, (start, due)) in enumerate(zip(labels, resolved, strict=True)):
        if start >= due:
            yield error(
                "dates.start_not_before_due",
                N_("The {step} window must open before it is due."),
                _date_where(index),
                step=label,
            )
        if index and start < resolved[index - 1][0]:
            yield error(
                "dates.start_before_previous",
                N_("The {step} window opens before the {previous} window does."),
                _date_where(index),
                step=label,
                previous=labels[index - 1],
            )
        if index and resolved[index - 1][1] > due:
            yield error(
                "dates.due_before_previous",
                N_("The {step} window is due before the {previous} window is."),
                _date_where(index),
                step=label,
                previous=labels[index - 1],
            )


def _date_where(index: int) -> str:
    return f"assessments/assessment[{index}]" if index else "submission"


def _range_errors(definition: Definition) -> Iterator[DefinitionError]:
    """Every date set, in any date mode (unused ones are kept and exported), lies in the authors' range."""
    dates = [("", "submission_start", definition.submission_start), ("", "submission_due", definition.submission_due)]
    for index, step in enumerate(definition.steps, start=1):
        dates += [
            (f"assessments/assessment[{index}]", "start", step.start),
            (f"assessments/assessment[{index}]", "due", step.due),
        ]
    for where, attribute, moment in dates:
        if moment is not None and not in_range(moment):
            yield out_of_range(where, attribute, moment.isoformat())
