"""Hypothesis strategies shared by the fuzzers: hostile JSON and request bodies.

Bodies mix three kinds, so that the fuzzer reaches both the gate and the deep logic:
arbitrary JSON (deep, wide, unicode with lone surrogates and emoji, huge and
out-of-range numbers, raw bytes that are not JSON at all), the handler's own
field names with values of any type, and near-valid bodies (a valid body with
one field mutated, dropped or joined by a stranger).

Hypothesis spends about 0.1 ms per choice it makes, so the strategies draw edge
values from prepared pools (one choice each) rather than building them.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

# Values ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Raw:
    """JSON text written as is: numbers ``json.dumps`` will not write (``1e400`` reads back as infinity)."""

    text: str


EDGE_TEXT = (
    "",
    " ",
    "\n",
    "\t",
    "\r\n",
    "\u200b",
    "\u202e",
    "\u00ad",
    "\ufeff",
    "\x00",
    "\x01",
    "\x1b",
    "\x7f",
    "\ufffe",
    "\uffff",
    "\ud800",
    "\udfff",
    "a\udc80b",
    "\U0001f600",
    "\U0001f469\u200d\U0001f52c",
    "\ufffd",
    "Ｅｘ",
    "٣",
    "=1+1",
    "＝HYPERLINK()",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</textarea><b>",
    "]]>",
    "&amp;&#0;",
    "${7*7}",
    "%(name)s",
    "{0}",
    "{name}",
    "%s%n",
    "../../../etc/passwd",
    "..",
    "C:\\con",
    "NaN",
    "Infinity",
    "-0",
    "1e400",
    "10" * 20,
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59-14:00",
    "true",
    "null",
    "a" * 1001,
    "é" * 600,
    "\U0001f600" * 300,
    "x" * 100_001,
    "a" * 60_000 + "@example.com",
)
EDGE_NUMBERS = (
    0,
    1,
    -1,
    2,
    3,
    5,
    25,
    100,
    101,
    2**31 - 1,
    2**31,
    2**53 + 1,
    2**63 - 1,
    2**63,
    2**64,
    10**21,
    10**26,
    -(10**21),
    10**100,
    0.5,
    -0.0,
    1.0,
    2.0,
    1e308,
    5e-324,
    -1e308,
    Raw("1e400"),
    Raw("-1e400"),
    Raw("1E+999"),
    Raw("1e-400"),
    Raw("-0"),
    Raw("9" * 400),
    Raw("-" + "9" * 60),
)
LONE_SURROGATE = st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=2)
# Every code point class, surrogates included: st.characters() leaves them out unless asked.
ANY_CHAR = st.characters(exclude_categories=())
TEXT = st.one_of(
    st.sampled_from(EDGE_TEXT),
    st.text(max_size=20),
    st.text(ANY_CHAR, max_size=8),
)
NUMBER = st.one_of(st.sampled_from(EDGE_NUMBERS), st.integers(min_value=-3, max_value=30), st.integers())
SCALAR = st.one_of(st.sampled_from((None, True, False, *EDGE_NUMBERS, *EDGE_TEXT)), TEXT, NUMBER)
KEY = st.one_of(st.sampled_from(EDGE_TEXT[:20]), st.text(max_size=8))


def _deep(depth: int) -> Any:
    value: Any = 1
    for level in range(depth):
        value = {"a": value} if level % 2 else [value]
    return value


# Whole values a generator would rarely build: deep, wide and long.
SHAPES = (
    [],
    {},
    [[]],
    {"": {}},
    _deep(10),
    _deep(30),
    _deep(31),
    _deep(32),
    _deep(40),
    list(range(1000)),
    {str(n): n for n in range(500)},
    ["x" * 1000] * 200,
    [None] * 50,
    {"options_selected": {}},
    {"\ud800": "\udfff"},
)


@functools.cache
def any_json(max_leaves: int = 6) -> st.SearchStrategy[Any]:
    """Arbitrary JSON values, nested and wide (one strategy per size: building one costs more than drawing)."""
    return st.one_of(
        SCALAR,
        st.sampled_from(SHAPES),
        st.recursive(
            SCALAR,
            lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEY, inner, max_size=4)),
            max_leaves=max_leaves,
        ),
    )


def encode(value: Any) -> str:
    """``value`` as JSON text; lone surrogates are escaped (``\\ud800``) as a browser's JSON.stringify writes them."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(key))}:{encode(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(encode(item) for item in value) + "]"
    return json.dumps(value)


def nested(depth: int, leaf: str = "1") -> bytes:
    """A JSON object holding ``depth`` levels of lists and objects."""
    opening = "".join('{"a":' if level % 2 else "[" for level in range(depth))
    closing = "".join("}" if level % 2 else "]" for level in reversed(range(depth)))
    return ('{"answers":' + opening + leaf + closing + "}").encode()


