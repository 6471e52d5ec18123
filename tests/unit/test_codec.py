"""The editor's JSON form of a definition: lossless, and checked as strictly as OLX."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from ora_xblock import scenarios
from ora_xblock.definition import load_olx
from ora_xblock.definition.codec import editor_path, from_dict, to_dict
from ora_xblock.definition.errors import InvalidDefinition
from ora_xblock.definition.validate import validate

from .test_olx import EVERYTHING

CONFORMANCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "conformance" / "ora2" / "openassessment"


def test_json_round_trip_loses_nothing() -> None:
    assert from_dict(to_dict(EVERYTHING)) == EVERYTHING


def test_every_ora2_example_survives_the_editor() -> None:
    sources = sorted((CONFORMANCE / "xblock" / "static" / "xml").glob("*.xml"))
    if not sources:
        pytest.skip("conformance data not found")
    for source in sources:
        definition = load_olx(source.read_bytes())
        assert from_dict(to_dict(definition)) == definition, source.name


def codes(data) -> list[str]:
    with pytest.raises(InvalidDefinition) as raised:
        from_dict(data)
    return [f"{error.code}@{error.where}" for error in raised.value.errors]


def test_wrong_shapes_are_listed_with_their_place() -> None:
    data = to_dict(load_olx(scenarios.resource_text("scenarios/self_only.xml")))
    broken = copy.deepcopy(data)
    broken["prompts"] = "My new prompt."
    del broken["rubric"]["criteria"][0]["feedback"]
    broken["rubric"]["criteria"][0]["options"][0]["points"] = "three"
    broken["leaderboard_show"] = True
    assert codes(broken) == [
        "editor.wrong_type@prompts",
        "editor.missing@rubric/criteria[1]/feedback",
        "editor.wrong_type@rubric/criteria[1]/options[1]/points",
        "editor.wrong_type@leaderboard_show",
    ]
    assert codes("not an object") == ["editor.wrong_type@"]


def test_values_are_judged_by_the_olx_reader_with_its_codes() -> None:
    data = to_dict(load_olx(scenarios.resource_text("scenarios/self_only.xml")))
    data["steps"] = [{"name": "peer-assessment", "must_grade": 2}]
    data["submission_due"] = "next week"
    assert sorted(code.split("@")[0] for code in codes(data)) == ["olx.missing_attribute", "olx.not_date"]


def test_errors_point_at_the_editor_field_they_concern() -> None:
    data = to_dict(load_olx(scenarios.resource_text("scenarios/hundred_years_war.xml")))
    data["rubric"]["criteria"][0]["options"][1]["points"] = -2
    data["rubric"]["criteria"][1]["name"] = ""
    data["steps"][0]["must_grade"] = 1
    data["steps"][0]["must_be_graded_by"] = 3
    data["submission_start"] = "2030-01-02T00:00:00+00:00"
    data["submission_due"] = "2030-01-01T00:00:00+00:00"
    data["leaderboard_show"] = 101
    data["text_response"] = ""
    data["file_upload_response"] = ""
    definition = from_dict(data)
    paths = {error.code: editor_path(error) for error in validate(definition)}
    assert paths == {
        "option.negative_points": "rubric/criteria[1]/options[2]/points",
        "criterion.no_name": "rubric/criteria[2]/name",
        "peer.must_grade_below_graded_by": "steps[1]/must_grade",
        "dates.start_not_before_due": "submission_due",
        "leaderboard.out_of_range": "leaderboard_show",
        "response.nothing_asked": "text_response",
    }


def test_shape_and_reader_errors_keep_their_attribute() -> None:
    data = to_dict(load_olx(scenarios.resource_text("scenarios/self_only.xml")))
    data["steps"] = [{"name": "peer-assessment", "must_grade": 2}]
    with pytest.raises(InvalidDefinition) as raised:
        from_dict(data)
    assert [editor_path(error) for error in raised.value.errors] == ["steps[1]/must_be_graded_by"]


def test_date_config_type_travels_in_the_editors_json_and_is_judged_by_the_reader() -> None:
    data = to_dict(load_olx(scenarios.resource_text("scenarios/self_only.xml")))
    assert data["date_config_type"] == "manual"
    data["date_config_type"] = "subsection"
    assert from_dict(data).date_config_type.value == "subsection"
    data["date_config_type"] = "weekly"
    with pytest.raises(InvalidDefinition) as raised:
        from_dict(data)
    assert [(error.code, editor_path(error)) for error in raised.value.errors] == [
        ("dates.bad_config_type", "date_config_type")
    ]
    del data["date_config_type"]
    assert codes(data) == ["editor.missing@date_config_type"]
