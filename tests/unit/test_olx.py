"""The OLX reader and writer: faithful, stable and hardened."""

import base64
import dataclasses
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ora_xblock import scenarios
from ora_xblock.definition import load_olx
from ora_xblock.definition.dates import parse_date
from ora_xblock.definition.errors import InvalidDefinition
from ora_xblock.definition.model import (
    Criterion,
    CriterionFeedback,
    DateConfig,
    Definition,
    FileType,
    GradingStrategy,
    Necessity,
    Option,
    PeerStep,
    Prompt,
    PromptsType,
    Rubric,
    Selection,
    SelfStep,
    StaffStep,
    Teams,
    TextEditor,
    TrainingExample,
    TrainingStep,
)
from ora_xblock.definition.olx import MAX_DEPTH, MAX_OLX_BYTES, parse_olx, to_olx

EVERYTHING = Definition(
    title="Tout & <tout>",
    prompts=(Prompt("<p>First</p>"), Prompt("Second\n\nparagraph")),
    prompts_type=PromptsType.HTML,
    rubric=Rubric(
        criteria=(
            Criterion(
                name="Ideas",
                label="Ideas label",
                prompt="Clear?",
                feedback=CriterionFeedback.OPTIONAL,
                options=(Option("Poor", 0, "Poor label", "Weak"), Option("Good", 5, "", "Strong")),
            ),
            Criterion(name="Notes", prompt="Anything else?", feedback=CriterionFeedback.REQUIRED),
        ),
        feedback_prompt="Overall?",
        feedback_default_text="I think...",
    ),
    steps=(
        TrainingStep(examples=(TrainingExample(("  part one", "part two "), (Selection("Ideas", "Good"),)),)),
        PeerStep(
            start=parse_date("2026-01-01T00:00:00Z"),
            due=parse_date("2026-02-01T00:00:00Z"),
            must_grade=4,
            must_be_graded_by=2,
            enable_flexible_grading=True,
            grading_strategy=GradingStrategy.MEAN,
        ),
        SelfStep(due=parse_date("2026-03-01T00:00:00Z")),
        StaffStep(required=True),
    ),
    text_response=Necessity.OPTIONAL,
    text_response_editor=TextEditor.RICH,
    file_upload_response=Necessity.REQUIRED,
    file_upload_type=FileType.CUSTOM,
    white_listed_file_types=("txt", "csv"),
    allow_multiple_files=False,
    submission_start=parse_date("2025-12-01T00:00:00Z"),
    submission_due=parse_date("2025-12-31T00:00:00Z"),
    date_config_type=DateConfig.COURSE_END,
    leaderboard_show=10,
    show_rubric_during_response=True,
    allow_latex=True,
    allow_learner_resubmissions=True,
    resubmissions_grace_period="00:12:00",
    teams=Teams(enabled=True, teamset_id="set-1"),
)


def test_export_then_import_loses_nothing() -> None:
    assert parse_olx(to_olx(EVERYTHING)) == EVERYTHING


def test_export_is_stable() -> None:
    text = to_olx(EVERYTHING)
    assert to_olx(parse_olx(text)) == text
    assert to_olx(EVERYTHING) == text


@pytest.mark.parametrize(
    ("attribute", "expected"),
    [
        ("", DateConfig.MANUAL),
        (' date_config_type=""', DateConfig.MANUAL),
        (' date_config_type="manual"', DateConfig.MANUAL),
        (' date_config_type="subsection"', DateConfig.SUBSECTION),
        (' date_config_type=" Course_End "', DateConfig.COURSE_END),
    ],
)
def test_date_config_type_is_read_from_the_root_absent_meaning_manual(attribute: str, expected: DateConfig) -> None:
    olx = scenarios.demo_olx("self_only.xml").replace("<ora_xblock", f"<ora_xblock{attribute}", 1)
    assert parse_olx(olx).date_config_type is expected


def test_date_config_type_is_exported_only_when_the_platform_owns_the_dates() -> None:
    manual = load_olx(scenarios.demo_olx("self_only.xml"))
    assert "date_config_type" not in to_olx(manual)  # problems with their own dates export as they always did
    for config in (DateConfig.SUBSECTION, DateConfig.COURSE_END):
        text = to_olx(dataclasses.replace(manual, date_config_type=config))
        assert f'date_config_type="{config.value}"' in text
        assert parse_olx(text).date_config_type is config


