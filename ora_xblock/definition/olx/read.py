"""Read and write edx-ora2's ``<openassessment>`` OLX.

Reading is hardened: no DTD, no entities, no network, bounded size and
depth. DTDs are refused twice: by a byte check before parsing (in the
document's own encoding when it is UTF-16, UTF-32 or declared otherwise)
and by a check of the parsed document, which holds whatever the encoding.
Reading reports every structural error at once (bad numbers, dates out of
range, booleans, unknown steps); the rules of a sound problem are checked by
:mod:`ora_xblock.definition.validate`. Writing is canonical: the same
definition always gives the same bytes, and reading them back gives the
same definition.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar, cast

from lxml import etree

from .dates import DateOutOfRange, format_date, parse_date
from .errors import N_, DefinitionError, InvalidDefinition
from .limits import EARLIEST, LATEST
from .model import (
    STEP_CLASSES,
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
    StaffStep,
    Step,
    StepName,
    Teams,
    TextEditor,
    TrainingExample,
    TrainingStep,
)

ROOT_TAG = "openassessment"
ROOT_TAGS = (ROOT_TAG, "ora_xblock")
# Root attributes that carry the definition; any other belongs to the host (url_name, group_access, ...).
ROOT_ATTRIBUTES = frozenset(
    {
        "submission_start",
        "submission_due",
        "date_config_type",
        "text_response",
        "text_response_editor",
        "file_upload_response",
        "file_upload_type",
        "allow_file_upload",
        "white_listed_file_types",
        "allow_multiple_files",
        "allow_latex",
        "leaderboard_show",
        "prompts_type",
        "show_rubric_during_response",
        "allow_learner_resubmissions",
        "resubmissions_grace_period",
        "teams_enabled",
        "selected_teamset_id",
    }
)
MAX_OLX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 32

_T = TypeVar("_T")
_FORBIDDEN_MARKUP = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_FORBIDDEN_TEXT = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
# How a document that is not ASCII-compatible starts (XML 1.0, appendix F), longest first.
_WIDE_STARTS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)
_DECLARED_ENCODING = re.compile(
    rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']"""
)
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}


def parse_olx(text: str | bytes) -> Definition:
    """Parse an OLX document into a :class:`Definition`, without judging whether it is sound.

    Raises :class:`InvalidDefinition` listing every structural error found.
    """
    root = parse_xml_safely(text)
    if root.tag not in ROOT_TAGS:
        raise _invalid(
            "olx.wrong_root",
            N_("The root element is <{tag}>; an ORA problem is <openassessment>."),
            tag=root.tag,
        )
    return definition_from_element(root)


def parse_xml_safely(text: str | bytes) -> etree._Element:
    """Parse untrusted XML with DTDs, entities and the network turned off."""
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
    except UnicodeEncodeError as exc:  # a lone surrogate: no XML document holds one
        raise _invalid("olx.syntax", N_("The OLX is not well-formed XML: {detail}"), detail=exc.reason) from None
    if len(data) > MAX_OLX_BYTES:
        raise _invalid(
            "olx.too_large",
            N_("The OLX is larger than {limit} bytes."),
            limit=MAX_OLX_BYTES,
        )
    if _FORBIDDEN_MARKUP.search(data) or _FORBIDDEN_TEXT.search(_as_declared(data)):
        raise _dtd_forbidden()
    parser = etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise _invalid(
            "olx.syntax",
            N_("The OLX is not well-formed XML: {detail}"),
            detail=str(exc),
        ) from None
    _refuse_dtd(root)
    return root


def _as_declared(data: bytes) -> str:
    """The document as text when it is not in an ASCII-compatible encoding the byte check reads; else ''.

    Decoding is lenient: it only feeds the byte check, and the parser judges the document.
    """
    codec = next((name for start, name in _WIDE_STARTS if data.startswith(start)), None)
    if codec is None:
        declared = _DECLARED_ENCODING.match(data)
        codec = declared[1].decode("ascii") if declared else None
    if codec is None:
        return ""
    try:
        decoder = codecs.lookup(codec)
    except LookupError:
        return ""  # unknown to Python; the check of the parsed document still holds
    if decoder.name in ("utf-8", "ascii"):
        return ""  # the byte check reads these as they are
    return data.decode(decoder.name, errors="replace")


