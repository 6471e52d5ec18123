"""Workflow statuses and step windows, as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ora_xblock import scenarios
from ora_xblock.definition import load_olx
from ora_xblock.definition.model import StepName
from ora_xblock.workflow import Progress, Status, Window, status, windows


def problem(name: str):
    return load_olx(scenarios.resource_text(f"scenarios/{name}"))


@pytest.mark.parametrize(
    ("scenario", "progress", "expected"),
    [
        ("self_only.xml", Progress(), Status.SELF),
        ("self_only.xml", Progress(self_done=True), Status.DONE),
        ("self_staff.xml", Progress(self_done=True), Status.STAFF),
        ("self_staff.xml", Progress(self_done=True, staff_graded=True), Status.DONE),
        ("self_staff.xml", Progress(staff_graded=True), Status.DONE),  # a staff grade finishes at any point
        ("staff_only.xml", Progress(), Status.STAFF),
        ("peer_only.xml", Progress(), Status.PEER),
        ("peer_only.xml", Progress(peers_assessed=2), Status.WAITING),
        ("peer_only.xml", Progress(peers_assessed=2, peer_reviews_received=2), Status.DONE),
        ("hundred_years_war.xml", Progress(peers_assessed=2), Status.SELF),  # own reviews done: on to self
        ("hundred_years_war.xml", Progress(peers_assessed=2, self_done=True), Status.WAITING),
        ("training_peer.xml", Progress(), Status.TRAINING),
        ("training_peer.xml", Progress(training_done=True), Status.PEER),
        (
            "ideas_content_grammar.xml",
            Progress(training_done=True, peers_assessed=3, self_done=True, peer_reviews_received=3),
            Status.DONE,
        ),
        ("self_only.xml", Progress(self_done=True, cancelled=True), Status.CANCELLED),
        ("peer_only.xml", Progress(peers_assessed=2, peer_reviews_received=1), Status.WAITING),
        ("peer_only.xml", Progress(peers_assessed=2, peer_reviews_received=1, peer_reviews_required=1), Status.DONE),
        ("peer_only.xml", Progress(peers_assessed=2, escalated=True), Status.STAFF),  # nobody reviewed: staff will
    ],
)
def test_status(scenario: str, progress: Progress, expected: Status) -> None:
    assert status(problem(scenario), progress) is expected


def test_windows_fill_defaults_and_say_whether_open() -> None:
    definition = load_olx(
        scenarios.resource_text("scenarios/self_only.xml").replace(
            "<openassessment", '<openassessment submission_start="2026-01-01" submission_due="2026-02-01"', 1
        )
    )
    at = windows(definition, datetime(2026, 1, 15, tzinfo=UTC))
    assert at["submission"].state is Window.OPEN
    assert at[StepName.SELF].start == datetime(2026, 1, 1, tzinfo=UTC)  # opens with the step before it
    assert windows(definition, datetime(2025, 12, 1, tzinfo=UTC))["submission"].state is Window.NOT_OPEN
    assert windows(definition, datetime(2026, 3, 1, tzinfo=UTC))["submission"].state is Window.CLOSED
    assert windows(definition, datetime(2026, 3, 1, tzinfo=UTC))[StepName.SELF].state is Window.OPEN
