"""A staff reset's edx-submissions score reset is never lost: sent after commit, or by the next refresh, once."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from submissions import api as submissions_api
from submissions.models import Score

from ora_xblock import platform
from ora_xblock.models import PendingReset
from ora_xblock.services import grades, staff
from ora_xblock.services.audit import Actor
from tests.conftest import call_handler

pytestmark = [pytest.mark.databases, pytest.mark.django_db(transaction=True)]

SELF_ASSESSED = {"options_selected": {"Reflection": "Some reflection"}}


@pytest.fixture
def graded(make_block, users):
    """alice, 2 of 4 in the gradebook of the self-only problem."""
    from ora_xblock import scenarios

    block = make_block(scenarios.demo_olx("self_only.xml"))
    assert call_handler(block, "submit", {"answers": ["mine"]}).status_code == 200
    assert call_handler(block, "self_assess", SELF_ASSESSED).status_code == 200
    student = users.get_current_user().opt_attrs["edx-platform.anonymous_user_id"]
    item = {"student_id": student, "course_id": platform.course_id(block), "item_id": platform.item_id(block)}
    assert submissions_api.get_score({**item, "item_type": "ora_xblock"})["points_earned"] == 2
    return item


def reset(item) -> None:
    staff.reset(item["course_id"], item["item_id"], item["student_id"], Actor("staff-anon", "staff"))


def resets_of(item) -> int:
    return Score.objects.filter(student_item__student_id=item["student_id"], reset=True).count()


def test_the_score_is_reset_after_commit_and_nothing_stays_pending(graded):
    reset(graded)

    assert resets_of(graded) == 1
    assert not PendingReset.objects.exists()


def test_a_failing_reset_score_is_logged_and_sent_once_by_the_next_refresh(graded, monkeypatch, caplog):
    def unavailable(*args, **kwargs):
        raise submissions_api.SubmissionInternalError("submissions are down")

    monkeypatch.setattr(submissions_api, "reset_score", unavailable)
    with caplog.at_level(logging.ERROR, logger="ora_xblock.services.grades"):
        reset(graded)  # the reset itself commits; no error reaches the staff member
    assert "resetting the score" in caplog.text
    assert resets_of(graded) == 0
    monkeypatch.undo()

    later = platform.now() + timedelta(minutes=10)
    assert grades.resend_resets(later) == 1
    assert grades.resend_resets(later) == 0  # once
    assert resets_of(graded) == 1
    assert not PendingReset.objects.exists()


def test_a_reset_whose_process_died_after_commit_is_sent_by_the_refresh(graded, monkeypatch):
    monkeypatch.setattr("django.db.transaction.on_commit", lambda *args, **kwargs: None)  # the process died
    reset(graded)
    monkeypatch.undo()
    assert resets_of(graded) == 0

    assert grades.resend_resets(platform.now()) == 0  # the send after commit still has its grace
    assert grades.resend_resets(platform.now() + timedelta(minutes=2)) == 1
    assert resets_of(graded) == 1