# Raw bodies that are not (acceptable) JSON: the gate must refuse them with bad_json.
NOT_JSON = st.one_of(
    st.sampled_from(
        [
            b"",
            b" ",
            b"null",
            b"[]",
            b"1",
            b'"text"',
            b"{",
            b"{}}",
            b"\x00{}",
            b'{"a":NaN}',
            b'{"a":Infinity}',
            b'{"a":-Infinity}',
            b'{"answers":["\xed\xa0\x80"]}',
            b'{"answers":["\xff\xfe"]}',
            b"\xef\xbb\xbf{}",
            b"\xff\xfe{\x00}\x00",
            b'{"a":1}{"b":2}',
            b'{"a":"\\ud800"}',
            b'{"\\udfff":1}',
            b'{"a":"\\u0000"}',
            b'{"a":1,"a":2}',
            b'{"a":"\\x41"}',
            b'{"size":' + b"7" * 5000 + b"}",
            b'{"a":' + b"1" * 4301 + b"}",
            ("{" * 3000).encode(),
            ("[" * 100_000).encode(),
            nested(33),
            nested(1500),
            b'{"answers":["' + b"x" * 3_000_000 + b'"]}',
            b" " * 5_000_000 + b"{}",
        ]
    ),
    st.binary(max_size=40),
    st.text(max_size=40).map(lambda text: text.encode("utf-8")),
    st.integers(min_value=30, max_value=2000).map(nested),
)


# Request bodies ----------------------------------------------------------------------------------------------------

Template = Mapping[str, Any]


def pick(draw: Callable[..., Any], items: Sequence[Any]) -> Any:
    """One of ``items``, drawn without building a strategy for them (Hypothesis caches ``integers``)."""
    return items[draw(st.integers(0, len(items) - 1))]


def nudged(draw: Callable[..., Any], value: Any) -> Any:
    """A value like ``value``, slightly wrong."""
    if isinstance(value, bool):
        return pick(draw, [not value, 0, 1, "true", None, []])
    if isinstance(value, int):
        return pick(draw, [value + 1, value - 1, -value, str(value), float(value), 0, None, draw(NUMBER)])
    if isinstance(value, str):
        variants = [value + " ", value.upper(), value[:-1], value + "\u200b", f" {value}", "", value * 50, [value]]
        return pick(draw, [*variants, draw(TEXT), value + draw(LONE_SURROGATE)])
    if isinstance(value, dict) and value:
        keys = sorted(value, key=str)
        key = pick(draw, keys)
        if draw(st.booleans()):
            return {k: v for k, v in value.items() if k != key}
        return {**value, key: pick(draw, [draw(SCALAR), *value.values()])}
    if isinstance(value, list) and value:
        return pick(draw, [value[:-1], [*value, value[-1]], [value], value * 10, [None, *value]])
    return draw(any_json())


HOW = st.sampled_from(("keep", "replace", "drop", "add", "nudge", "nudge", "nudge"))


def near_valid(templates: st.SearchStrategy[Template], extra_keys: tuple[str, ...] = ()) -> st.SearchStrategy[dict]:
    """A valid body, then one change: a field's value replaced by any JSON, a field dropped, a stranger added,
    or a value nudged (inside an object, a list, a number or a text)."""

    @st.composite
    def mutate(draw: Callable[..., Any]) -> dict:
        body = dict(draw(templates))
        how = draw(HOW)
        if how == "keep":
            return body
        key = pick(draw, sorted(body) or ["x"])
        if how == "replace":
            body[key] = draw(any_json())
        elif how == "drop":
            body.pop(key, None)
        elif how == "add":
            body[pick(draw, [*extra_keys, draw(KEY)])] = draw(any_json())
        else:
            body[key] = nudged(draw, body.get(key))
        return body

    return mutate()


def field_bodies(fields: Mapping[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict]:
    """Bodies that use the handler's own field names, each with a plausible value or any JSON."""
    return st.fixed_dictionaries({}, optional={name: st.one_of(values, SCALAR) for name, values in fields.items()})


def weighted(*choices: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """A value of one of the strategies, picked in proportion to its weight.

    The pick is drawn first, as its own choice: ``st.one_of`` would share the examples out by how much each
    branch can still vary (Hypothesis never repeats an example), and the narrower branches would starve.
    """
    table = st.sampled_from([strategy for weight, strategy in choices for _ in range(weight)])

    @st.composite
    def pick(draw: Callable[..., Any]) -> Any:
        return draw(draw(table))

    return pick()


def bodies(
    templates: st.SearchStrategy[Template], fields: Mapping[str, st.SearchStrategy[Any]]
) -> st.SearchStrategy[bytes]:
    """What a handler is sent, as bytes: half near-valid bodies, a fifth field-wise ones, and a tenth each of
    objects with any keys, any JSON, and bodies that are not JSON the gate accepts."""

    def as_json(values: st.SearchStrategy[Any]) -> st.SearchStrategy[bytes]:
        return values.map(lambda value: encode(value).encode())

    return weighted(
        (5, as_json(near_valid(templates, tuple(fields)))),
        (2, as_json(field_bodies(fields))),
        (1, as_json(st.dictionaries(KEY, any_json(), max_size=4))),
        (1, as_json(any_json(10))),
        (1, NOT_JSON),
    )
