"""Strategies for problem definitions: OLX built from ora2's vocabulary, and the Studio editor's JSON.

Both start from a corpus of sound problems (the demo scenarios, and problems made
by a seeded generator), so that the fuzzer reaches the validator's deep rules, and
then break them: attributes and elements changed, dropped or repeated, edge values
everywhere (dates at the ends of the calendar with offsets of ±14 hours, numbers
past any machine word, grace periods of 10^20 days), or text that was never OLX.
Picking from the corpus is one choice; building a problem from Hypothesis choices
would cost some ten milliseconds an example.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st
from lxml import etree

from ora_xblock.definition import parse_olx
from ora_xblock.definition.codec import to_dict
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
    Step,
    StepName,
    Teams,
    TextEditor,
    TrainingExample,
    TrainingStep,
)
from ora_xblock.definition.olx import ROOT_ATTRIBUTES, to_olx
from ora_xblock.templating import resource_text

from .strategies import EDGE_NUMBERS, EDGE_TEXT, LONE_SURROGATE, TEXT, any_json, nudged, pick, weighted

SCENARIOS = (
    "coffee_frost.xml default.xml files_peer.xml hundred_years_war.xml ideas_content_grammar.xml peer_only.xml "
    "released.xml self_only.xml self_staff.xml staff_only.xml training_peer.xml"
).split()

# Text an XML tree can hold (lxml refuses control characters and surrogates; raw text covers those).
XML_TEXTS = ("", " ", "Ideas", "Good", "<b>bold</b>", "&amp;", "\U0001f600", "a" * 300, "\u200b", "=SUM(A1)", "Idéas")
XML_TEXT = st.one_of(st.sampled_from(XML_TEXTS), st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12))

# Edge values, as attribute text ---------------------------------------------------------------------------------------

EDGE_DATES = (
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00-14:00",
    "0001-01-01T00:00:00.000001Z",
    "9999-12-31T23:59:59-14:00",
    "9999-12-31T23:59:59+14:00",
    "9999-12-31T23:59:59.999999Z",
    "9999-12-31T23:59:59.999Z",
    "9999-12-31T23:59:59Z",
    "9999-01-01T00:00:00Z",
    "0001-01-01",
    "9999-12-31",
    "2026-02-29T10:00:00Z",
    "2028-02-29T10:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-01-01T24:00:00Z",
    "2026-01-01T10:00:00+99:99",
    "2026-01-01T10:00:00+24",
    "2026-01-01T10:00:00-0000",
    "2026-1-1 1:00",
    "2026-01-01T10:00:00.1234567890Z",
    "2026-01-01T10:00:00 UTC",
    "2026-01-01T10:00:00z",
    "2026-06-01T00:00:00+05:45",
    "2026-03-01T09:00:00Z",
    "2026-04-01T09:00:00Z",
    "",
    " ",
    "yesterday",
    "２０２６-01-01",
)
DATE_TEXT = st.one_of(
    st.sampled_from(EDGE_DATES),
    st.builds(
        lambda moment, zone: moment.isoformat() + zone,
        st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59, 999999)),
        st.sampled_from(["", "Z", "+00:00", "+14:00", "-14:00", "+05:30", "-0930", "+1", "-23:59"]),
    ),
)
INT_TEXT = st.one_of(
    st.integers(min_value=-3, max_value=12).map(str),
    st.sampled_from([str(value) for value in EDGE_NUMBERS if isinstance(value, int)]),
    st.sampled_from([" 3 ", "+3", "-0", "3.0", "1e3", "0x10", "1_000", "٣", "³", "", "9" * 30, "9" * 5000, "∞"]),
)
BOOL_TEXT = st.sampled_from(["true", "false", "True", "FALSE", "1", "0", "yes", "no", "", " true ", "maybe", "2"])
GRACE_TEXT = st.one_of(
    st.sampled_from(
        [
            "01:12:00",
            "00:00:00",
            "99:23:59",
            "1:2:3",
            "01:24:00",
            "01:00:60",
            "-1:00:00",
            "x",
            "",
            "999999999:23:59",
            "2914635:23:59",
            "3000000:00:00",
            "100000000000000000000:00:00",
            "00:100000000000000000000:00",
            "٠١:١٢:٠٠",
        ]
    ),
    st.builds(
        lambda days, hours: f"{days}:{hours:02}:00", st.integers(min_value=0, max_value=10**25), st.integers(0, 30)
    ),
)


def enum_text(kind: Any, extra: tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    values = [member.value for member in kind]
    return st.one_of(st.sampled_from(values + [value.upper() for value in values] + list(extra)), XML_TEXT)


EXTENSIONS_TEXT = st.one_of(
    st.sampled_from(
        ["pdf", "png,txt", "exe", "html", "htm\u200bl", "ex\u00ade", "ѕcr", ".docx", "PY", "", ",", "a" * 40, "tar.gz"]
    ),
    XML_TEXT,
)
ATTRIBUTE_VALUES: dict[str, st.SearchStrategy[str]] = {
    "submission_start": DATE_TEXT,
    "submission_due": DATE_TEXT,
    "start": DATE_TEXT,
    "due": DATE_TEXT,
    "date_config_type": enum_text(DateConfig),
    "text_response": enum_text(Necessity),
    "file_upload_response": enum_text(Necessity),
    "text_response_editor": enum_text(TextEditor),
    "file_upload_type": enum_text(FileType),
    "prompts_type": enum_text(PromptsType),
    "grading_strategy": enum_text(GradingStrategy),
    "feedback": enum_text(CriterionFeedback),
    "name": enum_text(StepName, ("example-based-assessment", "ai-assessment")),
    "white_listed_file_types": EXTENSIONS_TEXT,
    "resubmissions_grace_period": GRACE_TEXT,
    "leaderboard_show": INT_TEXT,
    "must_grade": INT_TEXT,
    "must_be_graded_by": INT_TEXT,
    "accuracy_weight": INT_TEXT,
    "appeal_days": INT_TEXT,
    "points": INT_TEXT,
    "weight": INT_TEXT,
    "selected_teamset_id": XML_TEXT,
    "criterion": XML_TEXT,
    "option": XML_TEXT,
    "display_name": XML_TEXT,
    "url_name": XML_TEXT,
}
BOOLEAN_ATTRIBUTES = (
    "allow_file_upload",
    "allow_multiple_files",
    "allow_latex",
    "show_rubric_during_response",
    "allow_learner_resubmissions",
    "teams_enabled",
    "required",
    "enable_flexible_grading",
    "allow_appeals",
)
ATTRIBUTE_VALUES |= dict.fromkeys(BOOLEAN_ATTRIBUTES, BOOL_TEXT)
ATTRIBUTE_NAMES = sorted(ATTRIBUTE_VALUES.keys() | ROOT_ATTRIBUTES)
ELEMENTS = (
    "openassessment",
    "title",
    "prompts",
    "prompt",
    "description",
    "rubric",
    "criterion",
    "name",
    "label",
    "option",
    "explanation",
    "feedbackprompt",
    "feedback_default_text",
    "assessments",
    "assessment",
    "example",
    "answer",
    "part",
    "select",
)


def attribute_value(name: str) -> st.SearchStrategy[str]:
    return ATTRIBUTE_VALUES.get(name, XML_TEXT)


# The corpus: sound problems, and problems with edge values in sound places -----------------------------------------

EDGE_MOMENTS = (
    datetime(1, 1, 1, tzinfo=UTC),
    datetime(1, 1, 1, 14, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(9999, 12, 31, 9, 59, 59, tzinfo=UTC),
    datetime(9999, 1, 1, tzinfo=UTC),
)
_NAMES = ("Ideas", "Style", "Good", "Poor", "Yes", "No", "Fair", "Content", "Grammar", "Idéas", "\U0001f600")


def _generated(seed: int) -> Definition:
    """A problem made by a seeded generator: three in four sound (rules kept by construction, so that the
    validator passes them and Studio saves them), one in four with edge values where sound ones would be."""
    rng = random.Random(seed)
    edgy = seed % 4 == 0

    def text() -> str:
        return rng.choice(XML_TEXTS) if edgy and rng.random() < 0.3 else rng.choice(_NAMES)

    def points() -> int:
        return rng.choice([10**21, 10**26, 2**63, 2**31, 10**6]) if edgy and rng.random() < 0.3 else rng.randint(0, 10)

    def when(base: datetime, order: int) -> datetime | None:
        if edgy:
            return rng.choice([*EDGE_MOMENTS, None, base + timedelta(days=rng.randint(-30, 30))])
        return None if rng.random() < 0.6 else base + timedelta(days=order)

    criteria = []
    for name in rng.sample(_NAMES, rng.randint(1, 3)):
        options = tuple(Option(option, points(), text(), text()) for option in rng.sample(_NAMES, rng.randint(0, 4)))
        feedback = CriterionFeedback.REQUIRED if not options else rng.choice(list(CriterionFeedback))
        criteria.append(Criterion(name, text(), text(), feedback, options))
    rubric = Rubric(tuple(criteria), rng.choice([None, text()]), rng.choice([None, text()]))
    base = datetime(2026, 3, 1, 9, tzinfo=UTC)
    names = set(rng.sample(list(StepName), rng.randint(1, 4)))
    if StepName.TRAINING in names and not edgy and any(c.options for c in criteria):
        names.add(StepName.PEER)
    elif not edgy:
        names.discard(StepName.TRAINING)
    names |= set() if names - {StepName.TRAINING} else {StepName.SELF}
    steps: list[Step] = []
    for order, name in enumerate(step for step in StepName if step in names):
        window = {"start": when(base, order), "due": when(base + timedelta(days=60), order)}
        if name is StepName.TRAINING:
            graded = [c for c in criteria if c.options]
            picks = tuple(Selection(c.name, rng.choice(c.options).name) for c in graded)
            steps.append(TrainingStep(**window, examples=(TrainingExample((text(),), picks),)))
        elif name is StepName.PEER:
            graded_by = rng.choice([10**21, 2**63]) if edgy and rng.random() < 0.3 else rng.randint(1, 5)
            steps.append(
                PeerStep(
                    **window,
                    must_grade=graded_by + rng.randint(0, 3),
                    must_be_graded_by=graded_by,
                    enable_flexible_grading=rng.random() < 0.5,
                    grading_strategy=rng.choice(list(GradingStrategy)),
                    accuracy_weight=rng.randint(0, 100),
                    allow_appeals=rng.random() < 0.5,
                    appeal_days=rng.randint(1, 365),
                )
            )
        elif name is StepName.SELF:
            steps.append(SelfStep(**window))
        else:
            steps.append(StaffStep(**window, required=rng.random() < 0.7 or names == {StepName.STAFF}))
    file_type = rng.choice([None, None, *FileType])
    files = rng.choice(list(Necessity)) if file_type else Necessity.NONE
    extensions = ["pdf", "txt", "csv", "md", *(["exe", "htm\u200bl"] if edgy else [])]
    return Definition(
        title=text(),
        prompts=tuple(Prompt(text()) for _ in range(rng.randint(1, 3))),
        prompts_type=rng.choice(list(PromptsType)),
        rubric=rubric,
        steps=tuple(steps),
        text_response=rng.choice([Necessity.OPTIONAL, Necessity.REQUIRED, *([Necessity.NONE] if files else [])]),
        text_response_editor=rng.choice(list(TextEditor)),
        file_upload_response=files,
        file_upload_type=file_type,
        white_listed_file_types=tuple(rng.sample(extensions, rng.randint(0 if edgy else 1, 3))),
        allow_multiple_files=rng.random() < 0.5,
        submission_start=when(base - timedelta(days=10), -1),
        submission_due=when(base + timedelta(days=20), -1),
        date_config_type=rng.choice(list(DateConfig)),
        leaderboard_show=rng.choice([0, 3, 100, 101, -1, 10**21]) if edgy else rng.choice([0, 0, 3, 10]),
        show_rubric_during_response=rng.random() < 0.5,
        allow_latex=rng.random() < 0.5,
        allow_learner_resubmissions=rng.random() < 0.5,
        resubmissions_grace_period=rng.choice(["", "01:12:00", "100000000000000000000:00:00" if edgy else ""]),
        teams=Teams(names == {StepName.STAFF} and rng.random() < 0.3, rng.choice(["set-1", "" if edgy else "set-2"])),
    )


def _olx_of(definition: Definition) -> str | None:
    try:
        return to_olx(definition)
    except (OverflowError, ValueError):  # an edge date the writer cannot place in UTC
        return None


CORPUS: tuple[Definition, ...] = (
    *(parse_olx(resource_text(f"scenarios/{name}")) for name in SCENARIOS),
    *(_generated(seed) for seed in range(400)),
)
CORPUS_OLX = tuple(
    text for text in (*(resource_text(f"scenarios/{name}") for name in SCENARIOS), *map(_olx_of, CORPUS)) if text
)
CORPUS_DICTS = tuple(to_dict(definition) for definition in CORPUS if _olx_of(definition))


# OLX -------------------------------------------------------------------------------------------------------------


TREE_CHANGES = st.sampled_from(("set", "set", "set", "unset", "drop", "repeat", "add", "text"))
ELEMENT = st.sampled_from(ELEMENTS)
ATTRIBUTE = st.sampled_from(ATTRIBUTE_NAMES)
SOUND_OLX = st.sampled_from(CORPUS_OLX)


@st.composite
def mutated_tree(draw: Callable[..., Any]) -> str:
    """A corpus problem's OLX with up to four changes to its tree: attributes set or removed, elements dropped,
    repeated, added or given new text."""
    root = etree.fromstring(draw(SOUND_OLX).encode())
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        nodes = list(root.iter())
        node = nodes[draw(st.integers(0, len(nodes) - 1))]
        how = draw(TREE_CHANGES)
        if how == "set":
            name = pick(draw, sorted(node.attrib) or ATTRIBUTE_NAMES) if draw(st.booleans()) else draw(ATTRIBUTE)
            node.set(name, draw(attribute_value(name)))
        elif how == "unset" and node.attrib:
            del node.attrib[pick(draw, sorted(node.attrib))]
        elif how == "drop" and node.getparent() is not None:
            node.getparent().remove(node)
        elif how == "repeat" and node.getparent() is not None:
            node.addnext(etree.fromstring(etree.tostring(node)))
        elif how == "add":
            child = etree.SubElement(node, draw(ELEMENT))
            name = draw(ATTRIBUTE)
            child.set(name, draw(attribute_value(name)))
            child.text = draw(XML_TEXT)
        elif how == "text":
            node.text = draw(XML_TEXT)
    return etree.tostring(root, encoding="unicode")


@st.composite
def vocabulary_tree(draw: Callable[..., Any], depth: int = 0) -> etree._Element:
    """An element of ora2's vocabulary with random attributes and children, any shape."""
    tag = "openassessment" if depth == 0 else draw(ELEMENT)
    node = etree.Element(tag)
    for name in draw(st.lists(ATTRIBUTE, max_size=3, unique=True)):
        node.set(name, draw(attribute_value(name)))
    if depth and draw(st.booleans()):
        node.text = draw(XML_TEXT)
    if depth < 4:
        for child in draw(st.lists(vocabulary_tree(depth + 1), max_size=3 if depth < 2 else 1)):
            node.append(child)
    return node


