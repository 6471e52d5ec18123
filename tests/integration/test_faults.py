"""Faults at the write boundaries: the database failing mid-action leaves no half state, and the learner is told."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from submissions.models import Submission

from ora_xblock import scenarios
from ora_xblock.models import Assessment, Workflow
from tests.conftest import call_handler

pytestmark = [pytest.mark.databases, pytest.mark.django_db(transaction=True)]

SELF_ASSESSED = {"options_selected": {"Reflection": "Some reflection"}}


def test_the_database_failing_mid_assessment_keeps_nothing_and_answers_try_again(make_block, monkeypatch):
    block = make_block(scenarios.demo_olx("self_only.xml"))
    assert call_handler(block, "submit", {"answers": ["mine"]}).status_code == 200

    def gone(*args, **kwargs):  # after the assessment row was written, before the workflow moves on
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("ora_xblock.services.assessments.advance", gone)
    answer = call_handler(block, "self_assess", SELF_ASSESSED)

    assert answer.status_code == 503
    assert json.loads(answer.body)["error"]["code"] == "try_again"
    assert not Assessment.objects.exists()
    assert Workflow.objects.get().status == "self"
    monkeypatch.undo()
    assert call_handler(block, "self_assess", SELF_ASSESSED).status_code == 200  # and the learner can try again


def test_the_database_failing_mid_submit_leaves_neither_submission_nor_workflow(make_block, monkeypatch):
    block = make_block(scenarios.demo_olx("self_only.xml"))

    def gone(*args, **kwargs):
        raise OperationalError("deadlock detected")

    monkeypatch.setattr("ora_xblock.handlers.learner.overdue.remember", gone)  # the submit's last write
    answer = call_handler(block, "submit", {"answers": ["mine"]})

    assert answer.status_code == 503
    assert not Workflow.objects.exists()
    assert not Submission.objects.exists()
