"""What authors see in Studio: the summary above the preview, and the editor's form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..definition.codec import to_dict
from ..definition.model import DateConfig, Definition, PeerStep, StaffStep
from ..definition.schedule import HostDates, open_dates
from ..definition.validate import warnings
from ..steps import STEPS
from ..when import Reader
from .common import DATES_FROM, STEP_TITLES, moment


def author_context(
    definition: Definition, gettext: Callable[[str], str], dates: Reader, host: HostDates | None = None
) -> dict[str, Any]:
    """Values for ``author_summary.html``: steps with their dates (as ``dates`` reads them) and settings, points,
    advice.

    When the platform owns the dates, each step shows the window ``host`` gives it (the subsection's or the
    course's dates), not the unused dates the author set.
    """
    owned = open_dates(definition, host) if definition.date_config_type is not DateConfig.MANUAL else None
    windows = [("submission", definition.submission_start, definition.submission_due, "")]
    for step in definition.steps:
        detail = ""
        if isinstance(step, PeerStep):
            detail = gettext("Must Grade {must_grade}, Graded By {graded_by}").format(
                must_grade=step.must_grade, graded_by=step.must_be_graded_by
            )
        elif isinstance(step, StaffStep):
            detail = gettext("required") if step.required else gettext("optional")
        windows.append((step.name, step.start, step.due, detail))
    steps = []
    for key, start, due, detail in windows:
        shown = (owned[key][0], owned[key][1]) if owned else (start, due)
        steps.append(
            {
                "title": gettext(STEP_TITLES[key]),
                "start": moment(shown[0], dates),
                "due": moment(shown[1], dates),
                "detail": detail,
            }
        )
    return {
        "max_score": definition.max_score,
        "steps": steps,
        "dates_from": gettext(DATES_FROM[definition.date_config_type]),
        "warnings": [warning.message(gettext) for warning in warnings(definition)],
    }


def studio_context(definition: Definition, *, released: bool) -> dict[str, Any]:
    """Values for ``studio_form.html``: the editor's JSON, with every step shown, the problem's first."""
    data = to_dict(definition)
    used = {step["name"]: step for step in data["steps"]}
    unused = [
        {"name": str(step.name), "start": None, "due": None, **step.new_settings}
        for step in STEPS
        if step.name not in used
    ]
    return {
        "data": data,
        "steps": [{**step, "enabled": True} for step in data["steps"]] + [{**s, "enabled": False} for s in unused],
        "step_titles": {str(step.name): step.author_title for step in STEPS},
        "max_score": definition.max_score,
        "released": released,
    }
