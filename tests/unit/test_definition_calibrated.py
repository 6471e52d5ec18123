"""The calibrated peer strategy and the peer step's own settings (reviewer accuracy in the grade, appeals) in OLX,
the editor's JSON and the validator: ora_xblock's extensions, which ora2 does not read."""

from __future__ import annotations

import pytest

from ora_xblock.definition import load_olx
from ora_xblock.definition.codec import editor_path, from_dict, to_dict
from ora_xblock.definition.errors import InvalidDefinition
from ora_xblock.definition.limits import MAX_APPEAL_DAYS
from ora_xblock.definition.model import GradingStrategy, PeerStep, StepName
from ora_xblock.definition.olx.write import to_olx
from ora_xblock.definition.validate import validate

OLX = """<openassessment><title>T</title><prompts><prompt><description>P</description></prompt></prompts>
<rubric><criterion><name>Ideas</name><prompt>I</prompt>
<option points="0"><name>Poor</name><explanation>e</explanation></option>
<option points="2"><name>Good</name><explanation>e</explanation></option></criterion></rubric>
<assessments><assessment name="peer-assessment" must_grade="5" must_be_graded_by="3" {attributes}/></assessments>
</openassessment>"""


def peer(attributes: str = "") -> PeerStep:
    step = load_olx(OLX.format(attributes=attributes)).step(StepName.PEER)
    assert isinstance(step, PeerStep)
    return step


def codes(attributes: str) -> list[str]:
    with pytest.raises(InvalidDefinition) as raised:
        load_olx(OLX.format(attributes=attributes))
    return [error.code for error in raised.value.errors]


def test_defaults_when_the_olx_says_nothing() -> None:
    step = peer()
    assert (step.grading_strategy, step.accuracy_weight, step.allow_appeals, step.appeal_days) == (
        GradingStrategy.MEDIAN,
        0,
        True,
        14,
    )


def test_calibrated_and_the_settings_are_read_and_written_back() -> None:
    attributes = 'grading_strategy="calibrated" accuracy_weight="20" allow_appeals="false" appeal_days="30"'
    definition = load_olx(OLX.format(attributes=attributes))
    step = definition.step(StepName.PEER)
    assert isinstance(step, PeerStep)
    assert (step.grading_strategy, step.accuracy_weight, step.allow_appeals, step.appeal_days) == (
        GradingStrategy.CALIBRATED,
        20,
        False,
        30,
    )
    written = to_olx(definition)
    assert 'grading_strategy="calibrated"' in written
    assert 'accuracy_weight="20"' in written and 'allow_appeals="false"' in written and 'appeal_days="30"' in written
    assert load_olx(written) == definition


def test_defaults_are_not_written_so_ora2s_olx_stays_as_it_was() -> None:
    written = to_olx(load_olx(OLX.format(attributes="")))
    assert "accuracy_weight" not in written and "allow_appeals" not in written and "appeal_days" not in written


def test_the_editors_json_carries_them_and_reads_them_back() -> None:
    definition = load_olx(OLX.format(attributes='grading_strategy="calibrated" appeal_days="7"'))
    data = to_dict(definition)
    step = data["steps"][0]
    assert step["grading_strategy"] == "calibrated"
    assert (step["accuracy_weight"], step["allow_appeals"], step["appeal_days"]) == (0, True, 7)
    assert from_dict(data) == definition
    step["accuracy_weight"] = 101
    errors = validate(from_dict(data))
    assert [editor_path(error) for error in errors] == ["steps[1]/accuracy_weight"]


@pytest.mark.parametrize(
    ("attributes", "code"),
    [
        ('accuracy_weight="-1"', "peer.accuracy_weight_out_of_range"),
        ('accuracy_weight="101"', "peer.accuracy_weight_out_of_range"),
        ('appeal_days="0"', "peer.appeal_days_out_of_range"),
        (f'appeal_days="{MAX_APPEAL_DAYS + 1}"', "peer.appeal_days_out_of_range"),
        ('grading_strategy="bayesian"', "value.invalid"),
    ],
)
def test_out_of_range_settings_are_refused(attributes: str, code: str) -> None:
    found = codes(attributes)
    assert found == [code] or (code == "value.invalid" and len(found) == 1)


def test_the_bounds_themselves_are_accepted() -> None:
    assert peer('accuracy_weight="100" appeal_days="365"').appeal_days == MAX_APPEAL_DAYS
    assert peer('accuracy_weight="0" appeal_days="1"').accuracy_weight == 0
