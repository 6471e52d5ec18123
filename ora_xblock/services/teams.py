"""Team problems, learner side: the shared draft, submitting for the team, joining after, taking it back.

One response per team (docs/decisions/0031-team-responses.md): a :class:`~ora_xblock.models.TeamResponse`, and
for every member the team's submission counts for, their own workflow (their gradebook row). The submitter's row
is the one staff grade; the others share it. edx-submissions gets one team submission and one submission per
member (``submissions.team_api``), which is what the platform's gradebook and reports read.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, transaction
from submissions import api as submissions_api
from submissions import team_api
from submissions.models import DELETED, Submission, TeamSubmission

from ..definition.dates import parse_grace_period
from ..definition.errors import N_
from ..definition.model import Definition, Necessity
from ..models import Assessment, Draft, ResponseFile, TeamResponse, Workflow
from ..workflow import Progress, status
from . import files, grades, notices, responses
from .assessments import copied
from .common import Conflict, Invalid, Learner, NotAllowed, NotFound, Problem, Team
from .file_checks import TEAM_SUBMITTED
from .responses import MAX_RESPONSE_BYTES, _check_stored_size, _require_content, submitted_answers
from .team_drafts import TeamDraft, checked, save_team_draft, stored, team_draft, team_learner

__all__ = [
    "TeamDraft",
    "join_submitted",
    "member_rows",
    "response_of",
    "save_team_draft",
    "submit_team",
    "submitter_of",
    "team_draft",
    "team_learner",
    "withdraw_team",
]
ALREADY_SUBMITTED = N_("You have already submitted a response.")


def submit_team(
    problem: Problem,
    learner: Learner,
    team: Team,
    answers: object,
    revisions: object,
    max_bytes: int = MAX_RESPONSE_BYTES,
    limits: files.Limits | None = None,
) -> tuple[Workflow, dict[str, Any]]:
    """Submit the team's response, for every member; returns the submitter's workflow and the team submission as
    ``team_api`` gives it (for the tracking event).

    ``answers`` and ``revisions`` as :func:`save_team_draft` takes them: a prompt a teammate changed since the
    member saw it is refused (``team_draft_changed``), never overwritten. The team's draft files are attached.
    """
    definition = problem.definition
    problem.require_open("submission")
    proposed, bases = checked(definition, answers, revisions, max_bytes)
    with transaction.atomic(savepoint=False):
        # The team's row goes in first: its unique constraint settles two members submitting at once (the loser
        # waits for the winner's commit, then is refused) before anything else is written.
        response = _inserted(
            TeamResponse(
                course_id=learner.course_id,
                item_id=learner.item_id,
                team_id=team.team_id,
                team_name=team.name,
                team_submission_uuid=str(uuid.uuid4()),
                submitter_id=learner.student_id,
                submitted_by_username=learner.username,
                submitted_at=problem.now,
            ),
            Conflict("team_already_submitted", TEAM_SUBMITTED),
        )
        workflow = _inserted(_row(problem, learner.student_id, learner.username, response, False), _already())
        draft = Draft.objects.select_for_update().filter(item_id=learner.item_id, student_id=team.draft_owner).first()
        texts = _texts(definition, draft, proposed, bases)
        has_text = _require_content(definition, texts)
        answer: dict[str, Any] = {"parts": [{"text": text} for text in texts]}
        if definition.file_upload_response is not Necessity.NONE:
            answer |= files.attach(problem, team_learner(learner, team), workflow, limits or files.Limits())
            if not has_text and not answer["file_keys"]:
                raise Invalid("response_empty", N_("Write a response or upload a file before you submit."))
        _check_stored_size(answer)  # with the files' keys, names and descriptions
        made = team_api.create_submission_for_team(
            learner.course_id,
            learner.item_id,
            team.team_id,
            learner.user_id,
            list(team.member_ids),
            answer,
            submitted_at=problem.now,
            item_type=learner.item_type,
        )
        response.team_submission_uuid = str(made["team_submission_uuid"])
        response.save(update_fields=["team_submission_uuid"])
        uuids = dict(
            Submission.objects.filter(team_submission__uuid=response.team_submission_uuid).values_list(
                "student_item__student_id", "uuid"
            )
        )
        if learner.student_id not in uuids:  # edx-submissions counts them in another team's response
            raise _already()
        workflow.submission_uuid = str(uuids.pop(learner.student_id))
        workflow.save(update_fields=["submission_uuid"])
        _add_members(problem, team, response, uuids)
        if draft is not None:
            draft.delete()
        notices.new_response(problem, learner, workflow)
    return workflow, made


def join_submitted(problem: Problem, learner: Learner, team: Team) -> Workflow | None:
    """Give a learner who joined the team after it submitted the team's response, and its grade if it has one
    (published once committed); None when the team has not submitted or the learner has a workflow here."""
    response = TeamResponse.objects.filter(item_id=learner.item_id, team_id=team.team_id).first()
    if response is None or Workflow.objects.filter(item_id=learner.item_id, student_id=learner.student_id).exists():
        return None
    with transaction.atomic(savepoint=False):
        try:
            workflow = _inserted(_row(problem, learner.student_id, learner.username, response, True), _already())
        except Conflict:  # the same learner, in another tab, at once
            return None
        submitter = submitter_of(response)
        answer = Submission.objects.filter(uuid=submitter.submission_uuid).values_list("answer", flat=True).first()
        made = submissions_api.create_submission(
            learner.student_item,
            answer,
            submitted_at=response.submitted_at,
            team_submission=TeamSubmission.get_team_submission_by_uuid(response.team_submission_uuid),
        )
        workflow.submission_uuid = made["uuid"]
        workflow.save(update_fields=["submission_uuid"])
        staff = submitter.assessments.filter(kind=Assessment.Kind.STAFF).order_by("created_at", "id")
        Assessment.objects.bulk_create(copied(given, workflow) for given in staff)
        grades.advance(problem, workflow)
    return workflow


def withdraw_team(problem: Problem, learner: Learner) -> str:
    """Take the team's response back for the team to edit and resubmit, under a learner's rules
    (:func:`ora_xblock.services.responses.withdraw`): the answers and files return to the team's draft, every
    member's workflow goes, and edx-submissions' team submission is set aside so that the team may submit again.
    Returns the team submission's uuid."""
    definition = problem.definition
    if not definition.allow_learner_resubmissions:
        raise NotAllowed("resubmission_not_allowed", N_("This problem does not allow resubmitting."))
    problem.require_open("submission")
    with transaction.atomic(savepoint=False):
        mine = Workflow.objects.filter(item_id=learner.item_id, student_id=learner.student_id)
        found = list(mine.values_list("team_response_id", flat=True)[:1])
        if found == [None]:  # answered alone, before the problem was a team problem
            return responses.withdraw(problem, learner)
        members = list(Workflow.objects.select_for_update().filter(team_response_id__in=found).order_by("pk"))
        if learner.student_id not in {row.student_id for row in members}:
            raise NotFound("not_submitted", N_("You have not submitted a response."))
        team_response_id = members[0].team_response_id
        response = TeamResponse.objects.get(pk=team_response_id)
        grace = definition.resubmissions_grace_period
        if grace and problem.now > response.submitted_at + parse_grace_period(grace):
            raise NotAllowed("grace_period_over", N_("The time to resubmit has run out."))
        if Assessment.objects.filter(workflow__in=members).exists():
            raise Conflict("already_assessed", N_("Your team's response has already been assessed."))
        submitter = next(row for row in members if not row.shares_response)
        owner = Team(team_id=response.team_id, name=response.team_name, member_ids=()).draft_owner
        Draft.objects.filter(item_id=learner.item_id, student_id=owner).delete()
        texts = submitted_answers(submitter.submission_uuid)
        Draft.objects.create(
            item_id=learner.item_id,
            student_id=owner,
            answers=texts,
            revisions=[1] * len(texts),
            authors=[submitter.username] * len(texts),
            updated_at=problem.now,
        )
        ResponseFile.objects.filter(workflow=submitter).update(workflow=None)  # back to the team's draft
        team_submission = TeamSubmission._objects.filter(uuid=response.team_submission_uuid)
        Submission._objects.filter(team_submission__in=team_submission).update(status=DELETED)  # one statement
        team_submission.update(status=DELETED)
        Workflow.objects.filter(pk__in=[row.pk for row in members]).delete()  # with their rows, as a learner's
        response.delete()
    return response.team_submission_uuid


