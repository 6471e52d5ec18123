"""Submit, self-assess, staff grade and render times and SQL counts with 1,000 to 100,000 learners in one problem.

    make bench
    python bench/bench_journey.py --sizes 1000 100000 --explain

Each size gets a fresh SQLite database filled in bulk (edx-submissions rows
and our workflows, half of them graded), then new learners go through the
handlers one by one, and staff grade each. Reports the median and 95th
percentile over the measured learners, the statements per call, and the time
spent inside edx-submissions' ``create_submission`` and ``set_score`` (``subm.
ms``: its Python and its statements, which we cannot change). ``--explain``
prints each statement's plan for one more learner at every size.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
import uuid
from datetime import UTC, datetime

from setup_django import setup

setup()

from django.core.management import call_command
from measure import HEADER, Timing, print_plans, timing
from submissions.models import StudentItem, Submission
from webob import Request
from xblock.field_data import DictFieldData
from xblock.reference.user_service import UserService, XBlockUser
from xblock.test.tools import TestRuntime

from ora_xblock import scenarios
from ora_xblock.models import Workflow

MEASURED = 30
SIZES = (1_000, 10_000, 100_000)
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


def measure(size: int, explain: bool) -> dict[str, Timing]:
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

    def step(handler: str, body: dict, learner: str, staff: bool = False) -> None:
        learners.act_as(learner, staff=staff)
        assert call(block, handler, body) == 200, handler

    def grade(learner: str) -> None:
        body = {"student_id": anonymous(learner), "options_selected": {"Argument": "Stated"}}
        step("staff_grade", body, "grader", staff=True)

    found = {
        label: timing(lambda n, h=handler, b=body: step(h, b, f"measured{n}"), MEASURED)
        for label, (handler, body) in steps.items()
    }
    found["staff grade (score, done)"] = timing(lambda n: grade(f"measured{n}"), MEASURED)
    if explain:
        print_plans(f"submit, {size:,} learners", lambda: step("submit", steps["submit"][1], "explained"))
        step("self_assess", steps["self-assess"][1], "explained")
        print_plans(f"staff grade, {size:,} learners", lambda: grade("explained"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    parser.add_argument("--explain", action="store_true", help="print each statement's plan")
    arguments = parser.parse_args()
    for size in arguments.sizes:
        print(f"\n{size:,} learners in one problem (SQLite, {MEASURED} new learners; ms):")
        print(f"  {'':<26}{HEADER}")
        for label, found in measure(size, arguments.explain).items():
            print(f"  {label:<26}{found.columns()}")


if __name__ == "__main__":
    main()