def test_an_unknown_date_config_type_has_its_own_error_naming_the_choices() -> None:
    olx = scenarios.demo_olx("self_only.xml").replace("<ora_xblock", '<ora_xblock date_config_type="weekly"', 1)
    with pytest.raises(InvalidDefinition) as raised:
        parse_olx(olx)
    (error,) = raised.value.errors
    assert (error.code, error.where, error.params["attribute"]) == ("dates.bad_config_type", "", "date_config_type")
    for choice in ('"weekly"', '"manual"', '"subsection"', '"course_end"'):
        assert choice in error.message()


def test_every_shipped_problem_is_valid() -> None:
    for filename, _ in (*scenarios.DEMO_PROBLEMS, ("default.xml", "")):
        definition = load_olx(scenarios.resource_text(f"scenarios/{filename}"))
        assert definition.max_score > 0


def test_legacy_allow_file_upload_means_optional_images() -> None:
    definition = parse_olx(
        '<openassessment allow_file_upload="True"><title>t</title><rubric/><assessments/></openassessment>'
    )
    assert definition.file_upload_type is FileType.IMAGE
    assert definition.file_upload_response is Necessity.OPTIONAL
    assert definition.text_response is Necessity.REQUIRED


def test_html_prompt_is_kept_as_markup_text() -> None:
    definition = parse_olx(
        '<openassessment prompts_type="html"><title>t</title><prompts><prompt><description>'
        "&lt;p&gt;Hi &amp;amp; bye&lt;/p&gt;</description></prompt></prompts><rubric/><assessments/></openassessment>"
    )
    assert definition.prompts == (Prompt("<p>Hi &amp; bye</p>"),)


@pytest.mark.parametrize(
    "olx",
    [
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><openassessment>&e;</openassessment>',
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<openassessment>&b;</openassessment>",
        '<?xml version="1.0"?><!DOCTYPE openassessment SYSTEM "http://127.0.0.1:9/x.dtd"><openassessment/>',
        "<!doctype openassessment><openassessment/>",
    ],
)
def test_dtds_and_entities_are_refused(olx: str) -> None:
    with pytest.raises(InvalidDefinition) as raised:
        parse_olx(olx)
    assert [error.code for error in raised.value.errors] == ["olx.dtd_forbidden"]


def test_deep_nesting_is_refused_quickly() -> None:
    olx = "<openassessment>" + "<x>" * (MAX_DEPTH + 5) + "</x>" * (MAX_DEPTH + 5) + "</openassessment>"
    began = time.perf_counter()
    with pytest.raises(InvalidDefinition) as raised:
        parse_olx(olx)
    assert [error.code for error in raised.value.errors] == ["olx.too_deep"]
    assert time.perf_counter() - began < 1


def test_oversized_olx_is_refused() -> None:
    with pytest.raises(InvalidDefinition) as raised:
        parse_olx("<openassessment>" + " " * MAX_OLX_BYTES + "</openassessment>")
    assert [error.code for error in raised.value.errors] == ["olx.too_large"]


def test_every_structural_error_is_reported_at_once() -> None:
    olx = (
        '<openassessment leaderboard_show="many" submission_due="someday"><title>t</title>'
        '<rubric><criterion feedback="maybe"><name>c</name><prompt>p</prompt>'
        '<option points="lots"><name>o</name><explanation/></option></criterion></rubric>'
        '<assessments><assessment name="peer-assessment" must_grade="x"/></assessments></openassessment>'
    )
    with pytest.raises(InvalidDefinition) as raised:
        parse_olx(olx)
    codes = sorted(error.code for error in raised.value.errors)
    assert codes == [
        "olx.bad_choice",
        "olx.missing_attribute",
        "olx.not_date",
        "olx.not_integer",
        "olx.not_integer",
        "olx.not_integer",
    ]
    where = {error.where for error in raised.value.errors}
    assert "rubric/criterion[1]/option[1]" in where


