"""OLX dates: offsets become UTC, never dropped."""

from datetime import UTC, datetime, timedelta

import pytest

from ora_xblock.definition.dates import format_date, parse_date, parse_grace_period


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
