"""Every text within the length the model allows (:data:`~ora_xblock.definition.limits.MAX_TEXT`)."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import N_, DefinitionError
from ..limits import MAX_TEXT
from ..model import Definition, TrainingStep
from .common import error


def text_errors(definition: Definition) -> Iterator[DefinitionError]:
    """``text.too_long`` for each text longer than :data:`~.limits.MAX_TEXT` allows (by its OLX name)."""
    rubric = definition.rubric
    for where, attribute, text in (
        ("", "title", definition.title),
        ("", "selected_teamset_id", definition.teams.teamset_id),
        ("rubric", "feedback_prompt", rubric.feedback_prompt or ""),
        ("rubric", "feedback_default_text", rubric.feedback_default_text or ""),
    ):
        if len(text) > MAX_TEXT[attribute]:
            yield _too_long(where, attribute, text)
    for index, prompt in enumerate(definition.prompts, start=1):
        if len(prompt.description) > MAX_TEXT["description"]:
            yield _too_long(f"prompts/prompt[{index}]", "description", prompt.description)
    for index, criterion in enumerate(rubric.criteria, start=1):
        for attribute, text in (("name", criterion.name), ("label", criterion.label), ("prompt", criterion.prompt)):
            if len(text) > MAX_TEXT[attribute]:
                yield _too_long(f"rubric/criterion[{index}]", attribute, text)
        for number, option in enumerate(criterion.options, start=1):
            for attribute, text in (
                ("name", option.name),
                ("label", option.label),
                ("explanation", option.explanation),
            ):
                if len(text) > MAX_TEXT[attribute]:
                    yield _too_long(f"rubric/criterion[{index}]/option[{number}]", attribute, text)
    for index, step in enumerate(definition.steps, start=1):
        for number, example in enumerate(step.examples if isinstance(step, TrainingStep) else (), start=1):
            if any(len(part) > MAX_TEXT["answer"] for part in example.answer):
                yield _too_long(
                    f"assessments/assessment[{index}]/example[{number}]", "answer", max(example.answer, key=len)
                )


def _too_long(where: str, attribute: str, text: str) -> DefinitionError:
    return error(
        "text.too_long",
        N_("{attribute} can be at most {limit} characters long, not {length}."),
        where,
        attribute=attribute,
        limit=MAX_TEXT[attribute],
        length=len(text),
    )
