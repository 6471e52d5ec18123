"""Answering: drafts, submitting through edx-submissions, and taking a response back to resubmit."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from submissions import api as submissions_api
from submissions.models import Submission

from ..conf import DEFAULTS
from ..definition.dates import parse_grace_period
from ..definition.errors import N_
from ..definition.model import Definition, Necessity, StepName
from ..html import visible_text
from ..models import Draft, ResponseFile, Workflow
from ..workflow import Progress, status
from . import files, notices
from .common import Conflict, Invalid, Learner, NotAllowed, NotFound, Problem, TooLarge
from .peer import initial_placement

MAX_RESPONSE_BYTES = DEFAULTS["ORA_XBLOCK_MAX_RESPONSE_BYTES"]
ANSWERS_CACHE_SECONDS = 24 * 3600  # how long a submitted response's texts stay in the cache


def save_draft(problem: Problem, learner: Learner, answers: object, max_bytes: int = MAX_RESPONSE_BYTES) -> None:
    """Keep the learner's unsent answers; an over-long draft is refused and the stored one kept."""
    texts = _checked_texts(problem.definition, answers, max_bytes)
    with transaction.atomic(savepoint=False):
        if Workflow.objects.filter(item_id=learner.item_id, student_id=learner.student_id).exists():
            raise Conflict("already_submitted", N_("You have already submitted a response."))
        _store_draft(learner, texts, problem)


def submit(
    problem: Problem,
    learner: Learner,
    answers: object,
    max_bytes: int = MAX_RESPONSE_BYTES,
    limits: files.Limits | None = None,
) -> tuple[Workflow, dict[str, Any]]:
    """Create the learner's one submission and workflow; a second submit is refused, not duplicated.

    The draft's files are attached, and each must be in storage. Returns the workflow and the submission as
    edx-submissions' API gives it (for the tracking event).
    """
    definition = problem.definition
    problem.require_open("submission")
    texts = _checked_texts(definition, answers, max_bytes)
    has_text = _require_content(definition, texts)
    with transaction.atomic(savepoint=False):
        # The workflow row goes in first: its unique constraint settles a race between two submits at once
        # (the loser waits for the winner's commit, then is refused) before any submission is created.
        try:
            with transaction.atomic(savepoint=False):
                workflow = Workflow(
                    course_id=learner.course_id,
                    item_id=learner.item_id,
                    student_id=learner.student_id,
                    username=learner.username,
                    submission_uuid=str(uuid.uuid4()),
                    status=status(definition, Progress()).value,
                    submitted_at=problem.now,
                    updated_at=problem.now,
                )
                initial_placement(definition.step(StepName.PEER), workflow)
                workflow.save(force_insert=True)
        except IntegrityError:
            raise Conflict("already_submitted", N_("You have already submitted a response.")) from None
        answer: dict[str, Any] = {"parts": [{"text": text} for text in texts]}
        if definition.file_upload_response is not Necessity.NONE:
            answer |= files.attach(problem, learner, workflow, limits or files.Limits())
            if not has_text and not answer["file_keys"]:
                raise Invalid("response_empty", N_("Write a response or upload a file before you submit."))
        _check_stored_size(answer)  # with the files' keys, names and descriptions
        submission = submissions_api.create_submission(learner.student_item, answer, submitted_at=problem.now)
        workflow.submission_uuid = submission["uuid"]
        workflow.save(update_fields=["submission_uuid"])
        Draft.objects.filter(item_id=learner.item_id, student_id=learner.student_id).delete()
        notices.new_response(problem, learner, workflow)
    return workflow, submission


def withdraw(problem: Problem, learner: Learner) -> str:
    """Take a submitted response back to edit and resubmit, while the problem allows it.

    Allowed only when the problem lets learners resubmit, the response window
    is open, the grace period since submitting has not run out, and nobody
    has assessed the response yet. The answer, and its files, become the draft again. Returns the withdrawn
    submission's uuid.
    """
    definition = problem.definition
    if not definition.allow_learner_resubmissions:
        raise NotAllowed("resubmission_not_allowed", N_("This problem does not allow resubmitting."))
    problem.require_open("submission")
    with transaction.atomic(savepoint=False):
        workflow = Workflow.objects.lock_for(learner.item_id, learner.student_id)
        if workflow is None:
            raise NotFound("not_submitted", N_("You have not submitted a response."))
        grace = definition.resubmissions_grace_period
        if grace and problem.now > workflow.submitted_at + parse_grace_period(grace):
            raise NotAllowed("grace_period_over", N_("The time to resubmit has run out."))
        if workflow.assessments.exists():
            raise Conflict("already_assessed", N_("Your response has already been assessed."))
        _store_draft(learner, submitted_answers(workflow.submission_uuid), problem)
        ResponseFile.objects.filter(workflow=workflow).update(workflow=None)  # back to the draft, not deleted
        workflow.delete()
    return workflow.submission_uuid


