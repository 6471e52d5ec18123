"""One request's context: who asks, about which problem, when, and through which host services.

Built once per request by the block and handed to every handler and view; each part is read from the host
the first time it is needed, so that a handler pays only for what it uses.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db import transaction

from .. import events, platform, uploads
from ..conf import ora_settings
from ..definition.errors import N_
from ..definition.model import Definition, StepName
from ..html import clean_author_html
from ..services.common import Learner, NotAllowed, Problem, Team
from ..services.files import Limits
from ..when import Reader
from .endpoints import HandlerError


class Request:
    """One request to one block."""

    def __init__(self, block: Any):
        self.block = block

    # Which problem, and when

    @cached_property
    def definition(self) -> Definition:
        return self.block.definition  # type: ignore[no-any-return]

    @cached_property
    def problem(self) -> Problem:
        """The problem at this request's moment (``problem.now``), with the host's dates for this viewer."""
        definition = self.definition
        return Problem(
            definition,
            platform.now(),
            platform.host_dates(self.block, self.viewer.is_beta_tester),
            definition.step(StepName.PEER) is not None and platform.course_forces_flexible(self.block),
        )

    @cached_property
    def item_id(self) -> str:
        return platform.item_id(self.block)

    @cached_property
    def course_id(self) -> str:
        return platform.course_id(self.block)

    # Who is asking

    @cached_property
    def viewer(self) -> platform.Viewer:
        return platform.viewer(self.block)

    @property
    def learner(self) -> Learner | None:
        """The viewer as a learner of the problem; None when anonymous or in Studio's preview."""
        if not self.viewer.anonymous_id or platform.in_studio_preview(self.block):
            return None
        return Learner(
            course_id=self.course_id,
            item_id=self.item_id,
            student_id=self.viewer.anonymous_id,
            item_type=self.block.scope_ids.block_type,
            username=self.viewer.username or "",
            user_id=self.viewer.user_id,
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
    def team_problem(self) -> bool:
        """Whether the problem asks one response of each team of a team-set (docs/decisions/0031)."""
        return self.definition.teams.enabled

    @cached_property
    def team(self) -> Team | None:
        """The viewer's team in the problem's team-set; None for a problem without teams, or a viewer with none."""
        if not self.team_problem or self.learner is None:
            return None
        return platform.team_of(self.block, self.viewer)

    @cached_property
    def teamset_name(self) -> str:
        return platform.teamset_name(self.block, self.definition.teams.teamset_id)

    def require_team(self) -> Team:
        """The learner's team, for an action on a team problem; a learner in no team of its team-set is refused."""
        team = self.team
        if team is None:
            raise NotAllowed(
                "no_team",
                N_(
                    'This is a team assignment, and you are not on a team in the team-set "{teamset}". '
                    "Join a team on the course's Teams page, or ask course staff to add you to one."
                ),
                teamset=self.teamset_name,
            )
        return team

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

    # Which services: language, dates, the host's links and events

    @cached_property
    def i18n(self) -> Any:
        return platform.translations(self.block)

    @cached_property
    def dates(self) -> Reader:
        """Every date shown, as this person reads it at this request's moment."""
        return platform.reader(self.block, self.problem.now, self.viewer)

    def _(self, message: str) -> str:
        return str(self.i18n.gettext(message))

    def words(self) -> dict[str, Any]:
        """What every template needs to speak the viewer's language (``_``, ``ngettext``)."""
        return {"_": self.i18n.gettext, "ngettext": self.i18n.ngettext}

    def author_html(self, markup: str) -> str:
        """The author's markup (HTML prompts, rich-text training samples) as the page shows it, in views and
        handlers alike: sanitised, then its course links rewritten by the host (``platform.rewrite_urls``).
        Rewriting comes last, so the sanitiser cannot undo it and the browser gets the URL the host made."""
        return platform.rewrite_urls(self.block, clean_author_html(markup))

    def handler_url(self, handler: str, suffix: str = "") -> str:
        return str(self.block.runtime.handler_url(self.block, handler, suffix))

    def file_url(self, file_id: int) -> str:
        """Where a response file is downloaded (``download_file``, its id as the suffix)."""
        return self.handler_url("download_file", str(file_id))

    def publish_completion(self, status: str) -> None:
        """Completion is marked once the learner has nothing left to do."""
        if status in ("staff", "waiting", "done"):
            self.block.runtime.publish(self.block, "completion", {"completion": 1.0})

    def track(self, name: str, data: dict[str, Any], rich: bool = False) -> None:
        """Emit the tracking event ``name`` with ``data`` (docs/events.md) once this request's writes are
        committed, so that analytics never see an action that was rolled back; staff viewing as a learner
        emit nothing. ``rich``: one of our own events, sent only where ``ORA_XBLOCK_RICH_EVENTS`` is on."""
        if self.read_only or (rich and not ora_settings.ORA_XBLOCK_RICH_EVENTS):
            return
        block = self.block
        transaction.on_commit(lambda: block.runtime.publish(block, name, data))

    def track_assessment(self, name: str, assessment: Any, submission_uuid: str, **extra: Any) -> None:
        """Emit ora2's event for an assessment just saved (``events.assessed``), with ``extra`` fields."""
        data = events.assessed(
            kind=assessment.kind,
            submission_uuid=submission_uuid,
            scorer_id=assessment.scorer_id,
            scored_at=assessment.created_at,
            feedback=assessment.overall_feedback,
            parts=assessment.parts,
            rubric=self.definition.rubric,
        )
        self.track(name, data | extra)

    def track_status(self, submission_uuid: str, student_id: str, status: str) -> None:
        """Our own event: where a learner's response stands after an action that can move it."""
        self.track(events.WORKFLOW_STATUS, events.workflow_status(submission_uuid, student_id, status), rich=True)

    @cached_property
    def limits(self) -> Limits:
        """The operator's limits on response files."""
        return Limits(
            max_file_bytes=int(ora_settings.ORA_XBLOCK_MAX_FILE_MB) * 10**6,
            max_files=int(ora_settings.ORA_XBLOCK_MAX_FILES),
            extra_prohibited=platform.extra_prohibited_extensions(),
            storage_alias=ora_settings.ORA_XBLOCK_FILE_STORAGE,
            # Under the LMS's per-request file limit (block_render.py _check_files_limits) and the proxy's cap.
            piece_bytes=uploads.piece_bytes(
                int(ora_settings.ORA_XBLOCK_UPLOAD_CHUNK_BYTES),
                platform.setting("STUDENT_FILEUPLOAD_MAX_SIZE", None),
            ),
        )
