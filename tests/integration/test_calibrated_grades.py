"""Calibrated peer grades in use (issue 18, decision 0032): the refresh's pass, the median fallback, determinism,
the re-publication policy, staff and frozen grades left alone, the learner's notice, and the pass's query count."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey
from submissions import api as submissions_api

from ora_xblock import scenarios
from ora_xblock.definition import load_olx
from ora_xblock.definition.model import GradingStrategy, StepName
from ora_xblock.models import Assessment, ProblemSnapshot, ReviewerAccuracy, Workflow
from ora_xblock.models.notices import Notice
from ora_xblock.services import calibrated, grades, overdue
from ora_xblock.services.common import Learner, Problem
from ora_xblock.services.responses import submit
from ora_xblock.workflow import Status
from tests.conftest import call_handler
from tests.host.grades import GradeFreeze, grades_app
from tests.host.lms import Problem as HostProblem
from tests.host.lms import account, lms_block, request_by

pytestmark = pytest.mark.django_db

OLX = scenarios.resource_text("scenarios/calibrated_peer.xml")  # Ideas, Grammar: 0-4 each; must grade 3, by 3
DEFINITION = load_olx(OLX)
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
COURSE = "course-v1:Org+Cal+2026"
ITEM = "block-v1:Org+Cal+2026+type@ora_xblock+block@letter"
NAMES = {
    "Ideas": ("Missing", "Vague", "Clear", "Argued", "Convincing"),
    "Grammar": ("Hard", "Patchy", "Fair", "Good", "Polished"),
}
LENIENT, HARSH = (0, 1, 2), (6, 7, 8)  # reviewers who give two options more, or two less, than the truth


def at(days: float = 0, definition=DEFINITION) -> Problem:
    return Problem(definition, START + timedelta(days=days))


def learner(i: int) -> Learner:
    return Learner(course_id=COURSE, item_id=ITEM, student_id=f"anon-{i:03}", username=f"learner{i}")


def truth(j: int) -> dict[str, int]:
    return {"Ideas": 1 + j % 3, "Grammar": 1 + (j // 3) % 3}


def review(i: int, j: int) -> dict[str, int]:
    shift = 2 if i in LENIENT else -2 if i in HARSH else 0
    return {name: min(4, max(0, points + shift)) for name, points in truth(j).items()}


def world(n: int, capture, reviewed_by: int = 3) -> dict[int, Workflow]:
    """``n`` learners submit; learner i reviews the next three (a ring); every grade so far (the median) published."""
    for i in range(n):
        submit(at(i / 1440), learner(i), [f"letter {i}"])
    overdue.remember(at(), ITEM, COURSE, OLX)
    rows = {int(w.student_id[5:]): w for w in Workflow.objects.filter(item_id=ITEM)}
    given = []
    for i in range(n):
        for k in range(1, reviewed_by + 1):
            j = (i + k) % n
            points = review(i, j)
            parts = [{"criterion": c, "option": NAMES[c][p], "points": p, "feedback": ""} for c, p in points.items()]
            given.append(
                Assessment(
                    workflow=rows[j],
                    kind=Assessment.Kind.PEER,
                    scorer_id=learner(i).student_id,
                    parts=parts,
                    points_earned=sum(points.values()),
                    points_possible=8,
                    created_at=START + timedelta(hours=i + k),
                )
            )
    Assessment.objects.bulk_create(given)
    Workflow.objects.filter(item_id=ITEM).update(peers_assessed=3, reviews_received=reviewed_by)
    with capture(execute=True):
        for pk in sorted(w.pk for w in rows.values()):
            with transaction.atomic():
                grades.advance(at(1), Workflow.objects.select_for_update().get(pk=pk))
    return {i: Workflow.objects.get(pk=w.pk) for i, w in rows.items()}


def medians(rows: dict[int, Workflow]) -> dict[int, int]:
    return {i: w.score_earned for i, w in rows.items()}


def refresh(days: float, capture) -> dict[int, Workflow]:
    with capture(execute=True):
        overdue.refresh_all(START + timedelta(days=days))
    return {int(w.student_id[5:]): w for w in Workflow.objects.filter(item_id=ITEM)}


def test_too_few_reviews_keep_the_median(django_capture_on_commit_callbacks) -> None:
    """Fewer than 10 reviewers with 3 reviews each: every response keeps the median; accuracy is still written."""
    before = medians(world(6, django_capture_on_commit_callbacks))
    after = refresh(2, django_capture_on_commit_callbacks)
    assert all(w.adjusted_points is None for w in after.values())
    assert medians(after) == before
    assert before[3] == sum(review(0, 3).values())  # reviewed by 0, 1, 2: the lenient median stands
    assert ReviewerAccuracy.objects.filter(item_id=ITEM).count() == 6


def test_a_peer_review_only_marks_the_problem_due() -> None:
    """The learner's request never calibrates: advance() in a calibrated problem marks its refresh due."""
    submit(at(), learner(0), ["letter"])
    overdue.remember(at(), ITEM, COURSE, OLX)
    ProblemSnapshot.objects.filter(item_id=ITEM).update(refresh_due_at=None)
    workflow = Workflow.objects.get()
    Assessment.objects.create(
        workflow=workflow,
        kind=Assessment.Kind.PEER,
        scorer_id="anon-x",
        parts=[],
        points_earned=0,
        points_possible=8,
        created_at=START,
    )
    with transaction.atomic():
        grades.advance(at(1), Workflow.objects.select_for_update().get())
    due = ProblemSnapshot.objects.get(item_id=ITEM).refresh_due_at
    assert due == START + timedelta(days=1) + calibrated.AFTER
    assert Workflow.objects.get().adjusted_points is None and not ReviewerAccuracy.objects.exists()