MARKUP = st.sampled_from(["", "<", ">", "&", "&#0;", "&#x1F600;", "]]>", "<!--", '"', "<!DOCTYPE x>", "<a>", "</a>"])


@st.composite
def cut_text(draw: Callable[..., Any]) -> str:
    """A corpus problem's OLX text with a slice cut out or replaced: broken markup, entities, stray characters."""
    text = draw(SOUND_OLX)
    start = draw(st.integers(0, len(text)))
    length = draw(st.integers(0, 40))
    insert = draw(st.one_of(MARKUP, TEXT))
    return text[:start] + insert + text[start + length :]


def olx_structures() -> st.SearchStrategy[str | bytes]:
    """OLX to read: corpus problems (mostly changed), trees of ora2's vocabulary, other encodings, deep nesting."""
    return weighted(
        (1, SOUND_OLX),
        (5, mutated_tree()),
        (2, vocabulary_tree().map(lambda node: etree.tostring(node, encoding="unicode"))),
        (1, SOUND_OLX.map(lambda text: text.encode("utf-16"))),
        (1, SOUND_OLX.map(lambda text: '<?xml version="1.0" encoding="UTF-7"?>' + text)),
        (
            1,
            st.integers(30, 200).map(
                lambda depth: f"<openassessment>{'<title>' * depth}{'</title>' * depth}</openassessment>"
            ),
        ),
    )


