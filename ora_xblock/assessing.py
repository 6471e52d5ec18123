"""Checking what an assessor sends against the rubric. Pure Python.

An assessment picks one option for every criterion that has options, may
comment on criteria whose feedback is enabled (and must where it is
required), and may add an overall comment. Every problem is reported at
once, with a stable code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .definition.errors import N_, DefinitionError
from .definition.model import CriterionFeedback, Rubric

MAX_COMMENT_CHARS = 1000


@dataclass(frozen=True)
class Part:
    """One criterion of an assessment: the option chosen (if any), its points and the comment."""

    criterion: str
    option: str | None
    points: int
    feedback: str

    def as_dict(self) -> dict[str, object]:
        return {"criterion": self.criterion, "option": self.option, "points": self.points, "feedback": self.feedback}


@dataclass(frozen=True)
class Checked:
    """A sound assessment, ready to store."""

    parts: tuple[Part, ...]
    overall_feedback: str

    @property
    def points(self) -> dict[str, int]:
        """Points per criterion that has options, as :mod:`ora_xblock.scoring` takes them."""
        return {part.criterion: part.points for part in self.parts if part.option is not None}

    @property
    def earned(self) -> int:
        return sum(part.points for part in self.parts)


class InvalidAssessment(ValueError):
    """Raised with every problem found in an assessment."""

    def __init__(self, errors: list[DefinitionError]):
        self.errors = errors
        super().__init__("; ".join(error.message() for error in errors))


def check(
    rubric: Rubric,
    options_selected: Mapping[str, object],
    criterion_feedback: Mapping[str, object],
    overall_feedback: object,
) -> Checked:
    """The assessment as parts, or :class:`InvalidAssessment` listing every problem."""
    errors: list[DefinitionError] = []
    known = {criterion.name for criterion in rubric.criteria}
    for name in sorted(set(options_selected) - known) + sorted(set(criterion_feedback) - known):
        errors.append(_error("assessment.unknown_criterion", N_('"{name}" is not a criterion of this rubric.'), name))
    parts = []
    for criterion in rubric.criteria:
        option_name = options_selected.get(criterion.name)
        comment = criterion_feedback.get(criterion.name, "")
        if not isinstance(comment, str):
            errors.append(_error("assessment.bad_feedback", N_("Feedback must be text."), criterion.name))
            comment = ""
        comment = comment.strip()
        chosen_name: str | None = None  # the chosen option's name; what was sent may be any JSON value
        points = 0
        if criterion.options:
            chosen = next((option for option in criterion.options if option.name == option_name), None)
            if chosen is None:
                errors.append(
                    _error(
                        "assessment.option_missing" if option_name in (None, "") else "assessment.unknown_option",
                        N_('Choose one of the options for "{name}".'),
                        criterion.name,
                    )
                )
            else:
                chosen_name, points = chosen.name, chosen.points
        elif option_name not in (None, ""):
            errors.append(
                _error("assessment.option_not_allowed", N_('"{name}" takes written feedback only.'), criterion.name)
            )
        if criterion.feedback is CriterionFeedback.DISABLED and comment:
            errors.append(
                _error("assessment.feedback_disabled", N_('"{name}" does not take written feedback.'), criterion.name)
            )
        if criterion.feedback is CriterionFeedback.REQUIRED and not comment:
            errors.append(_error("assessment.feedback_required", N_('Write feedback for "{name}".'), criterion.name))
        if len(comment) > MAX_COMMENT_CHARS:
            errors.append(_too_long(criterion.name))
        parts.append(Part(criterion.name, chosen_name, points, comment))
    if not isinstance(overall_feedback, str):
        errors.append(_error("assessment.bad_feedback", N_("Feedback must be text."), "overall"))
        overall_feedback = ""
    overall = overall_feedback.strip()
    if len(overall) > MAX_COMMENT_CHARS:
        errors.append(_too_long("overall"))
    if errors:
        raise InvalidAssessment(errors)
    return Checked(tuple(parts), overall)


def _error(code: str, template: str, name: str) -> DefinitionError:
    return DefinitionError(code, template, name, {"name": name})


def _too_long(name: str) -> DefinitionError:
    return DefinitionError(
        "assessment.feedback_too_long",
        N_("Feedback can be at most {limit} characters."),
        name,
        {"name": name, "limit": MAX_COMMENT_CHARS},
    )
