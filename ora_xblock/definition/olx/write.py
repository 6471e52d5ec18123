"""Writing a :class:`~ora_xblock.definition.model.Definition` as edx-ora2's ``<openassessment>`` OLX.

Writing is canonical: the same definition always gives the same bytes, and
reading them back gives the same definition.
"""

from __future__ import annotations

from datetime import datetime

from lxml import etree

from ..dates import format_date
from ..model import DateConfig, Definition, Necessity, PeerStep, Rubric, StaffStep, Step, TrainingStep

ROOT_TAG = "openassessment"
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
        _write_peer_extensions(element, step)
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


def _write_peer_extensions(element: etree._Element, step: PeerStep) -> None:
    """ora_xblock's own peer settings, written only when not their defaults, so that ora2's OLX stays as it was."""
    if step.accuracy_weight != PeerStep.accuracy_weight:
        element.set("accuracy_weight", str(step.accuracy_weight))
    if step.allow_appeals != PeerStep.allow_appeals:
        element.set("allow_appeals", _bool_text(step.allow_appeals))
    if step.appeal_days != PeerStep.appeal_days:
        element.set("appeal_days", str(step.appeal_days))
