"""Rules on the steps (OLX `<assessments>`): which, in which order, with which settings, and the training examples."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import N_, DefinitionError
from ..limits import MAX_APPEAL_DAYS, MAX_EXAMPLES, MAX_PEER_COUNT
from ..model import PeerStep, Rubric, StaffStep, Step, StepName, TrainingExample, TrainingStep
from .common import error, repeated, too_many

ASSESSING_STEPS = frozenset({StepName.PEER, StepName.SELF, StepName.STAFF})


def step_errors(steps: tuple[Step, ...]) -> Iterator[DefinitionError]:
    """Rules on which steps, in which order, with which settings."""
    names = [step.name for step in steps]
    if not ASSESSING_STEPS.intersection(names):
        yield error(
            "steps.none",
            N_("The problem needs a peer, self or staff assessment step."),
            "assessments",
        )
    for name in repeated(names):
        yield error("steps.duplicate", N_('The "{step}" step appears more than once.'), "assessments", step=name)
    if StepName.STAFF in names and names[-1] is not StepName.STAFF:
        yield error("steps.staff_not_last", N_("The staff step must come last."), "assessments")
    if StepName.TRAINING in names and StepName.PEER not in names[names.index(StepName.TRAINING) + 1 :]:
        yield error(
            "steps.training_without_peer",
            N_("Learner training must be followed by a peer assessment step."),
            "assessments",
        )
    for index, step in enumerate(steps, start=1):
        where = f"assessments/assessment[{index}]"
        if isinstance(step, PeerStep):
            yield from _peer_errors(step, where)
        if isinstance(step, TrainingStep):
            yield from _training_errors(step, where)
        if isinstance(step, StaffStep) and names == [StepName.STAFF] and not step.required:
            yield error(
                "steps.staff_only_not_required",
                N_("When staff assessment is the only step, it must be required."),
                where,
            )


def _peer_errors(step: PeerStep, where: str) -> Iterator[DefinitionError]:
    for attribute, value in (("must_grade", step.must_grade), ("must_be_graded_by", step.must_be_graded_by)):
        if value < 1:
            yield error(
                "peer.count_too_low",
                N_("{attribute} must be at least 1, not {value}."),
                where,
                attribute=attribute,
                value=value,
            )
        elif value > MAX_PEER_COUNT:
            yield error(
                "peer.count_too_high",
                N_("{attribute} can be at most {limit}, not {value}."),
                where,
                attribute=attribute,
                limit=MAX_PEER_COUNT,
                value=value,
            )
    if step.must_grade < step.must_be_graded_by:
        yield error(
            "peer.must_grade_below_graded_by",
            N_(
                "must_grade ({must_grade}) must be at least must_be_graded_by ({graded_by}), or some responses "
                "could never get enough reviews."
            ),
            where,
            must_grade=step.must_grade,
            graded_by=step.must_be_graded_by,
        )
    if not 0 <= step.accuracy_weight <= 100:
        yield error(
            "peer.accuracy_weight_out_of_range",
            N_("accuracy_weight is a percentage from 0 to 100, not {value}."),
            where,
            value=step.accuracy_weight,
        )
    if not 1 <= step.appeal_days <= MAX_APPEAL_DAYS:
        yield error(
            "peer.appeal_days_out_of_range",
            N_("appeal_days must be from 1 to {limit}, not {value}."),
            where,
            limit=MAX_APPEAL_DAYS,
            value=step.appeal_days,
        )


def _training_errors(step: TrainingStep, where: str) -> Iterator[DefinitionError]:
    if not step.examples:
        yield error("training.no_examples", N_("Learner training needs at least one example."), where)
    yield from too_many(
        "training.too_many_examples",
        N_("Learner training can have at most {limit} examples, not {count}."),
        where,
        len(step.examples),
        MAX_EXAMPLES,
    )
    if repeated(example.answer for example in step.examples):
        yield error("training.duplicate_examples", N_("Two training examples have the same answer."), where)


def example_errors(rubric: Rubric, steps: tuple[Step, ...]) -> Iterator[DefinitionError]:
    """Training examples must grade every criterion that has options, with options that exist."""
    for index, step in enumerate(steps, start=1):
        if isinstance(step, TrainingStep):
            yield from training_example_errors(rubric, step.examples, f"assessments/assessment[{index}]")


def training_example_errors(
    rubric: Rubric, examples: tuple[TrainingExample, ...], where: str = ""
) -> Iterator[DefinitionError]:
    """Each example against the rubric: missing criteria first, then unknown criteria or options."""
    options = {criterion.name: {option.name for option in criterion.options} for criterion in rubric.criteria}
    if examples and not any(options.values()):
        yield error(
            "training.rubric_without_options",
            N_("Learner training needs a rubric with at least one criterion that has options."),
            where,
        )
        return
    for number, example in enumerate(examples, start=1):
        here = f"{where}/example[{number}]" if where else f"example[{number}]"
        chosen = {selection.criterion: selection.option for selection in example.selections}
        named = [selection.criterion for selection in example.selections]
        for criterion in sorted({name for name in named if named.count(name) > 1}):
            yield error(
                "example.repeated_criterion",
                N_('Example {number} selects more than one option for criterion "{criterion}".'),
                here,
                number=number,
                criterion=criterion,
            )
        for graded in rubric.criteria:
            if graded.options and graded.name not in chosen:
                yield error(
                    "example.missing_option",
                    N_('Example {number} selects no option for criterion "{criterion}".'),
                    here,
                    number=number,
                    criterion=graded.name,
                )
        for criterion, option in chosen.items():
            if criterion not in options:
                yield error(
                    "example.unknown_criterion",
                    N_('Example {number} selects an option for "{criterion}", which is not in the rubric.'),
                    here,
                    number=number,
                    criterion=criterion,
                )
            elif option not in options[criterion]:
                yield error(
                    "example.unknown_option",
                    N_('Example {number} selects "{option}" for criterion "{criterion}", which has no such option.'),
                    here,
                    number=number,
                    criterion=criterion,
                    option=option,
                )
