"""Response files: uploads (in one request, in pieces, or straight to the storage), removal, and downloads."""

from __future__ import annotations

from typing import Any

from webob import Response

from .. import events, uploads
from ..services import files, teams
from ..services.common import Learner
from .context import Request
from .endpoints import attachment
from .inputs import number
from .page import page_answer


def upload_file(request: Request, filename: str, form: dict[str, str], stream: Any, size: int) -> dict[str, Any]:
    """Add a file that fits in one request to the learner's draft, or their team's (multipart: file,
    description)."""
    learner = _draft_owner(request)
    added = files.upload(request.problem, learner, filename, form.get("description"), stream, size, request.limits)
    _track_upload(request, added)
    return page_answer(request)


def upload_start(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """A presigned form when the storage takes uploads directly, else ``{"direct": None}``; and the largest
    piece one request may carry (bigger files go through :func:`upload_begin`)."""
    form = files.direct_upload(*_announced(request, data))
    return {"direct": form, "piece_bytes": request.limits.piece_bytes}


def upload_begin(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Start a file sent in pieces, for hosts that cap each request: its upload id and the piece size."""
    problem, owner, name, description, size, limits = _announced(request, data)
    upload = files.begin(problem, request.require_learner(), name, description, size, limits, owner=owner)
    return {"upload_id": upload.public_id, "piece_bytes": upload.piece_bytes, "next_index": 0}


def _draft_owner(request: Request) -> Learner:
    """Whose draft the learner's files go to: their own, or in a team problem their team's (refused ``no_team``
    to a learner in no team of its team-set), recorded as uploaded by them."""
    learner = request.require_learner()
    return teams.team_learner(learner, request.require_team()) if request.team_problem else learner


def _announced(request: Request, data: dict[str, Any]) -> tuple[Any, ...]:
    """A file the learner announces before sending it: the arguments its services take."""
    learner = _draft_owner(request)
    name = str(data.get("filename", ""))
    return request.problem, learner, name, data.get("description"), data.get("size"), request.limits


def upload_piece(request: Request, form: dict[str, str], stream: Any, size: int) -> dict[str, Any]:
    """The next piece of a file begun with upload_begin (multipart: upload_id, index, offset, piece)."""
    index, offset = number(form.get("index")), number(form.get("offset"))
    learner, limits, now = request.require_learner(), request.limits, request.problem.now  # only its uploader
    upload = files.add_piece(
        learner, form.get("upload_id"), index, offset, stream, size, limits, now, problem=request.problem
    )
    return {"next_index": upload.next_index, "received": upload.received}


def upload_finish(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Join a file's pieces, check the whole file, and add it to the draft."""
    owner, learner = _draft_owner(request), request.require_learner()  # the uploader finishes; the draft gets it
    added = files.finish(request.problem, learner, data.get("upload_id"), request.limits, owner=owner)
    _track_upload(request, added)
    return page_answer(request)


def upload_abort(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Give up a file sent in pieces, and delete what arrived."""
    files.abort(request.require_learner(), data.get("upload_id"), request.limits)
    return {"aborted": True}


def upload_confirm(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Check a file sent straight to the storage, and add it to the draft."""
    added = files.confirm(request.problem, _draft_owner(request), number(data.get("file_id")), request.limits)
    _track_upload(request, added)
    return page_answer(request)


def _track_upload(request: Request, added: Any) -> None:
    """ora2's ``openassessment.upload_file``, which its browser sends: here the server sends it once the file is
    checked and in the draft (None: a repeated finish, which added nothing)."""
    if added is not None:
        request.track(events.UPLOAD_FILE, events.upload_file(added.name, added.size, added.content_type))


def remove_file(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Take a file out of the learner's draft (any member may take one out of their team's)."""
    files.remove(_draft_owner(request), number(data.get("file_id")), request.limits)
    return page_answer(request)


def download_file(request: Request, file_id: str) -> Response:
    """A file as an attachment, for its author, a peer reviewing it, or staff; never sniffed or shown inline."""
    viewer = request.viewer
    item = files.for_download(
        request.item_id, number(file_id) or 0, viewer.anonymous_id, viewer.can_author, request.problem.now, request.team
    )
    stored = files.open_to_send(item, request.limits)
    neutral = f"file.{item.extension}"  # what peers see: nothing of the author's own file name
    own_or_staff = viewer.can_author or item.student_id == viewer.anonymous_id or request.team_problem
    disposition = uploads.content_disposition(item.name if own_or_staff else neutral, neutral)
    return attachment(stored, item.content_type, disposition, item.size)
