"""The demo's middleware: the scenarios loaded before any workbench view runs, and the request's user."""

from collections.abc import Callable
from types import SimpleNamespace

import crum
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse

from . import scenarios
from .personas import DEFAULT_ID, persona

DEMO_COURSE = "course-v1:local+ora_xblock+demo"  # the course every workbench problem is in (platform.course_id)


def load_scenarios(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Django middleware: :func:`demo.scenarios.load` before the first request is handled."""

    def middleware(request: HttpRequest) -> HttpResponse:
        scenarios.load()
        return get_response(request)

    return middleware


def request_user(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Django middleware: the request is made by the persona's account, as a logged-in LMS request is.

    "Staff as Bob" is the staff account carrying ``masquerade_settings`` for the course, as the LMS's
    ``setup_masquerade`` leaves the request's user (lms/djangoapps/courseware/masquerade.py).
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        who = persona(request.GET.get("student") or DEFAULT_ID)
        user = get_user_model().objects.filter(username=who.account).first()
        if user is not None and who.views_as:
            user.masquerade_settings = {DEMO_COURSE: SimpleNamespace(role="student", user_name=who.views_as)}
        with crum.impersonate(user):
            return get_response(request)

    return middleware