def olx_texts() -> st.SearchStrategy[str | bytes]:
    """Text that is barely OLX, or not at all."""
    return weighted(
        (3, cut_text()),
        (1, TEXT),
        (1, st.text(max_size=200)),
        (1, st.binary(max_size=200)),
        (1, st.sampled_from(EDGE_TEXT)),
    )


# The editor's JSON -------------------------------------------------------------------------------------------------


SOUND_DICTS = st.sampled_from(CORPUS_DICTS)
JSON_CHANGES = st.sampled_from(("replace", "nudge", "nudge", "nudge", "drop"))


@st.composite
def mutated_json(draw: Callable[..., Any]) -> Any:
    """A corpus problem as the editor's JSON, with one to three changes anywhere inside it."""
    value = draw(SOUND_DICTS)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = list(_paths(value, ()))
        path = paths[draw(st.integers(0, len(paths) - 1))]
        value = _apply(value, path, draw(JSON_CHANGES), draw)
    return value


def _paths(value: Any, here: tuple[Any, ...]) -> Any:
    yield here
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*here, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*here, index))


def _apply(value: Any, path: tuple[Any, ...], how: str, draw: Callable[..., Any]) -> Any:
    if not path:
        return draw(any_json()) if how == "replace" else _nudged_edge(draw, value) if how == "nudge" else None
    head, rest = path[0], path[1:]
    changed: Any = dict(value) if isinstance(value, dict) else list(value)
    if how == "drop" and not rest:
        changed.pop(head)
    else:
        changed[head] = _apply(value[head], rest, how, draw)
    return changed


