"""The concurrency harness on each database: threads race for edx-submissions' unique StudentItem row."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection
from opaque_keys.edx.keys import CourseKey
from submissions import api as submissions_api
from submissions.errors import SubmissionRequestError
from submissions.models import StudentItem, Submission

from tests.concurrency import run_concurrently

pytestmark = [pytest.mark.databases, pytest.mark.django_db(transaction=True)]

THREADS = 8
COURSE = CourseKey.from_string("course-v1:Org+Run+2026")
ITEM = {
    "student_id": "a" * 32,
    "course_id": str(COURSE),
    "item_id": str(COURSE.make_usage_key("ora_xblock", "essay")),
    "item_type": "ora_xblock",
}


def test_runs_on_the_database_asked_for(settings) -> None:
    assert connection.vendor == settings.TEST_DATABASE


def test_threads_share_one_database() -> None:
    results = run_concurrently(
        lambda i: StudentItem.objects.create(**{**ITEM, "student_id": f"student{i}"}).pk, THREADS
    )

    assert all(isinstance(pk, int) for pk in results), results
    assert len(set(results)) == THREADS
    assert StudentItem.objects.count() == THREADS


def test_unique_constraint_lets_exactly_one_insert_win() -> None:
    results = run_concurrently(lambda _: StudentItem.objects.create(**ITEM), THREADS)

    winners = [result for result in results if isinstance(result, StudentItem)]
    losers = [result for result in results if not isinstance(result, StudentItem)]
    assert len(winners) == 1, results
    assert all(isinstance(error, IntegrityError) for error in losers), losers
    assert list(StudentItem.objects.values_list("pk", flat=True)) == [winners[0].pk]


def test_get_or_create_race_ends_with_one_row_and_no_error() -> None:
    results = run_concurrently(lambda _: StudentItem.objects.get_or_create(**ITEM), THREADS)

    assert not [result for result in results if isinstance(result, Exception)], results
    assert sum(created for _, created in results) == 1
    assert {item.pk for item, _ in results} == {StudentItem.objects.get().pk}


def test_concurrent_first_submissions_succeed_with_one_retry() -> None:
    """edx-submissions races itself on the first submission for a student item.

    ``_get_or_create_student_item`` reads, then validates uniqueness, then inserts. A thread that loses the race
    between the read and the validation gets ``SubmissionRequestError`` ("must make a unique set") instead of the
    row, so callers retry once.
    """

    def submit(i: int) -> dict:
        answer = {"text": f"answer {i}"}
        try:
            return submissions_api.create_submission(ITEM, answer)
        except SubmissionRequestError:
            return submissions_api.create_submission(ITEM, answer)

    results = run_concurrently(submit, THREADS)

    assert not [result for result in results if isinstance(result, Exception)], results
    assert StudentItem.objects.count() == 1
    assert Submission.objects.filter(student_item__student_id=ITEM["student_id"]).count() == THREADS
    assert sorted(result["answer"]["text"] for result in results) == sorted(f"answer {i}" for i in range(THREADS))
