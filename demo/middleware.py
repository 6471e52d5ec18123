"""Make sure the scenarios are loaded (authored content kept) before any workbench view runs."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import scenarios


def load_scenarios(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Django middleware: :func:`demo.scenarios.load` before the first request is handled."""

    def middleware(request: HttpRequest) -> HttpResponse:
        scenarios.load()
        return get_response(request)

    return middleware
