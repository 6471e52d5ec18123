"""The one JSON entry point: size, depth and text checked before any handler sees the body."""

from __future__ import annotations

import json

import pytest

from ora_xblock.json_body import MAX_DEPTH, BadJson, read_object


def test_an_object_is_read():
    assert read_object(b'{"answers": ["3 < 5", "\\u00e9t\\u00e9 \\ud83d\\ude00"]}', 1000) == {
        "answers": ["3 < 5", "été 😀"]
    }


@pytest.mark.parametrize(
    "body",
    [b'{"answers": ["\\ud800"]}', b'{"\\udfff": 1}', b'{"reason": "ok \\udc00 then"}', b'{"a": [[["\\ud800x"]]]}'],
)
def test_a_lone_surrogate_anywhere_is_refused(body):
    with pytest.raises(BadJson, match="lone surrogate"):
        read_object(body, 1000)


def test_a_surrogate_pair_is_an_emoji_and_accepted():
    assert read_object(b'{"t": "\\ud83d\\ude00"}', 100) == {"t": "😀"}


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1_500, 100_000])
def test_deep_nesting_is_refused_with_the_limit_named(depth):
    body = ('{"a": ' + "[" * depth + "]" * depth + "}").encode()
    with pytest.raises(BadJson, match=f"{MAX_DEPTH} levels"):
        read_object(body, len(body))


def test_nesting_up_to_the_limit_is_read():
    body = ('{"a": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}").encode()
    assert read_object(body, len(body))["a"] is not None


def test_a_body_over_the_cap_is_refused_before_parsing():
    body = json.dumps({"answers": ["x" * 200]}).encode()
    with pytest.raises(BadJson, match=f"larger than {len(body) - 1} bytes"):
        read_object(body, len(body) - 1)


@pytest.mark.parametrize("body", [b"[1]", b'"text"', b"null", b"{", b'{"a": NaN}', b'{"a": Infinity}', b"\xff\xfe{"])
def test_anything_but_a_plain_json_object_is_refused(body):
    with pytest.raises(BadJson):
        read_object(body, 1000)
