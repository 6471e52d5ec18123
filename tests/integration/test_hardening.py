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


@pytest.mark.parametrize(
    "cell",
    [" =1+1", "\n=1+1", "\u200b=1+1", "\ufeff@SUM(A1)", "\u200e-2+3", "\uff1dLINK()", "\uff0b1", "\ufe66x", "  \t+x"],
)
def test_a_formula_behind_spaces_invisible_characters_or_fullwidth_signs_is_neutralised(cell):
    from ora_xblock.services.report_rows import safe

    assert safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["plain = fine", "3 - 2", "e-mail@example.com", "\u200bhello", ""])
def test_text_that_only_contains_formula_signs_is_left_alone(cell):
    from ora_xblock.services.report_rows import safe

    assert safe(cell) == cell
