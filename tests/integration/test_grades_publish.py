"""Publishing scores to edx-submissions: the staff annotation, frozen course grades, the platform's "Delete learner
state", and what each costs in queries."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey
from submissions import api as submissions_api
from submissions.models import Score, ScoreAnnotation

from ora_xblock.models import Assessment, AuditEntry, Draft, Workflow
from ora_xblock.services import grades, overdue, staff
from ora_xblock.services.responses import save_draft
from tests.host.grades import GradeFreeze, grades_app
from tests.integration.staff_world import (
    ANN_STAFF,
    COURSE,
    ITEM,
    PEER_ONLY,
    at,
    learner,
    refusal,
    self_assess_all,
    submit_all,
)

pytestmark = pytest.mark.django_db

STATED = {"options_selected": {"Argument": "Stated"}}
LONG_ENDED = {CourseKey.from_string(COURSE): timezone.now() - timedelta(days=31)}  # frozen since a day


def student_item(name: str) -> dict[str, str]:
    return learner(name).student_item


def queries(action) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        result = action()
    return result, len(captured)


@pytest.fixture
def frozen():
    freeze = GradeFreeze(dict(LONG_ENDED))
    with grades_app(freeze):
        yield freeze


def test_a_staff_grade_is_published_with_its_grader_and_reason(django_capture_on_commit_callbacks) -> None:
    submit_all("ann")
    self_assess_all("ann")
    with django_capture_on_commit_callbacks(execute=True):
        staff.grade(at(2), ITEM, "anon-ann", ANN_STAFF, STATED, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        staff.grade(at(3), ITEM, "anon-ann", ANN_STAFF, {"options_selected": {"Argument": "Unclear"}}, "Copied.")
    annotations = ScoreAnnotation.objects.order_by("id").values_list("creator", "annotation_type", "reason")
    assert list(annotations) == [
        ("anon-staff-ann", "staff_override", ""),
        ("anon-staff-ann", "staff_override", "Copied."),
    ]
    assert submissions_api.get_score(student_item("ann"))["points_earned"] == 0


def test_set_score_drops_a_score_whose_annotation_has_no_reason() -> None:
    """Why the annotation always carries a reason, even empty: edx-submissions saves score and annotation in one
    transaction, swallows the IntegrityError of a NULL reason, and stores nothing."""
    submit_all("bea")
    uuid = Workflow.objects.get().submission_uuid
    submissions_api.set_score(uuid, 3, 5, annotation_creator="x", annotation_type="staff_override")
    assert not Score.objects.exists()
    submissions_api.set_score(
        uuid, 3, 5, annotation_creator="x", annotation_type="staff_override", annotation_reason=""
    )
    assert Score.objects.count() == 1


def test_frozen_grades_keep_the_score_waiting(frozen) -> None:
    submit_all("cal", definition=PEER_ONLY)
    Workflow.objects.update(status="done", score_earned=2, score_possible=4, score_source="peer-assessment")
    workflow = Workflow.objects.get()
    assert grades.publish(workflow.pk) is False
    assert submissions_api.get_score(student_item("cal")) is None
    assert Workflow.objects.get().needs_publishing
    frozen.course_ends.clear()  # the flag turned off
    assert grades.publish(workflow.pk) is True
    assert submissions_api.get_score(student_item("cal"))["points_earned"] == 2
    assert grades.publish(workflow.pk) is False


def test_the_overdue_refresh_changes_no_frozen_grade(frozen, django_capture_on_commit_callbacks) -> None:
    """Seven days on, flexible grading grades a learner with one review of two; the gradebook stays as it was."""
    submit_all("kim", definition=PEER_ONLY)
    Workflow.objects.update(status="waiting", peers_assessed=2, reviews_received=1)
    parts = [
        {"criterion": "Users", "option": "Yes", "points": 3, "feedback": ""},
        {"criterion": "Feasibility", "option": "Plausible", "points": 2, "feedback": ""},
    ]
    week = at(24 * 7 + 1, PEER_ONLY)
    Assessment.objects.create(
        workflow=Workflow.objects.get(),
        kind="peer",
        scorer_id="x",
        parts=parts,
        points_earned=5,
        points_possible=6,
        created_at=week.now,
    )
    flexible = replace(week, flexible_forced=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert overdue.refresh(flexible, ITEM).graded == 1
    assert submissions_api.get_score(student_item("kim")) is None
    frozen.course_ends.clear()
    assert grades.publish(Workflow.objects.get().pk) is True
    assert submissions_api.get_score(student_item("kim"))["points_earned"] == 5


def test_frozen_grades_refuse_every_staff_change(frozen) -> None:
    submit_all("dee")
    assert refusal(lambda: staff.grade(at(2), ITEM, "anon-dee", ANN_STAFF, STATED)) == ("grades_frozen", 403)
    remove = lambda: staff.remove_from_peer_grading(at(2), ITEM, "anon-dee", ANN_STAFF, "Plagiarism.")  # noqa: E731
    assert refusal(remove) == ("grades_frozen", 403)
    assert refusal(lambda: staff.reset(COURSE, ITEM, "anon-dee", ANN_STAFF, at(2).now)) == ("grades_frozen", 403)
    assert Workflow.objects.get().status == "self"
    assert not AuditEntry.objects.exists()


def test_clear_resets_whatever_the_learner_has(django_capture_on_commit_callbacks) -> None:
    submit_all("eve")
    with django_capture_on_commit_callbacks(execute=True):
        self_assess_all("eve")
        staff.grade(at(2), ITEM, "anon-eve", ANN_STAFF, STATED)
    assert staff.clear(COURSE, ITEM, "anon-eve", ANN_STAFF, at(3).now) is True
    assert submissions_api.get_score(student_item("eve")) is None
    assert submissions_api.get_submissions(student_item("eve")) == []
    assert [entry.action for entry in AuditEntry.objects.order_by("id")] == ["grade", "reset"]
    save_draft(at(4), learner("fox"), ["half"])
    assert staff.clear(COURSE, ITEM, "anon-fox", ANN_STAFF, at(5).now) is True
    assert not Draft.objects.exists()
    assert staff.clear(COURSE, ITEM, "anon-nobody", ANN_STAFF, at(5).now) is False
    assert AuditEntry.objects.count() == 3


def test_clear_goes_on_while_grades_are_frozen(frozen) -> None:
    """The platform's own reset does not look at frozen grades either; only the staff area refuses."""
    submit_all("gil")
    assert staff.clear(COURSE, ITEM, "anon-gil", ANN_STAFF, at(1).now) is True
    assert not Workflow.objects.exists()


