"""The handlers' edge: POST only, JSON in, JSON out, files out, and every refusal as a 4xx JSON error.

Every error reply has the shape ``{"error": {"code": ..., "message": ...}}``
and a 4xx status, so that callers never see a 500 for bad input. A
service's :class:`~ora_xblock.services.common.Refusal` becomes its HTTP
answer here, in one place, in the viewer's language and dates.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import IO, Any

from django.db import DatabaseError, transaction
from webob import Response
from xblock.core import XBlock

from .. import platform
from ..definition.errors import N_
from ..json_body import BadJson, read_object
from ..services.common import Conflict, Gone, Invalid, NotAllowed, NotFound, Refusal, TooLarge, Unavailable

log = logging.getLogger(__name__)

STATUS: dict[type[Refusal], int] = {
    Invalid: 400,
    NotAllowed: 403,
    NotFound: 404,
    Conflict: 409,
    Gone: 410,
    TooLarge: 413,
    Unavailable: 503,
}
"""The HTTP status of each kind of a service's refusal: the one place a refusal becomes a number."""


class HandlerError(Exception):
    """A refusal: raised by a handler, answered as a 4xx JSON error."""

    def __init__(self, status: int, code: str, message: str, **extra: Any):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def json_endpoint(method: Callable[..., Any]) -> Callable[..., Response]:
    """Make ``method(self, data, suffix)`` an XBlock handler speaking JSON over POST, in one transaction.

    A :class:`HandlerError` rolls the transaction back; scores are published
    only once it has committed.
    """

    @XBlock.handler
    @functools.wraps(method)
    def handler(block: Any, request: Any, suffix: str = "") -> Response:
        if request.method != "POST":
            return _refuse(block, 405, "method_not_allowed", N_("Use POST."), allow="POST")
        if request.content_type != "application/json":  # a cross-site form can't send this without a preflight
            return _refuse(block, 415, "not_json", N_("Send the request as Content-Type: application/json."))
        try:
            data = read_object(request.body, max_json_bytes())
        except BadJson as bad:
            return _refuse(block, 400, "bad_json", bad.template, **bad.params)
        return _answer(block, lambda: method(block, data, suffix))

    return handler


def max_json_bytes() -> int:
    """The largest JSON body a handler reads: below the platform's ``DATA_UPLOAD_MAX_MEMORY_SIZE``
    (past which Django refuses to read a body at all), and at most the 4 MiB an OLX file may have."""
    from django.conf import settings

    olx_cap = 4 * 1024 * 1024 + 64 * 1024
    platform_cap = getattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)  # None: the site sets no cap
    return olx_cap if platform_cap is None else min(platform_cap - 1, olx_cap)


def upload_endpoint(method: Callable[..., Any], field: str = "file", atomic: bool = False) -> Callable[..., Response]:
    """Make ``method(self, filename, form, stream, size)`` a multipart POST handler answering JSON.

    The file comes in the ``field`` form field; ``form`` holds the other fields as text. The request
    must carry the CSRF header, which a cross-site form cannot send. Unless ``atomic``, the services open
    their own transactions, so that a file's key is committed before its bytes reach storage
    (services/file_store.py).
    """

    @XBlock.handler
    @functools.wraps(method)
    def handler(block: Any, request: Any, suffix: str = "") -> Response:
        if request.method != "POST":
            return _refuse(block, 405, "method_not_allowed", N_("Use POST."), allow="POST")
        if not request.headers.get("X-CSRFToken"):
            return _refuse(block, 403, "csrf_header_missing", N_("Send the CSRF token in the X-CSRFToken header."))
        upload = request.POST.get(field)
        if getattr(upload, "file", None) is None:
            return _refuse(block, 400, "no_file", N_("Send the file in the '{field}' form field."), field=field)
        stream = upload.file
        stream.seek(0, 2)
        size = stream.tell()
        stream.seek(0)
        form = {name: value for name, value in request.POST.items() if isinstance(value, str)}
        return _answer(block, lambda: method(block, upload.filename or "", form, stream, size), atomic)

    return handler


def piece_endpoint(method: Callable[..., Any]) -> Callable[..., Response]:
    """:func:`upload_endpoint` for one piece of a file, sent in the ``piece`` form field, in one transaction
    (the upload in pieces names its keys)."""
    return upload_endpoint(method, field="piece", atomic=True)


def file_endpoint(method: Callable[..., Response]) -> Callable[..., Response]:
    """Make ``method(self, suffix)`` a read-only handler that answers with a file, or a 4xx JSON error."""

    @XBlock.handler
    @functools.wraps(method)
    def handler(block: Any, request: Any, suffix: str = "") -> Response:
        try:
            return method(block, suffix)
        except HandlerError as refusal:
            return _error(refusal)
        except Refusal as refusal:
            return _error(refused(block, refusal))

    return handler


def attachment(stored: IO[bytes], content_type: str, disposition: str, length: int | None = None) -> Response:
    """A file to download, never shown inline or sniffed; the file is closed once sent."""

    def chunks() -> Iterator[bytes]:
        with stored:
            yield from iter(lambda: stored.read(64 * 1024), b"")

    response = Response(app_iter=chunks(), content_type=content_type)
    if length is not None:
        response.content_length = length
    response.headers["Content-Disposition"] = disposition
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _answer(block: Any, call: Callable[[], Any], atomic: bool = True) -> Response:
    """Run ``call`` in one transaction (``atomic`` False: in those its services open) and answer its result as
    JSON, or its refusal as a 4xx error.

    A database failure rolls the transaction back and answers 503 ``try_again``: nothing was changed.
    """
    try:
        with transaction.atomic() if atomic else contextlib.nullcontext():
            result = call()
        return _json(result, 200)
    except HandlerError as refusal:
        return _error(refusal)
    except Refusal as refusal:
        return _error(refused(block, refusal))
    except DatabaseError:
        log.exception("A handler's transaction failed and was rolled back")
        return _refuse(
            block, 503, "try_again", N_("Nothing was saved: the server could not reach its database. Try again.")
        )


def refused(block: Any, refusal: Refusal) -> HandlerError:
    """A service's refusal as the viewer reads it: its template translated, a moment among its parameters (a
    window's opening or closing) shown as they read dates."""
    gettext = platform.translations(block).gettext
    dates = platform.reader(block, platform.now())
    params = {key: dates.text(value) if isinstance(value, datetime) else value for key, value in refusal.params.items()}
    errors = [error.as_dict(gettext) for error in refusal.errors]
    message = str(gettext(refusal.template)).format(**params)
    return HandlerError(status_of(refusal), refusal.code, message, **({"errors": errors} if errors else {}))


def status_of(refusal: Refusal) -> int:
    """The HTTP status a service's refusal is answered with, by its kind (:data:`STATUS`)."""
    return STATUS[type(refusal)]


def _refuse(block: Any, status: int, code: str, template: str, allow: str | None = None, **params: Any) -> Response:
    """A refusal by the plumbing itself, in the viewer's language."""
    message = platform.translations(block).gettext(template).format(**params)
    return _error(HandlerError(status, code, message), **({"allow": allow} if allow else {}))


def _error(refusal: HandlerError, **headers: str) -> Response:
    body = {"error": {"code": refusal.code, "message": refusal.message, **refusal.extra}}
    return _json(body, refusal.status, **headers)


def _json(body: Any, status: int, **headers: str) -> Response:
    response = Response(json.dumps(body), status=status, content_type="application/json", charset="utf-8")
    for name, value in headers.items():
        response.headers[name.title()] = value
    return response