def test_block_type_root_is_accepted_and_other_roots_are_not() -> None:
    olx = scenarios.demo_olx("self_only.xml")
    assert olx.startswith("<ora_xblock")
    assert load_olx(olx).title.startswith("Reflection")
    with pytest.raises(InvalidDefinition) as raised:
        parse_olx("<problem/>")
    assert raised.value.errors[0].code == "olx.wrong_root"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_fuzzed_text_never_raises_anything_but_invalid_definition(text: str) -> None:
    try:
        parse_olx(text)
    except InvalidDefinition as invalid:
        assert invalid.errors


_FRAGMENT = st.sampled_from(
    [
        "<title>t</title>",
        "<rubric>",
        "</rubric>",
        "<criterion>",
        "</criterion>",
        "<name>n</name>",
        "<prompt>p</prompt>",
        '<option points="1">',
        '<option points="-1">',
        "</option>",
        "<explanation/>",
        "<assessments>",
        "</assessments>",
        '<assessment name="peer-assessment" must_grade="2" must_be_graded_by="3"/>',
        '<assessment name="self-assessment" due="2014-01-01"/>',
        '<assessment name="student-training">',
        "</assessment>",
        "<example><answer>a</answer><select criterion='n' option='o'/></example>",
        "<prompts>",
        "</prompts>",
        "<prompt><description>d</description></prompt>",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_FRAGMENT, max_size=30))
def test_fuzzed_structures_are_judged_without_crashing(fragments: list[str]) -> None:
    text = "<openassessment>" + "".join(fragments) + "</openassessment>"
    try:
        definition = load_olx(text)
    except InvalidDefinition as invalid:
        assert all(error.code for error in invalid.errors)
    else:
        assert parse_olx(to_olx(definition)) == definition


# DTDs whatever the encoding (issue 12, point 9): the byte check first, then a check of the parsed document.

_EVIL = (
    '<?xml version="1.0" encoding="{encoding}"?>'
    '<!DOCTYPE openassessment [<!ENTITY e "EVIL">]>'
    '<openassessment leaderboard_show="&e;"><title>a&e;b</title><rubric/><assessments/></openassessment>'
)
_WIDE_ENCODINGS = [
    ("UTF-16", "utf-16-le", b"\xff\xfe"),
    ("UTF-16", "utf-16-be", b"\xfe\xff"),
    ("UTF-16", "utf-16-le", b""),
    ("UTF-16", "utf-16-be", b""),
    ("UTF-16LE", "utf-16-le", b""),
    ("UTF-16BE", "utf-16-be", b""),
    ("UTF-32", "utf-32-le", b"\xff\xfe\x00\x00"),
    ("UTF-32", "utf-32-be", b"\x00\x00\xfe\xff"),
    ("UTF-32LE", "utf-32-le", b""),
    ("UTF-32BE", "utf-32-be", b""),
]


@pytest.mark.parametrize(("declared", "codec", "bom"), _WIDE_ENCODINGS)
def test_dtds_and_entities_are_refused_in_wide_encodings(declared: str, codec: str, bom: bytes) -> None:
    data = bom + _EVIL.format(encoding=declared).encode(codec)
    with pytest.raises(InvalidDefinition) as raised:
        parse_olx(data)
    assert [error.code for error in raised.value.errors] == ["olx.dtd_forbidden"]


def _utf7_markup(text: str) -> bytes:
    """``text`` in UTF-7 with every ``<``, ``!``, ``&`` and ``;`` written base64, as an attacker would."""
    hidden = {char: "+" + base64.b64encode(char.encode("utf-16-be")).decode().rstrip("=") + "-" for char in "<!&;"}
    return "".join(hidden.get(char, char) for char in text).encode("ascii")


@pytest.mark.parametrize(
    "body",
    [
        '<!DOCTYPE openassessment [<!ENTITY e "EVIL">]><openassessment><title>a&e;b</title></openassessment>',
        '<!DOCTYPE openassessment [<!ENTITY e "5">]><openassessment leaderboard_show="&e;"><title/></openassessment>',
        "<!DOCTYPE openassessment><openassessment><title>t</title></openassessment>",
    ],
)
def test_dtds_hidden_in_utf7_are_refused(body: str) -> None:
    """libxml2 reads UTF-7 (through iconv), so the parsed document is checked, not only the bytes."""
    data = b'<?xml version="1.0" encoding="UTF-7"?>' + _utf7_markup(body)
    assert b"<!" not in data and b"&" not in data
    with pytest.raises(InvalidDefinition) as raised:
        parse_olx(data)
    assert [error.code for error in raised.value.errors] == ["olx.dtd_forbidden"]


