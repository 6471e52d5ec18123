"""Every stable error code a handler answers with: its HTTP status(es) and what it means.

A reply's ``{"error": {"code": ...}}`` is one of these. A service refuses with a kind of
:class:`~ora_xblock.services.common.Refusal` (its status chosen by ``handlers.endpoints.STATUS``), a handler
with ``HandlerError``, the plumbing with ``endpoints._refuse``. tests/unit/test_error_catalogue.py holds this
list against the source and against the "Error codes" table of docs/api.md; the ``errors`` listed inside an
``invalid_definition`` or ``invalid_assessment`` reply are the validator's, documented there separately.
"""

from __future__ import annotations

CODES: dict[str, tuple[tuple[int, ...], str]] = {
    # The plumbing: how a request reaches a handler
    "method_not_allowed": ((405,), "the request is not a POST"),
    "not_json": ((415,), "the body is not sent as Content-Type: application/json"),
    "bad_json": ((400,), "the body is not a JSON object within the size and depth limits"),
    "csrf_header_missing": ((403,), "a multipart upload without the X-CSRFToken header"),
    "no_file": ((400,), "a multipart upload without its file field"),
    "try_again": ((503,), "the database could not be reached; nothing was saved"),
    # Who may act
    "forbidden": ((403,), "the caller may not do this (not course staff, not an author)"),
    "read_only": ((403,), "course staff viewing the course as a learner may look, never act"),
    "sign_in": ((403,), "the caller has no anonymous user id (not signed in, or Studio preview)"),
    "grades_frozen": ((403,), "the course's grades are frozen and can no longer be changed"),
    "no_team": ((403,), "a team problem, and the learner is on no team of its team-set"),
    # The request itself
    "bad_request": ((400,), "a field is missing, of the wrong type, or too long"),
    "bad_filter": ((400,), "a gradebook filter, page or score bound is not one the list offers"),
    "invalid_definition": ((400,), "the problem was not saved: its errors are listed in errors"),
    "invalid_assessment": ((400,), "the assessment is incomplete: its errors are listed in errors"),
    "option_missing": ((400,), "a training answer leaves a criterion without an option"),
    "no_such_problem": ((404,), "the course has no such problem (a rubric to copy, a response to grade)"),
    "rubric_frozen": ((409,), "learners may already have answered, so the rubric can no longer be replaced"),
    # Steps and their windows
    "not_open": ((403,), "the step's window has not opened yet"),
    "closed": ((403,), "the step's window has closed"),
    "not_this_step": ((409,), "the learner is not at this step now"),
    "submit_first": ((403,), "a learner reviews others only after submitting a response"),
    "no_peer_step": ((404,), "the problem has no peer assessment"),
    "cancelled": ((409,), "the response was removed from grading and cannot be graded"),
    # Responses
    "already_submitted": ((409,), "the learner has already submitted a response"),
    "not_submitted": ((404,), "there is no submitted response to act on"),
    "team_already_submitted": ((409,), "the learner's team has already submitted its response"),
    "team_draft_changed": ((409,), "a teammate changed a prompt of the team's draft since the learner loaded it"),
    "response_empty": ((400,), "the response has no text and no file"),
    "response_required": ((400,), "a prompt that needs an answer was left empty"),
    "wrong_answer_count": ((400,), "the answers are not one per prompt"),
    "text_not_allowed": ((400,), "the problem takes no text response"),
    "response_too_long": ((413,), "an answer, or the whole response, is longer than a response may be"),
    "resubmission_not_allowed": ((403,), "the problem does not allow resubmitting"),
    "grace_period_over": ((403,), "the time to resubmit has run out"),
    "already_assessed": ((409,), "the response has already been assessed (by this learner, or at all)"),
    # Feedback on the assessments received
    "feedback_not_open": ((403,), "feedback is taken once the grade is final and peers assessed the response"),
    "feedback_already_given": ((409,), "the learner has already given feedback on these assessments"),
    "feedback_empty": ((400,), "feedback with no statement chosen and no comment"),
    "feedback_too_long": ((400,), "the feedback's comment is longer than 1,000 characters"),
    "unknown_feedback_option": ((400,), "a statement that is not one of ora2's four"),
    "appeals_off": ((403,), "the problem's author turned appeals of peer grades off"),
    "not_peer_graded": ((403,), "the response has no final peer grade to appeal"),
    "staff_graded": ((403,), "course staff gave the grade, which cannot be appealed"),
    "appeal_closed": ((403,), "the window to appeal the grade (appeal_days after it) has closed"),
    "already_appealed": ((409,), "the learner has already appealed this response's grade"),
    "no_appeal": ((404,), "the learner has not appealed their grade"),
    "already_decided": ((409,), "the appeal was already decided (by another member of staff)"),
    "bad_decision": ((400,), "an appeal's decision that is neither uphold nor regrade"),
    # Peer review and the staff queue
    "stale_review": ((409,), "the review being sent is no longer this learner's to submit"),
    "review_expired": ((410,), "the time to submit the review has run out"),
    "queue_busy": ((409,), "others were taking responses from the queue at the same moment"),
    "being_graded": ((409,), "someone else is grading this response"),
    "not_held": ((409,), "the grader no longer holds this response"),
    "lease_expired": ((409,), "the grader's time to grade ran out, so someone else may be grading it"),
    # Files
    "files_not_allowed": ((400,), "the problem takes no files"),
    "file_required": ((400,), "the problem needs a file before submitting"),
    "description_required": ((400,), "a file was sent without a description"),
    "description_too_long": ((400,), "a file's description is longer than 1,000 characters"),
    "file.no_name": ((400,), "the file has no usable name"),
    "file.name_too_long": ((400,), "the file's name is too long"),
    "file.no_extension": ((400,), "the file's name has no extension"),
    "file.type_not_allowed": ((400,), "the file's type is not one the problem accepts"),
    "file.content_mismatch": ((400,), "the file's contents are not what its extension says"),
    "file_too_large": ((413,), "the file is larger than the problem allows"),
    "total_too_large": ((413,), "all files together would be larger than 500 MB"),
    "too_many_files": ((400,), "the response would have more files than allowed"),
    "no_such_file": ((404,), "there is no such file, draft file or upload to confirm"),
    "file_missing": ((404, 409), "a file is missing from storage (404 to download, 409 to submit)"),
    "upload_incomplete": ((400,), "the file did not arrive whole"),
    "storage_unavailable": ((503,), "the file storage is not answering"),
    "no_such_upload": ((404,), "there is no such upload in pieces"),
    "upload_finished": ((409,), "the upload in pieces is finished already"),
    "piece_out_of_order": ((409,), "a piece arrived out of order"),
    "piece_too_large": ((413,), "a piece would make the file larger than announced"),
    "piece_incomplete": ((400,), "a piece is shorter than it must be"),
    "piece_conflict": ((409,), "a piece arrived before with other bytes"),
    "pieces_missing": ((409,), "the upload is finished before all its bytes arrived"),
    # Staff tools
    "no_such_learner": ((404,), "no learner by that name or email has submitted a response here"),
    "reason_required": ((400,), "a grade change or reset without a reason"),
    "bad_scope": ((400,), "a staff grade's scope is neither team nor member"),
    "team_not_graded": ((409,), "one team member's grade changed before the whole team has its grade"),
    "reason_too_long": ((400,), "the reason is longer than 1,000 characters"),
    "comment_required": ((400,), "a response removed from peer grading without a comment"),
    "comment_too_long": ((400,), "the comment is longer than 1,000 characters"),
    "already_cancelled": ((409,), "the response was already removed from peer grading"),
    "nothing_to_reset": ((404,), "the learner has nothing to reset in this problem"),
    "nothing_to_report": ((409,), "nobody has submitted a response (for a zip, a file) yet"),
    "link_expired": ((403,), "a report's download link has expired"),
    "bad_link": ((403,), "a report's download link is not valid for this person"),
    "no_such_report": ((404,), "the report no longer exists"),
}
"""Each code: the HTTP statuses it is answered with, and a one-line meaning (as docs/api.md shows it)."""
