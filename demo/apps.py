"""The demo app: one guard against a third-party bug that would make every page print warnings."""

from __future__ import annotations

import functools
import threading
import warnings
from collections.abc import Callable
from typing import Any

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"

    def ready(self) -> None:
        from submissions import api

        api.get_submission = _keeping_warning_filters(api.get_submission)


def _keeping_warning_filters(get_submission: Callable[..., Any]) -> Callable[..., Any]:
    """``get_submission`` with the process's warning filters put back as they were once it returns.

    edx-submissions' ``get_submission`` calls ``warnings.filterwarnings("error")`` while it reads, then
    ``warnings.filterwarnings("default")`` for the whole process (openedx/edx-submissions#278): from the first
    answer read on, every warning would be printed, including those the demo settings hide. One call at a time,
    so that two requests cannot leave each other's filters behind.
    """
    lock = threading.Lock()

    @functools.wraps(get_submission)
    def reading(*args: Any, **kwargs: Any) -> Any:
        with lock, warnings.catch_warnings():
            return get_submission(*args, **kwargs)

    return reading
