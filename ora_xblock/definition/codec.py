"""The definition as JSON, for the Studio editor. Pure Python.

:func:`to_dict` gives the editor everything it shows; :func:`from_dict`
reads back what the author saved. Reading checks the JSON's shape, then
writes it as OLX and reads that with the OLX reader, so that the editor,
course import and the CLI share one reader, one validator and one set of
error codes.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from .dates import format_date
from .errors import N_, DefinitionError, InvalidDefinition
from .model import Definition, PeerStep, StaffStep, Step, TrainingStep
from .olx import definition_from_element


def to_dict(definition: Definition) -> dict[str, Any]:
    """The definition as plain JSON values (dates as ISO 8601 in UTC)."""
    return {
        "title": definition.title,
        "prompts": [{"description": prompt.description} for prompt in definition.prompts],
        "prompts_type": definition.prompts_type.value,
        "rubric": {
            "criteria": [
                {
                    "name": criterion.name,
                    "label": criterion.label,
                    "prompt": criterion.prompt,
                    "feedback": criterion.feedback.value,
                    "options": [
                        {"name": o.name, "label": o.label, "explanation": o.explanation, "points": o.points}
                        for o in criterion.options
                    ],
                }
                for criterion in definition.rubric.criteria
            ],
            "feedback_prompt": definition.rubric.feedback_prompt,
            "feedback_default_text": definition.rubric.feedback_default_text,
        },
        "steps": [_step_dict(step) for step in definition.steps],
        "text_response": definition.text_response.value,
        "text_response_editor": definition.text_response_editor.value,
        "file_upload_response": definition.file_upload_response.value,
        "file_upload_type": definition.file_upload_type.value if definition.file_upload_type else None,
        "white_listed_file_types": list(definition.white_listed_file_types),
        "allow_multiple_files": definition.allow_multiple_files,
        "submission_start": _date(definition.submission_start),
        "submission_due": _date(definition.submission_due),
        "date_config_type": definition.date_config_type.value,
        "leaderboard_show": definition.leaderboard_show,
        "show_rubric_during_response": definition.show_rubric_during_response,
        "allow_latex": definition.allow_latex,
        "allow_learner_resubmissions": definition.allow_learner_resubmissions,
        "resubmissions_grace_period": definition.resubmissions_grace_period,
        "teams": {"enabled": definition.teams.enabled, "teamset_id": definition.teams.teamset_id},
    }


def from_dict(data: object) -> Definition:
    """Read the editor's JSON; raise :class:`InvalidDefinition` with every structural error."""
    errors: list[DefinitionError] = []
    _shape(data, _SCHEMA, "", errors)
    if not errors:
        _steps(data["steps"], errors)  # type: ignore[index]
    _characters(data, "", errors)
    if errors:
        raise InvalidDefinition(errors)
    assert isinstance(data, dict)
    return definition_from_element(_element(data))


# What the JSON must look like: a type, or a dict of keys (all required), or a one-item list of the item's shape.
_TEXT, _OPTIONAL_TEXT, _NUMBER, _FLAG = str, (str, type(None)), int, bool
_SCHEMA: Any = {
    "title": _TEXT,
    "prompts": [{"description": _TEXT}],
    "prompts_type": _TEXT,
    "rubric": {
        "criteria": [
            {
                "name": _TEXT,
                "label": _TEXT,
                "prompt": _TEXT,
                "feedback": _TEXT,
                "options": [{"name": _TEXT, "label": _TEXT, "explanation": _TEXT, "points": _NUMBER}],
            }
        ],
        "feedback_prompt": _OPTIONAL_TEXT,
        "feedback_default_text": _OPTIONAL_TEXT,
    },
    "steps": [dict],
    "text_response": _TEXT,
    "text_response_editor": _TEXT,
    "file_upload_response": _TEXT,
    "file_upload_type": _OPTIONAL_TEXT,
    "white_listed_file_types": [_TEXT],
    "allow_multiple_files": _FLAG,
    "submission_start": _OPTIONAL_TEXT,
    "submission_due": _OPTIONAL_TEXT,
    "date_config_type": _TEXT,
    "leaderboard_show": _NUMBER,
    "show_rubric_during_response": _FLAG,
    "allow_latex": _FLAG,
    "allow_learner_resubmissions": _FLAG,
    "resubmissions_grace_period": _TEXT,
    "teams": {"enabled": _FLAG, "teamset_id": _TEXT},
}


# A step's settings become attributes of its OLX element; a training step's examples have their own shape.
_SETTING_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_EXAMPLE: Any = {"answer": [_TEXT], "options_selected": dict}


