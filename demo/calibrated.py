"""The demo's "Calibrated peer grading" problem with its reviews already in, so that its calibration shows.

Calibration needs 10 reviewers with 3 reviews each (decision 0032), more than the demo's personas. ``load_demo``
has twelve writers (``?student=writer1`` to ``writer12``; the personas' own work is left alone) submit and review
three letters each through the real services (two lenient, two harsh), then runs the refresh's calibration pass and
sends the scores: a writer's grade page says their peer score was adjusted. Once only: a problem with responses is
left as it is.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from ora_xblock import scenarios
from ora_xblock.definition import load_olx
from ora_xblock.models import Workflow
from ora_xblock.services import calibrated, grades, overdue, peer
from ora_xblock.services.common import Learner, Problem
from ora_xblock.services.responses import submit

from .middleware import DEMO_COURSE
from .scenarios import ora_scenarios, title
from .services import anonymous_id

TITLE = "Calibrated peer grading"
WRITERS = tuple(f"writer{i}" for i in range(1, 13))  # not the personas: open the problem as ?student=writer3
SHIFT = {"writer1": 2, "writer2": 2, "writer5": -2, "writer6": -2}  # lenient and harsh reviewers: options off
NAMES = {
    "Ideas": ("Missing", "Vague", "Clear", "Argued", "Convincing"),
    "Grammar": ("Hard", "Patchy", "Fair", "Good", "Polished"),
}


def seed(now: datetime) -> int:
    """Submit, review and calibrate the problem's letters, unless it has responses; how many learners were graded."""
    item_id = next((str(s.usage_id) for _, s in ora_scenarios() if title(s) == TITLE), None)
    if item_id is None or Workflow.objects.filter(item_id=item_id).exists():
        return 0
    olx = scenarios.demo_olx("calibrated_peer.xml")
    problem = Problem(load_olx(olx), now)
    writers = [Learner(DEMO_COURSE, item_id, anonymous_id(name), username=name) for name in WRITERS]
    quality = {writer.student_id: index for index, writer in enumerate(writers)}
    with transaction.atomic():
        for writer in writers:
            submit(problem, writer, [f"Dear council, please give our street {WRITERS.index(writer.username)} trees."])
        overdue.remember(problem, item_id, DEMO_COURSE, olx)
        for _ in range(5):  # must grade 3; a few review more, until every letter has its three reviews
            if not Workflow.objects.filter(item_id=item_id).exclude(status="done").exists():
                break
            for writer in writers:
                lease = peer.next_review(problem, writer)
                if lease is not None:
                    options = _options(quality[lease.workflow.student_id], SHIFT.get(writer.username, 0))
                    peer.peer_assess(problem, writer, lease.pk, {"options_selected": options})
    calibrated.run(problem, item_id, DEMO_COURSE)
    grades.republish_pending(now)
    return Workflow.objects.filter(item_id=item_id, status="done").count()


def _options(index: int, shift: int) -> dict[str, str]:
    truth = {"Ideas": 1 + index % 3, "Grammar": 1 + (index // 3) % 3}
    return {name: NAMES[name][min(4, max(0, points + shift))] for name, points in truth.items()}