def test_a_review_landing_during_the_pass_keeps_the_problem_due(django_capture_on_commit_callbacks, monkeypatch):
    """A peer review that lands after the pass read the reviews is calibrated by a later pass: the refresh plans the
    problem's next refresh before it calibrates, so the review's mark is not overwritten."""
    world(12, django_capture_on_commit_callbacks)
    run = calibrated.run
    landed = START + timedelta(days=2)

    def pass_with_a_review_landing(problem, item_id, course_id):
        done = run(problem, item_id, course_id)
        calibrated.mark_due(Problem(DEFINITION, landed), item_id)  # the reviewer's request, meanwhile
        return done

    monkeypatch.setattr(calibrated, "run", pass_with_a_review_landing)
    refresh(2, django_capture_on_commit_callbacks)
    assert ProblemSnapshot.objects.get(item_id=ITEM).refresh_due_at <= landed + calibrated.AFTER


@pytest.mark.databases
def test_calibration_corrects_lenient_and_harsh_reviewers_once(django_capture_on_commit_callbacks) -> None:
    before = medians(world(12, django_capture_on_commit_callbacks))
    after = refresh(2, django_capture_on_commit_callbacks)
    assert all(w.adjusted_points is not None for w in after.values())
    true = {i: sum(truth(i).values()) for i in after}
    assert after[3].score_earned < before[3]  # three lenient reviewers: down, nearer the truth
    assert after[9].score_earned > before[9]  # three harsh reviewers: up
    error = sum(abs(w.score_earned - true[i]) for i, w in after.items())
    assert error < sum(abs(before[i] - true[i]) for i in after)
    published = {i: submissions_api.get_score(learner(i).student_item)["points_earned"] for i in after}
    assert published == medians(after)
    changed = {i for i in after if after[i].score_earned != before[i]}
    notices = Notice.objects.filter(kind=Notice.Kind.GRADE, context__content__points_before__isnull=False)
    told = {n.recipient_id: n.context["content"] for n in notices}
    assert set(told) == {learner(i).student_id for i in changed}
    assert told[learner(3).student_id]["points_before"] == before[3]
    assert told[learner(3).student_id]["points_earned"] == after[3].score_earned
    rows = list(ReviewerAccuracy.objects.order_by("reviewer_id").values())
    worst = ReviewerAccuracy.objects.order_by("score", "reviewer_id").values_list("reviewer_id", flat=True)[:6]
    assert {learner(i).student_id for i in (*LENIENT, *HARSH)} == set(worst)
    # Determinism: the same reviews again write nothing, publish nothing, tell nobody.
    count = Notice.objects.count()
    again = refresh(2.5, django_capture_on_commit_callbacks)
    assert [(w.adjusted_points, w.score_earned, w.updated_at) for w in again.values()] == [
        (w.adjusted_points, w.score_earned, w.updated_at) for w in after.values()
    ]
    assert list(ReviewerAccuracy.objects.order_by("reviewer_id").values()) == rows
    assert Notice.objects.count() == count