def _steps(steps: list[dict[str, Any]], errors: list[DefinitionError]) -> None:
    """Each step's setting names, and its training examples' shape (answers as a list of texts, selections as
    criterion -> option texts)."""
    for index, step in enumerate(steps, start=1):
        where = f"steps[{index}]"
        for key in step:
            if not _SETTING_NAME.fullmatch(str(key)):
                message = N_('"{field}" is not a setting a step can have.')
                errors.append(DefinitionError("editor.unknown_setting", message, where, {"field": key}))
        if "examples" not in step:
            continue
        _shape(step["examples"], [_EXAMPLE], f"{where}/examples", errors)
        if not isinstance(step["examples"], list):
            continue
        for number, example in enumerate(step["examples"], start=1):
            chosen = example.get("options_selected") if isinstance(example, dict) else None
            if isinstance(chosen, dict) and not all(isinstance(option, str) for option in chosen.values()):
                errors.append(
                    _wrong(f"{where}/examples[{number}]/options_selected", "criterion names with option names")
                )


def _shape(value: object, schema: Any, where: str, errors: list[DefinitionError]) -> None:
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            errors.append(_wrong(where, "object"))
            return
        for key, inner in schema.items():
            path = f"{where}/{key}" if where else key
            if key not in value:
                errors.append(DefinitionError("editor.missing", N_("{field} is missing."), path, {"field": key}))
            else:
                _shape(value[key], inner, path, errors)
    elif isinstance(schema, list):
        if not isinstance(value, list):
            errors.append(_wrong(where, "list"))
            return
        for index, item in enumerate(value, start=1):
            _shape(item, schema[0], f"{where}[{index}]", errors)
    elif schema is _NUMBER:
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(_wrong(where, "whole number"))
    elif not isinstance(value, schema):
        names = {str: "text", bool: "true or false", dict: "object"}
        expected = schema if isinstance(schema, type) else schema[0]
        errors.append(_wrong(where, names.get(expected, "value")))


# What XML 1.0 cannot hold: control characters other than tab and newlines, U+FFFE, U+FFFF and lone surrogates.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _characters(value: object, where: str, errors: list[DefinitionError]) -> None:
    """Each text (keys too) that XML cannot hold, reported at its path instead of failing when written."""
    if isinstance(value, str):
        found = _NOT_XML.search(value)
        if found:
            errors.append(
                DefinitionError(
                    "editor.bad_character",
                    N_("This text holds a character that cannot be stored (U+{code})."),
                    where,
                    {"code": f"{ord(found[0]):04X}"},
                )
            )
    elif isinstance(value, dict):
        for key, inner in value.items():
            path = f"{where}/{key}" if where else str(key)
            _characters(key, path, errors)
            _characters(inner, path, errors)
    elif isinstance(value, list):
        for index, item in enumerate(value, start=1):
            _characters(item, f"{where}[{index}]", errors)


def _wrong(where: str, expected: str) -> DefinitionError:
    return DefinitionError("editor.wrong_type", N_("This must be {expected}."), where, {"expected": expected})


def _element(data: dict[str, Any]) -> etree._Element:
    """The JSON written as OLX, for the OLX reader to judge."""
    root = etree.Element("openassessment")
    text_attributes = (
        "prompts_type",
        "text_response",
        "text_response_editor",
        "file_upload_response",
        "submission_start",
        "submission_due",
        "date_config_type",
        "resubmissions_grace_period",
    )
    for key in text_attributes:
        if data[key] is not None:
            root.set(key, data[key])
    if data["file_upload_type"]:
        root.set("file_upload_type", data["file_upload_type"])
    root.set("white_listed_file_types", ",".join(data["white_listed_file_types"]))
    root.set("leaderboard_show", str(data["leaderboard_show"]))
    for key in ("allow_multiple_files", "show_rubric_during_response", "allow_latex", "allow_learner_resubmissions"):
        root.set(key, "true" if data[key] else "false")
    root.set("teams_enabled", "true" if data["teams"]["enabled"] else "false")
    root.set("selected_teamset_id", data["teams"]["teamset_id"])
    _text(root, "title", data["title"])
    prompts = etree.SubElement(root, "prompts")
    for prompt in data["prompts"]:
        _text(etree.SubElement(prompts, "prompt"), "description", prompt["description"])
    rubric = etree.SubElement(root, "rubric")
    for criterion in data["rubric"]["criteria"]:
        node = etree.SubElement(rubric, "criterion", feedback=criterion["feedback"])
        for key in ("name", "label", "prompt"):
            _text(node, key, criterion[key])
        for option in criterion["options"]:
            option_node = etree.SubElement(node, "option", points=str(option["points"]))
            for key in ("name", "label", "explanation"):
                _text(option_node, key, option[key])
    for key, tag in (("feedback_prompt", "feedbackprompt"), ("feedback_default_text", "feedback_default_text")):
        if data["rubric"][key] is not None:
            _text(rubric, tag, data["rubric"][key])
    steps = etree.SubElement(root, "assessments")
    for step in data["steps"]:
        _step_element(steps, step)
    return root


