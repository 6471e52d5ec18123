"""Query helpers on the models: each written once, beside the model it reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ora_xblock.models import ResponseFile, Workflow

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def workflow(student_id: str, username: str = "") -> Workflow:
    return Workflow.objects.create(
        course_id="course-v1:Org+Run+2026",
        item_id="item",
        student_id=student_id,
        username=username,
        submission_uuid=f"uuid-{student_id}",
        status="waiting",
        submitted_at=NOW,
        updated_at=NOW,
    )


@pytest.mark.databases
@pytest.mark.django_db
def test_lock_for_gives_the_learners_workflow_locked_in_one_query_or_none() -> None:
    mine = workflow("anon-ann")
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert Workflow.objects.lock_for("item", "anon-ann") == mine
        assert Workflow.objects.lock_for("item", "anon-bob") is None
        assert Workflow.objects.lock_for("other", "anon-ann") is None
    assert len(queries) == 3
    if connection.features.has_select_for_update:
        assert all("FOR UPDATE" in query["sql"] for query in queries.captured_queries)


@pytest.mark.django_db
def test_staff_see_the_username_else_the_start_of_the_anonymous_id() -> None:
    assert workflow("0123456789abcdef", "ann").shown_name == "ann"
    assert workflow("fedcba9876543210").shown_name == "fedcba98"


@pytest.mark.django_db
def test_files_are_listed_in_the_order_they_were_uploaded() -> None:
    def upload(name: str, minutes: int) -> ResponseFile:
        return ResponseFile.objects.create(
            item_id="item",
            student_id="anon-ann",
            key=f"k/{name}",
            name=name,
            description=name,
            extension="pdf",
            content_type="application/pdf",
            size=1,
            uploaded_at=NOW + timedelta(minutes=minutes),
        )

    later, first, same_moment = upload("b.pdf", 5), upload("a.pdf", 0), upload("c.pdf", 5)
    assert list(ResponseFile.objects.in_order()) == [first, later, same_moment]
