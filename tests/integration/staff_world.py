"""Learners, problems and staff for the staff-area tests: a peer-only and a self-then-staff problem."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from ora_xblock import scenarios
from ora_xblock.definition import load_olx
from ora_xblock.handlers.endpoints import status_of
from ora_xblock.services import overdue
from ora_xblock.services import peer as peer_service
from ora_xblock.services.assessments import self_assess
from ora_xblock.services.audit import Actor
from ora_xblock.services.common import Learner, Problem, Refusal
from ora_xblock.services.responses import submit

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
COURSE = "course-v1:Org+Run+2026"
ITEM = "block-v1:Org+Run+2026+type@ora_xblock+block@essay"
PEER_ONLY = load_olx(scenarios.resource_text("scenarios/peer_only.xml"))  # Users, Feasibility; must grade 2, by 2
SELF_STAFF = load_olx(scenarios.resource_text("scenarios/self_staff.xml"))  # Argument 0/3/5; staff required
PEER_GOOD = {"options_selected": {"Users": "Yes", "Feasibility": "Practical"}}
PEER_FAIR = {"options_selected": {"Users": "Partly", "Feasibility": "Plausible"}}
ANN_STAFF = Actor("anon-staff-ann", "StaffAnn")
BEN_STAFF = Actor("anon-staff-ben", "StaffBen")


def learner(name: str) -> Learner:
    return Learner(course_id=COURSE, item_id=ITEM, student_id=f"anon-{name}", username=name)


def at(hours: float = 0, definition=SELF_STAFF) -> Problem:
    return Problem(definition, START + timedelta(hours=hours))


def refusal(call) -> tuple[str, int]:
    """The code and HTTP status a service refuses with; the refusal rolls back only its own savepoint here."""
    with pytest.raises(Refusal) as refused, transaction.atomic():
        call()
    return refused.value.code, status_of(refused.value)


def submit_all(*names: str, definition=SELF_STAFF, hours: float = 0) -> None:
    """Each learner submits a minute after the previous one; the problem is remembered for background work."""
    for offset, name in enumerate(names):
        problem = at(hours + offset / 60, definition)
        submit(problem, learner(name), [f"answer of {name}"])
    overdue.remember(at(hours, definition), ITEM, COURSE, scenarios.resource_text(_SOURCES[id(definition)]))


def self_assess_all(*names: str, option: str = "Stated", hours: float = 1) -> None:
    for name in names:
        self_assess(at(hours), learner(name), {"options_selected": {"Argument": option}})


def peer_review(name: str, data=PEER_GOOD, hours: float = 1) -> None:
    lease = peer_service.next_review(at(hours, PEER_ONLY), learner(name))
    assert lease is not None
    peer_service.peer_assess(at(hours, PEER_ONLY), learner(name), lease.pk, data)


_SOURCES = {id(PEER_ONLY): "scenarios/peer_only.xml", id(SELF_STAFF): "scenarios/self_staff.xml"}
