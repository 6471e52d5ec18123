"""How long the definition core and the block's views take, on real ORA problems.

    make bench

Prints the median of several rounds for: reading and checking each shipped and
conformance problem, writing it back, and rendering the learner view.
"""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from setup_django import setup

setup()

from xblock.field_data import DictFieldData
from xblock.test.tools import TestRuntime

from ora_xblock import scenarios
from ora_xblock.definition import load_olx
from ora_xblock.definition.codec import from_dict, to_dict
from ora_xblock.definition.olx import parse_olx, to_olx
from ora_xblock.definition.validate import validate
from ora_xblock.handlers.studio import form_html

CONFORMANCE = Path(__file__).resolve().parents[1] / ".." / "shared" / "conformance" / "ora2"


def problems() -> list[bytes]:
    found = [scenarios.resource_text(f"scenarios/{name}").encode() for name, _ in scenarios.DEMO_PROBLEMS]
    found += [path.read_bytes() for path in sorted(CONFORMANCE.rglob("*.xml"))]
    return found


def measure(label: str, work: Callable[[], object], count: int, rounds: int = 7) -> None:
    timings = []
    for _ in range(rounds):
        began = time.perf_counter()
        work()
        timings.append((time.perf_counter() - began) / count)
    print(f"{label:<48} {statistics.median(timings) * 1e6:9.1f} µs per problem")


def main() -> None:
    texts = problems()
    loadable = []
    for text in texts:
        with contextlib.suppress(ValueError):
            loadable.append(load_olx(text))
    print(f"{len(texts)} problems, {len(loadable)} valid\n")
    measure("parse OLX", lambda: [_try(parse_olx, text) for text in texts], len(texts))
    measure("parse + validate (load_olx)", lambda: [_try(load_olx, text) for text in texts], len(texts))
    measure("write canonical OLX", lambda: [to_olx(definition) for definition in loadable], len(loadable))
    measure(
        "editor JSON: to_dict, from_dict, validate",
        lambda: [validate(from_dict(to_dict(definition))) for definition in loadable],
        len(loadable),
    )
    runtime = TestRuntime(services={"field-data": DictFieldData({})})
    blocks = [
        runtime.get_block(runtime.parse_xml_string(scenarios.demo_olx(name))) for name, _ in scenarios.DEMO_PROBLEMS
    ]
    measure("render student_view", lambda: [block.student_view() for block in blocks], len(blocks))
    measure(
        "render the Studio form",
        lambda: [form_html(block, block.definition, released=False) for block in blocks],
        len(blocks),
    )


def _try(function: Callable[[bytes], object], text: bytes) -> None:
    with contextlib.suppress(ValueError):
        function(text)


if __name__ == "__main__":
    main()
