"""The grading pages as HTTP answers: a course page (``pages.render_page``) with the scripts that post the rubric
form, the JSON those scripts read, and the way back to the page after an action (its query string kept: the
demo names its persona there)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from ..js_catalog import catalog_script
from ..templating import resource_text
from .grading_context import Grader
from .pages import render_page

SCRIPTS = ("static/js/http.js", "static/js/live.js", "static/js/rubric.js", "static/js/course_queue.js")
DONE = "done"  # the query parameter naming what the last action did, for the page to say so


@cache
def _scripts() -> str:
    return "\n".join(resource_text(path) for path in SCRIPTS)


def here(request: HttpRequest) -> str:
    """This page's address without the outcome of the last action."""
    query = request.GET.copy()
    query.pop(DONE, None)
    return str(request.path) + (f"?{query.urlencode()}" if query else "")


def after(request: HttpRequest, done: str) -> str:
    """This page's address saying what was ``done``."""
    query = request.GET.copy()
    query[DONE] = done
    return f"{request.path}?{query.urlencode()}"


def page(request: HttpRequest, grader: Grader, template: str, status: int = 200, **context: Any) -> HttpResponse:
    """The grading page ``template`` (``course_queue*.html``), in the grader's language."""
    return render_page(
        request,
        template,
        grader.course_id,
        status=status,
        scripts=catalog_script(grader.translations) + _scripts(),
        csrf_cookie=str(getattr(settings, "CSRF_COOKIE_NAME", "csrftoken")),
        here=here(request),
        message=context.pop("message", ""),
        error=context.pop("error", ""),
        **context,
    )


def refused(request: HttpRequest, grader: Grader, status: int, message: str) -> HttpResponse:
    """A page saying why the action was refused, with the way back to the dashboard."""
    return render_page(request, "course_refused.html", grader.course_id, status=status, message=message, back=True)


def answer(body: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, no-store"
    return response


def error(status: int, code: str, message: str, **extra: Any) -> JsonResponse:
    """A refusal as the page's script lists it (``{"error": {"code", "message"}}``, as the block's handlers)."""
    return answer({"error": {"code": code, "message": message, **extra}}, status)
