"""A team's shared draft, merged per prompt (docs/decisions/0031-team-responses.md).

One :class:`~ora_xblock.models.Draft` row per team per problem (``student_id`` is ``Team.draft_owner``) keeps
each prompt's text, its revision (how many saves changed it) and the last member who changed it. A member's save
names, per prompt, its text (or None: not changed by them) and the revision it was based on. Under the row lock:
an unchanged or identical text is kept; a text based on the stored revision is written; a text based on an older
one is a conflict for that prompt, and the stored text is kept. Nothing is ever overwritten unseen.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.db import IntegrityError, transaction

from ..definition.errors import N_
from ..definition.model import Definition
from ..models import Draft, TeamResponse
from .common import Conflict, Invalid, Learner, Problem, Team
from .file_checks import TEAM_SUBMITTED
from .responses import MAX_RESPONSE_BYTES, _checked_texts


@dataclass(frozen=True)
class TeamDraft:
    """A team's draft as stored: per prompt its text, revision and last author (a username, "" if never saved);
    ``conflicts`` are the prompts (0-based) the save that returned it refused."""

    texts: list[str]
    revisions: list[int]
    authors: list[str]
    saved_at: datetime | None = None
    conflicts: tuple[int, ...] = ()


def team_learner(learner: Learner, team: Team) -> Learner:
    """The learner acting on the team's draft and its files: the team's draft owner, with the member's username
    (recorded as who uploaded a file)."""
    return replace(learner, student_id=team.draft_owner)


def team_draft(problem: Problem, learner: Learner, team: Team) -> TeamDraft:
    """The learner's team's draft (one query); empty texts at revision 0 before anyone saved."""
    draft = Draft.objects.filter(item_id=learner.item_id, student_id=team.draft_owner).first()
    return stored(problem.definition, draft)


def save_team_draft(
    problem: Problem,
    learner: Learner,
    team: Team,
    answers: object,
    revisions: object,
    max_bytes: int = MAX_RESPONSE_BYTES,
) -> TeamDraft:
    """Merge the member's save into the team's draft and return the draft as stored, with the prompts refused.

    ``answers``: a text per prompt, or None for a prompt the member has not changed; ``revisions``: the revision
    each prompt had when the member last loaded or saved it. Refused once the team has submitted.
    """
    proposed, bases = checked(problem.definition, answers, revisions, max_bytes)
    with transaction.atomic(savepoint=False):
        draft = locked_draft(learner.item_id, team, problem.now)
        refuse_if_submitted(learner.item_id, team)
        current = stored(problem.definition, draft)
        texts, numbers, authors = list(current.texts), list(current.revisions), list(current.authors)
        conflicts = []
        for index, (text, base) in enumerate(zip(proposed, bases, strict=True)):
            if text is None or text == texts[index]:
                continue
            if base != numbers[index]:
                conflicts.append(index)
                continue
            texts[index], numbers[index], authors[index] = text, numbers[index] + 1, learner.username
        if numbers != current.revisions:
            draft.answers, draft.revisions, draft.authors, draft.updated_at = texts, numbers, authors, problem.now
            draft.save(update_fields=["answers", "revisions", "authors", "updated_at"])
        return replace(stored(problem.definition, draft), conflicts=tuple(conflicts))


def checked(
    definition: Definition, answers: object, revisions: object, max_bytes: int
) -> tuple[list[str | None], list[int]]:
    """The answers (None: unchanged) and their base revisions, checked as a learner's draft is."""
    if not isinstance(answers, list):
        raise Invalid("bad_request", N_("Send the answers as a list of texts, one per prompt."))
    _checked_texts(definition, ["" if text is None else text for text in answers], max_bytes)
    count = len(definition.prompts)
    if (
        not isinstance(revisions, list)
        or len(revisions) != count
        or not all(type(number) is int and number >= 0 for number in revisions)
    ):
        raise Invalid("bad_request", N_("Send the revisions as a list of whole numbers, one per prompt."))
    return answers, revisions


def locked_draft(item_id: str, team: Team, now: datetime) -> Draft:
    """The team's draft row, locked for the caller's transaction; created empty on the first save. Two first
    saves at once: the unique (item, owner) keeps one row, and the loser locks the winner's."""
    mine = Draft.objects.select_for_update().filter(item_id=item_id, student_id=team.draft_owner)
    draft = mine.first()
    if draft is None:
        try:
            with transaction.atomic():
                return Draft.objects.create(item_id=item_id, student_id=team.draft_owner, answers=[], updated_at=now)
        except IntegrityError:
            draft = mine.get()
    return draft


def refuse_if_submitted(item_id: str, team: Team) -> None:
    if TeamResponse.objects.filter(item_id=item_id, team_id=team.team_id).exists():
        raise Conflict("team_already_submitted", TEAM_SUBMITTED)


def stored(definition: Definition, draft: Draft | None) -> TeamDraft:
    """The draft's lists, one entry per prompt of the definition as it is now."""
    count = len(definition.prompts)

    def fitted(values: list, blank: object) -> list:
        return [*values, *[blank] * count][:count]

    if draft is None:
        return TeamDraft([""] * count, [0] * count, [""] * count)
    return TeamDraft(
        fitted(list(draft.answers), ""),
        fitted(list(draft.revisions), 0),
        fitted(list(draft.authors), ""),
        draft.updated_at if any(draft.revisions) else None,
    )
