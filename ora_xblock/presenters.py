"""Turn a definition into what the templates show; no markup is built here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from .definition.errors import N_
from .definition.model import Definition, PromptsType, StepName
from .definition.olx import to_olx
from .html import clean_html

STEP_TITLES = {
    StepName.TRAINING: N_("Learn to assess responses"),
    StepName.PEER: N_("Assess peers"),
    StepName.SELF: N_("Assess your response"),
    StepName.STAFF: N_("Staff assessment"),
}


def student_context(definition: Definition, gettext: Callable[[str], str]) -> dict[str, Any]:
    """Values for ``student_view.html``."""
    html_prompts = definition.prompts_type is PromptsType.HTML
    return {
        "title": definition.title,
        "prompts": [
            {
                "html": clean_html(prompt.description) if html_prompts else None,
                "text": prompt.description,
            }
            for prompt in definition.prompts
        ],
        "criteria": definition.rubric.criteria,
        "max_score": definition.max_score,
        "submission": _window(definition.submission_start, definition.submission_due),
        "steps": [
            {"title": gettext(STEP_TITLES[step.name]), **_window(step.start, step.due)} for step in definition.steps
        ],
    }


def studio_context(block: Any) -> dict[str, Any]:
    """Values for ``studio_view.html``."""
    return {"olx": to_olx(block.definition), "released": block.is_released()}


def _window(start: datetime | None, due: datetime | None) -> dict[str, str | None]:
    return {"start": _iso(start), "due": _iso(due)}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
