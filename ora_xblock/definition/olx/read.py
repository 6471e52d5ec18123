"""Reading edx-ora2's ``<openassessment>`` OLX into a :class:`~ora_xblock.definition.model.Definition`.

Reading reports every structural error at once (bad numbers, dates out of
range, booleans, unknown steps); the rules of a sound problem are checked by
:mod:`ora_xblock.definition.validate`.
"""

from __future__ import annotations

from typing import Any, cast

from lxml import etree

from ..errors import N_, InvalidDefinition
from ..model import (
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
from .safe_xml import parse_xml_safely, refuse_dtd
from .typed import TypedReader, optional_text_of, text_of
from .write import ROOT_TAG

ROOT_TAGS = (ROOT_TAG, "ora_xblock")
MAX_DEPTH = 32


def parse_olx(text: str | bytes) -> Definition:
    """Parse an OLX document into a :class:`Definition`, without judging whether it is sound.

    Raises :class:`InvalidDefinition` listing every structural error found.
    """
    root = parse_xml_safely(text)
    if root.tag not in ROOT_TAGS:
        raise InvalidDefinition.of(
            "olx.wrong_root",
            N_("The root element is <{tag}>; an ORA problem is <openassessment>."),
            tag=root.tag,
        )
    return definition_from_element(root)


def definition_from_element(root: etree._Element) -> Definition:
    """Build a :class:`Definition` from a parsed ``<openassessment>`` element.

    The element's tag is not checked, because the platform names it after
    the block type. A document with a DTD is refused, also when the platform
    parsed it (course import) and resolved its entities. Raises
    :class:`InvalidDefinition` with every error.
    """
    refuse_dtd(root)
    if _depth(root) > MAX_DEPTH:
        raise InvalidDefinition.of(
            "olx.too_deep",
            N_("The OLX nests deeper than {limit} levels."),
            limit=MAX_DEPTH,
        )
    reader = _Reader(root)
    definition = reader.definition()
    if reader.errors:
        raise InvalidDefinition(reader.errors)
    return definition


class _Reader(TypedReader):
    """Walks one ``<openassessment>`` tree."""

    def __init__(self, root: etree._Element):
        super().__init__()
        self.root = root

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
            title=text_of(self._required(root, "title", "")),
            prompts=self._prompts(),
            prompts_type=self._enum(attrs, "prompts_type", PromptsType, PromptsType.TEXT, ""),
            rubric=self._rubric(self._required(root, "rubric", "")),
            steps=self._steps(self._required(root, "assessments", "")),
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

    def _prompts(self) -> tuple[Prompt, ...]:
        """``<prompts>`` when present (even empty), else the legacy ``<rubric><prompt>``, else one empty prompt."""
        container = self.root.find("prompts")
        if container is not None:
            return tuple(
                Prompt(text_of(self._required(prompt, "description", f"prompts/prompt[{index}]")))
                for index, prompt in enumerate(container.findall("prompt"), start=1)
            )
        rubric = self.root.find("rubric")
        legacy = rubric.find("prompt") if rubric is not None else None
        return (Prompt(text_of(legacy)),)

    def _rubric(self, element: etree._Element | None) -> Rubric:
        if element is None:
            return Rubric()
        criteria = tuple(
            self._criterion(child, f"rubric/criterion[{index}]")
            for index, child in enumerate(element.findall("criterion"), start=1)
        )
        return Rubric(
            criteria=criteria,
            feedback_prompt=optional_text_of(element.find("feedbackprompt")),
            feedback_default_text=optional_text_of(element.find("feedback_default_text")),
        )

    def _criterion(self, element: etree._Element, where: str) -> Criterion:
        options = tuple(
            self._option(child, f"{where}/option[{index}]")
            for index, child in enumerate(element.findall("option"), start=1)
        )
        return Criterion(
            name=text_of(self._required(element, "name", where)),
            label=text_of(element.find("label")),
            prompt=text_of(self._required(element, "prompt", where)),
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
            name=text_of(self._required(element, "name", where)),
            label=text_of(element.find("label")),
            explanation=text_of(self._required(element, "explanation", where)),
            points=self._int(element.attrib, "points", 0, where),
        )

    def _steps(self, element: etree._Element | None) -> tuple[Step, ...]:
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
                accuracy_weight=self._int(attrs, "accuracy_weight", PeerStep.accuracy_weight, where),
                allow_appeals=self._bool(attrs, "allow_appeals", PeerStep.allow_appeals, where),
                appeal_days=self._int(attrs, "appeal_days", PeerStep.appeal_days, where),
            )
        if name is StepName.STAFF:
            return StaffStep(**window, required=self._bool(attrs, "required", False, where))
        if name is StepName.TRAINING:
            return TrainingStep(**window, examples=self._examples(element, where))
        return STEP_CLASSES[name](**window)

    def _examples(self, element: etree._Element, where: str) -> tuple[TrainingExample, ...]:
        return tuple(
            self._example(child, f"{where}/example[{index}]")
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
