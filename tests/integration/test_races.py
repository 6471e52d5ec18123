"""Learners and staff racing each other: the database keeps every rule, on every backend."""

from __future__ import annotations

import json

import pytest
from submissions.models import Submission

from ora_xblock import scenarios
from ora_xblock.models import Assessment, Workflow
from tests.concurrency import run_concurrently
from tests.conftest import FakeUserService, Runtime, call_handler

pytestmark = [pytest.mark.databases, pytest.mark.django_db(transaction=True)]
THREADS = 6


def block_for(users: FakeUserService, olx: str):
    runtime = Runtime(user=users)
    return runtime.get_block(runtime.parse_xml_string(olx))


def test_simultaneous_submits_make_one_submission_and_one_workflow() -> None:
    users = FakeUserService()
    olx = scenarios.demo_olx("self_only.xml")
    blocks = [block_for(users, olx) for _ in range(THREADS)]
    for block in blocks[1:]:
        block.scope_ids = blocks[0].scope_ids  # the same problem, as in two browser tabs

    results = run_concurrently(lambda i: call_handler(blocks[i], "submit", {"answers": [f"tab {i}"]}), THREADS)

    statuses = sorted(response.status_code for response in results)
    assert statuses == [200] + [409] * (THREADS - 1), results
    refused = [json.loads(r.body)["error"]["code"] for r in results if r.status_code == 409]
    assert set(refused) == {"already_submitted"}
    assert Workflow.objects.count() == 1
    assert Submission.objects.count() == 1
    assert Workflow.objects.get().submission_uuid == str(Submission.objects.get().uuid)


def test_simultaneous_self_assessments_record_one() -> None:
    users = FakeUserService()
    block = block_for(users, scenarios.demo_olx("self_only.xml"))
    assert call_handler(block, "submit", {"answers": ["mine"]}).status_code == 200
    data = {"options_selected": {"Reflection": "Deep reflection"}}

    results = run_concurrently(lambda _: call_handler(block, "self_assess", data), THREADS)

    assert sorted(r.status_code for r in results) == [200] + [409] * (THREADS - 1), results
    assert Assessment.objects.count() == 1
    workflow = Workflow.objects.get()
    assert (workflow.status, workflow.score_earned, workflow.published_earned) == ("done", 4, 4)
