"""Which of the package's scripts each view loads, in order, and the function the runtime calls to start it."""

from __future__ import annotations

from web_fragments.fragment import Fragment

from .templating import resource_text

LEARNER_SCRIPTS = (
    "static/js/http.js",
    "static/js/when.js",  # dates in the browser's zone if the host has none
    "static/js/editor.js",
    "static/js/rubric.js",
    "static/js/staff.js",
    "static/js/learner.js",
)
LEARNER_INIT = "OraXBlockLearner"
STUDIO_SCRIPTS = ("static/js/http.js", "static/js/studio.js")
STUDIO_INIT = "OraXBlockStudio"


def add_scripts(fragment: Fragment, paths: tuple[str, ...]) -> None:
    """Add the package scripts ``paths`` to ``fragment`` as inline text, in order."""
    for path in paths:
        fragment.add_javascript(resource_text(path))
