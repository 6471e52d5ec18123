"""The one validator: every rule a sound ORA problem keeps.

Import, the Studio editor and the CLI all call :func:`validate`, and its
verdict holds everywhere. It returns every error at once, each with a
stable code, the element it concerns and a translatable message.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Iterator
from datetime import datetime
from typing import Any

from .. import uploads
from .dates import grace_period_minutes, in_range, resolve_dates
from .errors import N_, DefinitionError, InvalidDefinition
from .limits import (
    EARLIEST,
    LATEST,
    MAX_CRITERIA,
    MAX_EXAMPLES,
    MAX_EXTENSION_CHARS,
    MAX_FILE_TYPES,
    MAX_GRACE_DAYS,
    MAX_OPTION_POINTS,
    MAX_OPTIONS,
    MAX_PEER_COUNT,
    MAX_PROMPTS,
    MAX_TEXT,
    MAX_TOP_RESPONSES,
)
from .model import (
    Criterion,
    CriterionFeedback,
    DateConfig,
    Definition,
    FileType,
    Necessity,
    PeerStep,
    Rubric,
    StaffStep,
    Step,
    StepName,
    TrainingExample,
    TrainingStep,
)

ASSESSING_STEPS = frozenset({StepName.PEER, StepName.SELF, StepName.STAFF})


def validate(
    definition: Definition,
    *,
    current: Definition | None = None,
    released: bool = False,
    course_start: datetime | None = None,
    course_end: datetime | None = None,
    extra_prohibited: tuple[str, ...] = (),
) -> list[DefinitionError]:
    """Every broken rule of ``definition``; an empty list means it is sound.

    When ``released`` (learners may have answered ``current``), the steps,
    the criteria, their options and points, and the number of prompts can no
    longer change. ``course_start`` and ``course_end`` only bound defaults;
    they never make dates invalid.
    """
    errors = [
        *text_errors(definition),
        *_too_many(
            "prompts.too_many",
            N_("A problem can have at most {limit} prompts, not {count}."),
            "prompts",
            len(definition.prompts),
            MAX_PROMPTS,
        ),
        *rubric_errors(definition.rubric, len(definition.prompts)),
        *step_errors(definition.steps),
        *example_errors(definition.rubric, definition.steps),
        *date_errors(definition, course_start, course_end),
        *response_errors(definition, extra_prohibited),
        *setting_errors(definition),
    ]
    if released and current is not None:
        errors.extend(release_errors(definition, current))
    return errors


def raise_if_invalid(definition: Definition, **context: Any) -> None:
    """Raise :class:`InvalidDefinition` with every error :func:`validate` finds, if there is any."""
    errors = validate(definition, **context)
    if errors:
        raise InvalidDefinition(errors)


def _error(code: str, template: str, where: str = "", **params: object) -> DefinitionError:
    return DefinitionError(code, template, where, params)


def _too_many(code: str, template: str, where: str, count: int, limit: int) -> list[DefinitionError]:
    return [_error(code, template, where, count=count, limit=limit)] if count > limit else []


# Texts


def text_errors(definition: Definition) -> Iterator[DefinitionError]:
    """``text.too_long`` for each text longer than :data:`~.limits.MAX_TEXT` allows (by its OLX name)."""
    rubric = definition.rubric
    for where, attribute, text in (
        ("", "title", definition.title),
        ("", "selected_teamset_id", definition.teams.teamset_id),
        ("rubric", "feedback_prompt", rubric.feedback_prompt or ""),
        ("rubric", "feedback_default_text", rubric.feedback_default_text or ""),
    ):
        if len(text) > MAX_TEXT[attribute]:
            yield _too_long(where, attribute, text)
    for index, prompt in enumerate(definition.prompts, start=1):
        if len(prompt.description) > MAX_TEXT["description"]:
            yield _too_long(f"prompts/prompt[{index}]", "description", prompt.description)
    for index, criterion in enumerate(rubric.criteria, start=1):
        for attribute, text in (("name", criterion.name), ("label", criterion.label), ("prompt", criterion.prompt)):
            if len(text) > MAX_TEXT[attribute]:
                yield _too_long(f"rubric/criterion[{index}]", attribute, text)
        for number, option in enumerate(criterion.options, start=1):
            for attribute, text in (
                ("name", option.name),
                ("label", option.label),
                ("explanation", option.explanation),
            ):
                if len(text) > MAX_TEXT[attribute]:
                    yield _too_long(f"rubric/criterion[{index}]/option[{number}]", attribute, text)
    for index, step in enumerate(definition.steps, start=1):
        for number, example in enumerate(step.examples if isinstance(step, TrainingStep) else (), start=1):
            if any(len(part) > MAX_TEXT["answer"] for part in example.answer):
                yield _too_long(
                    f"assessments/assessment[{index}]/example[{number}]", "answer", max(example.answer, key=len)
                )


def _too_long(where: str, attribute: str, text: str) -> DefinitionError:
    return _error(
        "text.too_long",
        N_("{attribute} can be at most {limit} characters long, not {length}."),
        where,
        attribute=attribute,
        limit=MAX_TEXT[attribute],
        length=len(text),
    )


# Rubric


def rubric_errors(rubric: Rubric, prompt_count: int) -> Iterator[DefinitionError]:
    """Rules on prompts, criteria and options."""
    if prompt_count < 1:
        yield _error("prompts.none", N_("The problem needs at least one prompt."), "prompts")
    if not rubric.criteria:
        yield _error("rubric.no_criteria", N_("The rubric needs at least one criterion."), "rubric")
    yield from _too_many(
        "rubric.too_many_criteria",
        N_("A rubric can have at most {limit} criteria, not {count}."),
        "rubric",
        len(rubric.criteria),
        MAX_CRITERIA,
    )
    for name in _repeated(criterion.name for criterion in rubric.criteria):
        yield _error(
            "criterion.duplicate_name",
            N_('Two criteria are named "{name}"; names must be unique.'),
            "rubric",
            name=name,
        )
    for index, criterion in enumerate(rubric.criteria, start=1):
        yield from _criterion_errors(criterion, f"rubric/criterion[{index}]")


def _criterion_errors(criterion: Criterion, where: str) -> Iterator[DefinitionError]:
    if not criterion.name:
        yield _error("criterion.no_name", N_("The criterion needs a name."), where)
    yield from _too_many(
        "criterion.too_many_options",
        N_("A criterion can have at most {limit} options, not {count}."),
        where,
        len(criterion.options),
        MAX_OPTIONS,
    )
    if not criterion.options and criterion.feedback is not CriterionFeedback.REQUIRED:
        yield _error(
            "criterion.feedback_only_not_required",
            N_('Criterion "{name}" has no options, so its feedback must be "required".'),
            where,
            name=criterion.name,
        )
    for name in _repeated(option.name for option in criterion.options):
        yield _error(
            "option.duplicate_name",
            N_('Criterion "{criterion}" has two options named "{name}"; names must be unique.'),
            where,
            criterion=criterion.name,
            name=name,
        )
    for index, option in enumerate(criterion.options, start=1):
        here = f"{where}/option[{index}]"
        if not option.name:
            yield _error("option.no_name", N_("The option needs a name."), here)
        if option.points < 0:
            yield _error(
                "option.negative_points",
                N_("Option points must be zero or more, not {points}."),
                here,
                points=option.points,
            )
        elif option.points > MAX_OPTION_POINTS:
            yield _error(
                "option.points_too_high",
                N_("Option points can be at most {limit}, not {points}."),
                here,
                limit=MAX_OPTION_POINTS,
                points=option.points,
            )


# Steps


def step_errors(steps: tuple[Step, ...]) -> Iterator[DefinitionError]:
    """Rules on which steps, in which order, with which settings."""
    names = [step.name for step in steps]
    if not ASSESSING_STEPS.intersection(names):
        yield _error(
            "steps.none",
            N_("The problem needs a peer, self or staff assessment step."),
            "assessments",
        )
    for name in _repeated(names):
        yield _error("steps.duplicate", N_('The "{step}" step appears more than once.'), "assessments", step=name)
    if StepName.STAFF in names and names[-1] is not StepName.STAFF:
        yield _error("steps.staff_not_last", N_("The staff step must come last."), "assessments")
    if StepName.TRAINING in names and StepName.PEER not in names[names.index(StepName.TRAINING) + 1 :]:
        yield _error(
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
            yield _error(
                "steps.staff_only_not_required",
                N_("When staff assessment is the only step, it must be required."),
                where,
            )


def _peer_errors(step: PeerStep, where: str) -> Iterator[DefinitionError]:
    for attribute, value in (("must_grade", step.must_grade), ("must_be_graded_by", step.must_be_graded_by)):
        if value < 1:
            yield _error(
                "peer.count_too_low",
                N_("{attribute} must be at least 1, not {value}."),
                where,
                attribute=attribute,
                value=value,
            )
        elif value > MAX_PEER_COUNT:
            yield _error(
                "peer.count_too_high",
                N_("{attribute} can be at most {limit}, not {value}."),
                where,
                attribute=attribute,
                limit=MAX_PEER_COUNT,
                value=value,
            )
    if step.must_grade < step.must_be_graded_by:
        yield _error(
            "peer.must_grade_below_graded_by",
            N_(
                "must_grade ({must_grade}) must be at least must_be_graded_by ({graded_by}), or some responses "
                "could never get enough reviews."
            ),
            where,
            must_grade=step.must_grade,
            graded_by=step.must_be_graded_by,
        )


def _training_errors(step: TrainingStep, where: str) -> Iterator[DefinitionError]:
    if not step.examples:
        yield _error("training.no_examples", N_("Learner training needs at least one example."), where)
    yield from _too_many(
        "training.too_many_examples",
        N_("Learner training can have at most {limit} examples, not {count}."),
        where,
        len(step.examples),
        MAX_EXAMPLES,
    )
    if _repeated(example.answer for example in step.examples):
        yield _error("training.duplicate_examples", N_("Two training examples have the same answer."), where)


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
        yield _error(
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
            yield _error(
                "example.repeated_criterion",
                N_('Example {number} selects more than one option for criterion "{criterion}".'),
                here,
                number=number,
                criterion=criterion,
            )
        for graded in rubric.criteria:
            if graded.options and graded.name not in chosen:
                yield _error(
                    "example.missing_option",
                    N_('Example {number} selects no option for criterion "{criterion}".'),
                    here,
                    number=number,
                    criterion=graded.name,
                )
        for criterion, option in chosen.items():
            if criterion not in options:
                yield _error(
                    "example.unknown_criterion",
                    N_('Example {number} selects an option for "{criterion}", which is not in the rubric.'),
                    here,
                    number=number,
                    criterion=criterion,
                )
            elif option not in options[criterion]:
                yield _error(
                    "example.unknown_option",
                    N_('Example {number} selects "{option}" for criterion "{criterion}", which has no such option.'),
                    here,
                    number=number,
                    criterion=criterion,
                    option=option,
                )


# Dates


def date_errors(
    definition: Definition, course_start: datetime | None = None, course_end: datetime | None = None
) -> Iterator[DefinitionError]:
    """Each window opens before it closes, and windows open and close in step order.

    Only the author's own dates are judged: when the platform owns the dates
    (``date_config_type`` subsection or course_end) the step dates are kept
    but unused, and every step shares the platform's one window.
    """
    out_of_range = list(_range_errors(definition))
    yield from out_of_range
    if out_of_range or definition.date_config_type is not DateConfig.MANUAL:
        return
    labels = ["submission", *(step.name.value for step in definition.steps)]
    windows = [(definition.submission_start, definition.submission_due)]
    windows += [(step.start, step.due) for step in definition.steps]
    _, _, resolved = resolve_dates(course_start, course_end, windows)
    for index, (label, (start, due)) in enumerate(zip(labels, resolved, strict=True)):
        if start >= due:
            yield _error(
                "dates.start_not_before_due",
                N_("The {step} window must open before it is due."),
                _date_where(index),
                step=label,
            )
        if index and start < resolved[index - 1][0]:
            yield _error(
                "dates.start_before_previous",
                N_("The {step} window opens before the {previous} window does."),
                _date_where(index),
                step=label,
                previous=labels[index - 1],
            )
        if index and resolved[index - 1][1] > due:
            yield _error(
                "dates.due_before_previous",
                N_("The {step} window is due before the {previous} window is."),
                _date_where(index),
                step=label,
                previous=labels[index - 1],
            )


def _date_where(index: int) -> str:
    return f"assessments/assessment[{index}]" if index else "submission"


def _range_errors(definition: Definition) -> Iterator[DefinitionError]:
    """Every date set, in any date mode (unused ones are kept and exported), lies in the authors' range."""
    dates = [("", "submission_start", definition.submission_start), ("", "submission_due", definition.submission_due)]
    for index, step in enumerate(definition.steps, start=1):
        dates += [
            (f"assessments/assessment[{index}]", "start", step.start),
            (f"assessments/assessment[{index}]", "due", step.due),
        ]
    for where, attribute, moment in dates:
        if moment is not None and not in_range(moment):
            yield _error(
                "dates.out_of_range",
                N_("{attribute} must fall between {earliest} and {latest} (UTC), not {value}."),
                where,
                attribute=attribute,
                earliest=EARLIEST.date().isoformat(),
                latest=LATEST.date().isoformat(),
                value=moment.isoformat(),
            )


