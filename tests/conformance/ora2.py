"""Read ora2's conformance data and turn its dict shapes into our OLX.

The data is AGPL test input kept outside the repository; we never copy it.
Every dict suite goes through our whole pipeline: dict -> OLX -> reader ->
validator, so the tests judge the code that authors actually run.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

ROOT = Path(
    os.environ.get(
        "ORA2_CONFORMANCE_DIR", Path(__file__).resolve().parents[2] / ".." / "shared" / "conformance" / "ora2"
    )
)
XBLOCK_DATA = ROOT / "openassessment" / "xblock" / "test" / "data"
ASSESSMENT_DATA = ROOT / "openassessment" / "assessment" / "test" / "data"


def require_data() -> None:
    """Skip when the data is absent, except under CI, where its absence is a failure."""
    if not ROOT.is_dir():
        message = f"ora2 conformance data not found at {ROOT}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def load(name: str, folder: Path = XBLOCK_DATA) -> dict[str, Any]:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def cases(name: str, folder: Path = XBLOCK_DATA) -> list[Any]:
    """pytest params, one per case, named after the case; empty when the data is absent."""
    if not (folder / name).exists():
        return []
    return [pytest.param(case, id=case_id) for case_id, case in load(name, folder).items()]


def joined(case: dict[str, Any]) -> str:
    return "".join(case["xml"])


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: Any) -> etree._Element:
    node = etree.SubElement(parent, tag, {key: str(value) for key, value in attrs.items() if value is not None})
    if text is not None:
        node.text = text
    return node


def problem_olx(
    *,
    prompts: list[dict[str, str]] | None = None,
    criteria: list[dict[str, Any]] | None = None,
    assessments: list[dict[str, Any]] | None = None,
    submission_start: str | None = None,
    submission_due: str | None = None,
) -> str:
    """An OLX problem from ora2-shaped parts; what is not given takes a sound default."""
    root = etree.Element("openassessment")
    if submission_start:
        root.set("submission_start", submission_start)
    if submission_due:
        root.set("submission_due", submission_due)
    _sub(root, "title", "Conformance")
    container = _sub(root, "prompts")
    for prompt in [{"description": "Prompt"}] if prompts is None else prompts:
        _sub(_sub(container, "prompt"), "description", prompt.get("description", ""))
    rubric = _sub(root, "rubric")
    for criterion in DEFAULT_CRITERIA if criteria is None else criteria:
        add_criterion(rubric, criterion)
    steps = _sub(root, "assessments")
    for step in [{"name": "self-assessment"}] if assessments is None else assessments:
        add_step(steps, step)
    return etree.tostring(root, encoding="unicode")


DEFAULT_CRITERIA = [
    {
        "name": "vocabulary",
        "prompt": "Vocabulary?",
        "options": [{"name": n, "points": p} for n, p in (("poor", 0), ("good", 1), ("excellent", 2))],
    },
    {
        "name": "grammar",
        "prompt": "Grammar?",
        "options": [{"name": n, "points": p} for n, p in (("poor", 0), ("good", 1), ("excellent", 2))],
    },
]


def add_criterion(rubric: etree._Element, criterion: dict[str, Any]) -> None:
    node = _sub(rubric, "criterion", feedback=criterion.get("feedback"))
    _sub(node, "name", criterion.get("name", ""))
    if "label" in criterion:
        _sub(node, "label", criterion["label"])
    _sub(node, "prompt", criterion.get("prompt", ""))
    for option in sorted(criterion.get("options", []), key=lambda option: option.get("order_num", 0)):
        option_node = _sub(node, "option", points=option.get("points"))
        _sub(option_node, "name", option.get("name", ""))
        if "label" in option:
            _sub(option_node, "label", option["label"])
        _sub(option_node, "explanation", option.get("explanation", ""))


def add_step(parent: etree._Element, step: dict[str, Any]) -> None:
    attrs = {key: value for key, value in step.items() if key != "examples" and value is not None}
    attrs = {key: (str(value).lower() if isinstance(value, bool) else value) for key, value in attrs.items()}
    node = _sub(parent, "assessment", **attrs)
    for example in step.get("examples", []):
        add_example(node, example)


def add_example(parent: etree._Element, example: dict[str, Any]) -> None:
    node = _sub(parent, "example")
    answer = example.get("answer")
    if isinstance(answer, dict):
        answer_node = _sub(node, "answer")
        for part in answer.get("parts", []):
            _sub(answer_node, "part", part.get("text", ""))
    elif answer is not None:
        _sub(node, "answer", answer)
    for criterion, option in selections(example.get("options_selected", [])):
        _sub(node, "select", criterion=criterion, option=option)


def selections(options_selected: list[dict[str, str]] | dict[str, str]) -> list[tuple[str, str]]:
    """ora2 gives selections as a list of {criterion, option} or as a dict; both become pairs."""
    if isinstance(options_selected, dict):
        return list(options_selected.items())
    return [(item["criterion"], item["option"]) for item in options_selected]


def date_text(index: int | None) -> str | None:
    """The date suites' index i stands for 2014-01-(i+1) at midnight UTC."""
    return None if index is None else f"2014-01-{index + 1:02d}T00:00:00+00:00"
