"""Reports: generated through the Celery task after commit, streamed to storage, injection-safe, short-lived links."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ora_xblock.models import ReportTask, Workflow
from ora_xblock.services import feedback, report_rows, reports, staff
from ora_xblock.services.state import learner_state
from ora_xblock.workflow import Status
from tests.integration.staff_world import (
    ANN_STAFF,
    COURSE,
    ITEM,
    PEER_FAIR,
    PEER_GOOD,
    PEER_ONLY,
    at,
    learner,
    peer_review,
    refusal,
    self_assess_all,
    submit_all,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def report_storage(settings, tmp_path: Path) -> Path:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    settings.CELERY_TASK_ALWAYS_EAGER = True
    return tmp_path


def generated(kind: str, capture, hours: float = 9) -> tuple[ReportTask, list[dict[str, str]]]:
    """Ask for a report and let the transaction commit, which runs the Celery task eagerly; its rows."""
    with capture(execute=True):
        task = reports.start(COURSE, ITEM, kind, "StaffAnn", at(hours).now)
        assert ReportTask.objects.get(pk=task.pk).status == ReportTask.State.PENDING
    task.refresh_from_db()
    assert task.status == ReportTask.State.DONE, task.error
    with reports.storage().open(task.file_name, "rb") as stored:
        return task, list(csv.DictReader(io.StringIO(stored.read().decode("utf-8"))))


def test_safe_neutralises_formulas_only() -> None:
    for cell in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert report_rows.safe(cell) == "'" + cell
    assert report_rows.safe("plain = fine") == "plain = fine"
    assert report_rows.safe(-1) == -1  # numbers stay numbers


def test_grade_report_matches_what_learners_see(django_capture_on_commit_callbacks) -> None:
    submit_all("ann", "bob", "cat", definition=PEER_ONLY)
    get_user_model().objects.create(username="ann", email="ann@example.org")
    for reviewer, data in (("ann", PEER_GOOD), ("bob", PEER_FAIR), ("cat", PEER_GOOD)) * 2:
        peer_review(reviewer, data)
    staff.grade(at(3, PEER_ONLY), ITEM, "anon-cat", ANN_STAFF, PEER_FAIR, reason="Second opinion.")

    task, rows = generated("grade", django_capture_on_commit_callbacks)

    folder, name = task.file_name.rsplit("/", 1)
    assert re.fullmatch(rf"ora_xblock/reports/{task.pk}-[A-Za-z0-9_-]{{22}}", folder)  # a random part: unguessable
    assert name == "course-v1_Org_Run_2026_ora_grade_report_2026-03-01-1800.csv"
    assert task.rows == 3 and task.finished_at is not None and task.requested_by == "StaffAnn"
    by_name = {row["username"]: row for row in rows}
    for name, row in by_name.items():
        grade = learner_state(at(9, PEER_ONLY), learner(name)).grade
        assert (row["status"], int(row["score"]), int(row["points_possible"])) == ("done", grade.earned, 6)
        for criterion in grade.criteria:
            assert int(row[criterion.name]) == criterion.points
            assert row[f"{criterion.name} (staff-assessment)"] == str(criterion.by_step.get("staff-assessment", ""))
        assert (row["peer_reviews_received"], row["peer_reviews_given"]) == ("2", "2")
    assert by_name["ann"]["email"] == "ann@example.org" and by_name["bob"]["email"] == ""
    assert by_name["cat"]["Users (peer-assessment)"] == "3"  # what peers gave, beside the staff override
    assert (by_name["cat"]["score"], by_name["cat"]["Users"]) == ("4", "2")
    assert (by_name["cat"]["last_staff_grade_by"], by_name["cat"]["last_staff_grade_reason"]) == (
        "StaffAnn",
        "Second opinion.",
    )


def test_grade_report_rows_for_waiting_and_removed_learners(django_capture_on_commit_callbacks) -> None:
    submit_all("ann", "bob")
    staff.remove_from_peer_grading(at(1), ITEM, "anon-bob", ANN_STAFF, '=HYPERLINK("http://x")')
    _, rows = generated("grade", django_capture_on_commit_callbacks)
    assert [(r["username"], r["status"], r["score"], r["Argument"]) for r in rows] == [
        ("ann", "self", "", ""),
        ("bob", "cancelled", "0", ""),
    ]


def test_data_report_lists_every_assessment_and_neutralises_formulas(django_capture_on_commit_callbacks) -> None:
    submit_all("ann", "bob")
    self_assess_all("ann")
    staff.grade(
        at(2), ITEM, "anon-ann", ANN_STAFF, {"options_selected": {"Argument": "Stated"}, "overall_feedback": "=cmd|x"}
    )
    task, rows = generated("data", django_capture_on_commit_callbacks)
    assert task.file_name.endswith("_ora_data_report_2026-03-01-1800.csv")
    assert [
        (r["learner_id"], r["step"], r["assessor_id"], r["Argument option"], r["Argument points"]) for r in rows
    ] == [
        ("anon-ann", "self", "anon-ann", "Stated", "3"),
        ("anon-ann", "staff", ANN_STAFF.anonymous_id, "Stated", "3"),
    ]
    assert rows[1]["overall_feedback"] == "'=cmd|x"
    assert rows[0]["assessed_at"] == at(1).now.isoformat()


def test_reports_are_listed_newest_first_with_pending_tasks(django_capture_on_commit_callbacks, settings) -> None:
    submit_all("ann")
    generated("grade", django_capture_on_commit_callbacks, hours=1)
    generated("data", django_capture_on_commit_callbacks, hours=2)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    pending = reports.start(COURSE, ITEM, "grade", "StaffAnn", at(3).now)  # not committed: never enqueued

    listed = reports.reports(ITEM)

    assert [task.kind for task in listed.finished] == ["data", "grade"]
    assert listed.pending == [pending] and listed.failed == []


def test_start_refuses_unknown_kinds_and_problems_nobody_answered() -> None:
    assert refusal(lambda: reports.start(COURSE, ITEM, "secret", "s", at(1).now)) == ("bad_request", 400)
    assert refusal(lambda: reports.start(COURSE, ITEM, "grade", "s", at(1).now)) == ("nothing_to_report", 409)


def test_a_failed_report_is_recorded(monkeypatch) -> None:
    submit_all("ann")
    task = reports.start(COURSE, ITEM, "grade", "StaffAnn", at(1).now)
    monkeypatch.setattr(report_rows, "grade_rows", lambda *args: _boom())
    done = reports.run(task.pk, clock=lambda: at(2).now)
    assert (done.status, done.error, done.finished_at) == (ReportTask.State.FAILED, "disk full", at(2).now)
    assert reports.run(task.pk).status == ReportTask.State.FAILED  # a task is run once


def _boom():
    raise OSError("disk full")
    yield


def test_a_download_link_works_for_five_minutes_for_its_user_only(django_capture_on_commit_callbacks) -> None:
    submit_all("ann")
    task, _ = generated("grade", django_capture_on_commit_callbacks)
    issued = at(10).now
    token = reports.link_token(task, "anon-staff-ann", issued)

    found, stream = reports.download(token, ITEM, "anon-staff-ann", issued + timedelta(seconds=299))
    with stream:
        assert found == task and stream.read().startswith(b"username,email")
    assert refusal(lambda: reports.download(token, ITEM, "anon-staff-ann", issued + timedelta(seconds=301))) == (
        "link_expired",
        403,
    )
    assert refusal(lambda: reports.download(token, ITEM, "anon-staff-ben", issued)) == ("bad_link", 403)
    assert refusal(lambda: reports.download(token + "x", ITEM, "anon-staff-ann", issued)) == ("bad_link", 403)
    assert refusal(lambda: reports.download(token, "other-item", "anon-staff-ann", issued)) == ("no_such_report", 404)


@pytest.mark.parametrize("learners", [3, 1200])
def test_queries_per_report_grow_per_chunk_not_per_learner(learners: int) -> None:
    submit_all("seed")
    seed = Workflow.objects.get()
    Workflow.objects.bulk_create(
        Workflow(
            course_id=COURSE,
            item_id=ITEM,
            student_id=f"anon-{n}",
            username=f"u{n}",
            submission_uuid=f"uuid-{n}",
            status=Status.STAFF,
            submitted_at=seed.submitted_at,
            updated_at=seed.updated_at,
        )
        for n in range(learners)
    )
    task = reports.start(COURSE, ITEM, "grade", "StaffAnn", at(1).now)
    with CaptureQueriesContext(connection) as captured:
        assert reports.run(task.pk).rows == learners + 1
    chunks = -(-(learners + 1) // report_rows.CHUNK)
    # claim, task, snapshot, the workflows (one streamed query), the task saved; per chunk of workflows: their
    # assessments, emails and staff grades
    assert chunks == (1 if learners < report_rows.CHUNK else 3)
    assert len(captured) == 5 + 3 * chunks


def test_the_data_report_gives_each_assessment_the_assessed_learners_feedback(
    django_capture_on_commit_callbacks,
) -> None:
    submit_all("ann", "bob", "cat", definition=PEER_ONLY)
    for reviewer in ("ann", "bob", "cat") * 2:
        peer_review(reviewer)
    useful, _, disagree, _ = feedback.OPTIONS
    feedback.give(at(5, PEER_ONLY), learner("ann"), [useful, disagree], "=One review missed my point.")

    _, rows = generated("data", django_capture_on_commit_callbacks)

    about = {name: [row for row in rows if row["learner_id"] == f"anon-{name}"] for name in ("ann", "bob")}
    assert len(about["ann"]) == 2 and len(about["bob"]) == 2
    for row in about["ann"]:
        assert row["feedback_statements"] == f"{useful}\n{disagree}"  # ora2's statements, one per line
        assert row["feedback_comment"] == "'=One review missed my point."  # neutralised as every cell is
    assert all(row["feedback_statements"] == row["feedback_comment"] == "" for row in about["bob"])


@pytest.mark.parametrize("learners", [3, 9])
def test_the_data_report_reads_its_rows_and_feedback_in_one_query(learners: int) -> None:
    names = [f"l{number}" for number in range(learners)]
    submit_all(*names, definition=PEER_ONLY)
    for reviewer in names * 2:
        peer_review(reviewer)
    for name in names:
        feedback.give(at(5, PEER_ONLY), learner(name), [feedback.OPTIONS[0]], f"From {name}.")

    with CaptureQueriesContext(connection) as captured:
        rows = list(report_rows.data_rows(PEER_ONLY, ITEM))

    assert len(rows) == 2 * learners and len(captured) == 1
    assert {row[-2] for row in rows} == {f"From {name}." for name in names}
    assert {row[-1] for row in rows} == {""}  # nobody appealed