def workflow_of(learner: Learner) -> Workflow | None:
    """The learner's own workflow in the problem (a member's row of their team's response), if any (one query)."""
    return Workflow.objects.filter(item_id=learner.item_id, student_id=learner.student_id).first()


def team_response(item_id: str, team: Team) -> TeamResponse | None:
    """The team's response to the problem, if it has submitted one (one query)."""
    return TeamResponse.objects.filter(item_id=item_id, team_id=team.team_id).first()


def response_of(workflow: Workflow) -> TeamResponse | None:
    """The team response the workflow counts for, to name the team the learner answered with (one query)."""
    if workflow.team_response_id is None:
        return None
    return TeamResponse.objects.filter(pk=workflow.team_response_id).first()


def submitter_of(team_response: TeamResponse) -> Workflow:
    """The workflow of the member who submitted: the one staff grade (one query)."""
    return Workflow.objects.get(team_response=team_response, shares_response=False)


def member_rows(team_response: TeamResponse) -> list[Workflow]:
    """Every member's workflow in the team response, by username (one query)."""
    return list(Workflow.objects.filter(team_response=team_response).order_by("username_lower", "id"))


def _texts(definition: Definition, draft: Draft | None, proposed: list[str | None], bases: list[int]) -> list[str]:
    """The texts to submit: the member's, or the stored one where they send None; a prompt a teammate changed
    since the member's base is refused."""
    current = stored(definition, draft)
    texts = []
    for index, (text, base) in enumerate(zip(proposed, bases, strict=True)):
        if text is not None and text != current.texts[index] and base != current.revisions[index]:
            author = current.authors[index]
            template = (
                N_("Prompt {number} was changed by {teammate} since you loaded it. Read their text, then submit again.")
                if author
                else N_("Prompt {number} was changed by a teammate since you loaded it. Read it, then submit again.")
            )
            raise Conflict("team_draft_changed", template, number=index + 1, teammate=author)
        texts.append(current.texts[index] if text is None else text)
    return texts


