"""The LMS's XBlock handler view, and the proxy in front of it, as requests carrying files meet them.

Mirrors lms/djangoapps/courseware/block_render.py (``_invoke_xblock_handler`` and
``_check_files_limits``): before the block is even loaded, every file field of the request
(Django's ``request.FILES``) is checked. More than ``MAX_FILEUPLOADS_PER_INPUT`` files in one
field, or one file over ``STUDENT_FILEUPLOAD_MAX_SIZE`` bytes (20 and 4,000,000 in
lms/envs/common.py), and the view answers 413 with ``{"success": message}``; the block never
runs. Otherwise the block gets the Django request through
``xblock.django.request.django_to_webob_request``, as the view does.

In front of the LMS, Tutor's Caddy caps request bodies at 4 MB (``request_body { max_size 4MB }``
in tutor/templates/apps/caddy/Caddyfile; Caddy's MB is 1,000,000 bytes) and answers 413
without JSON, as nginx does with its ``client_max_body_size``.
"""

from __future__ import annotations

import json
from typing import Any

import webob
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, RequestFactory, encode_multipart
from xblock.django.request import django_to_webob_request

PROXY_BODY_CAP = 4_000_000
STUDENT_FILEUPLOAD_MAX_SIZE = 4 * 1000 * 1000  # lms/envs/common.py
MAX_FILEUPLOADS_PER_INPUT = 20  # lms/envs/common.py


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes] | list[tuple[str, bytes]]]) -> bytes:
    """A multipart/form-data body (``MULTIPART_CONTENT``) as a browser's FormData sends it."""
    data: dict[str, Any] = dict(fields)
    for name, value in files.items():
        listed = value if isinstance(value, list) else [value]
        data[name] = [SimpleUploadedFile(filename, content) for filename, content in listed]
    return encode_multipart(BOUNDARY, data)


class LmsHandlerView:
    """``POST /courses/<course>/xblock/<usage>/handler/<handler>`` behind a proxy that caps bodies.

    ``proxy_body_cap`` None is a site whose proxy lets bigger bodies through to the LMS.
    The platform's limits are read from Django settings, with the platform's defaults.
    """

    def __init__(self, proxy_body_cap: int | None = PROXY_BODY_CAP):
        self.proxy_body_cap = proxy_body_cap
        self.reached_block = 0  # how many requests got as far as the block

    def post(
        self,
        block: Any,
        handler: str,
        body: bytes,
        content_type: str = MULTIPART_CONTENT,
        csrf: bool = True,
        suffix: str = "",
    ) -> webob.Response:
        """Send ``body`` to ``handler`` of ``block``, as the browser's XMLHttpRequest or fetch would."""
        if self.proxy_body_cap is not None and len(body) > self.proxy_body_cap:
            return webob.Response(status=413, content_type="text/html", body=b"<h1>413 Request Entity Too Large</h1>")
        headers = {"HTTP_X_CSRFTOKEN": "token"} if csrf else {}
        path = f"/courses/{block.scope_ids.usage_id.course_key}/xblock/{block.scope_ids.usage_id}/handler/{handler}"
        request = RequestFactory().generic("POST", path, data=body, content_type=content_type, **headers)
        refusal = _check_files_limits(request.FILES)
        if refusal is not None:
            return webob.Response(
                status=413, content_type="application/json", charset="utf-8", body=json.dumps({"success": refusal})
            )
        self.reached_block += 1
        try:
            return block.handle(handler, django_to_webob_request(request), suffix)
        except SuspiciousOperation:  # e.g. a non-file body over DATA_UPLOAD_MAX_MEMORY_SIZE: Django answers 400
            return webob.Response(status=400, content_type="text/html", body=b"<h1>Bad Request (400)</h1>")

    def post_json(self, block: Any, handler: str, data: dict[str, Any]) -> webob.Response:
        return self.post(block, handler, json.dumps(data).encode(), content_type="application/json")


def _check_files_limits(files: Any) -> str | None:
    """What the view says when a file field holds too many files or too large a file, else None.

    The shape is the platform's; the wording here is our own.
    """
    max_files = getattr(settings, "MAX_FILEUPLOADS_PER_INPUT", MAX_FILEUPLOADS_PER_INPUT)
    max_size = getattr(settings, "STUDENT_FILEUPLOAD_MAX_SIZE", STUDENT_FILEUPLOAD_MAX_SIZE)
    for field in files:
        listed = files.getlist(field)
        if len(listed) > max_files:
            return f"Refused: at most {max_files} files may be sent at once."
        for uploaded in listed:
            if uploaded.size > max_size:
                return f'Refused: the file "{uploaded.name}" is over the limit of {max_size // 10**6} MB.'
    return None
