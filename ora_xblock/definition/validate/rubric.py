"""Rules on prompts, criteria and options."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import N_, DefinitionError
from ..limits import MAX_CRITERIA, MAX_OPTION_POINTS, MAX_OPTIONS
from ..model import Criterion, CriterionFeedback, Rubric
from .common import error, repeated, too_many


def rubric_errors(rubric: Rubric, prompt_count: int) -> Iterator[DefinitionError]:
    """Rules on prompts, criteria and options."""
    if prompt_count < 1:
        yield error("prompts.none", N_("The problem needs at least one prompt."), "prompts")
    if not rubric.criteria:
        yield error("rubric.no_criteria", N_("The rubric needs at least one criterion."), "rubric")
    yield from too_many(
        "rubric.too_many_criteria",
        N_("A rubric can have at most {limit} criteria, not {count}."),
        "rubric",
        len(rubric.criteria),
        MAX_CRITERIA,
    )
    for name in repeated(criterion.name for criterion in rubric.criteria):
        yield error(
            "criterion.duplicate_name",
            N_('Two criteria are named "{name}"; names must be unique.'),
            "rubric",
            name=name,
        )
    for index, criterion in enumerate(rubric.criteria, start=1):
        yield from _criterion_errors(criterion, f"rubric/criterion[{index}]")


def _criterion_errors(criterion: Criterion, where: str) -> Iterator[DefinitionError]:
    if not criterion.name:
        yield error("criterion.no_name", N_("The criterion needs a name."), where)
    yield from too_many(
        "criterion.too_many_options",
        N_("A criterion can have at most {limit} options, not {count}."),
        where,
        len(criterion.options),
        MAX_OPTIONS,
    )
    if not criterion.options and criterion.feedback is not CriterionFeedback.REQUIRED:
        yield error(
            "criterion.feedback_only_not_required",
            N_('Criterion "{name}" has no options, so its feedback must be "required".'),
            where,
            name=criterion.name,
        )
    for name in repeated(option.name for option in criterion.options):
        yield error(
            "option.duplicate_name",
            N_('Criterion "{criterion}" has two options named "{name}"; names must be unique.'),
            where,
            criterion=criterion.name,
            name=name,
        )
    for index, option in enumerate(criterion.options, start=1):
        here = f"{where}/option[{index}]"
        if not option.name:
            yield error("option.no_name", N_("The option needs a name."), here)
        if option.points < 0:
            yield error(
                "option.negative_points",
                N_("Option points must be zero or more, not {points}."),
                here,
                points=option.points,
            )
        elif option.points > MAX_OPTION_POINTS:
            yield error(
                "option.points_too_high",
                N_("Option points can be at most {limit}, not {points}."),
                here,
                limit=MAX_OPTION_POINTS,
                points=option.points,
            )