def _store_draft(learner: Learner, texts: list[str], problem: Problem) -> None:
    """Update the learner's draft, or create it; the unique constraint keeps it one row."""
    mine = Draft.objects.filter(item_id=learner.item_id, student_id=learner.student_id)
    if not mine.update(answers=texts, updated_at=problem.now):
        Draft.objects.create(
            item_id=learner.item_id, student_id=learner.student_id, answers=texts, updated_at=problem.now
        )


def submitted_answers(submission_uuid: str) -> list[str]:
    """The texts of a submitted response, one per prompt (from the cache, else one query).

    Read from edx-submissions' model, as its API would, but not through ``get_submission``: that call
    turns every warning of the whole process into an error while it runs, then resets the process's warning
    filters (openedx/edx-submissions#278).
    """
    key = f"ora_xblock.answers.{submission_uuid}"  # a submission never changes, so neither does this
    cached = cache.get(key)
    if isinstance(cached, list):
        return cached
    answer = Submission.objects.filter(uuid=submission_uuid).values_list("answer", flat=True).first() or {}
    parts = answer.get("parts", []) if isinstance(answer, dict) else []
    texts = [part.get("text", "") if isinstance(part, dict) else "" for part in parts]
    cache.set(key, texts, ANSWERS_CACHE_SECONDS)
    return texts


def draft_answers(definition: Definition, learner: Learner) -> list[str]:
    """The learner's saved draft, one text per prompt."""
    draft = Draft.objects.filter(item_id=learner.item_id, student_id=learner.student_id).first()
    stored = list(draft.answers) if draft else []
    return [*stored, *[""] * len(definition.prompts)][: len(definition.prompts)]


def _checked_texts(definition: Definition, answers: object, max_bytes: int) -> list[str]:
    if not isinstance(answers, list) or not all(isinstance(text, str) for text in answers):
        raise Invalid("bad_request", N_("Send the answers as a list of texts, one per prompt."))
    if len(answers) != len(definition.prompts):
        raise Invalid("wrong_answer_count", N_("Send one answer per prompt ({count})."), count=len(definition.prompts))
    if definition.text_response is Necessity.NONE and any(text.strip() for text in answers):
        raise Invalid("text_not_allowed", N_("This problem does not take a text response."))
    for number, text in enumerate(answers, start=1):
        if len(text.encode("utf-8")) > max_bytes:
            raise TooLarge(
                "response_too_long",
                N_("Response {number} is longer than {limit} KB. Shorten it and try again; your text is kept."),
                number=number,
                limit=max_bytes // 1000,
            )
    _check_stored_size({"parts": [{"text": text} for text in answers]})
    return answers


def _check_stored_size(answer: dict[str, Any]) -> None:
    """Refuse what edx-submissions would: an answer whose JSON is over ``Submission.MAXSIZE`` characters. Its
    JSON writes each character outside ASCII as six (``\\u00e9``), so text in other alphabets fills it sooner."""
    size = len(json.dumps(answer))
    if size > Submission.MAXSIZE:
        raise TooLarge(
            "response_too_long",
            N_(
                "Your response takes {size} KB to store, more than the {limit} KB a response may take (letters "
                "outside the Latin alphabet take more room). Shorten it and try again; your text is kept."
            ),
            size=-(-size // 1000),
            limit=Submission.MAXSIZE // 1000,
        )


def _require_content(definition: Definition, texts: list[str]) -> bool:
    """Refuse missing required text; returns whether any text was written."""
    rich = definition.rich_text
    filled = [bool(visible_text(text) if rich else text.strip()) for text in texts]
    if definition.text_response is Necessity.REQUIRED and not all(filled):
        raise Invalid("response_required", N_("Answer every prompt before you submit."))
    asks_only_text = definition.file_upload_response is Necessity.NONE
    if definition.text_response is Necessity.OPTIONAL and asks_only_text and not any(filled):
        raise Invalid("response_empty", N_("Write a response before you submit."))
    return any(filled)
