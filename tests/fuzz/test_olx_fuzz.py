"""The OLX reader and the validator, fuzzed: any text, bytes or tree built from ora2's vocabulary is either a
sound problem that survives its own round trip, or refused with coded errors; nothing else ever escapes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given

from ora_xblock.definition import load_olx

from .conftest import count, fuzz
from .definitions import CONTEXTS, olx_structures, olx_texts
from .findings import tolerated
from .judge import judged

pytestmark = pytest.mark.slow


def test_olx_reader_judges_any_text() -> None:
    @fuzz("olx reader: any text")
    @given(text=olx_texts(), context=CONTEXTS)
    def example(text: str | bytes, context: dict[str, Any]) -> None:
        with tolerated():
            count(*judged(lambda: load_olx(text, **context)))

    example()


def test_olx_reader_judges_any_structure() -> None:
    @fuzz("olx reader: structures")
    @given(text=olx_structures(), context=CONTEXTS)
    def example(text: str | bytes, context: dict[str, Any]) -> None:
        with tolerated():
            count(*judged(lambda: load_olx(text, **context)))

    example()
