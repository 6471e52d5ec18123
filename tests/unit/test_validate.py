"""Rules beyond ora2's suites: responses, files, settings, teams, release freeze."""

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from ora_xblock import scenarios
from ora_xblock.assessing import MAX_COMMENT_CHARS
from ora_xblock.definition import load_olx
from ora_xblock.definition.dates import parse_date
from ora_xblock.definition.errors import DefinitionError, InvalidDefinition
from ora_xblock.definition.limits import (
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
from ora_xblock.definition.model import (
    Criterion,
    DateConfig,
    Definition,
    FileType,
    Necessity,
    Option,
    Prompt,
    Rubric,
    SelfStep,
    StaffStep,
    Teams,
    TrainingStep,
)
from ora_xblock.definition.validate import validate, warnings

BASE = load_olx(scenarios.resource_text("scenarios/self_only.xml"))


def codes(definition: Definition, **context: object) -> list[str]:
    return [error.code for error in validate(definition, **context)]


def test_a_sound_problem_has_no_errors() -> None:
    assert codes(BASE) == []


def test_learners_must_be_asked_for_something() -> None:
    nothing = dataclasses.replace(BASE, text_response=Necessity.NONE, file_upload_response=Necessity.NONE)
    assert codes(nothing) == ["response.nothing_asked"]


def test_file_uploads_need_a_type() -> None:
    untyped = dataclasses.replace(BASE, file_upload_response=Necessity.REQUIRED, file_upload_type=None)
    assert codes(untyped) == ["files.no_type"]


@pytest.mark.parametrize("banned", ["exe", "HTML", ".php.exe", "Ps1"])
def test_custom_file_types_can_never_name_a_prohibited_extension(banned: str) -> None:
    custom = dataclasses.replace(
        BASE,
        file_upload_response=Necessity.OPTIONAL,
        file_upload_type=FileType.CUSTOM,
        white_listed_file_types=("pdf", banned.lower().lstrip(".")),
    )
    errors = [error for error in validate(custom) if error.code != "files.extension_not_plain"]  # php.exe: a dot too
    assert [error.code for error in errors] == ["files.prohibited_extension"]
    assert banned.lower().lstrip(".") in errors[0].message()


def test_operators_can_prohibit_more_extensions() -> None:
    custom = dataclasses.replace(
        BASE, file_upload_response=Necessity.OPTIONAL, file_upload_type=FileType.CUSTOM, white_listed_file_types=("py",)
    )
    assert codes(custom) == []
    assert codes(custom, extra_prohibited=(".PY",)) == ["files.prohibited_extension"]


def test_custom_file_types_need_a_list() -> None:
    empty = dataclasses.replace(BASE, file_upload_response=Necessity.OPTIONAL, file_upload_type=FileType.CUSTOM)
    assert codes(empty) == ["files.custom_list_empty"]


@pytest.mark.parametrize(("value", "valid"), [(0, True), (100, True), (101, False), (-1, False)])
def test_top_responses_are_between_0_and_100(value: int, valid: bool) -> None:
    assert (codes(dataclasses.replace(BASE, leaderboard_show=value)) == []) is valid


def test_grace_period_must_be_days_hours_minutes() -> None:
    assert codes(dataclasses.replace(BASE, resubmissions_grace_period="1 hour")) == ["resubmission.bad_grace_period"]


def test_team_problems_need_a_team_set_and_staff_grading_only() -> None:
    team = dataclasses.replace(BASE, teams=Teams(enabled=True))
    assert codes(team) == ["teams.no_teamset", "teams.only_staff"]
    staff_team = dataclasses.replace(team, teams=Teams(True, "set"), steps=(StaffStep(required=True),))
    assert codes(staff_team) == []


def test_criteria_without_options_must_require_feedback_and_names_are_unique() -> None:
    rubric = Rubric(
        criteria=(
            Criterion("A", options=(Option("x", 1), Option("x", 2))),
            Criterion("A"),
            Criterion("", options=(Option("", -1),)),
        )
    )
    assert codes(dataclasses.replace(BASE, rubric=rubric)) == [
        "criterion.duplicate_name",
        "option.duplicate_name",
        "criterion.feedback_only_not_required",
        "criterion.no_name",
        "option.no_name",
        "option.negative_points",
    ]


def test_after_release_the_structure_is_frozen_but_text_may_change() -> None:
    reworded = dataclasses.replace(BASE, title="New title", prompts=(Prompt("New wording"),))
    assert codes(reworded, current=BASE, released=True) == []
    criterion = BASE.rubric.criteria[0]
    repointed = Criterion(criterion.name, criterion.prompt, options=(*criterion.options[:-1], Option("Deep", 9)))
    changed = dataclasses.replace(
        BASE,
        prompts=(Prompt("a"), Prompt("b")),
        steps=(SelfStep(), StaffStep(required=True)),
        rubric=Rubric(criteria=(repointed,)),
    )
    assert codes(changed, current=BASE, released=True) == [
        "released.steps_changed",
        "released.prompt_count_changed",
        "released.points_changed",
    ]
    assert codes(changed, current=BASE, released=False) == []


def test_after_release_criteria_may_be_reordered_and_options_relabelled() -> None:
    """Option names may change too, as in ora2: stored assessments keep their points."""
    criterion = BASE.rubric.criteria[0]
    relabelled = dataclasses.replace(
        criterion, options=tuple(dataclasses.replace(o, name=f"{o.name}!", label="New") for o in criterion.options)
    )
    assert codes(dataclasses.replace(BASE, rubric=Rubric(criteria=(relabelled,))), current=BASE, released=True) == []
    two = dataclasses.replace(BASE, rubric=Rubric(criteria=(criterion, dataclasses.replace(criterion, name="Other"))))
    swapped = dataclasses.replace(two, rubric=Rubric(criteria=tuple(reversed(two.rubric.criteria))))
    assert codes(swapped, current=two, released=True) == []
    repointed = dataclasses.replace(swapped.rubric.criteria[0], options=criterion.options[:-1])
    fewer = dataclasses.replace(swapped, rubric=Rubric(criteria=(repointed, swapped.rubric.criteria[1])))
    assert codes(fewer, current=two, released=True) == ["released.options_changed"]


def test_every_error_names_its_element_and_rule() -> None:
    broken = dataclasses.replace(BASE, leaderboard_show=500, steps=(), rubric=Rubric())
    with pytest.raises(InvalidDefinition) as raised:
        load_olx("<openassessment leaderboard_show='500'><title>t</title><rubric/><assessments/></openassessment>")
    assert {error.code for error in raised.value.errors} == set(codes(broken))
    messages = [error.message() for error in raised.value.errors]
    assert any(message.startswith("leaderboard_show: ") and "500" in message for message in messages)
    assert all(error.as_dict().keys() == {"code", "where", "message"} for error in raised.value.errors)


def test_step_dates_the_platform_replaces_are_kept_but_not_judged() -> None:
    backwards = dataclasses.replace(
        BASE, submission_start=parse_date("2030-02-01T00:00:00Z"), submission_due=parse_date("2030-01-01T00:00:00Z")
    )
    assert codes(backwards) == ["dates.start_not_before_due"]
    for config in (DateConfig.SUBSECTION, DateConfig.COURSE_END):
        assert codes(dataclasses.replace(backwards, date_config_type=config)) == []


def test_short_peer_window_advice_only_when_the_author_sets_the_dates() -> None:
    peer = load_olx(scenarios.resource_text("scenarios/peer_only.xml"))
    step = dataclasses.replace(peer.steps[0], due=parse_date("2030-01-03T00:00:00Z"))
    short = dataclasses.replace(peer, submission_due=parse_date("2030-01-01T00:00:00Z"), steps=(step,))
    assert "advice.short_peer_window" in [warning.code for warning in warnings(short)]
    following = dataclasses.replace(short, date_config_type=DateConfig.SUBSECTION)
    assert "advice.short_peer_window" not in [warning.code for warning in warnings(following)]


# Bounds: every number, count, length and date in the definition (issue 12, point 3).

PEER = load_olx(scenarios.resource_text("scenarios/peer_only.xml"))
TRAINING = load_olx(scenarios.resource_text("scenarios/training_peer.xml"))


def with_points(points: int) -> Definition:
    criterion = BASE.rubric.criteria[0]
    options = (*criterion.options[:-1], dataclasses.replace(criterion.options[-1], points=points))
    return dataclasses.replace(BASE, rubric=Rubric(criteria=(dataclasses.replace(criterion, options=options),)))


def with_peer(**counts: int) -> Definition:
    return dataclasses.replace(PEER, steps=(dataclasses.replace(PEER.steps[0], **counts),))


def only_error(definition: Definition) -> DefinitionError:
    errors = validate(definition)
    assert len(errors) == 1, [error.message() for error in errors]
    return errors[0]


@pytest.mark.parametrize(
    ("definition", "code", "limit", "where"),
    [
        (with_points(MAX_OPTION_POINTS + 1), "option.points_too_high", MAX_OPTION_POINTS, "option[3]"),
        (with_points(10**26), "option.points_too_high", MAX_OPTION_POINTS, "option[3]"),
        (with_peer(must_grade=10**21), "peer.count_too_high", MAX_PEER_COUNT, "assessment[1]"),
        (with_peer(must_grade=MAX_PEER_COUNT + 1, must_be_graded_by=MAX_PEER_COUNT + 1), None, MAX_PEER_COUNT, ""),
        (
            dataclasses.replace(BASE, resubmissions_grace_period=f"{10**20}:00:00"),
            "resubmission.grace_period_too_long",
            MAX_GRACE_DAYS,
            "resubmissions_grace_period",
        ),
        (
            dataclasses.replace(BASE, resubmissions_grace_period=f"{MAX_GRACE_DAYS}:00:01"),
            "resubmission.grace_period_too_long",
            MAX_GRACE_DAYS,
            "resubmissions_grace_period",
        ),
        (dataclasses.replace(BASE, leaderboard_show=10**30), "leaderboard.out_of_range", MAX_TOP_RESPONSES, ""),
    ],
)
def test_numbers_beyond_their_limit_are_refused_with_a_message_naming_the_limit(
    definition: Definition, code: str | None, limit: int, where: str
) -> None:
    errors = validate(definition)
    assert errors, "accepted"
    if code is None:  # both peer counts too high: one error each
        assert [(e.code, e.params["attribute"]) for e in errors] == [
            ("peer.count_too_high", "must_grade"),
            ("peer.count_too_high", "must_be_graded_by"),
        ]
        return
    (error,) = errors
    assert error.code == code
    assert str(limit) in error.message()
    assert where in error.where


@pytest.mark.parametrize(
    "definition",
    [
        with_points(MAX_OPTION_POINTS),
        with_peer(must_grade=MAX_PEER_COUNT, must_be_graded_by=MAX_PEER_COUNT),
        dataclasses.replace(BASE, resubmissions_grace_period=f"{MAX_GRACE_DAYS}:00:00"),
        dataclasses.replace(BASE, submission_start=EARLIEST, submission_due=LATEST),
    ],
)
def test_numbers_and_dates_at_their_limit_are_accepted(definition: Definition) -> None:
    assert codes(definition) == []


def test_the_largest_possible_score_fits_the_gradebooks_integer_columns() -> None:
    """edx-submissions keeps points in PositiveIntegerField columns: 2**31 - 1 on PostgreSQL."""
    assert MAX_CRITERIA * MAX_OPTION_POINTS < 2**31 - 1


def test_the_default_overall_feedback_fits_the_box_it_fills() -> None:
    assert MAX_TEXT["feedback_default_text"] == MAX_COMMENT_CHARS


def _many(count: int, make):
    return tuple(make(index) for index in range(count))


def _criterion(index: int, options: int = 2) -> Criterion:
    return Criterion(f"c{index}", "p", options=_many(options, lambda i: Option(f"o{i}", i)))


@pytest.mark.parametrize(
    ("definition", "code", "limit"),
    [
        (
            dataclasses.replace(BASE, prompts=_many(MAX_PROMPTS + 1, lambda i: Prompt(f"p{i}"))),
            "prompts.too_many",
            MAX_PROMPTS,
        ),
        (
            dataclasses.replace(BASE, rubric=Rubric(criteria=_many(MAX_CRITERIA + 1, _criterion))),
            "rubric.too_many_criteria",
            MAX_CRITERIA,
        ),
        (
            dataclasses.replace(BASE, rubric=Rubric(criteria=(_criterion(0, MAX_OPTIONS + 1),))),
            "criterion.too_many_options",
            MAX_OPTIONS,
        ),
        (
            dataclasses.replace(
                BASE,
                file_upload_response=Necessity.OPTIONAL,
                file_upload_type=FileType.CUSTOM,
                white_listed_file_types=_many(MAX_FILE_TYPES + 1, lambda i: f"x{i}"),
            ),
            "files.too_many_types",
            MAX_FILE_TYPES,
        ),
        (
            dataclasses.replace(
                BASE,
                file_upload_response=Necessity.OPTIONAL,
                file_upload_type=FileType.CUSTOM,
                white_listed_file_types=("x" * (MAX_EXTENSION_CHARS + 1),),
            ),
            "files.extension_too_long",
            MAX_EXTENSION_CHARS,
        ),
    ],
)
def test_counts_beyond_their_limit_are_refused(definition: Definition, code: str, limit: int) -> None:
    error = only_error(definition)
    assert error.code == code
    assert str(limit) in error.message()


def test_too_many_training_examples_are_refused() -> None:
    training = TRAINING.steps[0]
    assert isinstance(training, TrainingStep)
    example = training.examples[0]
    examples = _many(MAX_EXAMPLES + 1, lambda i: dataclasses.replace(example, answer=(f"answer {i}",)))
    many = dataclasses.replace(TRAINING, steps=(dataclasses.replace(training, examples=examples), *TRAINING.steps[1:]))
    error = only_error(many)
    assert (error.code, error.where) == ("training.too_many_examples", "assessments/assessment[1]")
    assert str(MAX_EXAMPLES) in error.message()


def _long(field: str) -> str:
    return "x" * (MAX_TEXT[field] + 1)


@pytest.mark.parametrize(
    ("change", "where", "attribute"),
    [
        (lambda d: dataclasses.replace(d, title=_long("title")), "", "title"),
        (lambda d: dataclasses.replace(d, prompts=(Prompt(_long("description")),)), "prompts/prompt[1]", "description"),
        (lambda d: _edit_criterion(d, name=_long("name")), "rubric/criterion[1]", "name"),
        (lambda d: _edit_criterion(d, label=_long("label")), "rubric/criterion[1]", "label"),
        (lambda d: _edit_criterion(d, prompt=_long("prompt")), "rubric/criterion[1]", "prompt"),
        (lambda d: _edit_option(d, name=_long("name")), "rubric/criterion[1]/option[1]", "name"),
        (lambda d: _edit_option(d, label=_long("label")), "rubric/criterion[1]/option[1]", "label"),
        (lambda d: _edit_option(d, explanation=_long("explanation")), "rubric/criterion[1]/option[1]", "explanation"),
        (
            lambda d: dataclasses.replace(
                d, rubric=dataclasses.replace(d.rubric, feedback_prompt=_long("feedback_prompt"))
            ),
            "rubric",
            "feedback_prompt",
        ),
        (
            lambda d: dataclasses.replace(
                d, rubric=dataclasses.replace(d.rubric, feedback_default_text=_long("feedback_default_text"))
            ),
            "rubric",
            "feedback_default_text",
        ),
        (
            lambda d: dataclasses.replace(
                d, teams=Teams(True, _long("selected_teamset_id")), steps=(StaffStep(required=True),)
            ),
            "",
            "selected_teamset_id",
        ),
    ],
)
def test_texts_beyond_their_length_are_refused_naming_the_field_and_limit(change, where: str, attribute: str) -> None:
    error = only_error(change(BASE))
    assert (error.code, error.where, error.params["attribute"]) == ("text.too_long", where, attribute)
    assert str(MAX_TEXT[attribute]) in error.message()


def test_a_training_answer_beyond_its_length_is_refused() -> None:
    training = TRAINING.steps[0]
    assert isinstance(training, TrainingStep)
    example = dataclasses.replace(training.examples[0], answer=(_long("answer"),))
    long = dataclasses.replace(
        TRAINING, steps=(dataclasses.replace(training, examples=(example,)), *TRAINING.steps[1:])
    )
    error = only_error(long)
    assert (error.code, error.where, error.params["attribute"]) == (
        "text.too_long",
        "assessments/assessment[1]/example[1]",
        "answer",
    )


def _edit_criterion(definition: Definition, **changes: str) -> Definition:
    criterion = dataclasses.replace(definition.rubric.criteria[0], **changes)
    return dataclasses.replace(definition, rubric=Rubric(criteria=(criterion,)))


def _edit_option(definition: Definition, **changes: str) -> Definition:
    criterion = definition.rubric.criteria[0]
    options = (dataclasses.replace(criterion.options[0], **changes), *criterion.options[1:])
    return _edit_criterion(definition, options=options)  # type: ignore[arg-type]


# Dates (issue 12, point 4): out of range has its own code, and nothing overflows on the way.

TOO_EARLY = datetime(1, 1, 1, tzinfo=UTC)
TOO_LATE = datetime.max.replace(tzinfo=UTC)


@pytest.mark.parametrize("config", list(DateConfig))
@pytest.mark.parametrize(
    "moment", [TOO_EARLY, TOO_LATE, EARLIEST - timedelta(seconds=1), LATEST + timedelta(seconds=1)]
)
def test_dates_out_of_range_are_refused_in_every_date_mode(moment: datetime, config: DateConfig) -> None:
    peer = PEER.steps[0]
    definition = dataclasses.replace(
        PEER,
        date_config_type=config,
        submission_start=moment,
        steps=(dataclasses.replace(peer, due=moment),),
    )
    errors = [
        (e.code, e.where, e.params.get("attribute")) for e in validate(definition) if e.code == "dates.out_of_range"
    ]
    assert errors == [
        ("dates.out_of_range", "", "submission_start"),
        ("dates.out_of_range", "assessments/assessment[1]", "due"),
    ]
    message = validate(definition)[0].message()
    assert "1900-01-01" in message and "9000-01-01" in message


@pytest.mark.parametrize("moment", [TOO_EARLY, TOO_LATE])
def test_out_of_range_dates_from_the_course_never_crash_the_validator(moment: datetime) -> None:
    assert codes(BASE, course_start=moment, course_end=moment) == []
    assert codes(BASE, course_start=TOO_LATE, course_end=TOO_EARLY) == []
