"""ora2's validation suites, run through our reader and validator."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ora_xblock.definition import load_olx
from ora_xblock.definition.dates import DISTANT_FUTURE, DISTANT_PAST, resolve_dates
from ora_xblock.definition.errors import DefinitionError, InvalidDefinition
from ora_xblock.definition.model import Criterion, CriterionFeedback, Option, Rubric, Selection, TrainingExample
from ora_xblock.definition.olx import parse_olx
from ora_xblock.definition.validate import training_example_errors, validate

from .ora2 import ASSESSMENT_DATA, cases, date_text, problem_olx, require_data, selections

pytestmark = pytest.mark.usefixtures("conformance_data")

# Rules that compare training examples with a rubric; suites that give no rubric don't test them.
RUBRIC_DEPENDENT = ("example.", "training.rubric_without_options")


@pytest.fixture
def conformance_data() -> None:
    require_data()


def errors_of(olx: str, *, current: str | None = None, released: bool = False, **context: Any) -> list[str]:
    """The error codes of a problem, from the reader or the validator."""
    try:
        definition = parse_olx(olx)
    except InvalidDefinition as invalid:
        return [error.code for error in invalid.errors]
    baseline = parse_olx(current) if current else None
    return [error.code for error in validate(definition, current=baseline, released=released, **context)]


# Steps


def _step_codes(case: dict[str, Any]) -> list[str]:
    current = case.get("current_assessments")
    codes = errors_of(
        problem_olx(assessments=case["assessments"]),
        current=problem_olx(assessments=current) if current else None,
        released=case.get("is_released", False),
    )
    return [code for code in codes if not code.startswith(RUBRIC_DEPENDENT)]


@pytest.mark.parametrize("case", cases("valid_assessments.json"))
def test_valid_assessments(case: dict[str, Any]) -> None:
    assert _step_codes(case) == []


@pytest.mark.parametrize("case", cases("invalid_assessments.json"))
def test_invalid_assessments(case: dict[str, Any]) -> None:
    assert _step_codes(case)


@pytest.mark.parametrize("case", cases("assessment_combo.json") + cases("student_training_combo.json"))
def test_step_combinations(case: dict[str, Any]) -> None:
    assert (not _step_codes(case)) is case["valid"]


def test_training_examples_are_checked_against_the_default_rubric() -> None:
    valid = cases("student_training_combo.json")[0].values[0]
    assert errors_of(problem_olx(assessments=valid["assessments"])) == []


# Rubric


def _rubric_codes(case: dict[str, Any]) -> list[str]:
    rubric, current = case["rubric"], case.get("current_rubric")
    return errors_of(
        problem_olx(prompts=rubric["prompts"], criteria=rubric["criteria"]),
        current=problem_olx(prompts=current["prompts"], criteria=current["criteria"]) if current else None,
        released=case.get("is_released", False),
    )


@pytest.mark.parametrize("case", cases("valid_rubrics.json"))
def test_valid_rubrics(case: dict[str, Any]) -> None:
    assert _rubric_codes(case) == []


@pytest.mark.parametrize("case", cases("invalid_rubrics.json") + cases("invalid_rubrics_no_prompts.json"))
def test_invalid_rubrics(case: dict[str, Any]) -> None:
    assert _rubric_codes(case)


def test_duplicate_criterion_names_are_rejected() -> None:
    criterion = {"name": "Ideas", "prompt": "?", "options": [{"name": "Yes", "points": 1}]}
    assert errors_of(problem_olx(criteria=[criterion, criterion])) == ["criterion.duplicate_name"]


# Training examples


def _example_codes(case: dict[str, Any]) -> list[str]:
    return errors_of(problem_olx(criteria=case["rubric"]["criteria"], assessments=case["assessments"]))


@pytest.mark.parametrize("case", cases("valid_assessment_examples.json"))
def test_valid_assessment_examples(case: dict[str, Any]) -> None:
    assert _example_codes(case) == []


@pytest.mark.parametrize("case", cases("invalid_assessment_examples.json"))
def test_invalid_assessment_examples(case: dict[str, Any]) -> None:
    assert sorted(_example_codes(case)) == ["example.missing_option", "example.unknown_criterion"]


_EXPECTED = [
    (re.compile(r'Example (\d+) is missing an option for "(.*)"$'), "example.missing_option"),
    (re.compile(r'Example (\d+) has an invalid option for "(.*)": "(.*)"$'), "example.unknown_option"),
    (re.compile(r'Example (\d+) has an extra option for "(.*)"$'), "example.unknown_criterion"),
    (re.compile(r'Example (\d+) has a validation error: .*"(answer|options_selected)" field'), "shape"),
    (re.compile(r"If your assignment includes a learner training step"), "training.rubric_without_options"),
    (re.compile(r"Could not parse serialized rubric"), "shape"),
]


def _expected_error(message: str) -> tuple[Any, ...]:
    """ora2's message as (code, *details); we compare meanings, not ora2's wording."""
    for pattern, code in _EXPECTED:
        match = pattern.search(message)
        if match:
            return (code, *[int(g) if g.isdigit() else g for g in match.groups()])
    raise AssertionError(f"unrecognised expected message: {message}")


def _our_error(error: DefinitionError) -> tuple[Any, ...]:
    keys = [key for key in ("number", "criterion", "option") if key in error.params]
    return (error.code, *[error.params[key] for key in keys])


def _rubric(data: dict[str, Any]) -> Rubric | None:
    """ora2's serialized rubric as ours; None when it is malformed, which our reader never produces."""
    if "criteria" not in data or any("options" not in criterion for criterion in data["criteria"]):
        return None
    return Rubric(
        criteria=tuple(
            Criterion(
                name=criterion["name"],
                feedback=CriterionFeedback(criterion.get("feedback", "disabled")),
                options=tuple(
                    Option(name=option["name"], points=option.get("points", 0)) for option in criterion["options"]
                ),
            )
            for criterion in data["criteria"]
        )
    )