def _refuse_dtd(root: etree._Element) -> None:
    """Refuse a parsed document that had a DOCTYPE or any entity, whatever its encoding."""
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _dtd_forbidden()
    if next(root.iter(etree.Entity), None) is not None:
        raise _dtd_forbidden()


def _dtd_forbidden() -> InvalidDefinition:
    return _invalid("olx.dtd_forbidden", N_("DOCTYPE and ENTITY declarations are not allowed."))


def _invalid(code: str, template: str, **params: Any) -> InvalidDefinition:
    return InvalidDefinition([DefinitionError(code, template, params=params)])


def definition_from_element(root: etree._Element) -> Definition:
    """Build a :class:`Definition` from a parsed ``<openassessment>`` element.

    The element's tag is not checked, because the platform names it after
    the block type. A document with a DTD is refused, also when the platform
    parsed it (course import) and resolved its entities. Raises
    :class:`InvalidDefinition` with every error.
    """
    _refuse_dtd(root)
    return _Reader(root).read()


def read_prompts(root: etree._Element) -> tuple[Prompt, ...]:
    """The prompts of an ``<openassessment>`` element (new ``<prompts>`` or the legacy rubric prompt)."""
    return _Reader(root).checked(lambda reader: reader.prompts())


def read_rubric(element: etree._Element) -> Rubric:
    """The rubric of a ``<rubric>`` element."""
    return _Reader(element).checked(lambda reader: reader.rubric(element))


def read_steps(element: etree._Element) -> tuple[Step, ...]:
    """The steps of an ``<assessments>`` element, in order."""
    return _Reader(element).checked(lambda reader: reader.steps(element))


def read_examples(element: etree._Element) -> tuple[TrainingExample, ...]:
    """The training examples among the children of ``element``."""
    return _Reader(element).checked(lambda reader: reader.examples(element, ""))


