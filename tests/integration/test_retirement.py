"""The platform's user retirement signal: every copy of the retired user's username becomes the retired one."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from ora_xblock import retirement, scenarios
from ora_xblock.models import AuditEntry, Draft, ReportTask, ResponseFile, StaffLease, TeamResponse, Workflow
from ora_xblock.services import overdue, queue, reports, staff
from ora_xblock.services.assessments import self_assess
from ora_xblock.services.audit import Actor
from ora_xblock.services.common import Learner
from ora_xblock.services.responses import submit
from tests.host.retirement import get_retired_username_by_username, lms
from tests.integration.staff_world import COURSE, ITEM, at

pytestmark = pytest.mark.django_db

STATED = {"options_selected": {"Argument": "Stated"}}
OTHER_COURSE = "course-v1:Org+Other+2026"


def account(username: str):
    return get_user_model().objects.create(username=username, email=f"{username}@example.com")


def answered(platform, user, course: str = COURSE, username: str | None = None) -> Learner:
    """The user submits and assesses themselves in the problem, as the LMS identifies them in ``course``."""
    anonymous = platform.anonymous_ids.anonymous_id_for_user(user, course)
    learner = Learner(course_id=course, item_id=ITEM, student_id=anonymous, username=username or user.username)
    submit(at(0), learner, [f"answer of {user.username}"])
    overdue.remember(at(0), ITEM, course, scenarios.resource_text("scenarios/self_staff.xml"))
    self_assess(at(1), learner, STATED)
    return learner


@pytest.fixture
def platform():
    """The LMS as the retirement pipeline sees it, with ora_xblock's receiver connected as at start-up."""
    with lms() as platform:
        apps.get_app_config("ora_xblock").ready()
        yield platform


def usernames() -> dict[str, str]:
    return dict(Workflow.objects.values_list("student_id", "username"))


def test_retiring_a_learner_replaces_their_username_and_nobody_elses(platform) -> None:
    bob, cat = account("Bob"), account("cat")
    bob_id = answered(platform, bob).student_id
    cat_id = answered(platform, cat).student_id
    retired = get_retired_username_by_username("Bob")

    platform.retire(bob)

    assert usernames() == {bob_id: retired, cat_id: "cat"}
    row = Workflow.objects.get(student_id=bob_id)
    assert row.username_lower == retired.lower()  # the gradebook's search and order follow
    assert bob.username == retired  # the platform renamed the account after the signal


def test_rows_are_found_by_every_anonymous_id_of_the_user_whatever_name_they_carry(platform) -> None:
    bob = account("bob")
    here = answered(platform, bob, username="bob_before_a_rename").student_id  # stored under an older name
    elsewhere = answered(platform, bob, course=OTHER_COURSE).student_id  # another course, another anonymous id

    platform.retire(bob)

    retired = get_retired_username_by_username("bob")
    assert usernames() == {here: retired, elsewhere: retired}


def test_rows_are_found_by_username_when_the_anonymous_id_is_not_on_record(platform) -> None:
    bob = account("bob")
    submit(at(0), Learner(COURSE, ITEM, "id-the-platform-no-longer-has", username="bob"), ["answer"])

    platform.retire(bob)

    assert usernames() == {"id-the-platform-no-longer-has": get_retired_username_by_username("bob")}


def test_retiring_a_staff_member_renames_them_in_the_audit_trail_leases_removals_and_reports(platform) -> None:
    ann = account("StaffAnn")
    ann_actor = Actor(platform.anonymous_ids.anonymous_id_for_user(ann, COURSE), "StaffAnn")
    graded, removed, held = (answered(platform, account(name)) for name in ("dan", "eve", "fay"))
    staff.grade(at(2), ITEM, graded.student_id, ann_actor, STATED)
    staff.remove_from_peer_grading(at(2), ITEM, removed.student_id, ann_actor, "copied")
    queue.take(ITEM, held.student_id, ann_actor, at(2).now)
    reports.start(COURSE, ITEM, "grade", "StaffAnn", at(3).now)

    platform.retire(ann)

    retired = get_retired_username_by_username("StaffAnn")
    assert set(AuditEntry.objects.values_list("actor_username", flat=True)) == {retired}
    assert list(StaffLease.objects.values_list("holder_username", flat=True)) == [retired]
    assert list(ReportTask.objects.values_list("requested_by", flat=True)) == [retired]
    assert Workflow.objects.get(student_id=removed.student_id).cancelled_by == retired
    assert set(usernames().values()) == {"dan", "eve", "fay"}  # the learners keep theirs


