"""The demo's answers to the course dashboard (``ORA_XBLOCK_COURSE_HOST``, ora_xblock/dashboard/host.py): its one
course's problems, who of its personas is course staff, their anonymous ids, and links that keep the persona.

The workbench knows no courses: every demo problem is in ``DEMO_COURSE``, and a problem's page is the staff
persona's view of its scenario, where the staff area is.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from workbench.runtime import WorkbenchRuntime

from . import scenarios
from .middleware import DEMO_COURSE
from .personas import STAFF_IDS, persona
from .services import anonymous_id as persona_anonymous_id


def problems(course_id: str) -> Iterator[tuple[Any, str]]:
    """Each ORA problem of the demo course with the staff persona's page of it; nothing for any other course."""
    if course_id != DEMO_COURSE:
        return
    runtime = WorkbenchRuntime("staff")
    staff = persona("staff")
    for scenario_id, scenario in scenarios.ora_scenarios():
        block = runtime.get_block(scenario.usage_id)
        found = [block] if block.scope_ids.block_type == scenarios.BLOCK_TYPE else _children(runtime, block)
        for problem in found:
            yield problem, staff.url(scenario_id)


def _children(runtime: WorkbenchRuntime, unit: Any) -> list[Any]:
    children = [runtime.get_block(child) for child in getattr(unit, "children", [])]
    return [child for child in children if child.scope_ids.block_type == scenarios.BLOCK_TYPE]


def is_staff(user: Any, course_id: str) -> bool:
    """Course staff of the demo course: the staff personas (demo/personas.py ``STAFF_IDS``)."""
    return course_id == DEMO_COURSE and getattr(user, "username", None) in STAFF_IDS


def anonymous_id(user: Any, course_id: str) -> str:
    """The persona's anonymous id, the one the problems' staff areas know them by."""
    return persona_anonymous_id(user.username)


def link(request: HttpRequest, url: str) -> str:
    """A link of the course pages that keeps the persona the request is made as (``?student=``)."""
    who = request.GET.get("student")
    if not who:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'student': who})}"


HOST = SimpleNamespace(problems=problems, is_staff=is_staff, anonymous_id=anonymous_id, link=link)
"""What ``ORA_XBLOCK_COURSE_HOST`` names (demo/settings.py)."""
