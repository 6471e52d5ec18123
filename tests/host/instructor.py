"""The instructor dashboard's "Delete learner state" for one learner in one problem, as the LMS calls a block:
lms/djangoapps/instructor/enrollment.py ``reset_student_attempts`` with ``delete_module=True``.

Only what ora_xblock can observe is reproduced: the block the modulestore gives (bound to the requesting staff
member's user service, with no anonymous id or role), the arguments, the grades app's receivers muted around the
call, and who resets the submissions score. No child blocks, no teams.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from submissions import api as submissions_api
from submissions.models import score_reset, score_set

from ora_xblock.block import OraXBlock

from .grades import disconnect_submissions_signal_receiver
from .lms import LmsRuntime, LmsUserService, Problem, anonymous_id_for_user


class StudentModuleDoesNotExist(Exception):
    """lms/djangoapps/courseware/models.py ``StudentModule.DoesNotExist``: the learner has no row of field state
    for the block, which the LMS writes only when the block saves user-scoped fields."""


def modulestore_block(problem: Problem, requesting_user: Any) -> OraXBlock:
    """``modulestore().get_item(usage_key)`` in the LMS: the problem with the modulestore's services, whose user
    service is built for the request's user with no keyword arguments (xmodule/modulestore/django.py
    ``create_modulestore_instance``), so it reports no anonymous id and the role "student"."""
    runtime = LmsRuntime({"user": LmsUserService(requesting_user), "i18n": gettext.NullTranslations()})
    return problem.block_for(runtime)


@contextmanager
def _conditionally_disconnect_submissions_signal_recievers(emit_score_reset: bool) -> Iterator[None]:
    """enrollment.py: the grades app stops listening to ``score_set`` for the call, and to ``score_reset`` too
    when signals and events are not to be emitted."""
    with ExitStack() as stack:
        stack.enter_context(disconnect_submissions_signal_receiver(score_set))
        if not emit_score_reset:
            stack.enter_context(disconnect_submissions_signal_receiver(score_reset))
        yield


def reset_student_attempts(
    problem: Problem, student: Any, requesting_user: Any, *, emit_signals_and_events: bool = True
) -> None:
    """Delete ``student``'s state in ``problem``, as the dashboard (or, with ``emit_signals_and_events=False``,
    the support app's course reset) does.

    The LMS passes the learner's and the staff member's anonymous ids in the course, the course key and the
    problem's usage key as strings; once the block's ``clear_student_state`` has run, the LMS resets no
    submissions score itself. It then deletes the learner's StudentModule row, and raises
    ``StudentModule.DoesNotExist`` (:class:`StudentModuleDoesNotExist`) when there is none.
    """
    course_key = problem.key.course_key
    user_id = anonymous_id_for_user(student, course_key)
    requesting_user_id = anonymous_id_for_user(requesting_user, course_key)
    block = modulestore_block(problem, requesting_user)
    clear_student_state = getattr(block, "clear_student_state", None)
    if callable(clear_student_state):
        with _conditionally_disconnect_submissions_signal_recievers(emit_signals_and_events):
            clear_student_state(
                user_id=user_id,
                course_id=str(course_key),
                item_id=str(problem.key),
                requesting_user_id=requesting_user_id,
            )
    else:
        submissions_api.reset_score(user_id, str(course_key), str(problem.key), emit_signal=emit_signals_and_events)
    if problem.student_modules.pop(student.username, None) is None:  # StudentModule.objects.get(...).delete()
        raise StudentModuleDoesNotExist(f"No StudentModule for {student.username} in {problem.key}")


def delete_learner_state(problem: Problem, student: Any, requesting_user: Any) -> tuple[int, str]:
    """The dashboard's API view (lms/djangoapps/instructor/views/api.py ``reset_student_attempts``): the HTTP
    status and message staff see. It catches only ``StudentModule.DoesNotExist`` (400, "Module does not exist.")
    and edx-submissions' ``SubmissionError``; anything else the block raises becomes a server error."""
    try:
        reset_student_attempts(problem, student, requesting_user)
    except StudentModuleDoesNotExist:
        return 400, "Module does not exist."
    except submissions_api.SubmissionError:
        return 500, "An error occurred while deleting the score."
    return 200, ""