def _row(problem: Problem, student_id: str, username: str, response: TeamResponse, shares: bool) -> Workflow:
    """A member's new workflow in the team's response, at the first status of the problem."""
    return Workflow(
        course_id=response.course_id,
        item_id=response.item_id,
        student_id=student_id,
        username=username,
        username_lower=username.lower(),
        submission_uuid=str(uuid.uuid4()),
        status=status(problem.definition, Progress()).value,
        submitted_at=response.submitted_at,
        updated_at=problem.now,
        peer_tiebreak=response.submitted_at.timestamp(),
        team_response=response,
        shares_response=shares,
    )


def _add_members(problem: Problem, team: Team, response: TeamResponse, uuids: dict[str, Any]) -> None:
    """The other members' workflows, in one statement; those edx-submissions left out (they answered with
    another team), or who have a workflow here already, get none."""
    names = dict(zip(team.member_ids, team.member_names, strict=False))
    taken = set(
        Workflow.objects.filter(item_id=response.item_id, student_id__in=list(uuids)).values_list(
            "student_id", flat=True
        )
    )
    rows = [_row(problem, member, names.get(member, ""), response, True) for member in uuids if member not in taken]
    for row in rows:
        row.submission_uuid = str(uuids[row.student_id])
    Workflow.objects.bulk_create(rows)


def _inserted(row: Any, refusal: Conflict) -> Any:
    """Insert the row on its own savepoint; a unique constraint it breaks refuses with ``refusal``."""
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        raise refusal from None
    return row


def _already() -> Conflict:
    return Conflict("already_submitted", ALREADY_SUBMITTED)