class _Reader:
    """Walks one OLX tree, collecting errors instead of stopping at the first."""

    def __init__(self, root: etree._Element):
        self.root = root
        self.errors: list[DefinitionError] = []

    def checked(self, read: Callable[[_Reader], _T]) -> _T:
        """Run ``read`` on this reader; raise every error it collected."""
        if _depth(self.root) > MAX_DEPTH:
            raise _invalid(
                "olx.too_deep",
                N_("The OLX nests deeper than {limit} levels."),
                limit=MAX_DEPTH,
            )
        result = read(self)
        if self.errors:
            raise InvalidDefinition(self.errors)
        return result

    def read(self) -> Definition:
        return self.checked(lambda reader: reader.definition())

    def definition(self) -> Definition:
        root = self.root
        attrs = root.attrib
        file_upload_type = self._enum(attrs, "file_upload_type", FileType, None, "")
        if file_upload_type is None and self._bool(attrs, "allow_file_upload", False, ""):
            file_upload_type = FileType.IMAGE
        file_upload_response = self._enum(attrs, "file_upload_response", Necessity, None, "")
        if file_upload_response is None:
            file_upload_response = Necessity.OPTIONAL if file_upload_type else Necessity.NONE
        return Definition(
            title=_text(self._required(root, "title", "")),
            prompts=self.prompts(),
            prompts_type=self._enum(attrs, "prompts_type", PromptsType, PromptsType.TEXT, ""),
            rubric=self.rubric(self._required(root, "rubric", "")),
            steps=self.steps(self._required(root, "assessments", "")),
            text_response=self._text_response(attrs),
            text_response_editor=self._enum(attrs, "text_response_editor", TextEditor, TextEditor.PLAIN, ""),
            file_upload_response=file_upload_response,
            file_upload_type=file_upload_type,
            white_listed_file_types=_file_types(attrs.get("white_listed_file_types", "")),
            allow_multiple_files=self._bool(attrs, "allow_multiple_files", True, ""),
            submission_start=self._date(attrs, "submission_start", ""),
            submission_due=self._date(attrs, "submission_due", ""),
            date_config_type=self._date_config(attrs),
            leaderboard_show=self._int(attrs, "leaderboard_show", 0, ""),
            show_rubric_during_response=self._bool(attrs, "show_rubric_during_response", False, ""),
            allow_latex=self._bool(attrs, "allow_latex", False, ""),
            allow_learner_resubmissions=self._bool(attrs, "allow_learner_resubmissions", False, ""),
            resubmissions_grace_period=attrs.get("resubmissions_grace_period", "").strip(),
            teams=Teams(
                enabled=self._bool(attrs, "teams_enabled", False, ""),
                teamset_id=attrs.get("selected_teamset_id", "").strip(),
            ),
        )

    def _date_config(self, attrs: Any) -> DateConfig:
        """Where the dates come from; absent or empty means the author's own, as in ora2."""
        raw = attrs.get("date_config_type", "")
        try:
            return DateConfig(raw.strip().lower() or DateConfig.MANUAL)
        except ValueError:
            self._error(
                "dates.bad_config_type",
                N_(
                    'date_config_type="{value}" is not a way to set dates; use "manual" (dates set on each step), '
                    '"subsection" (the subsection\'s release and due dates) or "course_end" (from the course start '
                    "to the course end)."
                ),
                "",
                attribute="date_config_type",
                value=raw,
            )
            return DateConfig.MANUAL

    def _text_response(self, attrs: Any) -> Necessity:
        """Text is required when neither response kind is named, as in ora2."""
        default = Necessity.NONE if "file_upload_response" in attrs else Necessity.REQUIRED
        return cast(Necessity, self._enum(attrs, "text_response", Necessity, default, ""))

    # Parts of the problem

    def prompts(self) -> tuple[Prompt, ...]:
        """``<prompts>`` when present (even empty), else the legacy ``<rubric><prompt>``, else one empty prompt."""
        container = self.root.find("prompts")
        if container is not None:
            return tuple(
                Prompt(_text(self._required(prompt, "description", f"prompts/prompt[{index}]")))
                for index, prompt in enumerate(container.findall("prompt"), start=1)
            )
        rubric = self.root.find("rubric")
        legacy = rubric.find("prompt") if rubric is not None else None
        return (Prompt(_text(legacy)),)

    def rubric(self, element: etree._Element | None) -> Rubric:
        if element is None:
            return Rubric()
        criteria = tuple(
            self._criterion(child, f"rubric/criterion[{index}]")
            for index, child in enumerate(element.findall("criterion"), start=1)
        )
        return Rubric(
            criteria=criteria,
            feedback_prompt=_optional_text(element.find("feedbackprompt")),
            feedback_default_text=_optional_text(element.find("feedback_default_text")),
        )

    def _criterion(self, element: etree._Element, where: str) -> Criterion:
        options = tuple(
            self._option(child, f"{where}/option[{index}]")
            for index, child in enumerate(element.findall("option"), start=1)
        )
        return Criterion(
            name=_text(self._required(element, "name", where)),
            label=_text(element.find("label")),
            prompt=_text(self._required(element, "prompt", where)),
            feedback=self._enum(
                element.attrib,
                "feedback",
                CriterionFeedback,
                CriterionFeedback.DISABLED,
                where,
            ),
            options=options,
        )

    def _option(self, element: etree._Element, where: str) -> Option:
        self._has_attributes(element, ("points",), where)
        return Option(
            name=_text(self._required(element, "name", where)),
            label=_text(element.find("label")),
            explanation=_text(self._required(element, "explanation", where)),
            points=self._int(element.attrib, "points", 0, where),
        )

    def steps(self, element: etree._Element | None) -> tuple[Step, ...]:
        if element is None:
            return ()
        steps = (
            self._step(child, f"assessments/assessment[{index}]")
            for index, child in enumerate(element.findall("assessment"), start=1)
        )
        return tuple(step for step in steps if step is not None)

    def _step(self, element: etree._Element, where: str) -> Step | None:
        attrs = element.attrib
        if not self._has_attributes(element, ("name",), where):
            return None
        name = self._enum(attrs, "name", StepName, None, where)
        if name is None:
            return None
        if name is not StepName.STAFF and "required" in attrs:
            self._error(
                "step.required_not_staff",
                N_("Only the staff step takes a required attribute."),
                where,
            )
        window: dict[str, Any] = {
            "start": self._date(attrs, "start", where),
            "due": self._date(attrs, "due", where),
        }
        if name is StepName.PEER:
            self._has_attributes(element, ("must_grade", "must_be_graded_by"), where)
            return PeerStep(
                **window,
                must_grade=self._int(attrs, "must_grade", PeerStep.must_grade, where),
                must_be_graded_by=self._int(attrs, "must_be_graded_by", PeerStep.must_be_graded_by, where),
                enable_flexible_grading=self._bool(attrs, "enable_flexible_grading", False, where),
                grading_strategy=self._enum(
                    attrs,
                    "grading_strategy",
                    GradingStrategy,
                    GradingStrategy.MEDIAN,
                    where,
                ),
            )
        if name is StepName.STAFF:
            return StaffStep(**window, required=self._bool(attrs, "required", False, where))
        if name is StepName.TRAINING:
            return TrainingStep(**window, examples=self.examples(element, where))
        return STEP_CLASSES[name](**window)

    def examples(self, element: etree._Element, where: str) -> tuple[TrainingExample, ...]:
        prefix = f"{where}/" if where else ""
        return tuple(
            self._example(child, f"{prefix}example[{index}]")
            for index, child in enumerate(element.findall("example"), start=1)
        )

    def _example(self, element: etree._Element, where: str) -> TrainingExample:
        answers = element.findall("answer")
        if len(answers) != 1:
            self._error(
                "example.answer_count",
                N_("A training example needs exactly one <answer>; it has {count}."),
                where,
                count=len(answers),
            )
        parts: tuple[str, ...] = ()
        if answers:
            part_elements = answers[0].findall("part")
            parts = tuple(p.text or "" for p in part_elements) if part_elements else (answers[0].text or "",)
        selections = []
        for select in element.findall("select"):
            criterion, option = select.get("criterion"), select.get("option")
            if criterion is None or option is None:
                self._error(
                    "example.select_incomplete",
                    N_("Each <select> needs both a criterion and an option attribute."),
                    where,
                )
                continue
            selections.append(Selection(criterion=criterion.strip(), option=option.strip()))
        return TrainingExample(answer=parts, selections=tuple(selections))

    # Elements and typed attributes

    def _required(self, parent: etree._Element, tag: str, where: str) -> etree._Element | None:
        child = parent.find(tag)
        if child is None:
            self._error(
                "olx.missing_element",
                N_("<{parent}> needs a <{tag}> element."),
                where,
                parent=parent.tag,
                tag=tag,
            )
        return child

    def _has_attributes(self, element: etree._Element, names: tuple[str, ...], where: str) -> bool:
        missing = [name for name in names if name not in element.attrib]
        for name in missing:
            self._error(
                "olx.missing_attribute",
                N_("<{tag}> needs a {attribute} attribute."),
                where,
                tag=element.tag,
                attribute=name,
            )
        return not missing

    def _error(self, code: str, template: str, where: str, **params: Any) -> None:
        self.errors.append(DefinitionError(code, template, where, params))

    def _typed(
        self,
        attrs: Any,
        key: str,
        default: _T,
        where: str,
        convert: Callable[[str], _T],
        code: str,
        template: str,
    ) -> _T:
        raw = attrs.get(key)
        if raw is None:
            return default
        try:
            return convert(raw.strip())
        except ValueError:
            self._error(code, template, where, attribute=key, value=raw)
            return default

    def _int(self, attrs: Any, key: str, default: int, where: str) -> int:
        return self._typed(
            attrs,
            key,
            default,
            where,
            int,
            "olx.not_integer",
            N_('{attribute}="{value}" is not a whole number.'),
        )

    def _bool(self, attrs: Any, key: str, default: bool, where: str) -> bool:
        return self._typed(
            attrs,
            key,
            default,
            where,
            _boolean,
            "olx.not_boolean",
            N_('{attribute}="{value}" is not true or false.'),
        )

    def _date(self, attrs: Any, key: str, where: str) -> datetime | None:
        raw = attrs.get(key, "").strip()
        try:
            return parse_date(raw) if raw else None
        except DateOutOfRange:
            self._error(
                "dates.out_of_range",
                N_("{attribute} must fall between {earliest} and {latest} (UTC), not {value}."),
                where,
                attribute=key,
                earliest=EARLIEST.date().isoformat(),
                latest=LATEST.date().isoformat(),
                value=raw,
            )
        except ValueError:
            self._error(
                "olx.not_date",
                N_('{attribute}="{value}" is not a date; write it as ISO 8601, like 2026-01-31T17:00:00+00:00.'),
                where,
                attribute=key,
                value=attrs.get(key),
            )
        return None

    def _enum(self, attrs: Any, key: str, kind: Any, default: Any, where: str) -> Any:
        raw = attrs.get(key)
        if raw is None:
            return default
        try:
            return kind(raw.strip().lower())
        except ValueError:
            choices = ", ".join(f'"{member.value}"' for member in kind)
            self._error(
                "olx.bad_choice",
                N_('{attribute}="{value}" is not allowed; use one of {choices}.'),
                where,
                attribute=key,
                value=raw,
                choices=choices,
            )
            return default


