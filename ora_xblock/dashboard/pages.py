"""The course pages' shell: a Mako template (``templates/course_*.html``, escaped by default) rendered in the
request's language, with the block's look (its stylesheet and the course pages') and the course's navigation."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import NoReverseMatch, reverse

from ..templating import render, resource_text
from . import host, i18n

STYLESHEETS = ("static/css/ora.css", "static/css/course_dashboard.css")
SCRIPTS = ("static/js/when.js",)  # dates in the browser's own zone


@cache
def _inline(paths: tuple[str, ...]) -> str:
    return "\n".join(resource_text(path) for path in paths)


def url(request: HttpRequest, name: str, **kwargs: str) -> str | None:
    """The link to the course page ``name`` (of the ``ora_xblock`` namespace) as the host writes it; None while
    that page is not installed."""
    try:
        return host.link(request, reverse(f"ora_xblock:{name}", kwargs=kwargs))
    except NoReverseMatch:
        return None


def render_page(request: HttpRequest, template: str, course_id: str, status: int = 200, **context: Any) -> HttpResponse:
    """``template`` as a whole page for ``course_id``, in the request's language; ``context`` is the template's."""
    texts = i18n.catalog()
    html = render(
        template,
        _=texts.gettext,
        ngettext=texts.ngettext,
        language=i18n.language(),
        bidi=i18n.is_bidi(),
        stylesheet=_inline(STYLESHEETS),
        script=_inline(SCRIPTS),
        course_id=course_id,
        csrf_token=get_token(request),
        nav={
            "dashboard": url(request, "course_dashboard", course_id=course_id),
            "queue": url(request, "course_queue", course_id=course_id),
        },
        **context,
    )
    response = HttpResponse(html, status=status, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "private, no-store"  # learners' names and work: never kept by a shared cache
    return response
