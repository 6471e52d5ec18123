"""Rules beyond ora2's suites: responses, files, settings, teams, release freeze."""

import dataclasses

import pytest

from ora_xblock import scenarios
from ora_xblock.definition import load_olx
from ora_xblock.definition.dates import parse_date
from ora_xblock.definition.errors import InvalidDefinition
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
    errors = validate(custom)
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
