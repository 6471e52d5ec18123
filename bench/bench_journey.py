"""Submit, self-assess and render times and SQL counts with 1,000 and 100,000 learners in one problem.

    make bench

Each size gets a fresh SQLite database filled in bulk (edx-submissions rows
and our workflows, half of them graded), then new learners go through the
handlers one by one. Reports the median over the measured learners.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import time
import uuid
from datetime import UTC, datetime

from setup_django import setup

setup()

from django.core.management import call_command
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from submissions.models import StudentItem, Submission
from webob import Request
from xblock.field_data import DictFieldData
from xblock.reference.user_service import UserService, XBlockUser
from xblock.test.tools import TestRuntime

from ora_xblock import scenarios
from ora_xblock.models import Workflow

MEASURED = 30
COURSE = "course-v1:local+ora_xblock+demo"


class Learners(UserService):
    """The user service, switched from learner to learner."""

    def __init__(self) -> None:
        super().__init__()
        self.user = XBlockUser(is_current_user=True)

    def act_as(self, name: str, staff: bool = False) -> None:
        self.user = XBlockUser(is_current_user=True)
        self.user.opt_attrs = {
            "edx-platform.anonymous_user_id": anonymous(name),
            "edx-platform.username": name,
            "edx-platform.user_is_staff": staff,
        }

    def get_current_user(self) -> XBlockUser:
        return self.user


class Runtime(TestRuntime):
    def publish(self, block: object, event_type: str, event_data: object) -> None:
        """The LMS records completion; here it is dropped."""


def anonymous(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:32]


def populate(item_id: str, size: int) -> None:
    """``size`` learners who already submitted; half of them already have a staff grade."""
    now = datetime.now(UTC)
    names = [f"crowd{n}" for n in range(size)]
    StudentItem.objects.bulk_create(
        [
            StudentItem(student_id=anonymous(n), course_id=COURSE, item_id=item_id, item_type="ora_xblock")
            for n in names
        ],
        batch_size=5000,
    )
    items = dict(StudentItem.objects.filter(item_id=item_id).values_list("student_id", "id"))
    uuids = {n: uuid.uuid4() for n in names}
    Submission.objects.bulk_create(
        [
            Submission(
                uuid=uuids[n],
                student_item_id=items[anonymous(n)],
                attempt_number=1,
                submitted_at=now,
                answer={"parts": [{"text": "answer"}]},
            )
            for n in names
        ],
        batch_size=5000,
    )
    Workflow.objects.bulk_create(
        [
            Workflow(
                course_id=COURSE,
                item_id=item_id,
                student_id=anonymous(n),
                username=n,
                submission_uuid=str(uuids[n]),
                status="done" if i % 2 else "staff",
                submitted_at=now,
                updated_at=now,
                score_earned=3 if i % 2 else None,
                score_possible=5 if i % 2 else None,
            )
            for i, n in enumerate(names)
        ],
        batch_size=5000,
    )


def call(block: object, name: str, body: dict) -> int:
    request = Request.blank("/", method="POST", body=json.dumps(body).encode(), content_type="application/json")
    return block.handle(name, request).status_code


def timed(block: object, handler: str, body: dict) -> tuple[float, int]:
    """Seconds and SQL statements for one handler call, including publishing the score on commit."""
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        assert call(block, handler, body) == 200, handler
        elapsed = time.perf_counter() - began
    return elapsed, len(captured)


def measure(size: int) -> dict[str, tuple[float, int]]:
    call_command("flush", interactive=False, verbosity=0)
    learners = Learners()
    runtime = Runtime(services={"field-data": DictFieldData({}), "user": learners})
    block = runtime.get_block(runtime.parse_xml_string(scenarios.demo_olx("self_staff.xml")))
    began = time.perf_counter()
    populate(str(block.scope_ids.usage_id), size)
    print(f"  {size:>7,} learners loaded in {time.perf_counter() - began:.1f} s")
    steps = {
        "render (new learner)": ("render_page", {}),
        "submit": ("submit", {"answers": ["A short argument for uniforms."]}),
        "self-assess": ("self_assess", {"options_selected": {"Argument": "Stated"}}),
        "render (submitted)": ("render_page", {}),
    }
    samples: dict[str, list[tuple[float, int]]] = {label: [] for label in [*steps, "staff grade (score, done)"]}
    for number in range(MEASURED):
        learners.act_as(f"measured{number}")
        for label, (handler, body) in steps.items():
            samples[label].append(timed(block, handler, body))
        learners.act_as("grader", staff=True)
        grade = {"student_id": anonymous(f"measured{number}"), "options_selected": {"Argument": "Stated"}}
        samples["staff grade (score, done)"].append(timed(block, "staff_grade", grade))
    return {
        label: (statistics.median(t for t, _ in values), statistics.median(q for _, q in values))
        for label, values in samples.items()
    }


def main() -> None:
    for size in (1_000, 100_000):
        print(f"\n{size:,} learners in one problem (SQLite, median of {MEASURED} new learners):")
        for label, (seconds, queries) in measure(size).items():
            print(f"  {label:<22} {seconds * 1000:7.2f} ms  {queries:3.0f} queries")


if __name__ == "__main__":
    main()