def test_query_counts_of_publishing(record_property, django_capture_on_commit_callbacks) -> None:
    """A learner's score costs what it did before (lock, edx-submissions' set_score, mark published). A staff
    score adds three: the grader and the reason, read, and edx-submissions' annotation insert; and one for the
    learner's notice of their grade (an INSERT; the problem's title comes with the call, as the send after commit
    and the refresh give it). The frozen check reads nothing in this host; in the LMS it reads the course waffle
    flag and the course overview. A score not final (no grade yet to tell) records no notice."""
    submit_all("hal", "ian")
    self_assess_all("hal", "ian")
    with django_capture_on_commit_callbacks(execute=False):
        staff.grade(at(2), ITEM, "anon-hal", ANN_STAFF, STATED)
        staff.grade(at(2), ITEM, "anon-ian", ANN_STAFF, STATED, reason="")
    counts = {}
    hal, ian = (Workflow.objects.get(student_id=f"anon-{name}") for name in ("hal", "ian"))
    _, counts["staff_score_without_frozen_check"] = queries(lambda: grades.publish(hal.pk, name="Essay"))
    with grades_app(GradeFreeze()):
        _, counts["staff_score_with_frozen_check"] = queries(lambda: grades.publish(ian.pk, name="Essay"))
    submit_all("jo")
    Workflow.objects.filter(student_id="anon-jo").update(
        score_earned=3, score_possible=5, score_source="self-assessment"
    )
    jo = Workflow.objects.get(student_id="anon-jo")
    with grades_app(GradeFreeze()):
        _, counts["learner_score"] = queries(lambda: grades.publish(jo.pk))
    _, counts["already_published"] = queries(lambda: grades.publish(jo.pk))
    record_property("publish_query_counts", counts)
    # Counted inside the test's transaction: each atomic block is a SAVEPOINT and its RELEASE.
    assert counts == {
        "staff_score_without_frozen_check": 17,
        "staff_score_with_frozen_check": 17,
        "learner_score": 13,
        "already_published": 3,
    }
