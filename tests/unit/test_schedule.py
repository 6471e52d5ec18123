"""When each step is open: the author's dates, the subsection's, or the course's; beta testers early."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest

from ora_xblock import scenarios
from ora_xblock.definition import load_olx
from ora_xblock.definition.dates import DISTANT_FUTURE, DISTANT_PAST
from ora_xblock.definition.model import DateConfig, Definition, StepName
from ora_xblock.definition.schedule import HostDates, early_start, open_dates
from ora_xblock.workflow import Window, windows

# Peer then self, each step with its own dates, as an ora2 author sets them.
AUTHORED = load_olx(
    scenarios.resource_text("scenarios/hundred_years_war.xml").replace(
        "<openassessment",
        '<openassessment submission_start="2026-03-01T00:00:00Z" submission_due="2026-03-10T00:00:00Z"',
        1,
    )
)
SUBSECTION = HostDates(
    block_start=datetime(2026, 2, 1, 9, tzinfo=UTC),
    block_due=datetime(2026, 2, 28, 17, tzinfo=UTC),
    course_start=datetime(2026, 1, 5, tzinfo=UTC),
    course_end=datetime(2026, 6, 30, tzinfo=UTC),
    days_early_for_beta=3,
)


def mode(definition: Definition, config: DateConfig) -> Definition:
    return dataclasses.replace(definition, date_config_type=config)


def test_manual_dates_are_the_authors_filled_in_within_the_subsection() -> None:
    dates = open_dates(AUTHORED, SUBSECTION)
    assert list(dates) == ["submission", *AUTHORED.step_names]
    assert dates["submission"] == (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 10, tzinfo=UTC))
    peer_start, peer_due = dates[StepName.PEER]
    assert peer_start == datetime(2026, 3, 1, tzinfo=UTC)  # no start of its own: opens with the response
    assert peer_due >= datetime(2026, 3, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (DateConfig.SUBSECTION, (datetime(2026, 2, 1, 9, tzinfo=UTC), datetime(2026, 2, 28, 17, tzinfo=UTC))),
        (DateConfig.COURSE_END, (datetime(2026, 1, 5, tzinfo=UTC), datetime(2026, 6, 30, tzinfo=UTC))),
    ],
)
def test_platform_dates_open_every_step_the_response_included_in_one_window(
    config: DateConfig, expected: tuple[datetime, datetime]
) -> None:
    dates = open_dates(mode(AUTHORED, config), SUBSECTION)
    assert set(dates.values()) == {expected}  # the author's own dates are ignored
    assert list(dates) == ["submission", *AUTHORED.step_names]


@pytest.mark.parametrize(
    ("config", "start"),
    [(DateConfig.SUBSECTION, SUBSECTION.block_start), (DateConfig.COURSE_END, SUBSECTION.course_start)],
)
def test_missing_platform_dates_leave_the_window_open_ended(config: DateConfig, start: datetime) -> None:
    assert set(open_dates(mode(AUTHORED, config), HostDates()).values()) == {(DISTANT_PAST, DISTANT_FUTURE)}
    no_end = HostDates(block_start=SUBSECTION.block_start, course_start=SUBSECTION.course_start)
    assert open_dates(mode(AUTHORED, config), no_end)["submission"] == (start, DISTANT_FUTURE)


def test_without_any_host_dates_manual_problems_keep_their_own_dates() -> None:
    assert open_dates(AUTHORED)["submission"] == (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 10, tzinfo=UTC))


@pytest.mark.parametrize("config", list(DateConfig))
def test_beta_testers_meet_every_start_days_early_for_beta_sooner_and_the_same_dues(config: DateConfig) -> None:
    definition = mode(AUTHORED, config)
    learner = open_dates(definition, SUBSECTION)
    beta = open_dates(definition, dataclasses.replace(SUBSECTION, beta_tester=True))
    for name, (start, due) in learner.items():
        assert beta[name] == (start - timedelta(days=3), due)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (None, datetime(2026, 2, 1, tzinfo=UTC)),  # the course sets no beta period
        (0, datetime(2026, 2, 1, tzinfo=UTC)),
        (1.5, datetime(2026, 1, 30, 12, tzinfo=UTC)),  # the platform's field is a Float
        (10**12, datetime(2026, 2, 1, tzinfo=UTC)),  # beyond any date: the platform leaves the start as it is
        (float("nan"), datetime(2026, 2, 1, tzinfo=UTC)),
    ],
)
def test_early_start_follows_the_platforms_arithmetic(days: float | None, expected: datetime) -> None:
    assert early_start(datetime(2026, 2, 1, tzinfo=UTC), days) == expected


def test_an_open_ended_start_stays_open_ended_for_beta_testers() -> None:
    assert early_start(DISTANT_PAST, 30) == DISTANT_PAST
    beta = HostDates(days_early_for_beta=30, beta_tester=True)
    assert open_dates(mode(AUTHORED, DateConfig.SUBSECTION), beta)["submission"] == (DISTANT_PAST, DISTANT_FUTURE)


def test_platform_dates_in_any_zone_or_none_are_read_as_the_same_instants_in_utc() -> None:
    kolkata = timezone(timedelta(hours=5, minutes=30))
    zoned = HostDates(
        block_start=datetime(2026, 2, 1, 14, 30, tzinfo=kolkata),  # 09:00 UTC
        block_due=datetime(2026, 2, 28, 17),  # naive: UTC, as the platform stores it
    )
    start, due = open_dates(mode(AUTHORED, DateConfig.SUBSECTION), zoned)["submission"]
    assert (start, due) == (SUBSECTION.block_start, SUBSECTION.block_due)
    assert start.utcoffset() == timedelta(0)
    assert due.tzinfo is UTC


def test_step_windows_open_and_close_with_the_subsection() -> None:
    definition = mode(AUTHORED, DateConfig.SUBSECTION)
    before = windows(definition, datetime(2026, 2, 1, 8, 59, tzinfo=UTC), SUBSECTION)
    during = windows(definition, datetime(2026, 2, 1, 9, tzinfo=UTC), SUBSECTION)
    after = windows(definition, datetime(2026, 2, 28, 17, tzinfo=UTC), SUBSECTION)
    assert {window.state for window in before.values()} == {Window.NOT_OPEN}
    assert {window.state for window in during.values()} == {Window.OPEN}
    assert {window.state for window in after.values()} == {Window.CLOSED}
    beta = windows(definition, datetime(2026, 1, 29, 9, tzinfo=UTC), dataclasses.replace(SUBSECTION, beta_tester=True))
    assert beta["submission"].state is Window.OPEN
