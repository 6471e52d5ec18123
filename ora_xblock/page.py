"""The learner's and staff's page in one block: who is asking, which service to call, what to show back.

The block's handlers are one line each and call this; services do the work
in a transaction, and the page answers with the re-rendered content so
that the browser shows exactly what the server decided.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from webob import Response

from . import platform, uploads
from .definition.model import Necessity, PeerStep, StepName, TrainingStep
from .definition.olx import to_olx
from .handlers import HandlerError, attachment
from .html import answers_html, clean_author_html
from .look_through import look_through_context
from .models import PeerLease
from .peer import LeasePolicy
from .presenters import learner_context, prompt_views, score_notice, student_context, without_score
from .services import assessments, files, overdue, peer, responses, top, training
from .services.common import Learner, Problem, Refusal
from .services.state import LearnerState, learner_state, submitted_state
from .templating import render
from .workflow import Status, Window


class Page:
    """One request's view of one block."""

    def __init__(self, block: Any):
        self.block = block
        self.definition = block.definition
        self.viewer = platform.viewer(block)
        self.i18n = platform.translations(block)
        self.problem = Problem(
            self.definition,
            platform.now(),
            platform.host_dates(block, self.viewer.is_beta_tester),
            self.definition.step(StepName.PEER) is not None and platform.course_forces_flexible(block),
        )
        self.item_id = platform.item_id(block)
        self.course_id = platform.course_id(block)
        self.dates = platform.reader(block, self.problem.now, self.viewer)  # every date shown, as this person reads it

    # Who is asking

    @property
    def learner(self) -> Learner | None:
        if not self.viewer.anonymous_id or platform.in_studio_preview(self.block):
            return None
        return Learner(
            course_id=self.course_id,
            item_id=self.item_id,
            student_id=self.viewer.anonymous_id,
            item_type=self.block.scope_ids.block_type,
            username=self.viewer.username or "",
        )

    def require_learner(self) -> Learner:
        """The learner, for an action that changes their work; staff viewing as them are refused."""
        if self.read_only:
            raise HandlerError(
                403, "read_only", self._("You are viewing this course as another learner: you can look, not act.")
            )
        learner = self.learner
        if learner is None:
            raise HandlerError(403, "sign_in", self._("Sign in to answer this problem."))
        return learner

    @property
    def read_only(self) -> bool:
        """Course staff viewing the course as this learner: they see the learner's page and change nothing."""
        return self.viewer.masquerading

    @property
    def staff_here(self) -> bool:
        """Whether the viewer is course staff in the course itself (not Studio's preview)."""
        viewer = self.viewer
        in_preview = platform.in_studio_preview(self.block)
        return viewer.can_author and bool(viewer.anonymous_id) and not (viewer.masquerading or in_preview)

    def require_staff(self) -> None:
        if not self.staff_here:
            raise HandlerError(403, "forbidden", self._("Only course staff can do this."))

    # Rendering

    def content(
        self,
        state: LearnerState | None = None,
        review: PeerLease | None = None,
        training_result: list[str] | None = None,
    ) -> str:
        """The inside of the learner's page.

        ``state`` is the learner's state when the caller has just made it; ``review`` the lease the
        learner is reviewing; ``training_result`` the criteria their last training attempt got wrong.
        """
        learner = self.learner
        if state is None:
            state = learner_state(self.problem, learner) if learner else LearnerState(status=None, answers=[])
        if learner and not self.read_only and overdue.on_view(self.problem, self.item_id, state.workflow):
            state = learner_state(self.problem, learner)  # seven days without peers: graded or sent to staff now
        context = student_context(self.definition, self._, self.author_html)
        context |= learner_context(self.problem, state, self._, self.dates)
        context |= self._peer_context(state, review) | self._training_context(state, training_result)
        context |= self._files_context(learner, state)
        context["top_responses"] = self._top_responses(state)
        context["look_through"] = self._look_through()
        context |= self._score_display(context["grade"])
        if learner is None:
            context["answers"] = [""] * len(self.definition.prompts)
        return render("learner.html", **context, uid=self.block.dom_id, **self._helpers())

    def _score_display(self, grade: dict[str, Any] | None) -> dict[str, Any]:
        """The grade as the viewer may see it now (the inherited ``show_correctness``), and whether course staff
        should be told that the course's grades are frozen."""
        rule, due = platform.show_correctness(self.block)
        notice = score_notice(rule, due, self.problem.now, self.viewer.can_author, self._, self.dates)
        return {
            "grade": without_score(grade) if grade and notice else grade,
            "score_notice": notice,
            "grades_frozen": self.staff_here and platform.grades_frozen(self.course_id, self.block),
        }

    def staff_shell(self) -> str:
        """The staff area under the learner's page, for course staff in the course (not Studio's preview)."""
        if not self.staff_here:
            return ""
        from .staff_area import StaffArea

        return StaffArea(self).shell()

    def view(self, state: LearnerState | None = None) -> dict[str, str]:
        return {"html": self.content(state=state)}

    def author_html(self, markup: str) -> str:
        """The author's markup (HTML prompts, rich-text training samples) as the page shows it, in views and
        handlers alike: sanitised, then its course links rewritten by the host (``platform.rewrite_urls``).
        Rewriting comes last, so the sanitiser cannot undo it and the browser gets the URL the host made."""
        return platform.rewrite_urls(self.block, clean_author_html(markup))

    # Actions

    def save_draft(self, data: dict[str, Any]) -> dict[str, Any]:
        with refusals(self):
            responses.save_draft(self.problem, self.require_learner(), data.get("answers"), self._max_bytes())
        self.block.has_worked_here = True
        return {"saved_at": self.problem.now.isoformat()}

    def submit(self, data: dict[str, Any]) -> dict[str, Any]:
        answers = data.get("answers")
        with refusals(self):
            workflow = responses.submit(
                self.problem, self.require_learner(), answers, self._max_bytes(), self._limits()
            )
            overdue.remember(
                self.problem, self.item_id, self.course_id, self.block.definition_olx or to_olx(self.definition)
            )
        self.block.has_worked_here = True
        self._publish_completion(workflow.status)
        return self.view(submitted_state(self.problem, workflow, received=[], answers=answers))

    def withdraw(self) -> dict[str, Any]:
        with refusals(self):
            responses.withdraw(self.problem, self.require_learner())
        return self.view()

    def self_assess(self, data: dict[str, Any]) -> dict[str, Any]:
        with refusals(self):
            workflow, received = assessments.self_assess(self.problem, self.require_learner(), data)
        self._publish_completion(workflow.status)
        return self.view(submitted_state(self.problem, workflow, received=received))

    def peer_next(self) -> dict[str, Any]:
        """Hand the learner a response to review (or resume the one they hold)."""
        with refusals(self):
            lease = peer.next_review(self.problem, self.require_learner(), self._lease_policy())
        message = None if lease else self._("No response is waiting for a review right now. Check back later.")
        return {"html": self.content(review=lease), "message": message}

    def peer_assess(self, data: dict[str, Any]) -> dict[str, Any]:
        """Record the review, then hand out the next response while the learner still owes reviews."""
        lease_id = data.get("lease_id")
        learner = self.require_learner()
        with refusals(self):
            workflow = peer.peer_assess(self.problem, learner, _number(lease_id), data)
            # Only while the step is open: next_review refuses after the due date, which would roll back the review.
            owes = workflow.status == Status.PEER and self.problem.windows[StepName.PEER].state is Window.OPEN
            following = peer.next_review(self.problem, learner, self._lease_policy()) if owes else None
        self._publish_completion(workflow.status)
        return {"html": self.content(review=following)}

    def training_assess(self, data: dict[str, Any]) -> dict[str, Any]:
        with refusals(self):
            differing = training.training_assess(self.problem, self.require_learner(), data.get("options_selected"))
        return {"html": self.content(training_result=differing), "matched": not differing}

    def upload_file(self, filename: str, description: object, stream: Any, size: int) -> dict[str, Any]:
        with refusals(self):
            files.upload(self.problem, self.require_learner(), filename, description, stream, size, self._limits())
        return self.view()

    def upload_start(self, data: dict[str, Any]) -> dict[str, Any]:
        """A presigned form when the storage takes uploads directly, else ``{"direct": None}``; and the
        largest piece one request may carry (bigger files go through :meth:`upload_begin`)."""
        limits = self._limits()
        with refusals(self):
            form = files.direct_upload(
                self.problem,
                self.require_learner(),
                str(data.get("filename", "")),
                data.get("description"),
                data.get("size"),
                limits,
            )
        return {"direct": form, "piece_bytes": limits.piece_bytes}

    def upload_begin(self, data: dict[str, Any]) -> dict[str, Any]:
        limits = self._limits()
        with refusals(self):
            upload = files.begin(
                self.problem,
                self.require_learner(),
                str(data.get("filename", "")),
                data.get("description"),
                data.get("size"),
                limits,
            )
        return {"upload_id": upload.public_id, "piece_bytes": upload.piece_bytes, "next_index": 0}

    def upload_piece(self, form: dict[str, str], stream: Any, size: int) -> dict[str, Any]:
        index, offset = _number(form.get("index")), _number(form.get("offset"))
        learner, limits, now = self.require_learner(), self._limits(), self.problem.now
        with refusals(self):
            upload = files.add_piece(
                learner, form.get("upload_id"), index, offset, stream, size, limits, now, problem=self.problem
            )
        return {"next_index": upload.next_index, "received": upload.received}

    def upload_finish(self, data: dict[str, Any]) -> dict[str, Any]:
        with refusals(self):
            files.finish(self.problem, self.require_learner(), data.get("upload_id"), self._limits())
        return self.view()

    def upload_abort(self, data: dict[str, Any]) -> dict[str, Any]:
        with refusals(self):
            files.abort(self.require_learner(), data.get("upload_id"), self._limits())
        return {"aborted": True}

    def upload_confirm(self, data: dict[str, Any]) -> dict[str, Any]:
        with refusals(self):
            files.confirm(self.problem, self.require_learner(), _number(data.get("file_id")), self._limits())
        return self.view()

    def remove_file(self, data: dict[str, Any]) -> dict[str, Any]:
        with refusals(self):
            files.remove(self.require_learner(), _number(data.get("file_id")), self._limits())
        return self.view()

    def download(self, file_id: str) -> Response:
        """A file as an attachment, for its author, a peer reviewing it, or staff; never sniffed or shown inline."""
        viewer = self.viewer
        with refusals(self):
            item = files.for_download(
                self.item_id, _number(file_id) or 0, viewer.anonymous_id, viewer.can_author, self.problem.now
            )
            stored = files.open_to_send(item, self._limits())
        neutral = f"file.{item.extension}"  # what peers see: nothing of the author's own file name
        own_or_staff = viewer.can_author or item.student_id == viewer.anonymous_id
        disposition = uploads.content_disposition(item.name if own_or_staff else neutral, neutral)
        return attachment(stored, item.content_type, disposition, item.size)

    def files_zip(self) -> Response:
        """Staff only: every submitted file of the problem in one zip, a folder per learner."""
        self.require_staff()
        with refusals(self):
            archive = files.zip_of_problem(self.item_id, self._limits())
        return attachment(archive, "application/zip", uploads.content_disposition("ora-files.zip", "ora-files.zip"))

    def _limits(self) -> files.Limits:
        return files.Limits(
            max_file_bytes=int(platform.setting("ORA_XBLOCK_MAX_FILE_MB", 100)) * 10**6,
            max_files=int(platform.setting("ORA_XBLOCK_MAX_FILES", 20)),
            extra_prohibited=platform.extra_prohibited_extensions(),
            storage_alias=platform.setting("ORA_XBLOCK_FILE_STORAGE", "default"),
            # Under the LMS's per-request file limit (block_render.py _check_files_limits) and the proxy's cap.
            piece_bytes=uploads.piece_bytes(
                int(platform.setting("ORA_XBLOCK_UPLOAD_CHUNK_BYTES", uploads.DEFAULT_PIECE_BYTES)),
                platform.setting("STUDENT_FILEUPLOAD_MAX_SIZE", None),
            ),
        )

    # Peer and training pieces of the page

    def _peer_context(self, state: LearnerState, review: PeerLease | None) -> dict[str, Any]:
        step = self.definition.step(StepName.PEER)
        if not isinstance(step, PeerStep) or state.workflow is None or self.learner is None:
            return {"peer": None}
        if review is None and state.status is Status.PEER:
            review = peer.current_lease(self.learner)
        done = state.workflow.peers_assessed
        view: dict[str, Any] = {
            "done": done,
            "required": step.must_grade,
            "can_continue": state.status in (Status.SELF, Status.STAFF, Status.WAITING, Status.DONE),
            "window": self.problem.windows[StepName.PEER].state.value,
            "review": None,
        }
        if review is not None:
            answers = submitted_state(self.problem, review.workflow, received=[]).answers
            view["review"] = {
                "lease_id": review.pk,
                "answers": answers,
                "answers_html": answers_html(answers, self.definition.rich_text),
                "files": [
                    self._file_view(
                        item, self._("File {number} (.{extension})").format(number=number, extension=item.extension)
                    )
                    for number, item in enumerate(review.workflow.files.order_by("uploaded_at", "id"), start=1)
                ],
            }
        return {"peer": view}

    def _files_context(self, learner: Learner | None, state: LearnerState) -> dict[str, Any]:
        """The learner's files: the draft's before submitting, the submitted ones after."""
        definition = self.definition
        if definition.file_upload_response is Necessity.NONE:
            return {"files": None}
        limits = self._limits()
        allowed = uploads.allowed_extensions(definition.file_upload_type, definition.white_listed_file_types)
        if learner is None:
            listed: list[Any] = []
        elif state.workflow is None:
            listed = files.draft_files(learner)
        else:
            listed = list(state.workflow.files.order_by("uploaded_at", "id"))
        return {
            "files": {
                "required": definition.file_upload_response is Necessity.REQUIRED,
                "allowed": ", ".join(f".{extension}" for extension in allowed),
                "accept": ",".join(f".{extension}" for extension in allowed),
                "max_files": limits.max_files if definition.allow_multiple_files else 1,
                "max_file_mb": limits.max_file_bytes // 10**6,
                "items": [self._file_view(item, item.name) for item in listed],
            }
        }

    def _file_view(self, item: Any, shown_name: str) -> dict[str, Any]:
        return {
            "id": item.pk,
            "name": shown_name,
            "description": item.description,
            "size_kb": max(1, item.size // 1000),
            "url": self.block.runtime.handler_url(self.block, "download_file", str(item.pk)),
        }

    def _training_context(self, state: LearnerState, result: list[str] | None) -> dict[str, Any]:
        if state.status is not Status.TRAINING or state.workflow is None:
            return {"training": None}
        current = training.current_example(self.problem, state.workflow)
        step = self.definition.step(StepName.TRAINING)
        if current is None or not isinstance(step, TrainingStep):
            return {"training": None}
        number, example = current
        labels = {criterion.name: criterion.display_label for criterion in self.definition.rubric.criteria}
        rich = self.definition.rich_text  # a sample is written as the learners write: HTML in a rich-text problem
        return {
            "training": {
                "number": number,
                "count": len(step.examples),
                "answers": list(example.answer),
                "answers_html": [self.author_html(text) if rich else None for text in example.answer],
                "differing": [labels.get(name, name) for name in result or []],
                "passed_previous": result == [] and number > 1,
            }
        }

    def _look_through(self) -> str:
        """Course staff only: every step as learners meet it, whatever the dates; read-only (see look_through)."""
        if not self.staff_here:
            return ""
        context = look_through_context(self.problem, self.i18n, self.author_html, self.dates)
        return render("look_through.html", **context, **self._helpers())

    def _top_responses(self, state: LearnerState) -> str:
        """The best responses in the problem, once the learner has finished every step."""
        count = self.definition.leaderboard_show
        rows = top.top_responses(self.problem, self.item_id, count) if state.status is Status.DONE and count else []
        if not rows:
            return ""
        prompts = prompt_views(self.definition, self.author_html)
        return render("top_responses.html", responses=rows, prompts=prompts, uid=self.block.dom_id, **self._helpers())

    # Helpers

    def _(self, message: str) -> str:
        return str(self.i18n.gettext(message))

    def _helpers(self) -> dict[str, Any]:
        return {"_": self.i18n.gettext, "ngettext": self.i18n.ngettext}

    def _lease_policy(self) -> LeasePolicy:
        return LeasePolicy(
            blocks_for=timedelta(minutes=platform.setting("ORA_XBLOCK_PEER_LEASE_BLOCK_MINUTES", 60)),
            valid_for=timedelta(hours=platform.setting("ORA_XBLOCK_PEER_LEASE_VALID_HOURS", 8)),
        )

    def _max_bytes(self) -> int:
        return int(platform.setting("ORA_XBLOCK_MAX_RESPONSE_BYTES", responses.MAX_RESPONSE_BYTES))

    def _publish_completion(self, status: str) -> None:
        """Completion is marked once the learner has nothing left to do."""
        if status in ("staff", "waiting", "done"):
            self.block.runtime.publish(self.block, "completion", {"completion": 1.0})


@contextmanager
def refusals(page: Page) -> Iterator[None]:
    """Turn a service's :class:`Refusal` into the handler's translated 4xx error."""
    try:
        yield
    except Refusal as refusal:
        params = {  # a moment in a refusal (a window's opening or closing) as the person reads dates
            key: page.dates.text(value) if isinstance(value, datetime) else value
            for key, value in refusal.params.items()
        }
        message = page._(refusal.template).format(**params)
        errors = [error.as_dict(page._) for error in refusal.errors]
        raise HandlerError(refusal.status, refusal.code, message, **({"errors": errors} if errors else {})) from None


def _number(value: object) -> int | None:
    """An id sent as a JSON number or as digits (hidden form fields send text)."""
    if isinstance(value, str) and re.fullmatch("[0-9]{1,18}", value):
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None
