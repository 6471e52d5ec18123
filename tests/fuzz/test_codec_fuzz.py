"""The editor's codec, fuzzed: any JSON the Studio editor could send is either a sound problem that survives
both round trips (JSON and OLX), or refused with coded errors the editor can place; nothing else escapes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given

from ora_xblock.definition.codec import from_dict
from ora_xblock.definition.validate import raise_if_invalid

from .conftest import count, fuzz
from .definitions import CONTEXTS, editor_json
from .findings import tolerated
from .judge import judged

pytestmark = pytest.mark.slow


def test_codec_judges_any_editor_json() -> None:
    @fuzz("editor codec")
    @given(data=editor_json(), context=CONTEXTS)
    def example(data: Any, context: dict[str, Any]) -> None:
        def read() -> Any:
            definition = from_dict(data)
            raise_if_invalid(definition, **context)
            return definition

        with tolerated():
            count(*judged(read))

    example()
