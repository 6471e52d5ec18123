"""The LMS's per-request upload limits, applied to the demo's handler requests.

Like lms/djangoapps/courseware/block_render.py (``_check_files_limits``, called by the handler
view before the block is loaded): a file field with more than ``MAX_FILEUPLOADS_PER_INPUT``
files, or a file over ``STUDENT_FILEUPLOAD_MAX_SIZE`` bytes (20 and 4,000,000 by default, as in
lms/envs/common.py), is answered 413 with ``{"success": message}``. Bodies over
``ORA_DEMO_PROXY_BODY_CAP`` (4,000,000 bytes, as Tutor's Caddy caps them) get a 413 with no
JSON, as from a proxy. So the demo shows what learners meet on a stock Open edX site.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

HANDLER_PATHS = ("/handler/", "/unauth_handler/", "/aside_handler/")


def lms_upload_limits(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Django middleware: refuse handler requests over the LMS's file limits or the proxy's body cap."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path.startswith(HANDLER_PATHS):
            refusal = _refusal(request)
            if refusal is not None:
                return refusal
        return get_response(request)

    return middleware


def _refusal(request: HttpRequest) -> HttpResponse | None:
    cap = getattr(settings, "ORA_DEMO_PROXY_BODY_CAP", 4_000_000)
    if int(request.META.get("CONTENT_LENGTH") or 0) > cap:
        return HttpResponse(b"<h1>413 Request Entity Too Large</h1>", status=413, content_type="text/html")
    max_files = getattr(settings, "MAX_FILEUPLOADS_PER_INPUT", 20)
    max_size = getattr(settings, "STUDENT_FILEUPLOAD_MAX_SIZE", 4_000_000)
    for field in request.FILES:
        listed = request.FILES.getlist(field)
        if len(listed) > max_files:
            return JsonResponse({"success": f"Refused: at most {max_files} files may be sent at once."}, status=413)
        for uploaded in listed:
            if uploaded.size > max_size:
                message = f'Refused: the file "{uploaded.name}" is over the limit of {max_size // 10**6} MB.'
                return JsonResponse({"success": message}, status=413)
    return None
