"""A team's shared draft through the services: the per-prompt merge rule, its files and who uploaded them."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import transaction

from ora_xblock import scenarios
from ora_xblock.definition import load_olx
from ora_xblock.models import Draft, PartialUpload, ResponseFile
from ora_xblock.services import files, teams
from ora_xblock.services.common import Learner, Problem, Refusal, Team
from ora_xblock.services.state import learner_state
from tests import samples

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
COURSE = "course-v1:Org+Team+2026"
ITEM = "block-v1:Org+Team+2026+type@ora_xblock+block@lab"
LAB = load_olx(scenarios.resource_text("scenarios/staff_only.xml"))  # two prompts, optional text and files
PNG = samples.sized("png", 208)
AURORA = Team("aurora", "Team Aurora", ("anon-ann", "anon-bo", "anon-cy"), ("ann", "bo", "cy"))


def learner(name: str) -> Learner:
    return Learner(course_id=COURSE, item_id=ITEM, student_id=f"anon-{name}", username=name)


def at(minutes: float = 0) -> Problem:
    return Problem(LAB, NOW + timedelta(minutes=minutes))


def save(name: str, answers: list, revisions: list[int], minutes: float = 0) -> teams.TeamDraft:
    return teams.save_team_draft(at(minutes), learner(name), AURORA, answers, revisions)


def refused(call) -> str:
    with pytest.raises(Refusal) as refusal, transaction.atomic():
        call()
    return refusal.value.code


@pytest.fixture
def storage_root(settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}},
    }
    return root


def test_before_any_save_the_draft_is_empty_at_revision_zero() -> None:
    draft = teams.team_draft(at(), learner("ann"), AURORA)
    assert draft == teams.TeamDraft(["", ""], [0, 0], ["", ""], None, ())
    assert not Draft.objects.exists()


def test_two_members_writing_different_prompts_both_keep_their_text() -> None:
    first = save("ann", ["Ann's summary", None], [0, 0])
    second = save("bo", [None, "Bo's changes"], [0, 0], minutes=1)

    assert first == teams.TeamDraft(["Ann's summary", ""], [1, 0], ["ann", ""], NOW, ())
    assert second == teams.TeamDraft(
        ["Ann's summary", "Bo's changes"], [1, 1], ["ann", "bo"], NOW + timedelta(minutes=1)
    )
    assert teams.team_draft(at(), learner("cy"), AURORA) == second
    stored = Draft.objects.get()
    assert (stored.student_id, stored.answers) == ("team:aurora", ["Ann's summary", "Bo's changes"])


def test_a_stale_save_of_the_same_prompt_is_a_conflict_and_keeps_the_stored_text() -> None:
    save("ann", ["Ann's summary", ""], [0, 0])
    stale = save("bo", ["Bo's summary", "Bo's changes"], [0, 0], minutes=1)

    assert stale.conflicts == (0,)  # prompt 1 refused, prompt 2 (still at its base) written
    assert stale.texts == ["Ann's summary", "Bo's changes"]
    assert (stale.revisions, stale.authors) == ([1, 1], ["ann", "bo"])  # the teammate the page names
    kept_mine = save("bo", ["Bo's summary", None], stale.revisions, minutes=2)  # "keep mine": the new base
    assert (kept_mine.conflicts, kept_mine.texts[0], kept_mine.revisions, kept_mine.authors[0]) == (
        (),
        "Bo's summary",
        [2, 1],
        "bo",
    )


def test_identical_text_is_no_conflict_and_none_leaves_a_prompt_untouched() -> None:
    save("ann", ["Same words", "Ann's changes"], [0, 0])
    again = save("bo", ["Same words", None], [0, 0], minutes=1)  # bo's base is old, but the text is the same
    assert (again.conflicts, again.revisions, again.authors) == ((), [1, 1], ["ann", "ann"])
    untouched = save("cy", [None, None], [0, 0], minutes=2)
    assert (untouched.texts, untouched.revisions, untouched.saved_at) == (["Same words", "Ann's changes"], [1, 1], NOW)


@pytest.mark.parametrize(
    ("answers", "revisions", "code"),
    [
        ("text", [0, 0], "bad_request"),
        (["a", 3], [0, 0], "bad_request"),
        (["a"], [0], "wrong_answer_count"),
        (["a", None], [0], "bad_request"),
        (["a", None], [0, -1], "bad_request"),
        (["a", None], [0, True], "bad_request"),
        (["a", None], "0,0", "bad_request"),
        (["x" * 200_001, None], [0, 0], "response_too_long"),
    ],
)
def test_malformed_saves_are_refused_and_change_nothing(answers, revisions, code) -> None:
    assert refused(lambda: save("ann", answers, revisions)) == code
    assert not Draft.objects.exists()


def test_the_learner_state_before_submitting_is_the_team_draft() -> None:
    save("ann", ["Ann's summary", None], [0, 0])
    state = learner_state(at(), learner("bo"), AURORA)
    assert (state.submitted, state.answers) == (False, ["Ann's summary", ""])
    assert state.team_draft is not None and state.team_draft.authors == ["ann", ""]
    assert learner_state(at(), learner("bo")).answers == ["", ""]  # not a team problem: their own draft


def put(name: str, filename: str = "figure.png", limits: files.Limits | None = None) -> ResponseFile:
    shared = teams.team_learner(learner(name), AURORA)
    return files.upload(at(), shared, filename, "A figure", io.BytesIO(PNG), len(PNG), limits or files.Limits())


def test_files_belong_to_the_team_draft_and_name_who_uploaded_them(storage_root: Path) -> None:
    put("ann", "ann.png")
    bos = put("bo", "bo.png")
    listed = files.draft_files(teams.team_learner(learner("cy"), AURORA))
    assert [(item.name, item.uploaded_by, item.student_id) for item in listed] == [
        ("ann.png", "ann", "team:aurora"),
        ("bo.png", "bo", "team:aurora"),
    ]
    assert files.for_download(ITEM, bos.pk, "anon-cy", False, NOW, team=AURORA) == bos
    assert refused(lambda: files.for_download(ITEM, bos.pk, "anon-cy", False, NOW)) == "no_such_file"
    files.remove(teams.team_learner(learner("ann"), AURORA), bos.pk, files.Limits())  # any member may remove
    assert list(ResponseFile.objects.values_list("name", flat=True)) == ["ann.png"]
    assert files.draft_files(learner("ann")) == []  # a member's own draft is not the team's


def test_file_limits_hold_for_the_team_draft_as_a_whole(storage_root: Path) -> None:
    two = files.Limits(max_files=2)
    put("ann", "a.png", two)
    put("bo", "b.png", two)
    assert refused(lambda: put("cy", "c.png", two)) == "too_many_files"


def test_a_file_in_pieces_stays_the_uploaders_and_joins_the_team_draft(storage_root: Path) -> None:
    limits = files.Limits(piece_bytes=100)
    ann, shared = learner("ann"), teams.team_learner(learner("ann"), AURORA)
    upload = files.begin(at(), ann, "figure.png", "A figure", len(PNG), limits, owner=shared)
    for index, offset in enumerate(range(0, len(PNG), 100)):
        piece = PNG[offset : offset + 100]
        files.add_piece(ann, upload.public_id, index, offset, io.BytesIO(piece), len(piece), limits, NOW)
    assert refused(lambda: files.finish(at(), learner("bo"), upload.public_id, limits, owner=shared)) == (
        "no_such_upload"
    )
    added = files.finish(at(), ann, upload.public_id, limits, owner=shared)
    assert added is not None and (added.student_id, added.uploaded_by) == ("team:aurora", "ann")
    assert PartialUpload.objects.get().student_id == "anon-ann"
    assert [item.pk for item in files.draft_files(teams.team_learner(learner("cy"), AURORA))] == [added.pk]
