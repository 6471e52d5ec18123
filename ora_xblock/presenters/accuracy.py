"""A reviewer's accuracy (``services.accuracy.Standing``) in plain words for the reviewer, and as staff read it.

Each criterion gets one verdict from its stored ``score``, ``bias`` and ``error``:
- close: the criterion's score is at least ``CLOSE`` (the reviewer's points were on average within 15% of the
  criterion's range of the consensus);
- more lenient / harsher: otherwise, when the bias (signed, positive: more points than the consensus) makes up at
  least ``LEANING`` of the error, so that the reviewer was off mostly in one direction;
- far in both directions: otherwise.
The reviewer reads only their own figures: never another reviewer's, nor whose responses they reviewed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..definition.errors import N_
from ..definition.model import Definition
from .common import learner_name

Gettext = Callable[[str], str]

CLOSE = 85  # a criterion's score from which the reviewer was close to the consensus
LEANING = 0.5  # the share of the error the bias must make up to call the reviewer lenient or harsh

VERDICTS = {  # in the order the reviewer reads them
    "close": N_("Your reviews were close to the consensus on: {criteria}."),
    "lenient": N_("Your reviews were more lenient than the consensus on: {criteria}."),
    "harsh": N_("Your reviews were harsher than the consensus on: {criteria}."),
    "apart": N_("Your reviews were often far from the consensus, in both directions, on: {criteria}."),
}
VERDICT_LABELS = {
    "close": N_("close"),
    "lenient": N_("more lenient"),
    "harsh": N_("harsher"),
    "apart": N_("far in both directions"),
}


def verdict(measure: dict[str, Any]) -> str:
    """One criterion's verdict (a key of :data:`VERDICTS`) from its stored accuracy."""
    score, bias, error = measure.get("score", 0), measure.get("bias", 0.0), measure.get("error", 0.0)
    if score >= CLOSE:
        return "close"
    if abs(bias) >= LEANING * error:
        return "lenient" if bias > 0 else "harsh"
    return "apart"


def _labels(definition: Definition) -> dict[str, str]:
    return {criterion.name: criterion.display_label for criterion in definition.rubric.criteria}


def feedback_view(standing: Any, definition: Definition, gettext: Gettext) -> dict[str, Any] | None:
    """What the reviewer reads about their own reviews: their score and one sentence per verdict, the criteria
    in the rubric's order; None before they were measured."""
    if standing is None:
        return None
    labels = _labels(definition)
    grouped: dict[str, list[str]] = {key: [] for key in VERDICTS}
    for name, label in labels.items():
        if name in standing.criteria:
            grouped[verdict(standing.criteria[name])].append(label)
    return {
        "score": standing.score,
        "reviews": standing.reviews,
        "sentences": [
            gettext(VERDICTS[key]).format(criteria=", ".join(names)) for key, names in grouped.items() if names
        ],
    }


def staff_view(standing: Any, definition: Definition, gettext: Gettext) -> dict[str, Any] | None:
    """A reviewer's accuracy as staff read it: the score, the reviews, and per criterion its score, verdict, bias
    and error (points, one decimal)."""
    if standing is None:
        return None
    labels = _labels(definition)
    return {
        "score": standing.score,
        "reviews": standing.reviews,
        "criteria": [
            {
                "label": labels[name],
                "score": measure.get("score"),
                "verdict": gettext(VERDICT_LABELS[verdict(measure)]),
                "bias": f"{measure.get('bias', 0.0):+.1f}",
                "error": f"{measure.get('error', 0.0):.1f}",
                "reviews": measure.get("reviews"),
            }
            for name, measure in ((name, standing.criteria[name]) for name in labels if name in standing.criteria)
        ],
    }


def least_reliable_view(found: list[Any], min_reviews: int) -> dict[str, Any]:
    """The problem's least reliable reviewers (``services.accuracy.least_reliable``), each to open their record,
    among those with at least ``min_reviews`` reviews."""
    return {
        "min_reviews": min_reviews,
        "reviewers": [
            {
                "student_id": item.reviewer_id,
                "name": learner_name(item.username, item.reviewer_id),
                "score": item.score,
                "reviews": item.reviews,
            }
            for item in found
        ],
    }
