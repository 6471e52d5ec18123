"""OLX dates: offsets become UTC, never dropped."""

from datetime import UTC, datetime, timedelta

import pytest

from ora_xblock.definition.dates import (
    DateOutOfRange,
    format_date,
    grace_period_minutes,
    parse_date,
    parse_grace_period,
    resolve_dates,
)
from ora_xblock.definition.limits import EARLIEST, LATEST, MAX_GRACE_DAYS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2014-02-27T09:46:28", datetime(2014, 2, 27, 9, 46, 28, tzinfo=UTC)),
        ("2035-03-11T18:20", datetime(2035, 3, 11, 18, 20, tzinfo=UTC)),
        ("1999-03-05", datetime(1999, 3, 5, tzinfo=UTC)),
        ("2000-01-8", datetime(2000, 1, 8, tzinfo=UTC)),
        ("2014-03-11T10:00-18:10", datetime(2014, 3, 12, 4, 10, tzinfo=UTC)),
        ("2013-12-20T19:00-7:00", datetime(2013, 12, 21, 2, 0, tzinfo=UTC)),
        ("2001-01-01T00:00:00+05:30", datetime(2000, 12, 31, 18, 30, tzinfo=UTC)),
        ("2026-01-31T17:00:00Z", datetime(2026, 1, 31, 17, tzinfo=UTC)),
        ("2026-01-31T17:00:00.250000+00:00", datetime(2026, 1, 31, 17, 0, 0, 250000, tzinfo=UTC)),
    ],
)
def test_dates_are_converted_to_utc(text: str, expected: datetime) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "soon", "2014-13-01", "2014-02-30", "2014-01-01T25:00", "2014-01-01T10:00+25:00"])
def test_bad_dates_raise_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


def test_format_date_round_trips_in_utc() -> None:
    moment = parse_date("2015-12-21T22:22-7:00")
    assert format_date(moment) == "2015-12-22T05:22:00+00:00"
    assert parse_date(format_date(moment)) == moment


def test_grace_period_is_days_hours_minutes() -> None:
    assert parse_grace_period("01:02:30") == timedelta(days=1, hours=2, minutes=30)
    assert parse_grace_period("00:00:30") == timedelta(minutes=30)
    for bad in ("1:2", "00:24:00", "00:00:60", "x"):
        with pytest.raises(ValueError):
            parse_grace_period(bad)


# Bounds: no date or period an author can write makes arithmetic overflow (issue 12, point 4).

EDGE_DATES = ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]


@pytest.mark.parametrize(
    "text", [*EDGE_DATES, "1899-12-31T23:59:59Z", "1900-01-01T00:30:00+01:00", "9000-01-01T00:00:01Z"]
)
def test_dates_outside_the_sane_range_are_refused_as_out_of_range_not_a_crash(text: str) -> None:
    with pytest.raises(DateOutOfRange) as raised:
        parse_date(text)
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize("text", ["1900-01-01T00:00:00Z", "9000-01-01T00:00:00Z", "8999-12-31T09:59:59-14:00"])
def test_dates_at_the_ends_of_the_range_are_accepted(text: str) -> None:
    assert EARLIEST <= parse_date(text) <= LATEST


SMALLEST = datetime.min.replace(tzinfo=UTC)
LARGEST = datetime.max.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "end", "windows"),
    [
        (SMALLEST, SMALLEST, [(None, None)]),
        (LARGEST, LARGEST, [(None, None)]),
        (None, None, [(LARGEST, None), (None, SMALLEST)]),
        (LARGEST, SMALLEST, [(SMALLEST, LARGEST), (LARGEST, SMALLEST)]),
    ],
)
def test_resolving_dates_at_the_ends_of_the_calendar_never_overflows(start, end, windows) -> None:
    low, high, resolved = resolve_dates(start, end, windows)
    assert low <= high
    assert len(resolved) == len(windows)


def test_a_huge_grace_period_is_read_without_overflow() -> None:
    assert grace_period_minutes(f"{10**20}:00:00") == 10**20 * 24 * 60
    assert parse_grace_period(f"{10**20}:00:00") == timedelta(days=MAX_GRACE_DAYS)  # what a stored one can mean
    assert parse_grace_period("365:00:00") == timedelta(days=365)
