"""Moments as the people who read them expect them: in their time zone and language, with how far away they are.

Pure: Babel and the standard library only. A :class:`Reader` holds what the host says about the person (their
time zone preference, the page's language) and the time now; :meth:`Reader.moment` gives what a template
shows: the text, a relative hint ("in 3 days", "2 hours ago") and the UTC value for ``<time datetime>``.
When the host gives no time zone, the text is in UTC and :attr:`Moment.local` asks the browser
(``static/js/when.js``) to show it again in the browser's own zone, in the same language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, format_timedelta, get_datetime_format, get_timezone_gmt

from .definition.errors import N_

Shape = Literal["datetime", "date", "time"]

DEFAULT_LANGUAGE = "en"
NOW = N_("now")
NOW_WITHIN = timedelta(seconds=45)  # closer than this, a moment is "now" rather than "in 0 minutes"
_NUMERIC_ZONE = re.compile(r"[+-]\d{4}")  # what Babel's short zone name falls back to without a local abbreviation


def _same(message: str) -> str:
    return message


@dataclass(frozen=True)
class Moment:
    """One moment as a template shows it."""

    iso: str  # the moment in UTC, ISO 8601, for ``<time datetime>``
    text: str  # "Mar 1, 2026, 5:30 PM GMT+05:30": in the reader's zone and language
    relative: str  # "in 3 days", "2 hours ago", "now"; empty when the reader has no "now"
    language: str  # the BCP 47 tag of the text's language ("en-US", "ar"), for the browser to use the same
    local: str  # empty when ``text`` is in the reader's zone; else its shape, for the browser to redo in its zone


@dataclass(frozen=True)
class Reader:
    """Who reads the dates: their time zone, the page's language, and the time now.

    ``time_zone`` is an IANA name (the platform's ``time_zone`` preference); an unknown name counts as none.
    ``language`` is a Django or BCP 47 language code ("en-us", "pt-br", "zh-hans", "ar"); an unknown one
    falls back to its base language, then to English. ``gettext`` translates the word "now".
    """

    time_zone: str | None = None
    language: str = DEFAULT_LANGUAGE
    now: datetime | None = None
    gettext: Callable[[str], str] = field(default=_same, compare=False)

    @property
    def zone(self) -> tzinfo | None:
        """The reader's zone, or None when the host gave none (or one nobody knows)."""
        return zone_named(self.time_zone)

    @property
    def locale(self) -> Locale:
        return locale_for(self.language)

    def moment(self, value: datetime, shape: Shape = "datetime") -> Moment:
        """``value`` (aware, or naive meaning UTC) as the reader should see it: a date and time, a date, or a time."""
        utc = _utc(value)
        zone = self.zone
        locale = self.locale
        return Moment(
            iso=utc.isoformat(),
            text=_text(utc, shape, zone or UTC, locale),
            relative=self.relative(utc),
            language=str(locale).replace("_", "-"),
            local="" if zone is not None else shape,
        )

    def text(self, value: datetime, shape: Shape = "datetime") -> str:
        """Only the text of :meth:`moment`, for messages that cannot carry markup (a refusal's JSON)."""
        return _text(_utc(value), shape, self.zone or UTC, self.locale)

    def relative(self, value: datetime) -> str:
        """How far ``value`` is from now, in words: "in 3 days", "2 hours ago", "now"; empty without a now."""
        if self.now is None:
            return ""
        delta = _utc(value) - _utc(self.now)
        if abs(delta) < NOW_WITHIN:
            return self.gettext(NOW)
        return str(format_timedelta(delta, granularity="minute", add_direction=True, locale=self.locale))


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _text(utc: datetime, shape: Shape, zone: tzinfo, locale: Locale) -> str:
    local = utc.astimezone(zone)
    date = str(format_date(local, "medium", locale=locale))
    if shape == "date":
        return date
    time = f"{format_time(local, locale.time_formats['short'].pattern, locale=locale)} {_zone_name(local, locale)}"
    if shape == "time":
        return time
    pattern = str(get_datetime_format("medium", locale=locale)).replace("'", "")
    return pattern.replace("{1}", date).replace("{0}", time)


def _zone_name(local: datetime, locale: Locale) -> str:
    """The zone's short name where the language has one ("EST", "UTC", "IST" in Hindi), else its offset
    from GMT as the language writes it ("GMT+05:30"), never a bare "+0530"."""
    short = str(format_time(local, "z", locale=locale))
    return str(get_timezone_gmt(local, width="long", locale=locale)) if _NUMERIC_ZONE.fullmatch(short) else short


@cache
def zone_named(name: object) -> tzinfo | None:
    """The time zone with this IANA name, or None for no name or an unknown one."""
    if not isinstance(name, str) or not name.strip():
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):  # unknown, or not a zone name at all ("../etc", "UTC+5")
        return None


@cache
def locale_for(language: object) -> Locale:
    """The Babel locale for a Django or BCP 47 language code; its base language, or English, when unknown."""
    parts = re.split(r"[-_]", language.strip()) if isinstance(language, str) and language.strip() else []
    if not parts or not parts[0].isalpha():
        return Locale.parse(DEFAULT_LANGUAGE)
    tags = [parts[0].lower()]
    for part in parts[1:]:
        tags.append(part.title() if len(part) == 4 else part.upper())  # script ("Hans") or region ("BR", "419")
    for candidate in ("_".join(tags), tags[0]):
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError, TypeError):
            continue
    return Locale.parse(DEFAULT_LANGUAGE)
