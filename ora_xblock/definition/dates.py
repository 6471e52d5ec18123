"""Dates in OLX: parsed to aware UTC datetimes, written back in ISO 8601."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

_DATE = re.compile(
    r"""^\s*(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})
    (?:[T\s](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,6})\d*)?)?)?
    \s*(?P<zone>Z|UTC|[+-]\d{1,2}(?::?\d{2})?)?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)


def parse_date(text: str) -> datetime:
    """Parse an OLX date such as ``2014-03-11T10:00-07:00`` into UTC.

    A date without a zone is taken as UTC, as the platform does. An offset
    is applied, never dropped. Raises ValueError for anything else.
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
    return naive.replace(tzinfo=_zone(parts["zone"])).astimezone(UTC)


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


_GRACE = re.compile(r"^(?P<days>\d+):(?P<hours>\d{1,2}):(?P<minutes>\d{1,2})$")


def parse_grace_period(text: str) -> timedelta:
    """Parse a resubmission grace period written ``DD:HH:MM``."""
    match = _GRACE.match(text.strip())
    if not match:
        raise ValueError(text)
    days, hours, minutes = (int(match[name]) for name in ("days", "hours", "minutes"))
    if hours > 23 or minutes > 59:
        raise ValueError(text)
    return timedelta(days=days, hours=hours, minutes=minutes)


DISTANT_PAST = datetime(1, 1, 1, tzinfo=UTC)
DISTANT_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)
_TICK = timedelta(milliseconds=1)

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
        low = high - _TICK
    for window_start, window_due in windows:
        if window_start is not None:
            low, high = min(low, window_start), max(high, window_start + _TICK)
        if window_due is not None:
            low, high = min(low, window_due - _TICK), max(high, window_due)
    starts: list[datetime] = []
    for window_start, _ in windows:
        starts.append(window_start or (starts[-1] if starts else low))
    dues: list[datetime] = []
    for _, window_due in reversed(windows):
        dues.append(window_due or (dues[-1] if dues else high))
    return low, high, list(zip(starts, reversed(dues), strict=True))