@pytest.mark.databases
def test_after_the_window_a_grade_only_goes_up(django_capture_on_commit_callbacks) -> None:
    """No peer due date: a calibrated grade may go down until 14 days after the learner submitted, then only up."""
    before = medians(world(12, django_capture_on_commit_callbacks))
    after = refresh(15, django_capture_on_commit_callbacks)
    assert after[3].score_earned == before[3] and after[3].adjusted_points is None  # held, as it was
    assert after[9].score_earned > before[9] and after[9].adjusted_points is not None
    assert all(after[i].score_earned >= before[i] for i in after)


def test_within_the_peer_due_date_a_grade_may_go_down(django_capture_on_commit_callbacks) -> None:
    before = medians(world(12, django_capture_on_commit_callbacks))
    due = START + timedelta(days=30)
    assert calibrated.window_end(at(15), Workflow.objects.first()) == START + calibrated.WINDOW + timedelta(0)
    step = DEFINITION.steps[0]
    with_due = DEFINITION.__class__(
        **{**DEFINITION.__dict__, "steps": (step.__class__(**{**step.__dict__, "due": due}),)}
    )
    assert calibrated.window_end(at(15, with_due), Workflow.objects.first()) == due
    done = calibrated.run(at(15, with_due), ITEM, COURSE)
    assert done.held == 0 and done.rescored > 0
    assert Workflow.objects.get(student_id=learner(3).student_id).score_earned < before[3]


def test_a_staff_grade_is_left_as_staff_set_it(django_capture_on_commit_callbacks) -> None:
    rows = world(12, django_capture_on_commit_callbacks)
    parts = [{"criterion": c, "option": NAMES[c][4], "points": 4, "feedback": ""} for c in NAMES]
    Assessment.objects.create(
        workflow=rows[3],
        kind=Assessment.Kind.STAFF,
        scorer_id="anon-staff",
        parts=parts,
        points_earned=8,
        points_possible=8,
        created_at=START + timedelta(days=1),
    )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        grades.advance(at(1), Workflow.objects.select_for_update().get(pk=rows[3].pk))
    graded = Workflow.objects.get(pk=rows[3].pk)
    after = refresh(2, django_capture_on_commit_callbacks)
    assert (after[3].score_earned, after[3].score_source, after[3].adjusted_points) == (8, "staff-assessment", None)
    assert after[3].updated_at == graded.updated_at
    assert after[9].adjusted_points is not None  # the others are calibrated, anchored on staff's grade


def test_frozen_grades_are_not_recalibrated(django_capture_on_commit_callbacks) -> None:
    before = world(12, django_capture_on_commit_callbacks)
    freeze = GradeFreeze({CourseKey.from_string(COURSE): timezone.now() - timedelta(days=31)})
    with grades_app(freeze):
        done = calibrated.run(at(2), ITEM, COURSE)
    after = {int(w.student_id[5:]): w for w in Workflow.objects.filter(item_id=ITEM)}
    assert (done.adjusted, done.rescored) == (0, 0) and done.reviewers == 12
    assert [(w.score_earned, w.adjusted_points, w.publish_due_at) for w in after.values()] == [
        (before[i].score_earned, None, None) for i in after
    ]


def test_accuracy_weight_counts_once_the_learner_has_an_accuracy(django_capture_on_commit_callbacks) -> None:
    """accuracy_weight 50: half the grade is the learner's accuracy (0-100) scaled to the problem's points; a
    learner with no accuracy yet is graded by their peers alone."""
    world(12, django_capture_on_commit_callbacks)
    step = DEFINITION.steps[0]
    weighted = DEFINITION.__class__(
        **{**DEFINITION.__dict__, "steps": (step.__class__(**{**step.__dict__, "accuracy_weight": 50}),)}
    )
    workflow = Workflow.objects.get(student_id=learner(4).student_id)
    received = grades.assessments_of(workflow)
    alone = grades.grade_of(at(2, weighted), workflow, received, accuracy={})
    assert alone is not None and alone.earned == workflow.score_earned
    half = grades.grade_of(at(2, weighted), workflow, received, accuracy={workflow.student_id: 75})
    assert half is not None and half.earned == (workflow.score_earned * 50 * 100 + 75 * 8 * 50 + 5000) // 10000
    ReviewerAccuracy.objects.create(
        item_id=ITEM, reviewer_id=workflow.student_id, score=100, reviews=3, updated_at=START
    )
    read = grades.grade_of(at(2, weighted), workflow, received)
    assert read is not None and read.earned == (workflow.score_earned * 50 * 100 + 100 * 8 * 50 + 5000) // 10000