def test_retiring_again_changes_nothing(platform) -> None:
    bob = account("bob")
    answered(platform, bob)
    ids = platform.anonymous_ids.model().objects.filter(user=bob).values_list("anonymous_user_id", flat=True)
    retired = get_retired_username_by_username("bob")

    assert retirement.scrub("bob", ids, retired) == 1
    assert retirement.scrub("bob", ids, retired) == 0
    assert usernames() == {ids[0]: retired}


def test_the_scrub_is_one_transaction(platform, monkeypatch) -> None:
    bob = account("bob")
    answered(platform, bob)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(ReportTask.objects, "filter", broken)  # the last table fails
    with pytest.raises(RuntimeError):
        platform.retire(bob)

    assert set(usernames().values()) == {"bob"}  # the learner's rows were not half renamed


def test_an_older_platform_that_sends_the_user_alone_gets_the_retired_name_from_the_platform() -> None:
    with lms(sends_retired_username=False) as platform:
        apps.get_app_config("ora_xblock").ready()
        bob = account("bob")
        answered(platform, bob)
        platform.retire(bob)
    assert set(usernames().values()) == {get_retired_username_by_username("bob")}


def test_the_receiver_is_connected_once_however_often_the_app_starts(platform) -> None:
    apps.get_app_config("ora_xblock").ready()
    assert len(platform.signal.receivers) == 1


def test_outside_the_platform_there_is_no_signal_to_connect_to() -> None:
    assert retirement.connect() is False


def test_every_username_we_keep_is_one_the_scrub_renames() -> None:
    """A new column holding a username or an email must join the scrub (and this list)."""
    scrubbed = {
        ("Workflow", "username"),
        ("Workflow", "username_lower"),
        ("Workflow", "cancelled_by"),
        ("StaffLease", "holder_username"),
        ("AuditEntry", "actor_username"),
        ("ReportTask", "requested_by"),
        ("ResponseFile", "uploaded_by"),
        ("TeamResponse", "submitted_by_username"),
        ("Appeal", "decided_by"),
    }
    personal = {
        (model.__name__, column.name)
        for model in apps.get_app_config("ora_xblock").get_models()
        for column in model._meta.get_fields()
        if isinstance(column, models.CharField)
        and any(word in column.name for word in ("username", "_by", "email", "full_name"))
    }
    assert personal == scrubbed


def test_the_learners_work_and_grade_survive_the_rename(platform) -> None:
    bob = account("bob")
    learner = answered(platform, bob)
    before = Workflow.objects.values("status", "score_earned", "submission_uuid").get(student_id=learner.student_id)

    platform.retire(bob)

    after = Workflow.objects.values("status", "score_earned", "submission_uuid").get(student_id=learner.student_id)
    assert after == before


def test_a_team_members_name_goes_from_the_shared_draft_its_files_and_the_team_response() -> None:
    """The names a team problem keeps: who changed each prompt, who uploaded each file, who submitted."""
    now = at(0).now
    Draft.objects.create(
        item_id=ITEM, student_id="team:t1", answers=["a", "b"], authors=["bob", "bobby"], updated_at=now
    )
    ResponseFile.objects.create(
        item_id=ITEM, student_id="team:t1", key="k1", name="plan.pdf", description="", extension="pdf",
        content_type="application/pdf", size=1, uploaded_at=now, uploaded_by="bob",
    )  # fmt: skip
    TeamResponse.objects.create(
        course_id=COURSE, item_id=ITEM, team_id="t1", team_name="Aurora", team_submission_uuid="u1",
        submitter_id="anon-bob", submitted_by_username="bob", submitted_at=now,
    )  # fmt: skip

    changed = retirement.scrub("bob", ["anon-bob"], "retired_bob")

    assert changed == 3
    assert Draft.objects.get().authors == ["retired_bob", "bobby"]
    assert ResponseFile.objects.get().uploaded_by == "retired_bob"
    assert TeamResponse.objects.get().submitted_by_username == "retired_bob"
    assert retirement.scrub("bob", ["anon-bob"], "retired_bob") == 0  # again, without change
