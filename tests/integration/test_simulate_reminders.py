"""``ora-xblock simulate --reminders``: the real peer reminders in simulated time, and the reminder model (a stopped
learner answers a reminder with the stated probability and then does the reviews they owe)."""

from __future__ import annotations

import json

import pytest

from ora_xblock.cli import main
from tests.integration.test_simulate import simulate_in_a_process

SMALL = ("--learners", "24", "--days", "3", "--seed", "5", "--leave-at-once", "0.4")


@pytest.mark.slow  # three runs of 24 learners: about 20 s
def test_reminders_are_sent_answered_and_shorten_the_wait_for_a_peer_grade() -> None:
    without = json.loads(simulate_in_a_process(*SMALL))
    reminded = json.loads(simulate_in_a_process(*SMALL, "--reminders", "--reminder-response", "1"))
    ignored = json.loads(simulate_in_a_process(*SMALL, "--reminders", "--reminder-response", "0"))

    assert without["reminders"] == {"sent": 0, "answered": 0}
    assert reminded["reminders"]["sent"] >= reminded["reminders"]["answered"] > 0
    assert ignored["reminders"]["sent"] > 0 and ignored["reminders"]["answered"] == 0
    # Nobody answers: the learners do what they would have done; the reminders themselves change nothing.
    assert ignored["time_to_peer_grade_hours"] == without["time_to_peer_grade_hours"]
    assert ignored["peer_reviews"] == without["peer_reviews"]
    # Everyone answers: learners who meant to leave come back and review, so more responses get their peer grade.
    assert reminded["peer_reviews"] > without["peer_reviews"]
    assert reminded["deserving"] > without["deserving"]


def test_the_response_must_be_a_share(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["simulate", "--reminders", "--reminder-response", "2"])
    assert "not a share between 0 and 1" in capsys.readouterr().err
