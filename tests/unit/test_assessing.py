"""Checking an assessor's choices against the rubric."""

from __future__ import annotations

import pytest

from ora_xblock import scenarios
from ora_xblock.assessing import MAX_COMMENT_CHARS, InvalidAssessment, check
from ora_xblock.definition import load_olx

WAR = load_olx(
    scenarios.resource_text("scenarios/hundred_years_war.xml")
).rubric  # Origins (optional), Sources (required)


def codes(options, feedback, overall="") -> list[str]:
    with pytest.raises(InvalidAssessment) as raised:
        check(WAR, options, feedback, overall)
    return [error.code for error in raised.value.errors]


def test_a_complete_assessment_becomes_parts() -> None:
    checked = check(WAR, {"Origins": "Salic law"}, {"Origins": " Good ", "Sources": "Cite Froissart."}, "Well done")
    assert checked.points == {"Origins": 5}
    assert checked.earned == 5
    assert [part.as_dict() for part in checked.parts] == [
        {"criterion": "Origins", "option": "Salic law", "points": 5, "feedback": "Good"},
        {"criterion": "Sources", "option": None, "points": 0, "feedback": "Cite Froissart."},
    ]
    assert checked.overall_feedback == "Well done"


def test_every_problem_is_reported_at_once() -> None:
    assert codes({"Origins": "Nope", "Sources": "x", "Extra": "y"}, {}, "z" * (MAX_COMMENT_CHARS + 1)) == [
        "assessment.unknown_criterion",
        "assessment.unknown_option",
        "assessment.option_not_allowed",
        "assessment.feedback_required",
        "assessment.feedback_too_long",
    ]
    assert codes({}, {"Sources": "ok", "Origins": "y" * 1001}) == [
        "assessment.option_missing",
        "assessment.feedback_too_long",
    ]


def test_feedback_must_be_text_and_disabled_feedback_is_refused() -> None:
    assert codes({"Origins": "Salic law"}, {"Sources": 5}) == [
        "assessment.bad_feedback",
        "assessment.feedback_required",
    ]
    essay = load_olx(scenarios.resource_text("scenarios/ideas_content_grammar.xml")).rubric
    with pytest.raises(InvalidAssessment) as raised:
        check(essay, {"Ideas": "Strong", "Content": "Rich", "Grammar": "No errors"}, {"Ideas": "nice"}, "")
    assert [error.code for error in raised.value.errors] == ["assessment.feedback_disabled"]