@pytest.mark.parametrize("case", cases("validate_training_examples.json", ASSESSMENT_DATA))
def test_training_example_error_lists(case: dict[str, Any]) -> None:
    expected = [_expected_error(message) for message in case["errors"]]
    rubric = _rubric(case["rubric"])
    if rubric is None:
        assert expected == [("shape",)]
        return
    complete = [(n, e) for n, e in enumerate(case["examples"], start=1) if {"answer", "options_selected"} <= set(e)]
    examples = tuple(
        TrainingExample((e["answer"],), tuple(Selection(c, o) for c, o in selections(e["options_selected"])))
        for _, e in complete
    )
    actual = [
        ("shape", number, field)
        for number, example in enumerate(case["examples"], start=1)
        for field in ("answer", "options_selected")
        if field not in example
    ]
    for error in training_example_errors(rubric, examples):
        code, *details = _our_error(error)
        if details and isinstance(details[0], int):  # renumber: examples with a shape error were left out
            details[0] = complete[details[0] - 1][0]
        actual.append((code, *details))
    actual.sort(key=lambda error: error[1] if len(error) > 1 and isinstance(error[1], int) else 0)
    assert actual == expected


# Dates


def _date_codes(case: dict[str, Any]) -> list[str]:
    olx = problem_olx(
        submission_start=date_text(case["submission_start"]),
        submission_due=date_text(case["submission_due"]),
        assessments=[
            {
                "name": "peer-assessment",
                "must_grade": 1,
                "must_be_graded_by": 1,
                "start": date_text(case["peer_start"]),
                "due": date_text(case["peer_due"]),
            },
            {"name": "self-assessment", "start": date_text(case["self_start"]), "due": date_text(case["self_due"])},
        ],
    )
    course = {
        "course_start": _moment(case["xblock_start"]),
        "course_end": _moment(case["xblock_due"]),
    }
    return errors_of(olx, **course)


@pytest.mark.parametrize("case", cases("valid_dates.json"))
def test_valid_dates(case: dict[str, Any]) -> None:
    assert _date_codes(case) == []


@pytest.mark.parametrize("case", cases("invalid_dates.json"))
def test_invalid_dates(case: dict[str, Any]) -> None:
    codes = _date_codes(case)
    assert codes
    assert all(code.startswith("dates.") for code in codes)


def _moment(index: int | None) -> datetime | None:
    if index is None:
        return None
    return {-1: DISTANT_PAST, 99: DISTANT_FUTURE}.get(index) or datetime(2014, 1, 1, tzinfo=UTC) + timedelta(days=index)


@pytest.mark.parametrize("case", cases("resolve_dates.json"))
def test_resolve_dates(case: dict[str, Any]) -> None:
    windows = [(_moment(start), _moment(due)) for start, due in case["date_ranges"]]
    start, end, resolved = resolve_dates(_moment(case["start"]), _moment(case["end"]), windows)
    assert start == _moment(case["resolved_start"])
    assert end == _moment(case["resolved_end"])
    assert resolved == [(_moment(s), _moment(d)) for s, d in case["resolved_ranges"]]


@pytest.mark.parametrize("bad", ["non-date", "2014-13-01", "2014-02-30T00:00", "tomorrow"])
def test_unparsable_dates_are_rejected(bad: str) -> None:
    with pytest.raises(InvalidDefinition) as raised:
        load_olx(problem_olx(submission_due=bad))
    assert [error.code for error in raised.value.errors] == ["olx.not_date"]
