"""Which of the package's scripts each view loads, in order, and the function the runtime calls to start it."""

from __future__ import annotations

from web_fragments.fragment import Fragment

from .templating import resource_text

# Plain scripts, each registering its module on window.OraXBlock (see static/js/http.js). Modules read each other
# only when a block starts, after every script has run; each list still names a module after those it uses.
LEARNER_SCRIPTS = (
    "static/js/http.js",
    "static/js/live.js",
    "static/js/when.js",  # dates in the browser's zone if the host has none
    "static/js/editor-toolbar.js",
    "static/js/editor.js",
    "static/js/rubric.js",
    "static/js/staff.js",
    "static/js/files.js",
    "static/js/feedback.js",
    "static/js/appeal.js",  # a learner's appeal of their peer grade
    "static/js/team.js",  # a team problem's shared draft
    "static/js/team-poll.js",  # teammates' saves arriving while the page is open
    "static/js/learner.js",
)
LEARNER_INIT = "OraXBlockLearner"
STUDIO_SCRIPTS = (
    "static/js/http.js",
    "static/js/when.js",  # the date inputs in the author's zone
    "static/js/studio-form.js",
    "static/js/studio-tabs.js",
    "static/js/studio-verdicts.js",
    "static/js/studio-lists.js",
    "static/js/studio-refresh.js",
    "static/js/studio-reuse.js",
    "static/js/studio.js",
)
STUDIO_INIT = "OraXBlockStudio"


def add_scripts(fragment: Fragment, paths: tuple[str, ...]) -> None:
    """Add the package scripts ``paths`` to ``fragment`` as inline text, in order."""
    for path in paths:
        fragment.add_javascript(resource_text(path))
