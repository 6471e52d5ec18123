"""The tracking event of a grade given from the course dashboard: ora2's ``openassessmentblock.staff_assess``,
as the staff area sends it (docs/events.md), sent once the grade is committed.

No block runtime publishes it here, so it goes to the platform's event tracking the way a block's event does: in
the LMS ``EventPublishingService.publish`` (xmodule/services.py) sends it with ``server_track``
(common/djangoapps/track/views) inside a tracker context holding the course's
(``contexts.course_context_from_course_id``) and the user's id, itself inside the handler's context naming the
block (``{"module": {"display_name", "usage_key"}}``, lms/djangoapps/courseware/block_render.py). Outside the
platform nothing is sent.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction

from .. import events
from ..services.common import Problem
from .grading_context import Grader

HANDLER_CONTEXT = "module_callback_handler"  # the name block_render.py gives the block's tracker context


def staff_assessed(request: Any, grader: Grader, problem: Problem, saved: Any, from_queue: bool) -> None:
    """Send ``staff_assess`` for the assessment ``saved`` once it is committed; ``type`` is ora2's
    ``full-grade`` from the queue, ``regrade`` for one learner graded now."""
    data = events.assessed(
        kind=saved.kind,
        submission_uuid=saved.workflow.submission_uuid,
        scorer_id=saved.scorer_id,
        scored_at=saved.created_at,
        feedback=saved.overall_feedback,
        parts=saved.parts,
        rubric=problem.definition.rubric,
    ) | {"type": "full-grade" if from_queue else "regrade"}
    block = {"module": {"display_name": problem.definition.title, "usage_key": saved.workflow.item_id}}
    user = {"user_id": grader.user.id}
    send = partial(_send, request, grader.course_id, events.STAFF_ASSESS, data, user, block)
    transaction.on_commit(send)


def _send(
    request: Any, course_id: str, name: str, data: dict[str, Any], user: dict[str, Any], block: dict[str, Any]
) -> None:
    try:
        from common.djangoapps.track import contexts, views
        from eventtracking import tracker
        from opaque_keys.edx.keys import CourseKey
    except ImportError:
        return
    course = contexts.course_context_from_course_id(CourseKey.from_string(course_id)) | user
    tracking = tracker.get_tracker()
    with tracking.context(HANDLER_CONTEXT, block), tracking.context(name, course):
        views.server_track(request, name, data, page="x_module")