EDGE_TEXTS = st.one_of(DATE_TEXT, GRACE_TEXT, INT_TEXT, enum_text(StepName), LONE_SURROGATE)


def _nudged_edge(draw: Callable[..., Any], value: Any) -> Any:
    """Like :func:`nudged`, with the definition's own edge values for its texts and numbers."""
    if isinstance(value, str) or value is None:
        return draw(EDGE_TEXTS) if draw(st.booleans()) else nudged(draw, value)
    return nudged(draw, value)


def editor_json() -> st.SearchStrategy[Any]:
    """The editor's JSON: corpus problems as ``to_dict`` writes them, mostly changed; and any JSON at all."""
    return weighted((1, SOUND_DICTS), (7, mutated_json()), (1, any_json(10)))


# What the validator is told besides the problem: what it was, whether it has opened, the course's dates.
COURSE_DATES = st.sampled_from(
    [None, None, *EDGE_MOMENTS, datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)]
)
CONTEXTS = st.fixed_dictionaries(
    {
        "current": st.sampled_from([None, *CORPUS[: len(SCENARIOS)]]),  # the problem as it was: the demo scenarios
        "released": st.booleans(),
        "course_start": COURSE_DATES,
        "course_end": COURSE_DATES,
        "extra_prohibited": st.lists(st.sampled_from(["pdf", "TXT", ".md", "", "\u200b"]), max_size=2).map(tuple),
    }
)
