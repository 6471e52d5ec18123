"""What may no longer change once learners may have answered."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import N_, DefinitionError
from ..model import Definition
from .common import error


def release_errors(definition: Definition, current: Definition) -> Iterator[DefinitionError]:
    """What may no longer change once learners may have answered."""
    if definition.step_names != current.step_names:
        yield error(
            "released.steps_changed",
            N_("The problem has opened, so its steps can no longer be added, removed or reordered."),
            "assessments",
        )
    if len(definition.prompts) != len(current.prompts):
        yield error(
            "released.prompt_count_changed",
            N_("The problem has opened, so prompts can no longer be added or removed."),
            "prompts",
        )
    new, old = definition.rubric.criteria, current.rubric.criteria
    if len(new) != len(old):
        yield error(
            "released.criteria_count_changed",
            N_("The problem has opened, so criteria can no longer be added or removed."),
            "rubric",
        )
    elif {criterion.name for criterion in new} != {criterion.name for criterion in old}:
        yield error(
            "released.criteria_renamed",
            N_("The problem has opened, so criteria can no longer be renamed."),
            "rubric",
        )
    earlier = {criterion.name: criterion for criterion in old}
    for index, after in enumerate(new, start=1):
        before = earlier.get(after.name)
        if before is None:
            continue
        where = f"rubric/criterion[{index}]"
        if len(after.options) != len(before.options):
            yield error(
                "released.options_changed",
                N_("The problem has opened, so options can no longer be added or removed."),
                where,
            )
        elif [option.points for option in after.options] != [option.points for option in before.options]:
            yield error(
                "released.points_changed",
                N_("The problem has opened, so option points can no longer change."),
                where,
            )
