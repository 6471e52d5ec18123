"""Staff grading a team's response at once from different members' rows, and a member's score that fails to
publish: on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import logging

import pytest
from django.db import DatabaseError
from submissions import api as submissions_api

from ora_xblock.models import Assessment, Workflow
from ora_xblock.services import grades, staff
from ora_xblock.services.common import Refusal
from tests.concurrency import run_concurrently
from tests.integration.staff_world import ANN_STAFF, BEN_STAFF, ITEM
from tests.integration.test_team_staff import FAIR, GOOD, at, rows, score_of, team

pytestmark = [pytest.mark.databases, pytest.mark.django_db(transaction=True)]


def test_two_graders_grading_one_team_from_different_members_at_once_leave_one_consistent_grade() -> None:
    team("ann", "bob", "cat", "dan")
    graders, rubrics, rows_of = (ANN_STAFF, BEN_STAFF), (GOOD, FAIR), ("anon-bob", "anon-dan")

    results = run_concurrently(lambda i: staff.grade(at(), ITEM, rows_of[i], graders[i], rubrics[i]), 2)

    # The team's rows are locked in one order, so one waits for the other; the second then finds a grade and
    # needs a reason (or, on SQLite, whose writers share one lock, may be told the database is busy).
    done = [result for result in results if not isinstance(result, Exception)]
    refused = [result for result in results if isinstance(result, Exception)]
    assert len(done) >= 1, results
    for error in refused:
        assert (isinstance(error, Refusal) and error.code == "reason_required") or isinstance(error, DatabaseError)
    scores = {score for _, _, score in rows("ann", "bob", "cat", "dan")}
    assert len(scores) == 1 and scores <= {15, 5}  # every member has the same grade, one grader's
    assert Assessment.objects.count() == 4 * len(done)  # one per member per grade, never half a team


def test_a_members_score_that_fails_to_publish_leaves_the_others_sent_and_is_sent_by_the_refresh(
    monkeypatch, caplog
) -> None:
    team("ann", "bob", "cat")
    real_set_score = submissions_api.set_score
    bob = Workflow.objects.get(student_id="anon-bob").submission_uuid

    def failing_for_bob(uuid, *args, **kwargs):
        if uuid == bob:
            raise submissions_api.SubmissionInternalError("submissions are down")
        return real_set_score(uuid, *args, **kwargs)

    monkeypatch.setattr(submissions_api, "set_score", failing_for_bob)
    with caplog.at_level(logging.ERROR, logger="ora_xblock.services.grades"):
        staff.grade(at(), ITEM, "anon-ann", ANN_STAFF, GOOD)  # committed; the publication after commit runs
    assert "sending the score of workflow" in caplog.text
    assert [score_of(name) for name in ("ann", "bob", "cat")] == [15, None, 15]
    due = Workflow.objects.get(student_id="anon-bob").publish_due_at
    assert due == at().now + grades.RETRY_AFTER

    monkeypatch.setattr(submissions_api, "set_score", real_set_score)
    sent = grades.republish_pending(due)
    assert (sent.sent, sent.failed) == (1, 0)
    assert [score_of(name) for name in ("ann", "bob", "cat")] == [15, 15, 15]
    assert grades.republish_pending(due).sent == 0  # once
