"""Dates in the reader's time zone and language, with a relative hint, marked up in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ora_xblock.when import Reader, locale_for, zone_named

NOW = datetime(2026, 2, 26, 12, 0, tzinfo=UTC)
DUE = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def plain(text: str) -> str:
    """``text`` with CLDR's narrow no-break spaces and bidi marks as the ordinary characters tests compare."""
    return text.replace("\u202f", " ").replace("\u200f", "").replace("\u200e", "")


@pytest.mark.parametrize(
    ("zone", "language", "text"),
    [
        ("Asia/Kolkata", "en", "Mar 1, 2026, 5:30 PM GMT+05:30"),
        ("America/New_York", "en-us", "Mar 1, 2026, 7:00 AM EST"),
        ("Europe/Paris", "fr", "1 mars 2026, 13:00 UTC+01:00"),
        ("Asia/Kolkata", "hi", "1 मार्च 2026, 5:30 pm IST"),
        ("Asia/Tokyo", "ja", "2026/03/01 21:00 JST"),
        ("UTC", "en", "Mar 1, 2026, 12:00 PM UTC"),
    ],
)
def test_a_moment_is_shown_in_the_readers_zone_and_language(zone: str, language: str, text: str) -> None:
    moment = Reader(zone, language, NOW).moment(DUE)
    assert plain(moment.text) == text
    assert moment.iso == "2026-03-01T12:00:00+00:00"  # <time datetime> stays UTC whatever the zone
    assert moment.local == ""  # the server knew the zone: the browser leaves it alone


def test_a_right_to_left_language_gets_its_own_digits_order_and_words() -> None:
    moment = Reader("Asia/Riyadh", "ar", NOW).moment(DUE)
    assert plain(moment.text) == "01/03/2026، 3:00 م غرينتش+03:00"
    assert moment.relative == "خلال 3 أيام"
    assert moment.language == "ar"
    assert Reader("Asia/Jerusalem", "he", NOW).moment(DUE - timedelta(days=5)).relative == "לפני יומיים (2)"


@pytest.mark.parametrize(
    ("offset", "hint"),
    [
        (timedelta(days=2, hours=20), "in 3 days"),
        (timedelta(hours=2), "in 2 hours"),
        (timedelta(minutes=-90), "2 hours ago"),
        (timedelta(minutes=-20), "20 minutes ago"),
        (timedelta(days=-400), "1 year ago"),
        (timedelta(seconds=30), "now"),
        (timedelta(seconds=-44), "now"),
    ],
)
def test_the_relative_hint_says_how_far_away_the_moment_is(offset: timedelta, hint: str) -> None:
    assert Reader("Asia/Kolkata", "en", NOW).moment(NOW + offset).relative == hint


def test_now_is_translated_and_other_hints_come_in_the_readers_language() -> None:
    reader = Reader(None, "fr", NOW, gettext={"now": "maintenant"}.get)
    assert reader.relative(NOW) == "maintenant"
    assert reader.relative(NOW - timedelta(hours=2)) == "il y a 2 heures"


def test_without_a_now_there_is_no_hint() -> None:
    assert Reader("Asia/Kolkata", "en").moment(DUE).relative == ""


def test_without_a_zone_the_text_is_utc_and_the_browser_is_asked_to_redo_it() -> None:
    for zone in (None, "", "Mars/Olympus_Mons", "../../etc/passwd", "UTC+5", 42):
        moment = Reader(zone, "en", NOW).moment(DUE)  # type: ignore[arg-type]
        assert plain(moment.text) == "Mar 1, 2026, 12:00 PM UTC"
        assert moment.local == "datetime"
    assert Reader(None, "en").moment(DUE, "date").local == "date"


@pytest.mark.parametrize(
    ("moment", "text"),
    [  # New York's clocks jump from 2:00 EST to 3:00 EDT on 8 March 2026, and fall back on 1 November
        (datetime(2026, 3, 8, 6, 59, tzinfo=UTC), "1:59 AM EST"),
        (datetime(2026, 3, 8, 7, 0, tzinfo=UTC), "3:00 AM EDT"),
        (datetime(2026, 11, 1, 5, 30, tzinfo=UTC), "1:30 AM EDT"),  # the same 1:30 twice, told apart by the zone
        (datetime(2026, 11, 1, 6, 30, tzinfo=UTC), "1:30 AM EST"),
    ],
)
def test_daylight_saving_edges_keep_the_right_hour_and_name_the_zone(moment: datetime, text: str) -> None:
    assert plain(Reader("America/New_York", "en").moment(moment, "time").text) == text


def test_a_date_alone_is_the_readers_calendar_day() -> None:
    late = datetime(2026, 2, 28, 20, 0, tzinfo=UTC)  # already 1 March in Kolkata
    assert Reader("Asia/Kolkata", "en").moment(late, "date").text == "Mar 1, 2026"
    assert Reader("America/New_York", "en").moment(late, "date").text == "Feb 28, 2026"


def test_naive_moments_are_utc_as_the_platform_stores_them() -> None:
    naive = datetime(2026, 3, 1, 12, 0)
    assert Reader("Asia/Kolkata", "en").moment(naive).iso == "2026-03-01T12:00:00+00:00"
    assert Reader("Asia/Kolkata", "en", NOW).relative(naive) == "in 3 days"


def test_text_alone_is_the_moments_text() -> None:
    reader = Reader("Asia/Kolkata", "en", NOW)
    assert reader.text(DUE) == reader.moment(DUE).text


@pytest.mark.parametrize(
    ("language", "tag"),
    [
        ("en-us", "en_US"),
        ("pt-br", "pt_BR"),
        ("zh-hans", "zh_Hans"),
        ("zh_CN", "zh_Hans_CN"),
        ("es-419", "es_419"),
        ("AR", "ar"),
        ("fr-xx", "fr"),  # an unknown region: the base language
        ("tlh", "en"),  # a language Babel does not know: English
        ("", "en"),
        (None, "en"),
        ("../en", "en"),
    ],
)
def test_language_codes_of_django_and_bcp47_find_their_locale(language: object, tag: str) -> None:
    assert str(locale_for(language)) == tag


def test_zones_are_found_by_iana_name_only() -> None:
    assert str(zone_named("Asia/Kolkata")) == "Asia/Kolkata"
    assert zone_named(" Europe/Paris ") is not None
    assert zone_named("Europe/Nowhere") is None
    assert zone_named("") is None
    assert zone_named(None) is None
