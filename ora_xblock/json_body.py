"""Reading a handler's JSON body: one entry point with a size cap, a depth cap and strict text.

Pure: no Django or XBlock. :func:`read_object` either returns the object or
raises :class:`BadJson` with a message that names the limit.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .definition.errors import N_

MAX_DEPTH = 32  # the editor's JSON, the deepest we take, nests 6 levels
_SURROGATE = re.compile("[\ud800-\udfff]")
_TOO_DEEP = N_("The request body is nested more than {limit} levels deep.")


class BadJson(ValueError):
    """A body that is not a JSON object we accept: ``template`` (marked for translation) says why, with ``params``."""

    def __init__(self, template: str, **params: Any):
        super().__init__(template.format(**params))
        self.template, self.params = template, params


def read_object(body: bytes, max_bytes: int) -> dict[str, Any]:
    """The body as a JSON object, refused when over ``max_bytes``, nested deeper than :data:`MAX_DEPTH`,
    holding a lone UTF-16 surrogate, or using ``NaN``/``Infinity``."""
    if len(body) > max_bytes:
        raise BadJson(N_("The request body is larger than {limit} bytes."), limit=max_bytes)
    try:
        data = json.loads(body or b"{}", parse_constant=_no_constant)
    except RecursionError:
        raise BadJson(_TOO_DEEP, limit=MAX_DEPTH) from None
    except ValueError:
        raise BadJson(N_("The request body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise BadJson(N_("The request body must be a JSON object."))
    _check(data)
    return data


def _check(data: Any) -> None:
    """Walk the parsed value without recursion: depth, and text that UTF-8 can encode."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                raise BadJson(N_("The request body holds text that is not valid Unicode (a lone surrogate)."))
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise BadJson(_TOO_DEEP, limit=MAX_DEPTH)
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            pending.extend((item, depth + 1) for item in items)


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")
