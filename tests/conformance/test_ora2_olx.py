"""ora2's OLX files and fragments: what we accept, reject, and read from them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from lxml import etree

from ora_xblock.cli import main as cli
from ora_xblock.definition import load_olx
from ora_xblock.definition.errors import InvalidDefinition
from ora_xblock.definition.model import Criterion, Definition, PeerStep, StaffStep, Step, TrainingExample, TrainingStep
from ora_xblock.definition.olx import definition_from_element, parse_olx, to_olx

from .ora2 import ROOT, cases, joined, load, require_data

pytestmark = pytest.mark.usefixtures("conformance_data")


@pytest.fixture
def conformance_data() -> None:
    require_data()


def _labels() -> list[Any]:
    if not (ROOT / "labels.json").exists():
        return []
    return [pytest.param(path, label, id=path.rsplit("/", 1)[-1]) for path, label in load("labels.json", ROOT).items()]


@pytest.mark.parametrize(("path", "label"), _labels())
def test_labelled_file_verdict(path: str, label: dict[str, Any]) -> None:
    try:
        definition = load_olx((ROOT / path).read_bytes())
    except InvalidDefinition as invalid:
        assert not label["accept"], [error.message() for error in invalid.errors]
        assert all(error.message() for error in invalid.errors)
    else:
        assert label["accept"], f"accepted, but ora2's rules reject it: {label.get('why')}"
        assert parse_olx(to_olx(definition)) == definition


def test_cli_gives_each_labelled_file_its_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    labels = load("labels.json", ROOT)
    code = cli(["validate", "--json", *(str(ROOT / path) for path in labels)])
    report = json.loads(capsys.readouterr().out)
    verdicts = {entry["path"]: not entry["errors"] for entry in report["files"]}
    assert verdicts == {str(ROOT / path): label["accept"] for path, label in labels.items()}
    assert code == 1
    assert report["invalid"] == sum(not label["accept"] for label in labels.values())


def _date(value: Any) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%S") if value else None


def criterion_dict(criterion: Criterion, order_num: int) -> dict[str, Any]:
    """Our criterion in ora2's shape, label falling back to the name as ora2 does."""
    return {
        "order_num": order_num,
        "name": criterion.name,
        "label": criterion.display_label,
        "prompt": criterion.prompt,
        "feedback": criterion.feedback.value,
        "options": [
            {
                "order_num": index,
                "points": option.points,
                "name": option.name,
                "label": option.display_label,
                "explanation": option.explanation,
            }
            for index, option in enumerate(criterion.options)
        ],
    }


def example_dict(example: TrainingExample) -> dict[str, Any]:
    return {
        "answer": {"parts": [{"text": part} for part in example.answer]},
        "options_selected": [{"criterion": s.criterion, "option": s.option} for s in example.selections],
    }


def step_dict(step: Step) -> dict[str, Any]:
    """Our step in ora2's shape (every key; tests compare the keys ora2 expects)."""
    data: dict[str, Any] = {"name": step.name.value, "start": _date(step.start), "due": _date(step.due)}
    if isinstance(step, PeerStep):
        data |= {"must_grade": step.must_grade, "must_be_graded_by": step.must_be_graded_by}
    if isinstance(step, StaffStep):
        data["required"] = step.required
    if isinstance(step, TrainingStep):
        data["examples"] = [example_dict(example) for example in step.examples]
    return data


def _subset(actual: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    return {key: actual.get(key) for key in expected}


def _fields(definition: Definition) -> dict[str, Any]:
    return {
        "title": definition.title,
        "prompts": [{"description": prompt.description} for prompt in definition.prompts],
        "submission_start": _date(definition.submission_start),
        "submission_due": _date(definition.submission_due),
        "leaderboard_show": definition.leaderboard_show,
        "file_upload_type": definition.file_upload_type.value if definition.file_upload_type else None,
        "show_rubric_during_response": definition.show_rubric_during_response,
        "allow_learner_resubmissions": definition.allow_learner_resubmissions,
        "resubmissions_grace_period": definition.resubmissions_grace_period,
        "rubric_criteria": [criterion_dict(c, i) for i, c in enumerate(definition.rubric.criteria)],
    }


@pytest.mark.parametrize("case", cases("update_from_xml.json"))
def test_update_from_xml_reads_every_field(case: dict[str, Any]) -> None:
    definition = parse_olx(joined(case))
    expected = {key: value for key, value in case.items() if key not in ("xml", "rubric_assessments")}
    expected = {("prompts" if key == "prompt" else key): value for key, value in expected.items()}  # upstream typo
    assert _subset(_fields(definition), expected) == expected
    if "rubric_assessments" in case:  # stale upstream: string answers and staff steps without dates
        steps = [step_dict(step) for step in definition.steps]
        assert [step["name"] for step in steps] == [step["name"] for step in case["rubric_assessments"]]
        for ours, theirs in zip(steps, case["rubric_assessments"], strict=True):
            comparable = {key: value for key, value in theirs.items() if key != "examples"}
            assert _subset(ours, comparable) == comparable
            for example, stale in zip(ours.get("examples", []), theirs.get("examples", []), strict=True):
                assert [part["text"] for part in example["answer"]["parts"]] == [stale["answer"]]
                assert example["options_selected"] == stale["options_selected"]


@pytest.mark.parametrize("case", cases("update_from_xml_error.json"))
def test_update_from_xml_error_is_rejected_with_a_message(case: dict[str, Any]) -> None:
    with pytest.raises(InvalidDefinition) as raised:
        parse_olx(joined(case))
    assert raised.value.errors
    assert all(error.code and error.message() for error in raised.value.errors)


def within_problem(fragment: str) -> Definition:
    """ora2's fragment (a whole problem, its rubric, its assessments or training examples) read by our one reader,
    inside a problem whose other parts are present and empty."""
    element = etree.fromstring(fragment)
    if element.tag == "examples":
        training = etree.Element("assessment", name="student-training")
        training.extend(element)
        element = etree.Element("assessments")
        element.append(training)
    root = element if element.tag == "openassessment" else etree.Element("openassessment")
    if root is not element:
        root.append(element)
    for tag in ("title", "rubric", "assessments"):
        if root.find(tag) is None:
            etree.SubElement(root, tag)
    return definition_from_element(root)


@pytest.mark.parametrize("case", cases("parse_prompts_xml.json"))
def test_parse_prompts(case: dict[str, Any]) -> None:
    prompts = within_problem(joined(case)).prompts
    assert [{"description": prompt.description} for prompt in prompts] == case["prompts"]


@pytest.mark.parametrize("case", cases("parse_rubric_xml.json"))
def test_parse_rubric(case: dict[str, Any]) -> None:
    rubric = within_problem(joined(case)).rubric
    assert [criterion_dict(c, i) for i, c in enumerate(rubric.criteria)] == case["criteria"]
    assert rubric.feedback_prompt == case["feedbackprompt"]


@pytest.mark.parametrize("case", cases("parse_assessments_xml.json"))
def test_parse_assessments(case: dict[str, Any]) -> None:
    steps = [step_dict(step) for step in within_problem(joined(case)).steps]
    assert [_subset(ours, theirs) for ours, theirs in zip(steps, case["assessments"], strict=True)] == case[
        "assessments"
    ]


@pytest.mark.parametrize("case", cases("parse_examples_xml.json"))
def test_parse_examples(case: dict[str, Any]) -> None:
    (training,) = within_problem(joined(case)).steps
    assert isinstance(training, TrainingStep)
    assert [example_dict(example) for example in training.examples] == case["examples"]
