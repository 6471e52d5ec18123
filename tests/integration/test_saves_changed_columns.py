"""A workflow read from the database writes back only the columns that changed (models/tracking.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ora_xblock.models import Workflow

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def stored() -> Workflow:
    Workflow.objects.create(
        course_id="course-v1:O+R+1",
        item_id="item-1",
        student_id="anon-ann",
        username="Ann",
        submission_uuid="u-1",
        status="peer",
        submitted_at=NOW,
        updated_at=NOW,
    )
    return Workflow.objects.get(student_id="anon-ann")


def saved_sql(workflow: Workflow) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        workflow.save()
    return [query["sql"] for query in queries.captured_queries]


def test_only_the_changed_columns_are_written_and_nothing_when_none_changed() -> None:
    workflow = stored()
    assert saved_sql(workflow) == []
    workflow.peers_assessed += 1
    (update,) = saved_sql(workflow)
    assert "peers_assessed" in update and "status" not in update and "score_earned" not in update
    assert saved_sql(workflow) == []  # saved: nothing left to write


def test_a_save_keeps_what_another_transaction_wrote_to_other_columns() -> None:
    workflow = stored()
    Workflow.objects.filter(pk=workflow.pk).update(score_earned=5, score_possible=6)  # written meanwhile
    workflow.status = "waiting"
    workflow.save()
    assert Workflow.objects.values_list("status", "score_earned").get(pk=workflow.pk) == ("waiting", 5)


def test_json_changed_in_place_the_username_and_a_refresh_are_seen() -> None:
    workflow = stored()
    workflow.adjusted_points = {"Ideas": 3}
    workflow.save()
    workflow.adjusted_points["Ideas"] = 4  # in place
    assert any("adjusted_points" in sql for sql in saved_sql(workflow))
    workflow.username = "Bea"
    assert "username_lower" in saved_sql(workflow)[0]
    assert Workflow.objects.get(pk=workflow.pk).username_lower == "bea"
    Workflow.objects.filter(pk=workflow.pk).update(status="done")
    workflow.refresh_from_db()
    workflow.status = "peer"  # back to what it was first read as: still a change from the row's "done"
    workflow.save()
    assert Workflow.objects.get(pk=workflow.pk).status == "peer"


def test_a_row_made_in_memory_saves_whole_as_django_does() -> None:
    workflow = stored()
    copy = Workflow(
        pk=workflow.pk, **{f.attname: getattr(workflow, f.attname) for f in Workflow._meta.concrete_fields[1:]}
    )
    copy.status = "done"
    (update,) = saved_sql(copy)
    assert "course_id" in update and "status" in update