# Responses and settings


def response_errors(definition: Definition, extra_prohibited: tuple[str, ...] = ()) -> Iterator[DefinitionError]:
    """What a learner may send: text, files, or both, and which files."""
    if definition.text_response is Necessity.NONE and definition.file_upload_response is Necessity.NONE:
        yield _error(
            "response.nothing_asked",
            N_("Learners must be asked for a text response, a file upload, or both."),
        )
    asks_files = definition.file_upload_response is not Necessity.NONE
    if asks_files and definition.file_upload_type is None:
        yield _error("files.no_type", N_("Choose which files learners may upload."), "file_upload_type")
    if definition.file_upload_type is FileType.CUSTOM:
        if not definition.white_listed_file_types:
            yield _error(
                "files.custom_list_empty",
                N_("List the file extensions learners may upload."),
                "white_listed_file_types",
            )
        yield from _too_many(
            "files.too_many_types",
            N_("A custom file-type list can have at most {limit} extensions, not {count}."),
            "white_listed_file_types",
            len(definition.white_listed_file_types),
            MAX_FILE_TYPES,
        )
        for extension in definition.white_listed_file_types:
            if len(extension) > MAX_EXTENSION_CHARS:
                yield _error(
                    "files.extension_too_long",
                    N_('The extension "{extension}" is longer than {limit} characters.'),
                    "white_listed_file_types",
                    extension=extension[: MAX_EXTENSION_CHARS + 1] + "…",
                    limit=MAX_EXTENSION_CHARS,
                )
        not_plain = [item for item in definition.white_listed_file_types if not uploads.plain_extension(item)]
        if not_plain:  # shown escaped, so that an invisible or look-alike character can be seen
            yield _error(
                "files.extension_not_plain",
                N_("File extensions can only have ASCII letters and digits (a-z, A-Z, 0-9), not: {extensions}."),
                "white_listed_file_types",
                extensions=", ".join(item.encode("unicode_escape").decode("ascii") for item in not_plain),
            )
        banned = uploads.prohibited(definition.white_listed_file_types, extra_prohibited)
        if banned:
            yield _error(
                "files.prohibited_extension",
                N_("These extensions can never be uploaded: {extensions}."),
                "white_listed_file_types",
                extensions=", ".join(banned),
            )


