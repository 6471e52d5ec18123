"""The grading pages as HTTP answers: a whole page of ``course_queue.html`` with the package's stylesheet and
scripts inline (no block, so no runtime to serve them by URL), the JSON the page's script reads, and the way
back to the page after a form (the query string kept: the demo names its persona there)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from ..js_catalog import catalog_script
from ..templating import render, resource_text
from .grading_context import Grader

SCRIPTS = ("static/js/http.js", "static/js/live.js", "static/js/when.js", "static/js/rubric.js")
PAGE_SCRIPT = "static/js/course_queue.js"
DONE = "done"  # the query parameter naming what the last action did, for the page to say so


def here(request: HttpRequest) -> str:
    """This page's address without the outcome of the last action."""
    query = request.GET.copy()
    query.pop(DONE, None)
    return request.path + (f"?{query.urlencode()}" if query else "")


def after(request: HttpRequest, done: str) -> str:
    """This page's address saying what was ``done``."""
    query = request.GET.copy()
    query[DONE] = done
    return f"{request.path}?{query.urlencode()}"


def dashboard_url(course_id: str) -> str | None:
    """The course dashboard's page, where the plugin's URLs have it."""
    try:
        return reverse("ora_xblock:course_dashboard", kwargs={"course_id": course_id})
    except NoReverseMatch:
        return None


def page(request: HttpRequest, grader: Grader, name: str, status: int = 200, **context: Any) -> HttpResponse:
    """Page ``name`` of ``course_queue.html`` (``queue``, ``grade`` or ``refused``), in the grader's language."""
    translations = grader.translations
    scripts = [catalog_script(translations), *(resource_text(path) for path in SCRIPTS), resource_text(PAGE_SCRIPT)]
    html = render(
        "course_queue.html",
        page=name,
        language=grader.language,
        direction="rtl" if translation.get_language_bidi() else "ltr",
        css=resource_text("static/css/ora.css"),
        scripts=[script.replace("</", "<\\/") for script in scripts],
        csrf={"cookie": _csrf_cookie(), "token": get_token(request)},
        here=here(request),
        dashboard_url=None if name == "refused" else dashboard_url(grader.course_id),
        message=context.pop("message", ""),
        error=context.pop("error", ""),
        _=translations.gettext,
        ngettext=translations.ngettext,
        **context,
    )
    response = HttpResponse(html, status=status, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


def refused(request: HttpRequest, grader: Grader, status: int, message: str) -> HttpResponse:
    return page(request, grader, "refused", status, error=message)


def answer(body: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, no-store"
    return response


def error(status: int, code: str, message: str, **extra: Any) -> JsonResponse:
    """A refusal as the page's script lists it (``{"error": {"code", "message"}}``, as the block's handlers)."""
    return answer({"error": {"code": code, "message": message, **extra}}, status)


def _csrf_cookie() -> str:
    return str(getattr(settings, "CSRF_COOKIE_NAME", "csrftoken"))
