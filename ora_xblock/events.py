"""Tracking events: edx-ora2's names and payloads, so that analytics built for ora2 read ours unchanged, and our own
richer events (``ORA_XBLOCK_RICH_EVENTS``). Pure Python: each builder takes plain values and returns the payload.

Every field is documented in docs/events.md. Times are ISO 8601 strings, which is what the platform's event
tracking writes for ora2's datetimes. Learners and staff appear only by their anonymous id, as in ora2.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from . import peer
from .definition.model import Rubric

# ora2's events, by the names ora2 gives them
CREATE_SUBMISSION = "openassessmentblock.create_submission"
CREATE_TEAM_SUBMISSION = "openassessmentblock.create_team_submission"
SAVE_SUBMISSION = "openassessmentblock.save_submission"
GET_PEER_SUBMISSION = "openassessmentblock.get_peer_submission"
PEER_ASSESS = "openassessmentblock.peer_assess"
SELF_ASSESS = "openassessmentblock.self_assess"
STAFF_ASSESS = "openassessmentblock.staff_assess"
TRAINING_ASSESS = "openassessment.student_training_assess_example"
UPLOAD_FILE = "openassessment.upload_file"
SUBMIT_FEEDBACK = "openassessmentblock.submit_feedback_on_assessments"

# Ours, sent only where the operator turns ORA_XBLOCK_RICH_EVENTS on
PEER_HANDED_OUT = "ora_xblock.peer.handed_out"
WORKFLOW_STATUS = "ora_xblock.workflow.status"
RESPONSE_WITHDRAWN = "ora_xblock.response.withdrawn"
APPEALED = "ora_xblock.appeal.created"
APPEAL_DECIDED = "ora_xblock.appeal.decided"

SCORE_TYPES = {"peer": "PE", "self": "SE", "staff": "ST"}  # ora2's score_type, by kind of assessment
RANK_NAMES = {
    peer.SHORT_AUTHOR_DONE: "short_author_done",
    peer.SHORT_AUTHOR_STARTED: "short_author_started",
    peer.SHORT_AUTHOR_IDLE: "short_author_idle",
    peer.COVERED_BY_LEASES: "covered_by_leases",
    peer.GRADED: "graded",
}


def create_submission(
    submission_uuid: str, attempt_number: int, created_at: datetime, submitted_at: datetime, answer: Mapping[str, Any]
) -> dict[str, Any]:
    """A learner submitted: the submission as edx-submissions stored it (``answer``: parts and file keys)."""
    return {
        "submission_uuid": submission_uuid,
        "attempt_number": attempt_number,
        "created_at": created_at.isoformat(),
        "submitted_at": submitted_at.isoformat(),
        "answer": dict(answer),
    }


def save_submission(texts: Sequence[str]) -> dict[str, Any]:
    """A learner saved a draft: ``saved_response`` is the JSON text of ``{"parts": [{"text": ...}]}``, as in ora2."""
    return {"saved_response": json.dumps({"parts": [{"text": text} for text in texts]})}


def get_peer_submission(
    requesting_student_id: str, course_id: str, item_id: str, submission_returned_uuid: str | None
) -> dict[str, Any]:
    """A reviewer asked for a response to review; ``submission_returned_uuid`` is None when none was left."""
    return {
        "requesting_student_id": requesting_student_id,
        "course_id": course_id,
        "item_id": item_id,
        "submission_returned_uuid": submission_returned_uuid,
    }


def assessed(
    *,
    kind: str,
    submission_uuid: str,
    scorer_id: str,
    scored_at: datetime,
    feedback: str,
    parts: Sequence[Mapping[str, Any]],
    rubric: Rubric,
) -> dict[str, Any]:
    """A peer, self or staff assessment, shaped as ora2's ``publish_assessment_event``. ``parts`` as stored
    (criterion, option, points, feedback); ``option`` is None for a criterion that takes feedback only."""
    possible = {criterion.name: criterion.max_points for criterion in rubric.criteria}
    return {
        "feedback": feedback,
        "rubric": {"content_hash": rubric_hash(rubric)},
        "scorer_id": scorer_id,
        "score_type": SCORE_TYPES[kind],
        "scored_at": scored_at.isoformat(),
        "submission_uuid": submission_uuid,
        "parts": [
            {
                "option": None if part["option"] is None else {"name": part["option"], "points": part["points"]},
                "criterion": {"name": part["criterion"], "points_possible": possible.get(part["criterion"], 0)},
                "feedback": part["feedback"],
            }
            for part in parts
        ],
    }


def rubric_hash(rubric: Rubric) -> str:
    """The rubric's SHA-1 over its canonical JSON, as ora2's ``content_hash``: a new one whenever it changes."""
    canonical = json.dumps(asdict(rubric), sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(canonical.encode("utf-8"), usedforsecurity=False).hexdigest()


def training_assess(
    submission_uuid: str, options_selected: Mapping[str, Any], corrections: Mapping[str, str]
) -> dict[str, Any]:
    """A learner graded a training sample; ``corrections`` maps each criterion they got wrong to the author's option."""
    return {
        "submission_uuid": submission_uuid,
        "options_selected": dict(options_selected),
        "corrections": dict(corrections),
    }


def upload_file(file_name: str, file_size: int, file_type: str) -> dict[str, Any]:
    """A file reached the learner's draft, checked: ora2's browser event, sent by the server here."""
    return {"fileName": file_name, "fileSize": file_size, "fileType": file_type}


def submit_feedback(submission_uuid: str, feedback_text: str, options: Sequence[str]) -> dict[str, Any]:
    """A learner's feedback on the assessments they received."""
    return {"submission_uuid": submission_uuid, "feedback_text": feedback_text, "options": list(options)}


# Our own events


def peer_handed_out(
    submission_uuid: str, reviewer_id: str, rank: int, reviews_received: int, reviews_load: int
) -> dict[str, Any]:
    """A response was handed to a reviewer, from queue tier ``rank`` (:mod:`ora_xblock.peer`)."""
    return {
        "submission_uuid": submission_uuid,
        "reviewer_id": reviewer_id,
        "rank": rank,
        "rank_name": RANK_NAMES[rank],
        "reviews_received": reviews_received,
        "reviews_load": reviews_load,
    }


def workflow_status(submission_uuid: str, student_id: str, status: str) -> dict[str, Any]:
    """Where a learner's response stands after an action that can move it."""
    return {"submission_uuid": submission_uuid, "student_id": student_id, "status": status}


def response_withdrawn(submission_uuid: str, student_id: str) -> dict[str, Any]:
    """A learner took their response back to edit; the submission is no longer theirs."""
    return {"submission_uuid": submission_uuid, "student_id": student_id}