def setting_errors(definition: Definition) -> Iterator[DefinitionError]:
    """Top responses, resubmission and teams."""
    if not 0 <= definition.leaderboard_show <= MAX_TOP_RESPONSES:
        yield _error(
            "leaderboard.out_of_range",
            N_("Top responses must be between 0 and {limit}, not {value}."),
            "leaderboard_show",
            limit=MAX_TOP_RESPONSES,
            value=definition.leaderboard_show,
        )
    if definition.resubmissions_grace_period:
        yield from _grace_period_errors(definition.resubmissions_grace_period)
    if definition.teams.enabled:
        if not definition.teams.teamset_id:
            yield _error("teams.no_teamset", N_("A team problem needs a team set."), "selected_teamset_id")
        if any(step.name is not StepName.STAFF for step in definition.steps):
            yield _error("teams.only_staff", N_("A team problem can only be assessed by staff."), "assessments")


def _grace_period_errors(text: str) -> Iterator[DefinitionError]:
    try:
        minutes = grace_period_minutes(text)
    except ValueError:
        yield _error(
            "resubmission.bad_grace_period",
            N_('The resubmission grace period "{value}" must be written DD:HH:MM, like 01:12:00.'),
            "resubmissions_grace_period",
            value=text[:40],
        )
        return
    if minutes > MAX_GRACE_DAYS * 24 * 60:
        yield _error(
            "resubmission.grace_period_too_long",
            N_('The resubmission grace period can be at most {limit} days (written "{limit}:00:00"), not "{value}".'),
            "resubmissions_grace_period",
            limit=MAX_GRACE_DAYS,
            value=text[:40],
        )