@pytest.mark.databases
@pytest.mark.parametrize("learners", [20, 80])
def test_the_pass_costs_the_same_queries_for_20_or_80_learners(
    learners, django_capture_on_commit_callbacks, django_assert_num_queries
) -> None:
    """Workflows, assessments; accuracy read and upserted; the changed rows locked, their assessments, one
    UPDATE; and the savepoints of the caller's transaction and the pass's own."""
    world(learners, django_capture_on_commit_callbacks)
    with django_assert_num_queries(7 + 4), transaction.atomic():
        done = calibrated.run(at(2), ITEM, COURSE)
    assert done.adjusted == learners and done.rescored > 0 and done.reviewers == learners


ADJUSTED = "Your peer score was adjusted for how lenient or harsh your reviewers were."


def test_the_grade_page_says_when_the_peer_score_was_calibrated(django_capture_on_commit_callbacks) -> None:
    problem = HostProblem(scenarios.demo_olx("calibrated_peer.xml"))
    ann = account("ann")

    def page() -> str:
        block = lms_block(problem, ann)
        with request_by(ann), django_capture_on_commit_callbacks(execute=True):
            return str(json.loads(call_handler(block, "render_page", {}).body)["html"])

    with request_by(ann), django_capture_on_commit_callbacks(execute=True):
        assert call_handler(lms_block(problem, ann), "submit", {"answers": ["My letter."]}).status_code == 200
    workflow = Workflow.objects.get()
    for i in range(3):
        points = review(i + 3, 4)  # fair reviewers: Ideas 2, Grammar 2
        parts = [{"criterion": c, "option": NAMES[c][p], "points": p, "feedback": ""} for c, p in points.items()]
        Assessment.objects.create(
            workflow=workflow,
            kind=Assessment.Kind.PEER,
            scorer_id=f"anon-{i}",
            parts=parts,
            points_earned=4,
            points_possible=8,
            created_at=START,
        )
    Workflow.objects.update(
        status=Status.DONE, peers_assessed=3, score_earned=4, score_possible=8, score_source="peer-assessment"
    )
    median = page()
    assert "Your grade: 4 out of 8" in median and ADJUSTED not in median
    Workflow.objects.update(adjusted_points={"Ideas": 3, "Grammar": 2}, score_earned=5)
    adjusted = page()
    assert "Your grade: 5 out of 8" in adjusted and ADJUSTED in adjusted


def test_the_demo_has_the_problem_and_words_the_changed_grade() -> None:
    from demo.notices import _shown

    assert ("calibrated_peer.xml", "Calibrated peer grading") in scenarios.DEMO_PROBLEMS
    assert DEFINITION.step(StepName.PEER).grading_strategy is GradingStrategy.CALIBRATED
    content = {"ora_name": "Letters", "points_earned": 14, "points_possible": 20, "points_before": 12}
    shown = _shown(Notice(kind=Notice.Kind.GRADE, context={"content": content}, created_at=START))
    assert (
        shown["text"]
        == "Your grade for Letters changed from 12 to 14 after reviewers' leniency was taken into account."
    )


def test_the_demo_seeds_its_calibrated_problem_once(django_capture_on_commit_callbacks) -> None:
    from demo import calibrated as demo_calibrated
    from demo.scenarios import ora_scenarios, title

    with django_capture_on_commit_callbacks(execute=True):
        graded = demo_calibrated.seed(START)
    assert graded == len(demo_calibrated.WRITERS) and demo_calibrated.seed(START) == 0
    item_id = next(str(s.usage_id) for _, s in ora_scenarios() if title(s) == "Calibrated peer grading")
    rows = Workflow.objects.filter(item_id=item_id)
    assert rows.exclude(adjusted_points=None).count() == graded
    assert ReviewerAccuracy.objects.filter(item_id=item_id).count() == graded
    assert not rows.exclude(publish_due_at=None).exists()  # every score sent
