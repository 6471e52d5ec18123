"""Best practices: worth telling the author, never a reason to refuse a save."""

from __future__ import annotations

from ..errors import N_, DefinitionError
from ..model import DateConfig, Definition, PeerStep, StepName
from .common import error

WEEK_SECONDS = 7 * 24 * 3600


def warnings(definition: Definition) -> list[DefinitionError]:
    """The seed's best practices this problem does not follow."""
    found: list[DefinitionError] = []
    step = definition.step(StepName.PEER)
    if isinstance(step, PeerStep):
        where = f"assessments/assessment[{definition.steps.index(step) + 1}]"
        if step.must_grade <= step.must_be_graded_by:
            found.append(
                error(
                    "advice.must_grade_not_above_graded_by",
                    N_(
                        "Set Must Grade above Graded By (for example 4 and 3), so that every response finds enough "
                        "reviewers even when some learners leave."
                    ),
                    where,
                )
            )
        if (
            definition.date_config_type is DateConfig.MANUAL
            and step.due
            and definition.submission_due
            and (step.due - definition.submission_due).total_seconds() < WEEK_SECONDS
        ):
            found.append(
                error(
                    "advice.short_peer_window",
                    N_(
                        "Leave at least a week between the response due date and the peer due date, so that late "
                        "responses still get reviewed."
                    ),
                    where,
                )
            )
    return found
