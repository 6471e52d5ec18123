"""Course staff's area inside a problem: overview, one learner, the grading queue, the gradebook and reports.

Each method answers one staff handler: it checks that the viewer is course
staff in the course itself, calls the services, and renders one section of
``staff_area.html``. Learners, anonymous users, beta testers and Studio's
preview are refused before anything is read.
"""

from __future__ import annotations

import re
from typing import Any

from webob import Response

from . import platform, uploads
from .definition.errors import N_
from .definition.model import Necessity
from .handlers import HandlerError, attachment
from .html import answers_html
from .page import Page, refusals
from .presenters import prompt_views
from .services import gradebook, learners, overview, queue, reports, scorers, staff
from .services.audit import Actor
from .templating import render
from .workflow import Status

STATUS_LABELS = {
    Status.TRAINING: N_("In learner training"),
    Status.PEER: N_("Assessing peers"),
    Status.SELF: N_("Assessing their own response"),
    Status.STAFF: N_("Waiting for staff"),
    Status.WAITING: N_("Waiting for peer reviews"),
    Status.DONE: N_("Graded"),
    Status.CANCELLED: N_("Removed from peer grading"),
}
KIND_LABELS = {
    "training": N_("Training"),
    "peer": N_("Peer"),
    "self": N_("Self"),
    "staff": N_("Staff"),
}
ACTION_LABELS = {
    "grade": N_("Graded"),
    "override": N_("Overrode the grade"),
    "cancel": N_("Removed from peer grading"),
    "reset": N_("Reset the learner's state"),
}
MAX_USERNAME = 150  # django.contrib.auth's, as the platform's accounts have it
MAX_QUERY = 254  # the longest email address (Django's EmailField)
SEARCH_TOO_LONG = N_("Search for at most {limit} characters: no username is longer.")
QUERY_TOO_LONG = N_("Enter a username or an email address of at most {limit} characters.")
STEP_FILTERS = (
    ("peer-assessment", N_("Peer grade counts")),
    ("self-assessment", N_("Self grade counts")),
    ("staff-assessment", N_("Staff grade counts")),
)


