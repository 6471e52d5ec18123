"""Bounds on every number and date, as Studio and course import meet them (issue 12, points 3 and 4).

Studio saves through ``save_editor`` (the editor's JSON) and ``save_definition`` (OLX); course import calls
``parse_xml``. Each refuses a number or date out of its bounds with its own code and the path of the field,
and nothing changes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from ora_xblock import scenarios
from ora_xblock.definition.codec import to_dict
from ora_xblock.definition.errors import InvalidDefinition
from ora_xblock.definition.limits import MAX_OPTION_POINTS, MAX_PEER_COUNT, MAX_TEXT, MAX_TOP_RESPONSES
from tests.conftest import call_handler
from tests.host.lms import Problem, account
from tests.host.studio import editor_block

pytestmark = pytest.mark.django_db
TEAM = frozenset({"ada"})
EDGE_DATES = ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        for key in path[:-1]:
            data = data[key]
        data[path[-1]] = value

    return change


# (what the author does to the editor's JSON, the code, the field it names)
EDITOR_CASES = [
    (
        _set(("rubric", "criteria", 0, "options", 1, "points"), 10**26),
        "option.points_too_high",
        "rubric/criteria[1]/options[2]/points",
    ),
    (
        _set(("rubric", "criteria", 0, "options", 1, "points"), MAX_OPTION_POINTS + 1),
        "option.points_too_high",
        "rubric/criteria[1]/options[2]/points",
    ),
    (_set(("steps", 0, "must_grade"), 10**21), "peer.count_too_high", "steps[1]/must_grade"),
    (_set(("steps", 0, "must_grade"), MAX_PEER_COUNT + 1), "peer.count_too_high", "steps[1]/must_grade"),
    (_set(("steps", 0, "accuracy_weight"), 101), "peer.accuracy_weight_out_of_range", "steps[1]/accuracy_weight"),
    (_set(("steps", 0, "appeal_days"), 10**21), "peer.appeal_days_out_of_range", "steps[1]/appeal_days"),
    (_set(("steps", 0, "appeal_days"), 0), "peer.appeal_days_out_of_range", "steps[1]/appeal_days"),
    (
        _set(("resubmissions_grace_period",), f"{10**20}:00:00"),
        "resubmission.grace_period_too_long",
        "resubmissions_grace_period",
    ),
    (_set(("leaderboard_show",), 10**30), "leaderboard.out_of_range", "leaderboard_show"),
    (_set(("leaderboard_show",), MAX_TOP_RESPONSES + 1), "leaderboard.out_of_range", "leaderboard_show"),
    (_set(("title",), "x" * (MAX_TEXT["title"] + 1)), "text.too_long", "title"),
    (
        _set(("rubric", "criteria", 0, "options", 0, "explanation"), "x" * (MAX_TEXT["explanation"] + 1)),
        "text.too_long",
        "rubric/criteria[1]/options[1]/explanation",
    ),
    (
        _set(("prompts", 0, "description"), "x" * (MAX_TEXT["description"] + 1)),
        "text.too_long",
        "prompts[1]/description",
    ),
    *[(_set(("submission_start",), date), "dates.out_of_range", "submission_start") for date in EDGE_DATES],
    *[(_set(("steps", 0, "due"), date), "dates.out_of_range", "steps[1]/due") for date in EDGE_DATES],
]

# (what the author does to the OLX, the code, the field it names)
OLX_CASES = [
    (('points="2"', f'points="{10**26}"'), "option.points_too_high", "rubric/criteria[1]/options[2]/points"),
    (('must_grade="2"', f'must_grade="{10**21}"'), "peer.count_too_high", "steps[1]/must_grade"),
    (
        ("<ora_xblock", f'<ora_xblock resubmissions_grace_period="{10**20}:00:00"'),
        "resubmission.grace_period_too_long",
        "resubmissions_grace_period",
    ),
    *[
        (("<ora_xblock", f'<ora_xblock submission_start="{date}"'), "dates.out_of_range", "submission_start")
        for date in EDGE_DATES
    ],
    *[
        (('name="peer-assessment"', f'name="peer-assessment" start="{date}"'), "dates.out_of_range", "steps[1]/start")
        for date in EDGE_DATES
    ],
]


@pytest.fixture
def problem() -> Problem:
    return Problem(scenarios.demo_olx("peer_only.xml"))


def refusal(answer: Any) -> list[tuple[str, str]]:
    assert answer.status_code == 400, answer.body
    error = json.loads(answer.body)["error"]
    assert error["code"] == "invalid_definition"
    return [(each["code"], each["field"]) for each in error["errors"]]


@pytest.mark.parametrize(("change", "code", "field"), EDITOR_CASES)
@pytest.mark.parametrize("handler", ["save_editor", "check_editor"])
def test_studio_editor_refuses_each_bad_number_and_date_with_its_field(problem, handler, change, code, field):
    block = editor_block(problem, account("ada"), writers=TEAM)
    before = block.definition_olx
    data = to_dict(block.definition)
    change(data)

    assert refusal(call_handler(block, handler, {"definition": data})) == [(code, field)]
    assert editor_block(problem, account("ada"), writers=TEAM).definition_olx == before


@pytest.mark.parametrize(("edit", "code", "field"), OLX_CASES)
def test_studio_olx_save_refuses_each_bad_number_and_date_with_its_field(problem, edit, code, field):
    block = editor_block(problem, account("ada"), writers=TEAM)
    before = block.definition_olx
    olx = scenarios.demo_olx("peer_only.xml").replace(*edit, 1)
    assert olx != scenarios.demo_olx("peer_only.xml")

    assert refusal(call_handler(block, "save_definition", {"olx": olx})) == [(code, field)]
    assert editor_block(problem, account("ada"), writers=TEAM).definition_olx == before


@pytest.mark.parametrize(("edit", "code", "field"), OLX_CASES)
def test_course_import_refuses_each_bad_number_and_date(edit, code, field):
    olx = scenarios.demo_olx("peer_only.xml").replace(*edit, 1)
    with pytest.raises(InvalidDefinition) as raised:
        editor_block(Problem(olx), account("ada"), writers=TEAM)
    assert [error.code for error in raised.value.errors] == [code]


def test_the_studio_form_advises_the_same_limits(problem):
    html = (
        editor_block(problem, account("ada"), writers=TEAM)
        .runtime.render(editor_block(problem, account("ada"), writers=TEAM), "studio_view")
        .content
    )
    assert f'min="0" max="{MAX_OPTION_POINTS}"' in html
    assert html.count(f'min="1" max="{MAX_PEER_COUNT}"') == 2
    assert f'min="0" max="{MAX_TOP_RESPONSES}"' in html
    assert 'min="1900-01-01T00:00" max="9000-01-01T00:00"' in html
    assert f'maxlength="{MAX_TEXT["title"]}"' in html


@pytest.mark.parametrize("character", ["\x00", "\x0b", "\ufffe", "\ud800"])
@pytest.mark.parametrize(
    ("path", "field"),
    [
        (("title",), "title"),
        (("rubric", "criteria", 0, "options", 0, "explanation"), "rubric/criteria[1]/options[1]/explanation"),
        (("steps", 0, "grading_strategy"), "steps[1]/grading_strategy"),
    ],
)
def test_studio_editor_refuses_a_character_xml_cannot_hold_at_its_field(problem, character, path, field):
    """JSON may carry control characters that no XML document can store; they are refused, never a 500."""
    from ora_xblock.definition.codec import from_dict

    block = editor_block(problem, account("ada"), writers=TEAM)
    data = to_dict(block.definition)
    _set(path, f"a{character}b")(data)
    with pytest.raises(InvalidDefinition) as raised:
        from_dict(data)
    assert [(error.code, error.where) for error in raised.value.errors] == [("editor.bad_character", field)]
    if character != "\ud800":  # the JSON entry point refuses lone surrogates before the block sees them
        assert refusal(call_handler(block, "save_editor", {"definition": data})) == [("editor.bad_character", field)]
