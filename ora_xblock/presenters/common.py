"""What every view shows the same way: step titles, prompts, dates, files and learners' names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..definition.errors import N_
from ..definition.model import DateConfig, Definition, PromptsType, StepName
from ..html import plain_text
from ..steps import STEPS
from ..when import Moment, Reader, Shape

# Each part of the learner's page by its heading: the response, each step (the registry's titles), the grade.
STEP_TITLES: dict[str | StepName, str] = {
    "submission": N_("Your response"),
    **{step.name: step.title for step in STEPS},
    "grade": N_("Your grade"),
}

DATES_FROM = {
    DateConfig.MANUAL: N_("Dates: set on each step of this problem."),
    DateConfig.SUBSECTION: N_("Dates: every step is open from the subsection's release date to its due date."),
    DateConfig.COURSE_END: N_("Dates: every step is open from the course start to the course end."),
}

SUMMARY_CHARACTERS = 160  # a prompt shown beside an answer is cut to this, at a word, with the whole a click away


def prompt_views(definition: Definition, author_html: Callable[[str], str]) -> list[dict[str, Any]]:
    """Each prompt as the templates show it: whole (``html`` for HTML prompts, else ``text``), and as a one-line
    ``summary`` (``truncated`` when cut) that labels the answers to it wherever a response is shown."""
    html_prompts = definition.prompts_type is PromptsType.HTML
    views = []
    for prompt in definition.prompts:
        words = plain_text(prompt.description) if html_prompts else " ".join(prompt.description.split())
        summary = words
        if len(words) > SUMMARY_CHARACTERS:
            summary = words[:SUMMARY_CHARACTERS].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
        views.append(
            {
                "html": author_html(prompt.description) if html_prompts else None,
                "text": prompt.description,
                "summary": summary,
                "truncated": summary != words,
            }
        )
    return views


def moment(value: datetime | None, dates: Reader, shape: Shape = "datetime") -> Moment | None:
    """A real date as the reader sees it; None for no date and the open-ended defaults (years 1 and 9999)."""
    return dates.moment(value, shape) if value is not None and 1 < value.year < 9999 else None


def file_view(item: Any, shown_name: str, url: str) -> dict[str, Any]:
    """A response file (``ResponseFile``) as a file list shows it, under ``shown_name``, downloaded from ``url``."""
    return {
        "id": item.pk,
        "name": shown_name,
        "description": item.description,
        "size_kb": max(1, item.size // 1000),
        "url": url,
    }


def learner_name(username: str, student_id: str) -> str:
    """How staff see a learner: their username, or the start of their anonymous id when the name is gone."""
    return username or student_id[:8]
