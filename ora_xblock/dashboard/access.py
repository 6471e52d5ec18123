"""Who may open the course pages: course staff of that course only. Anyone signed out is sent to sign in, as the
LMS sends them; anyone else signed in gets a page saying the pages are for course staff (403)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from ..definition.errors import N_
from . import host
from .i18n import catalog
from .pages import render_page

View = Callable[..., HttpResponse]
FORBIDDEN = N_("These pages are for the course's staff. Ask an instructor of the course if you need to see them.")


def course_staff_only(view: View) -> View:
    """Wrap a view taking ``(request, course_id, ...)``: it runs for the course's staff only; a course id that is
    no course key is not found (404)."""

    @wraps(view)
    def guarded(request: HttpRequest, course_id: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            CourseKey.from_string(course_id)
        except InvalidKeyError:
            raise Http404("not a course") from None
        user = host.user_of(request)
        if user is None or not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not host.is_course_staff(user, course_id):
            message = catalog().gettext(FORBIDDEN)
            return render_page(request, "course_refused.html", course_id, status=403, message=message, back=False)
        return view(request, course_id, *args, **kwargs)

    return guarded