def _boolean(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(raw)


def _text(element: etree._Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _optional_text(element: etree._Element | None) -> str | None:
    return _text(element) if element is not None else None


def _file_types(raw: str) -> tuple[str, ...]:
    return tuple(part.strip().lower().lstrip(".") for part in raw.split(",") if part.strip())


def _depth(element: etree._Element) -> int:
    deepest = 0
    for node in element.iter():
        depth = 0
        while node is not None:
            depth += 1
            node = node.getparent()
            if depth > MAX_DEPTH:
                return depth
        deepest = max(deepest, depth)
    return deepest


# Writing


def to_element(definition: Definition, tag: str = ROOT_TAG) -> etree._Element:
    """The canonical OLX element of ``definition``, with every setting explicit."""
    root = etree.Element(tag)
    write_into(definition, root)
    return root


def write_into(definition: Definition, root: etree._Element) -> None:
    """Write ``definition`` as attributes and children of ``root``."""
    for key, value in _root_attributes(definition):
        root.set(key, value)
    _child(root, "title", definition.title)
    prompts = etree.SubElement(root, "prompts")
    for prompt in definition.prompts:
        _child(etree.SubElement(prompts, "prompt"), "description", prompt.description)
    _write_rubric(etree.SubElement(root, "rubric"), definition.rubric)
    assessments = etree.SubElement(root, "assessments")
    for step in definition.steps:
        _write_step(etree.SubElement(assessments, "assessment"), step)


def to_olx(definition: Definition, tag: str = ROOT_TAG) -> str:
    """The canonical OLX text of ``definition``."""
    element = to_element(definition, tag)
    etree.indent(element, space="  ")
    return str(etree.tostring(element, encoding="unicode", pretty_print=True))


def _root_attributes(definition: Definition) -> list[tuple[str, str]]:
    pairs = [
        ("submission_start", _date_or_empty(definition.submission_start)),
        ("submission_due", _date_or_empty(definition.submission_due)),
        # Written only when the platform owns the dates, so that problems with their own dates export as before.
        (
            "date_config_type",
            "" if definition.date_config_type is DateConfig.MANUAL else definition.date_config_type.value,
        ),
        ("text_response", definition.text_response.value),
        ("text_response_editor", definition.text_response_editor.value),
        ("file_upload_response", definition.file_upload_response.value),
        (
            "file_upload_type",
            definition.file_upload_type.value if definition.file_upload_type else "",
        ),
        ("white_listed_file_types", ",".join(definition.white_listed_file_types)),
        ("allow_multiple_files", _bool_text(definition.allow_multiple_files)),
        ("allow_latex", _bool_text(definition.allow_latex)),
        ("prompts_type", definition.prompts_type.value),
        ("leaderboard_show", str(definition.leaderboard_show)),
        (
            "show_rubric_during_response",
            _bool_text(definition.show_rubric_during_response),
        ),
        (
            "allow_learner_resubmissions",
            _bool_text(definition.allow_learner_resubmissions),
        ),
        ("resubmissions_grace_period", definition.resubmissions_grace_period),
        ("teams_enabled", _bool_text(definition.teams.enabled)),
        ("selected_teamset_id", definition.teams.teamset_id),
    ]
    # No files asked, with a file type kept: an empty file_upload_response says so, where its absence would read
    # as ora2's older "a file type means files are optional".
    asks_none = definition.file_upload_type is not None and definition.file_upload_response is Necessity.NONE
    return [(key, value) for key, value in pairs if value != "" or (key == "file_upload_response" and asks_none)]


def _write_rubric(element: etree._Element, rubric: Rubric) -> None:
    for criterion in rubric.criteria:
        node = etree.SubElement(element, "criterion", feedback=criterion.feedback.value)
        _child(node, "name", criterion.name)
        _optional_child(node, "label", criterion.label)
        _child(node, "prompt", criterion.prompt)
        for option in criterion.options:
            option_node = etree.SubElement(node, "option", points=str(option.points))
            _child(option_node, "name", option.name)
            _optional_child(option_node, "label", option.label)
            _child(option_node, "explanation", option.explanation)
    if rubric.feedback_prompt is not None:
        _child(element, "feedbackprompt", rubric.feedback_prompt)
    if rubric.feedback_default_text is not None:
        _child(element, "feedback_default_text", rubric.feedback_default_text)


def _write_step(element: etree._Element, step: Step) -> None:
    element.set("name", step.name.value)
    if isinstance(step, PeerStep):
        element.set("must_grade", str(step.must_grade))
        element.set("must_be_graded_by", str(step.must_be_graded_by))
        element.set("enable_flexible_grading", _bool_text(step.enable_flexible_grading))
        element.set("grading_strategy", step.grading_strategy.value)
    if isinstance(step, StaffStep):
        element.set("required", _bool_text(step.required))
    if step.start is not None:
        element.set("start", format_date(step.start))
    if step.due is not None:
        element.set("due", format_date(step.due))
    if isinstance(step, TrainingStep):
        for example in step.examples:
            example_node = etree.SubElement(element, "example")
            answer = etree.SubElement(example_node, "answer")
            for part in example.answer:
                _child(answer, "part", part)
            for selection in example.selections:
                etree.SubElement(
                    example_node,
                    "select",
                    criterion=selection.criterion,
                    option=selection.option,
                )


def _child(parent: etree._Element, tag: str, text: str) -> etree._Element:
    node = etree.SubElement(parent, tag)
    node.text = text
    return node


def _optional_child(parent: etree._Element, tag: str, text: str) -> None:
    if text:
        _child(parent, tag, text)


def _bool_text(value: bool) -> str:
    return "true" if value else "false"


def _date_or_empty(value: datetime | None) -> str:
    return format_date(value) if value is not None else ""
