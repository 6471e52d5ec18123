"""Members of one team racing each other: one team submission, and no save lost, on every backend."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.contrib.auth import get_user_model
from submissions.models import Submission, TeamSubmission

from ora_xblock.models import Draft, TeamResponse, Workflow
from ora_xblock.services import teams
from ora_xblock.services.common import Refusal
from tests.concurrency import run_concurrently
from tests.integration.test_team_drafts import AURORA, at, learner

pytestmark = [pytest.mark.databases, pytest.mark.django_db(transaction=True)]
NAMES = ("ann", "bo", "cy")


def code(result: object) -> str | None:
    return result.code if isinstance(result, Refusal) else None


def test_members_submitting_at_once_make_one_team_submission() -> None:
    members = [replace(learner(name), user_id=get_user_model().objects.create(username=name).pk) for name in NAMES]

    results = run_concurrently(
        lambda i: teams.submit_team(at(), members[i], AURORA, [f"by {NAMES[i]}", ""], [0, 0]), len(NAMES)
    )

    refused = sorted(code(result) for result in results if isinstance(result, Exception))
    assert refused == ["team_already_submitted"] * (len(NAMES) - 1), results
    (workflow, made), *_ = [result for result in results if not isinstance(result, Exception)]
    assert TeamResponse.objects.count() == 1 and TeamSubmission.objects.count() == 1
    assert Submission.objects.filter(team_submission__uuid=made["team_submission_uuid"]).count() == len(NAMES)
    assert Workflow.objects.count() == len(NAMES)
    assert Workflow.objects.filter(shares_response=False).get() == workflow
    assert not Draft.objects.exists()


def test_members_saving_different_prompts_at_once_keep_both() -> None:
    answers = (["Ann's summary", None], [None, "Bo's changes"])

    results = run_concurrently(lambda i: teams.save_team_draft(at(), learner(NAMES[i]), AURORA, answers[i], [0, 0]), 2)

    assert all(isinstance(result, teams.TeamDraft) and result.conflicts == () for result in results), results
    stored = teams.team_draft(at(), learner("cy"), AURORA)
    assert (stored.texts, stored.revisions) == (["Ann's summary", "Bo's changes"], [1, 1])
    assert sorted(stored.authors) == ["ann", "bo"]
    assert Draft.objects.count() == 1


def test_members_saving_the_same_prompt_at_once_give_one_conflict_and_lose_nothing() -> None:
    teams.save_team_draft(at(), learner("cy"), AURORA, ["Cy's start", None], [0, 0])

    results = run_concurrently(
        lambda i: teams.save_team_draft(at(1), learner(NAMES[i]), AURORA, [f"{NAMES[i]}'s summary", None], [1, 0]), 2
    )

    assert sorted(result.conflicts for result in results) == [(), (0,)], results  # type: ignore[union-attr]
    (kept,) = [NAMES[i] for i, result in enumerate(results) if result.conflicts == ()]  # type: ignore[union-attr]
    stored = teams.team_draft(at(), learner("cy"), AURORA)
    assert (stored.texts[0], stored.revisions[0], stored.authors[0]) == (f"{kept}'s summary", 2, kept)
    assert all(result.texts[0] == stored.texts[0] for result in results)  # the refused one is shown the kept text


def test_a_save_racing_a_submit_is_in_the_response_or_refused() -> None:
    teams.save_team_draft(at(), learner("cy"), AURORA, ["Cy's start", None], [0, 0])
    submitter = replace(learner("ann"), user_id=get_user_model().objects.create(username="ann").pk)

    def act(i: int) -> object:
        if i == 0:
            return teams.submit_team(at(1), submitter, AURORA, [None, None], [1, 0])
        return teams.save_team_draft(at(1), learner("bo"), AURORA, [None, "Bo's changes"], [0, 0])

    submitted, saved = run_concurrently(act, 2)

    assert not isinstance(submitted, Exception), submitted
    answer = Submission.objects.get(uuid=submitted[0].submission_uuid).answer  # type: ignore[index]
    texts = [part["text"] for part in answer["parts"]]
    if isinstance(saved, Exception):
        assert (code(saved), texts) == ("team_already_submitted", ["Cy's start", ""])
    else:
        assert texts == ["Cy's start", "Bo's changes"]
