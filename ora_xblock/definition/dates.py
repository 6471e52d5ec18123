"""Dates in OLX: parsed to aware UTC datetimes, written back in ISO 8601.

Arithmetic on dates here never overflows: an author's dates lie between
:data:`~.limits.EARLIEST` and :data:`~.limits.LATEST`, and shifts saturate
at the ends of the calendar.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from .errors import N_, DefinitionError
from .limits import EARLIEST, LATEST, MAX_GRACE_DAYS

_DATE = re.compile(
    r"""^\s*(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})
    (?:[T\s](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,6})\d*)?)?)?
    \s*(?P<zone>Z|UTC|[+-]\d{1,2}(?::?\d{2})?)?\s*$""",
    re.VERBOSE | re.IGNORECASE | re.ASCII,
)


class DateOutOfRange(ValueError):
    """A well-formed date before :data:`~.limits.EARLIEST` or after :data:`~.limits.LATEST` (in UTC)."""


def parse_date(text: str) -> datetime:
    """Parse an OLX date such as ``2014-03-11T10:00-07:00`` into UTC.

    A date without a zone is taken as UTC, as the platform does. An offset
    is applied, never dropped. Raises :class:`DateOutOfRange` for a date
    outside the authors' range, ValueError for anything else.
    """
    match = _DATE.match(text)
    if not match:
        raise ValueError(text)
    parts = match.groupdict()
    fraction = (parts["fraction"] or "").ljust(6, "0")
    naive = datetime(
        int(parts["year"]),
        int(parts["month"]),
        int(parts["day"]),
        int(parts["hour"] or 0),
        int(parts["minute"] or 0),
        int(parts["second"] or 0),
        int(fraction or 0),
    )
    try:
        moment = naive.replace(tzinfo=_zone(parts["zone"])).astimezone(UTC)
    except OverflowError:  # the offset moves it off the calendar
        raise DateOutOfRange(text) from None
    if not in_range(moment):
        raise DateOutOfRange(text)
    return moment


def in_range(moment: datetime) -> bool:
    """Whether an author may set ``moment`` (an aware datetime)."""
    return EARLIEST <= moment <= LATEST


def out_of_range(where: str, attribute: str, value: str) -> DefinitionError:
    """``dates.out_of_range``: the date ``value`` of ``attribute`` is outside what an author may set."""
    return DefinitionError(
        "dates.out_of_range",
        N_("{attribute} must fall between {earliest} and {latest} (UTC), not {value}."),
        where,
        {
            "attribute": attribute,
            "earliest": EARLIEST.date().isoformat(),
            "latest": LATEST.date().isoformat(),
            "value": value,
        },
    )


def _zone(text: str | None) -> timezone:
    if not text or text.upper() in ("Z", "UTC"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = (digits, "0") if len(digits) <= 2 else (digits[:-2], digits[-2:])
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))


def format_date(value: datetime) -> str:
    """The canonical OLX form of ``value``: ISO 8601 in UTC."""
    return value.astimezone(UTC).isoformat()


_GRACE = re.compile(r"^(?P<days>\d+):(?P<hours>\d{1,2}):(?P<minutes>\d{1,2})$", re.ASCII)


def grace_period_minutes(text: str) -> int:
    """The length in minutes of a resubmission grace period written ``DD:HH:MM``; ValueError if it is not."""
    match = _GRACE.match(text.strip())
    if not match:
        raise ValueError(text)
    days, hours, minutes = (int(match[name]) for name in ("days", "hours", "minutes"))
    if hours > 23 or minutes > 59:
        raise ValueError(text)
    return (days * 24 + hours) * 60 + minutes


def parse_grace_period(text: str) -> timedelta:
    """A resubmission grace period written ``DD:HH:MM``; ValueError if it is not.

    A period beyond :data:`~.limits.MAX_GRACE_DAYS` (which the validator
    refuses, though a problem stored before that bound may hold one) counts
    as that many days, so that adding it to a date never overflows.
    """
    return timedelta(minutes=min(grace_period_minutes(text), MAX_GRACE_DAYS * 24 * 60))


DISTANT_PAST = datetime(1, 1, 1, tzinfo=UTC)
DISTANT_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)
_TICK = timedelta(milliseconds=1)
_FIRST = datetime.min.replace(tzinfo=UTC)
_LAST = datetime.max.replace(tzinfo=UTC)


def shifted(moment: datetime, delta: timedelta) -> datetime:
    """``moment + delta``, held at the first or last representable moment instead of overflowing."""
    try:
        return moment + delta
    except OverflowError:
        return _LAST if delta > timedelta(0) else _FIRST


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC (naive means UTC, as the platform has it), held at the ends of the calendar."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # within hours of year 1 or 9999, in a zone that moves it off the calendar
        return _FIRST if moment.year == datetime.min.year else _LAST


Window = tuple[datetime | None, datetime | None]
Resolved = tuple[datetime, datetime]


def resolve_dates(
    start: datetime | None, end: datetime | None, windows: list[Window]
) -> tuple[datetime, datetime, list[Resolved]]:
    """Fill in missing window dates, as the learner will meet them.

    ``start`` and ``end`` bound the whole problem (the course's release and
    due dates); they stretch to cover every date the author set. A window
    with no start opens with the one before it (the first with ``start``);
    a window with no due closes with the one after it (the last with
    ``end``). Whether the result is in order is for the caller to judge.
    """
    low = start or DISTANT_PAST
    high = end or DISTANT_FUTURE
    if low >= high:
        low = shifted(high, -_TICK)
        if low >= high:  # ``high`` is the first moment there is
            high = shifted(low, _TICK)
    for window_start, window_due in windows:
        if window_start is not None:
            low, high = min(low, window_start), max(high, shifted(window_start, _TICK))
        if window_due is not None:
            low, high = min(low, shifted(window_due, -_TICK)), max(high, window_due)
    starts: list[datetime] = []
    for window_start, _ in windows:
        starts.append(window_start or (starts[-1] if starts else low))
    dues: list[datetime] = []
    for _, window_due in reversed(windows):
        dues.append(window_due or (dues[-1] if dues else high))
    return low, high, list(zip(starts, reversed(dues), strict=True))
