"""A learner's feedback on the assessments they received: the form on their grade, what they sent, and the same
for course staff in the learner's record. ora2's statements are stored in English (services.feedback.OPTIONS);
people read them as our own sentences, in their language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..definition.errors import N_
from ..services.feedback import MAX_COMMENT, OPTIONS
from ..when import Reader

Gettext = Callable[[str], str]

LABELS = dict(
    zip(
        OPTIONS,
        (
            N_("The assessments I received were useful."),
            N_("The assessments I received were not useful."),
            N_("I disagree with at least one of the peer assessments of my response."),
            N_("Some of the comments I received were inappropriate."),
        ),
        strict=True,
    )
)


def label(option: str, gettext: Gettext) -> str:
    """A stored statement as the reader reads it; one we do not know (data brought from elsewhere) as stored."""
    return gettext(LABELS[option]) if option in LABELS else option


def given_view(given: Any, gettext: Gettext) -> dict[str, Any] | None:
    """What the learner sent (an ``AssessmentFeedback``, or None): the statements they chose and their comment."""
    if given is None:
        return None
    return {"options": [label(option, gettext) for option in given.options], "comment": given.comment}


def record_view(given: Any, gettext: Gettext, dates: Reader) -> dict[str, Any] | None:
    """The learner's feedback as course staff read it in the learner's record: what they sent, and when."""
    shown = given_view(given, gettext)
    return shown and shown | {"when": dates.moment(given.created_at)}


def form_view(given: Any, gettext: Gettext) -> dict[str, Any]:
    """The learner's feedback on their grade: the statements to choose from (stored value, label) and the comment's
    limit, or what they sent (``given``)."""
    return {
        "options": [(option, gettext(LABELS[option])) for option in OPTIONS],
        "max_comment": MAX_COMMENT,
        "given": given_view(given, gettext),
    }