# After release


def release_errors(definition: Definition, current: Definition) -> Iterator[DefinitionError]:
    """What may no longer change once learners may have answered."""
    if definition.step_names != current.step_names:
        yield _error(
            "released.steps_changed",
            N_("The problem has opened, so its steps can no longer be added, removed or reordered."),
            "assessments",
        )
    if len(definition.prompts) != len(current.prompts):
        yield _error(
            "released.prompt_count_changed",
            N_("The problem has opened, so prompts can no longer be added or removed."),
            "prompts",
        )
    new, old = definition.rubric.criteria, current.rubric.criteria
    if len(new) != len(old):
        yield _error(
            "released.criteria_count_changed",
            N_("The problem has opened, so criteria can no longer be added or removed."),
            "rubric",
        )
    elif {criterion.name for criterion in new} != {criterion.name for criterion in old}:
        yield _error(
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
            yield _error(
                "released.options_changed",
                N_("The problem has opened, so options can no longer be added or removed."),
                where,
            )
        elif [option.points for option in after.options] != [option.points for option in before.options]:
            yield _error(
                "released.points_changed",
                N_("The problem has opened, so option points can no longer change."),
                where,
            )


def _repeated(values: Iterable[Hashable]) -> list[Hashable]:
    counts = Counter(values)
    return [value for value, count in counts.items() if count > 1]


# Best practices: worth telling the author, never a reason to refuse a save.

WEEK_SECONDS = 7 * 24 * 3600


def warnings(definition: Definition) -> list[DefinitionError]:
    """The seed's best practices this problem does not follow."""
    found: list[DefinitionError] = []
    step = definition.step(StepName.PEER)
    if isinstance(step, PeerStep):
        where = f"assessments/assessment[{definition.steps.index(step) + 1}]"
        if step.must_grade <= step.must_be_graded_by:
            found.append(
                _error(
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
                _error(
                    "advice.short_peer_window",
                    N_(
                        "Leave at least a week between the response due date and the peer due date, so that late "
                        "responses still get reviewed."
                    ),
                    where,
                )
            )
    return found