@pytest.mark.parametrize(
    "data",
    [
        *(bom + _EVIL.format(encoding=declared).encode(codec) for declared, codec, bom in _WIDE_ENCODINGS),
        b'<?xml version="1.0" encoding="UTF-7"?>'
        + _utf7_markup('<!DOCTYPE r [<!ENTITY e "5">]><openassessment leaderboard_show="&e;">&e;</openassessment>'),
    ],
)
def test_the_check_of_the_parsed_document_holds_without_the_byte_check(
    data: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ora_xblock.definition.olx import safe_xml

    monkeypatch.setattr(safe_xml, "_as_declared", lambda data: "")
    with pytest.raises(InvalidDefinition) as raised:
        parse_olx(data)
    assert [error.code for error in raised.value.errors] == ["olx.dtd_forbidden"]


def test_an_entity_explosion_in_utf16_is_refused_as_a_dtd() -> None:
    entities = '<!ENTITY a0 "aaaaaaaaaa">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    data = f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [{entities}]><r b="&a9;">&a9;</r>'.encode("utf-16")
    with pytest.raises(InvalidDefinition) as raised:
        parse_olx(data)
    assert [error.code for error in raised.value.errors] == ["olx.dtd_forbidden"]


@pytest.mark.parametrize(("declared", "codec", "bom"), [*_WIDE_ENCODINGS, ("UTF-7", "utf-7", b"")])
def test_olx_without_a_dtd_reads_the_same_in_any_encoding(declared: str, codec: str, bom: bytes) -> None:
    text = scenarios.demo_olx("self_only.xml")
    data = bom + f'<?xml version="1.0" encoding="{declared}"?>{text}'.encode(codec)
    assert parse_olx(data) == parse_olx(text)


def test_a_document_the_platform_parsed_with_a_dtd_is_refused_on_import() -> None:
    """Course import parses the files itself, resolving internal entities; the document still says it had a DTD."""
    from lxml import etree

    from ora_xblock.definition.olx import definition_from_element

    olx = scenarios.demo_olx("self_only.xml")
    platform_parser = etree.XMLParser(dtd_validation=False, load_dtd=False, remove_blank_text=True, encoding="utf-8")
    root = etree.fromstring(
        f'<!DOCTYPE x [<!ENTITY e "EVIL">]>{olx.replace("Reflection", "&e;", 1)}'.encode(), platform_parser
    )
    with pytest.raises(InvalidDefinition) as raised:
        definition_from_element(root)
    assert [error.code for error in raised.value.errors] == ["olx.dtd_forbidden"]
    assert definition_from_element(etree.fromstring(olx.encode(), platform_parser)) == parse_olx(olx)


# Dates out of range (issue 12, point 4): their own error, with the attribute and the place.


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_dates_at_the_edge_of_the_calendar_are_out_of_range_with_their_place(text: str) -> None:
    olx = (
        scenarios.demo_olx("peer_only.xml")
        .replace("<ora_xblock", f'<ora_xblock submission_start="{text}"', 1)
        .replace('name="peer-assessment"', f'name="peer-assessment" due="{text}"', 1)
    )
    with pytest.raises(InvalidDefinition) as raised:
        load_olx(olx)
    found = sorted((error.code, error.where, error.params["attribute"]) for error in raised.value.errors)
    assert found == [
        ("dates.out_of_range", "", "submission_start"),
        ("dates.out_of_range", "assessments/assessment[1]", "due"),
    ]
    assert all("1900-01-01" in error.message() and text in error.message() for error in raised.value.errors)


def test_olx_text_with_a_lone_surrogate_is_not_well_formed() -> None:
    with pytest.raises(InvalidDefinition) as raised:
        parse_olx("<openassessment><title>\ud800</title></openassessment>")
    assert [error.code for error in raised.value.errors] == ["olx.syntax"]
