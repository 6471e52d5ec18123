"""Course staff look through every step of a problem as learners meet it, whatever the dates.

In ora2, course staff can always open every step: its windows never close
for them, so what they do there counts as a learner's answer, grade or
review. Here staff get the same look, read-only: each step in order, its
window for learners now, what it asks of them, the training samples with
the options staff chose, and the rubric. It is part of the page they load;
opening it calls no handler and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from .. import uploads
from ..definition.dates import DISTANT_FUTURE, DISTANT_PAST
from ..definition.errors import N_
from ..definition.model import Definition, Necessity, PeerStep, StaffStep, StepName, TrainingStep
from ..services.common import Problem
from ..when import Moment, Reader
from .common import DATES_FROM, STEP_TITLES, prompt_views

TEXT_ASKED = {
    Necessity.REQUIRED: N_("A written answer to each question (required)."),
    Necessity.OPTIONAL: N_("A written answer to each question (optional)."),
}
FILES_ASKED = {
    Necessity.REQUIRED: N_("Files of these types: {types} (required)."),
    Necessity.OPTIONAL: N_("Files of these types: {types} (optional)."),
}


def look_through_context(
    problem: Problem, i18n: Any, author_html: Callable[[str], str], dates: Reader
) -> dict[str, Any]:
    """Values for ``look_through.html``, in the language of ``i18n`` (``gettext``, ``ngettext``), its dates as
    ``dates`` reads them; ``author_html`` shows rich-text samples and prompts as the page does."""
    gettext = i18n.gettext
    definition = problem.definition
    steps = []
    for key, window in problem.windows.items():
        step = definition.step(key) if isinstance(key, StepName) else None
        steps.append(
            {
                "title": gettext(STEP_TITLES[key]),
                "window": window.state.value,
                "start": _shown(window.start, dates),
                "due": _shown(window.due, dates),
                "asks": _asks(definition, step, i18n, problem.flexible),
                "examples": _examples(definition, step, author_html),
            }
        )
    return {
        "steps": steps,
        "dates_from": gettext(DATES_FROM[definition.date_config_type]),
        "criteria": definition.rubric.criteria,
        "max_score": definition.max_score,
        "prompts": prompt_views(definition, author_html),
    }


def _asks(definition: Definition, step: Any, i18n: Any, flexible: bool) -> list[str]:
    """What the step asks of learners, in a sentence or two."""
    gettext, ngettext = i18n.gettext, i18n.ngettext
    if step is None:
        asks = [gettext(TEXT_ASKED[definition.text_response])] if definition.text_response in TEXT_ASKED else []
        if definition.file_upload_response in FILES_ASKED:
            types = uploads.allowed_extensions(definition.file_upload_type, definition.white_listed_file_types)
            text = gettext(FILES_ASKED[definition.file_upload_response])
            asks.append(text.format(types=", ".join(f".{extension}" for extension in types)))
        return asks
    if isinstance(step, TrainingStep):
        return [gettext("Learners assess the samples below and must choose the options staff chose to go on.")]
    if isinstance(step, PeerStep):
        gives, needs = step.must_grade, step.must_be_graded_by
        reviews = ngettext("Each learner reviews {count} response.", "Each learner reviews {count} responses.", gives)
        needed = ngettext("Each response needs {count} review.", "Each response needs {count} reviews.", needs)
        asks = [reviews.format(count=gives), needed.format(count=needs)]
        if flexible:
            asks.append(gettext("After 7 days, a response is graded with 30% of the reviews it needs."))
        return asks
    if isinstance(step, StaffStep):
        if step.required:
            return [gettext("Course staff grade every response; learners get no grade until then.")]
        return [gettext("Course staff may grade any response; their grade replaces the others.")]
    return [gettext("Learners assess their own response with the rubric.")]


def _examples(definition: Definition, step: Any, author_html: Callable[[str], str]) -> list[dict[str, Any]]:
    """A training step's samples: each answer, and the option staff chose for each criterion."""
    if not isinstance(step, TrainingStep):
        return []
    labels = {
        criterion.name: (criterion.display_label, {option.name: option.display_label for option in criterion.options})
        for criterion in definition.rubric.criteria
    }
    rich = definition.rich_text
    return [
        {
            "answers": [{"text": part, "html": author_html(part) if rich else None} for part in example.answer],
            "choices": [
                (labels[chosen.criterion][0], labels[chosen.criterion][1].get(chosen.option, chosen.option))
                for chosen in example.selections
                if chosen.criterion in labels
            ],
        }
        for example in step.examples
    ]


def _shown(moment: datetime, dates: Reader) -> Moment | None:
    """A real date as the reader sees it; None for an open-ended side."""
    return None if moment in (DISTANT_PAST, DISTANT_FUTURE) else dates.moment(moment)
