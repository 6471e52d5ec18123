"""Hostile input from outside: each case a 4xx with a code, never a 500, and nothing changed."""

from __future__ import annotations

import json

import pytest

from ora_xblock.models import Draft
from tests.conftest import call_handler

pytestmark = pytest.mark.django_db

LONE_SURROGATE = b'{"answers": ["\\ud800"], "reason": "\\udfff", "query": "\\ud800", "olx": "\\ud800"}'
DEEP = ('{"answers": ' + "[" * 1_500 + "]" * 1_500 + "}").encode()
JSON_HANDLERS = ["save_draft", "submit", "staff_grade", "staff_learner", "staff_gradebook", "save_definition"]


@pytest.mark.parametrize("handler", JSON_HANDLERS)
@pytest.mark.parametrize("body", [LONE_SURROGATE, DEEP], ids=["lone_surrogate", "deep"])
@pytest.mark.parametrize("who", ["alice", None], ids=["learner", "anonymous"])
def test_a_lone_surrogate_or_deep_nesting_is_a_400_bad_json_for_anyone(make_block, users, handler, body, who):
    users.as_user(who, staff=who is not None)
    block = make_block()

    answer = call_handler(block, handler, body)

    assert answer.status_code == 400
    assert json.loads(answer.body)["error"]["code"] == "bad_json"
    assert Draft.objects.count() == 0


def test_a_body_over_the_platforms_upload_cap_is_refused_before_it_is_read(make_block, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    block = make_block()

    answer = call_handler(block, "save_draft", {"answers": ["x" * 20_000]})

    assert answer.status_code == 400
    assert "larger than 9999 bytes" in json.loads(answer.body)["error"]["message"]
    assert Draft.objects.count() == 0
