"""When each step is open: the author's dates, or the dates the platform owns.

The problem's ``date_config_type`` says where the dates come from: each
step's own dates (``manual``), the subsection's release and due dates
(``subsection``), or the course's start and end (``course_end``). With the
last two every step, the response included, shares that one window, as in
ora2. Beta testers meet every start ``days_early_for_beta`` days early: the
LMS moves only its own access check (``adjust_start_date`` in
lms/djangoapps/courseware/access_utils.py), never the block's ``start``
field, so the block moves its windows itself, as ora2 does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .dates import DISTANT_FUTURE, DISTANT_PAST, Resolved, as_utc, resolve_dates
from .model import DateConfig, Definition, StepName


@dataclass(frozen=True)
class HostDates:
    """The dates the platform owns, as it gives them to one learner; None where it has none."""

    block_start: datetime | None = None  # the block's inherited start: its subsection's release date
    block_due: datetime | None = None  # its subsection's due date (the LMS may personalise it)
    course_start: datetime | None = None
    course_end: datetime | None = None
    days_early_for_beta: float | None = None  # the course's setting, inherited by the block
    beta_tester: bool = False  # whether this learner is one of the course's beta testers


def open_dates(definition: Definition, host: HostDates | None = None) -> dict[str | StepName, Resolved]:
    """Each step's (start, due) in UTC, ``"submission"`` first; open-ended sides are DISTANT_PAST/FUTURE.

    ``manual``: the author's dates, missing ones filled in by
    :func:`~.dates.resolve_dates` within the block's own release and due
    dates. ``subsection``: every step from the block's start to its due.
    ``course_end``: every step from the course's start to its end. A date
    without a zone is taken as UTC, as the platform does.
    """
    host = host or HostDates()
    names: list[str | StepName] = ["submission", *definition.step_names]
    mode = definition.date_config_type
    if mode is DateConfig.MANUAL:
        authored = [(definition.submission_start, definition.submission_due)]
        authored += [(step.start, step.due) for step in definition.steps]
        _, _, spans = resolve_dates(_utc(host.block_start), _utc(host.block_due), authored)
    else:
        start, end = (
            (host.block_start, host.block_due)
            if mode is DateConfig.SUBSECTION
            else (host.course_start, host.course_end)
        )
        spans = [(_utc(start) or DISTANT_PAST, _utc(end) or DISTANT_FUTURE)] * len(names)
    if host.beta_tester:
        spans = [(early_start(start, host.days_early_for_beta), due) for start, due in spans]
    return dict(zip(names, spans, strict=True))


def early_start(start: datetime, days_early: float | None) -> datetime:
    """``start`` as a beta tester meets it: ``days_early`` days sooner (none when unset or zero).

    Like the platform, a shift too large for a date leaves ``start`` as it
    is, and an open-ended start stays open-ended.
    """
    if not days_early or start == DISTANT_PAST:
        return start
    try:
        return start - timedelta(days=min(days_early, timedelta.max.days))
    except (OverflowError, ValueError):
        return start


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)