def _step_element(parent: etree._Element, step: dict[str, Any]) -> None:
    attributes = {key: value for key, value in step.items() if key != "examples" and value is not None}
    node = etree.SubElement(parent, "assessment", {key: _attribute(value) for key, value in attributes.items()})
    for example in step.get("examples") or []:
        example_node = etree.SubElement(node, "example")
        answer = etree.SubElement(example_node, "answer")
        for part in example["answer"]:
            _text(answer, "part", part)
        for criterion, option in example["options_selected"].items():
            etree.SubElement(example_node, "select", criterion=criterion, option=option)


def _attribute(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _text(parent: etree._Element, tag: str, text: str) -> None:
    etree.SubElement(parent, tag).text = text


def _step_dict(step: Step) -> dict[str, Any]:
    data: dict[str, Any] = {"name": step.name.value, "start": _date(step.start), "due": _date(step.due)}
    if isinstance(step, PeerStep):
        data |= {
            "must_grade": step.must_grade,
            "must_be_graded_by": step.must_be_graded_by,
            "enable_flexible_grading": step.enable_flexible_grading,
            "grading_strategy": step.grading_strategy.value,
            "accuracy_weight": step.accuracy_weight,
            "allow_appeals": step.allow_appeals,
            "appeal_days": step.appeal_days,
        }
    if isinstance(step, StaffStep):
        data["required"] = step.required
    if isinstance(step, TrainingStep):
        data["examples"] = [
            {"answer": list(e.answer), "options_selected": {s.criterion: s.option for s in e.selections}}
            for e in step.examples
        ]
    return data


def _date(value: Any) -> str | None:
    return format_date(value) if value is not None else None


# Where an error belongs in the editor: its OLX place, written as a path into the editor's JSON.
_PLACES = (("assessments/assessment", "steps"), ("rubric/criterion", "rubric/criteria"), ("prompts/prompt", "prompts"))
_ITEMS = (("/option[", "/options["), ("/example[", "/examples["))
_KEYS = {"assessments": "steps", "selected_teamset_id": "teams/teamset_id", "teams_enabled": "teams/enabled"}
_FIELD_OF_CODE = {
    "criterion.no_name": "name",
    "criterion.feedback_only_not_required": "feedback",
    "option.no_name": "name",
    "option.negative_points": "points",
    "option.points_too_high": "points",
    "rubric.too_many_criteria": "criteria",
    "criterion.too_many_options": "options",
    "training.too_many_examples": "examples",
    "released.points_changed": "options",
    "released.options_changed": "options",
    "dates.start_not_before_due": "due",
    "dates.start_before_previous": "start",
    "dates.due_before_previous": "due",
    "peer.must_grade_below_graded_by": "must_grade",
    "advice.must_grade_not_above_graded_by": "must_grade",
    "advice.short_peer_window": "due",
    "response.nothing_asked": "text_response",
    "example.answer_count": "answer",
    "step.required_not_staff": "required",
    "peer.accuracy_weight_out_of_range": "accuracy_weight",
    "peer.appeal_days_out_of_range": "appeal_days",
}


def editor_path(error: DefinitionError) -> str:
    """The path in :func:`to_dict`'s JSON of the field an error concerns, as precisely as known.

    ``rubric/criterion[2]/option[1]`` with the attribute ``points`` becomes
    ``rubric/criteria[2]/options[1]/points``; step errors point at the n-th
    step of the problem (``steps[n]``).
    """
    where = error.where
    field = str(error.params.get("attribute") or _FIELD_OF_CODE.get(error.code) or "")
    if where in ("", "submission"):
        key = f"submission_{field}" if where and field in ("start", "due") else field
        return _KEYS.get(key, key)
    for olx, editor in _PLACES:
        if where.startswith(olx):
            where = editor + where[len(olx) :]
    for olx, editor in _ITEMS:
        where = where.replace(olx, editor)
    where = _KEYS.get(where, where)
    return f"{where}/{field}" if field else where
