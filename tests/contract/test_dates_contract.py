"""Dates the platform owns: an imported ora2 problem opens and closes with its subsection or its course,
beta testers meet it early, and course staff look through every step without acting."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from lxml import etree
from submissions.models import Submission

from ora_xblock import platform, scenarios
from ora_xblock.models import Draft, Workflow
from tests.conftest import call_handler
from tests.host.courses import Course, Subsection, block_in_course, course_problem
from tests.host.lms import Problem, account, lms_block

pytestmark = pytest.mark.django_db

COURSE = Course(start=datetime(2026, 1, 5, tzinfo=UTC), end=datetime(2026, 6, 30, tzinfo=UTC), days_early_for_beta=3)
WEEK_6 = Subsection(start=datetime(2026, 2, 9, 9, tzinfo=UTC), due=datetime(2026, 2, 16, 17, tzinfo=UTC))


def ora2_problem(
    date_config_type: str,
    start: str = "2025-01-01T00:00:00+00:00",
    due: str = "2025-02-01T00:00:00+00:00",
    self_due: str = "2025-03-01T00:00:00+00:00",
) -> str:
    """An ora2 export; its own dates, by default left over from a 2025 run, count only when it is ``manual``."""
    return (
        scenarios.resource_text("scenarios/self_only.xml")
        .replace(
            "<openassessment",
            f'<openassessment date_config_type="{date_config_type}" submission_start="{start}" submission_due="{due}"',
            1,
        )
        .replace('name="self-assessment"', f'name="self-assessment" due="{self_due}"', 1)
    )


def submit_at(monkeypatch: pytest.MonkeyPatch, moment: datetime, block: Any) -> Any:
    monkeypatch.setattr(platform, "now", lambda: moment)
    return call_handler(block, "submit", {"answers": ["My answer"]})


def refusal(answer: Any) -> str | None:
    return None if answer.status_code == 200 else json.loads(answer.body)["error"]["code"]


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 2, 9, 8, 59, tzinfo=UTC), "not_open"),  # a minute before the subsection's release
        (datetime(2026, 2, 9, 9, 0, tzinfo=UTC), None),
        (datetime(2026, 2, 16, 16, 59, tzinfo=UTC), None),
        (datetime(2026, 2, 16, 17, 0, tzinfo=UTC), "closed"),  # its due date
    ],
)
def test_a_problem_following_its_subsection_opens_and_closes_with_it(monkeypatch, moment, expected) -> None:
    problem = course_problem(ora2_problem("subsection"), COURSE, WEEK_6)
    block = block_in_course(problem, account("ann"), COURSE)
    assert refusal(submit_at(monkeypatch, moment, block)) == expected


def test_the_learner_sees_the_subsections_dates_on_every_step(monkeypatch) -> None:
    monkeypatch.setattr(platform, "now", lambda: datetime(2026, 2, 10, tzinfo=UTC))
    block = block_in_course(course_problem(ora2_problem("subsection"), COURSE, WEEK_6), account("ann"), COURSE)
    html = block.student_view().content
    assert html.count('datetime="2026-02-09T09:00:00+00:00"') == 2  # the response and the self assessment
    assert html.count('datetime="2026-02-16T17:00:00+00:00"') == 2
    assert "2025-" not in html  # the problem's own dates are not used


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 1, 4, 23, 59, tzinfo=UTC), "not_open"),
        (datetime(2026, 1, 5, tzinfo=UTC), None),  # before the subsection's release: the course's dates rule
        (datetime(2026, 3, 1, tzinfo=UTC), None),  # after the subsection's due date
        (datetime(2026, 6, 30, tzinfo=UTC), "closed"),
    ],
)
def test_a_problem_following_the_course_is_open_from_its_start_to_its_end(monkeypatch, moment, expected) -> None:
    problem = course_problem(ora2_problem("course_end"), COURSE, WEEK_6)
    block = block_in_course(problem, account("ann"), COURSE)
    assert refusal(submit_at(monkeypatch, moment, block)) == expected


def test_a_course_without_an_end_never_closes_the_problem(monkeypatch) -> None:
    endless = Course(start=COURSE.start)
    problem = course_problem(ora2_problem("course_end"), endless, WEEK_6)
    assert (
        refusal(
            submit_at(monkeypatch, datetime(2031, 1, 1, tzinfo=UTC), block_in_course(problem, account("ann"), endless))
        )
        is None
    )


@pytest.mark.parametrize(
    ("olx", "opens"),
    [
        (ora2_problem("subsection"), WEEK_6.start),
        (  # the author's own dates: a week after the subsection's release
            ora2_problem(
                "manual", "2026-02-16T09:00:00+00:00", "2026-07-01T00:00:00+00:00", "2026-07-02T00:00:00+00:00"
            ),
            datetime(2026, 2, 16, 9, tzinfo=UTC),
        ),
    ],
    ids=["subsection", "manual"],
)
def test_a_beta_tester_meets_the_problem_days_early_for_beta_sooner(monkeypatch, olx, opens) -> None:
    problem = course_problem(olx, COURSE, WEEK_6)
    early = opens - timedelta(days=3)  # the course's days_early_for_beta
    assert refusal(submit_at(monkeypatch, early, block_in_course(problem, account("ann"), COURSE))) == "not_open"
    assert refusal(submit_at(monkeypatch, early, block_in_course(problem, account("bea"), COURSE, beta=True))) is None
    sooner = early - timedelta(minutes=1)
    beta = block_in_course(problem, account("ben"), COURSE, beta=True)
    assert refusal(submit_at(monkeypatch, sooner, beta)) == "not_open"


def test_the_subsection_due_date_the_lms_personalises_is_the_one_that_counts(monkeypatch) -> None:
    extended = Subsection(start=WEEK_6.start, due=datetime(2026, 2, 20, tzinfo=UTC))  # edx-when's extension for ann
    block = block_in_course(course_problem(ora2_problem("subsection"), COURSE, extended), account("ann"), COURSE)
    assert refusal(submit_at(monkeypatch, datetime(2026, 2, 18, tzinfo=UTC), block)) is None


def test_the_setting_survives_import_and_export() -> None:
    block = block_in_course(course_problem(ora2_problem("course_end"), COURSE, WEEK_6), account("ann"), COURSE)
    node = etree.Element("placeholder")
    block.add_xml_to_node(node)
    assert node.get("date_config_type") == "course_end"


def test_course_staff_look_through_every_step_whatever_the_dates_and_nothing_is_written(monkeypatch) -> None:
    monkeypatch.setattr(platform, "now", lambda: datetime(2026, 3, 1, tzinfo=UTC))  # the subsection is closed
    problem = course_problem(ora2_problem("subsection"), COURSE, WEEK_6)
    staff = block_in_course(problem, account("sam", staff=True), COURSE, staff=True)
    html = staff.student_view().content
    look = html[html.index('class="ora-section ora-look-through"') : html.index("</details>")]
    assert "Look through every step" in look
    for step in ("Your response", "Assess your response"):
        assert f"<h4>{step}</h4>" in look
    assert look.count('Closed to learners on <time datetime="2026-02-16T17:00:00+00:00"') == 2
    assert "Deep reflection" in look  # the rubric the self assessment uses
    assert "<form" not in look and "<button" not in look
    assert (Workflow.objects.count(), Draft.objects.count(), Submission.objects.count()) == (0, 0, 0)
    assert staff.runtime.published == []

    learner = block_in_course(problem, account("ann"), COURSE)
    assert "ora-look-through" not in learner.student_view().content


def test_studios_summary_shows_the_subsections_dates_for_every_step() -> None:
    problem = course_problem(ora2_problem("subsection"), COURSE, WEEK_6)
    summary = block_in_course(problem, account("author", staff=True), COURSE, staff=True).author_view().content
    summary = summary[: summary.index("</section>")]
    assert "every step is open from the subsection&#39;s release date to its due date" in summary
    assert summary.count('datetime="2026-02-09T09:00:00+00:00"') == 2
    assert "2025-" not in summary


def test_a_host_without_subsection_or_course_dates_leaves_the_problem_open(monkeypatch) -> None:
    problem = Problem(ora2_problem("subsection"))  # the workbench: no inherited fields, no modulestore
    block = lms_block(problem, account("ann"), beta=True)
    assert refusal(submit_at(monkeypatch, datetime(2026, 2, 1, tzinfo=UTC), block)) is None


@pytest.mark.parametrize(("date_config_type", "released"), [("subsection", True), ("manual", False)])
def test_the_rubric_locks_when_the_problem_opens_by_the_dates_that_apply(
    monkeypatch, date_config_type, released
) -> None:
    monkeypatch.setattr(platform, "now", lambda: datetime(2026, 2, 10, tzinfo=UTC))  # the subsection is out
    later = ("2031-01-01T00:00:00+00:00", "2031-02-01T00:00:00+00:00", "2031-03-01T00:00:00+00:00")
    problem = course_problem(ora2_problem(date_config_type, *later), COURSE, WEEK_6)
    assert block_in_course(problem, account("author", staff=True), COURSE, staff=True).is_released() is released