class StaffArea:
    """One staff request in one problem."""

    def __init__(self, page: Page):
        page.require_staff()
        self.page = page
        self.actor = Actor(page.viewer.anonymous_id or "", page.viewer.username or "")

    # Sections

    def shell(self) -> str:
        """The staff area as the page first shows it: the tools, and the overview."""
        return self._render("shell", work=self._render("overview_section", **self._overview()))

    def overview(self) -> dict[str, Any]:
        return self._answer("overview_section", **self._overview())

    def learner(self, data: dict[str, Any], message: str = "") -> dict[str, Any]:
        """Find a learner by username or email (``query``), or open one (``student_id``)."""
        query = data.get("query")
        student_id = data.get("student_id")
        if query is None and not student_id:
            return self._answer("learner_section", record=None, query="")
        with refusals(self.page):
            if not student_id:
                query = _bounded(_text(query, self.page, "query"), MAX_QUERY, "bad_request", self.page, QUERY_TOO_LONG)
                student_id = learners.find(self.page.item_id, query, platform.usernames_for_email)
            record = learners.record(self.page.problem, self.page.item_id, str(student_id))
        return self._answer("learner_section", record=self._record(record), query=query or "", message=message)

    def grade(self, data: dict[str, Any]) -> dict[str, Any]:
        """Grade or override with the rubric; from the queue, the next response follows."""
        student_id = _text(data.get("student_id"), self.page, "student_id")
        from_queue = bool(data.get("from_queue"))
        with refusals(self.page):
            staff.grade(
                self.page.problem,
                self.page.item_id,
                student_id,
                self.actor,
                data,
                reason=data.get("reason", ""),
                from_queue=from_queue,
            )
        if from_queue:
            return self.queue_next({}, message=self.page._(N_("Grade saved. Here is the next response.")))
        return self.learner(
            {"student_id": student_id},
            message=self.page._(N_("The grade was saved; it is on its way to the gradebook.")),
        )

    def remove(self, data: dict[str, Any]) -> dict[str, Any]:
        student_id = _text(data.get("student_id"), self.page, "student_id")
        with refusals(self.page):
            staff.remove_from_peer_grading(
                self.page.problem, self.page.item_id, student_id, self.actor, data.get("comment", "")
            )
        message = self.page._(N_("The response was removed from peer grading."))
        return self.learner({"student_id": student_id}, message=message)

    def reset(self, data: dict[str, Any]) -> dict[str, Any]:
        student_id = _text(data.get("student_id"), self.page, "student_id")
        with refusals(self.page):
            staff.reset(
                self.page.course_id,
                self.page.item_id,
                student_id,
                self.actor,
                self.page.problem.now,
                data.get("reason", ""),
            )
        message = self.page._(N_("The learner's state was reset: they can answer again."))
        return self._answer("learner_section", record=None, query="", message=message)

    def queue_next(self, data: dict[str, Any], message: str = "") -> dict[str, Any]:
        """Hold the next response waiting for staff for this grader (``skip``: let go of that one first)."""
        skip = data.get("skip")
        with refusals(self.page):
            if skip:
                turn = queue.skip(self.page.item_id, str(skip), self.actor, self.page.problem.now)
            else:
                turn = queue.next_response(self.page.item_id, self.actor, self.page.problem.now)
        work = None
        if turn.workflow is not None:
            work = self._record(learners.record_of(self.page.problem, turn.workflow)) | {
                "escalated": turn.escalated,
                "held_until": turn.lease and turn.lease.expires_at,
            }
        return self._answer("queue_section", turn=work, remaining=turn.remaining, skipped=bool(skip), message=message)

    def queue_release(self, data: dict[str, Any]) -> dict[str, Any]:
        student_id = _text(data.get("student_id"), self.page, "student_id")
        queue.release(self.page.item_id, student_id, self.actor)
        return self.overview() | {"message": self.page._(N_("The response went back to the queue."))}

    def gradebook(self, data: dict[str, Any]) -> dict[str, Any]:
        filters = gradebook.Filters(
            status=_choice(data.get("status"), self.page),
            min_score=_whole(data.get("min_score"), self.page),
            max_score=_whole(data.get("max_score"), self.page),
            step=_choice(data.get("step"), self.page),
            search=_bounded(str(data.get("search") or ""), MAX_USERNAME, "bad_filter", self.page, SEARCH_TOO_LONG),
            include_team=bool(data.get("include_team")),
        )
        number = _whole(data.get("page"), self.page) or 1
        team = () if filters.include_team else platform.course_team(self.page.course_id)
        with refusals(self.page):
            found = gradebook.page(self.page.problem, self.page.item_id, filters, number, team=team)
        criteria = [(c.name, c.display_label) for c in self.page.definition.rubric.criteria]
        return self._answer("gradebook_section", book=found, chosen=filters, criteria=criteria)

    def reports(self, message: str = "") -> dict[str, Any]:
        now = self.page.problem.now
        listed = reports.reports(self.page.item_id, now)  # a report whose worker died is shown failed
        runtime, block = self.page.block.runtime, self.page.block
        links = {
            task.pk: runtime.handler_url(
                block, "staff_report_download", reports.link_token(task, self.actor.anonymous_id, now)
            )
            for task in listed.finished
        }
        return self._answer("reports_section", listed=listed, links=links, message=message)

    def report_start(self, data: dict[str, Any]) -> dict[str, Any]:
        kind = data.get("kind")
        with refusals(self.page):
            reports.start(self.page.course_id, self.page.item_id, str(kind), self.actor.username, self.page.problem.now)
        return self.reports(self.page._(N_("The report is being generated. It appears below when it is ready.")))

    def report_download(self, token: str) -> Response:
        """The report file a signed link names, for the staff member it was made for, within 5 minutes."""
        with refusals(self.page):
            task, stored = reports.download(token, self.page.item_id, self.actor.anonymous_id, self.page.problem.now)
        name = task.file_name.rsplit("/", 1)[-1]
        return attachment(stored, "text/csv", uploads.content_disposition(name, "report.csv"))

    # Helpers

    def _overview(self) -> dict[str, Any]:
        definition = self.page.definition
        zip_url = None
        if definition.file_upload_response is not Necessity.NONE:
            zip_url = self.page.block.runtime.handler_url(self.page.block, "staff_files_zip")
        return {"summary": overview.overview(self.page.item_id), "files_zip_url": zip_url}

    def _record(self, record: learners.LearnerRecord) -> dict[str, Any]:
        """What the templates show of a learner's record; ``scorers``: who gave each assessment received, by id."""
        workflow = record.workflow
        answers = record.state.answers
        return {
            "record": record,
            "workflow": workflow,
            "username": workflow.username or workflow.student_id[:8],
            "scorers": scorers.scorer_names(workflow, record.state.received, record.history),
            "answers": answers,
            "answers_html": answers_html(answers, self.page.definition.rich_text),
            "files": [self.page._file_view(item, item.name) for item in record.files],
        }

    def _answer(self, section: str, message: str = "", **context: Any) -> dict[str, Any]:
        return {"html": self._render(section, **context), "message": message}

    def _render(self, section: str, **context: Any) -> str:
        labels = {"status": STATUS_LABELS, "kind": KIND_LABELS, "action": ACTION_LABELS}
        return render(
            "staff_area.html",
            section=section,
            uid=self.page.block.dom_id,
            rubric=self.page.definition.rubric,
            labels={name: {key: self.page._(text) for key, text in table.items()} for name, table in labels.items()},
            statuses=list(Status),
            now=self.page.problem.now,
            dates=self.page.dates,
            prompts=prompt_views(self.page.definition, self.page.author_html),
            step_filters=[(value, self.page._(text)) for value, text in STEP_FILTERS],
            **context,
            **self.page._helpers(),
        )


def _text(value: object, page: Page, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise HandlerError(400, "bad_request", page._(N_("Send {key} as text.")).format(key=key))
    return value


def _whole(value: object, page: Page) -> int | None:
    """A whole number from a form field (text or number); empty means none."""
    if value in (None, ""):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]{1,9}\s*", value):
        return int(value)
    raise HandlerError(400, "bad_filter", page._(N_("Enter whole numbers for the page and scores.")))


def _bounded(text: str, limit: int, code: str, page: Page, message: str) -> str:
    """``text``, refused past ``limit`` characters: longer than any username or email it could find (and, on
    SQLite, than a LIKE pattern may be)."""
    if len(text.strip()) > limit:
        raise HandlerError(400, code, page._(message).format(limit=limit))
    return text


def _choice(value: object, page: Page) -> str | None:
    """A filter chosen from a list: text, or empty for any."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise HandlerError(400, "bad_filter", page._(N_("Choose the status and step from their lists.")))
    return value
