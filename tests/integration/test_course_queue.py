"""The course dashboard's grading pages: one staff queue across the course's problems, and "grade now".

Served by the plugin app's URLs (mounted here as the LMS mounts them, under ``/ora_xblock/``), with a course host
that names the course staff and their anonymous ids, as the platform's access check and ``anonymous_id_for_user``
do (ora_xblock/dashboard/host.py).
"""

from __future__ import annotations

import contextlib
import json
import sys
from datetime import timedelta
from types import ModuleType, SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from submissions.models import Score

from ora_xblock import platform, scenarios
from ora_xblock.models import Appeal, Assessment, AuditEntry, ResponseFile, StaffLease, Workflow
from ora_xblock.services import appeals, audit, overdue, queue
from ora_xblock.services.assessments import self_assess
from ora_xblock.services.audit import Actor
from ora_xblock.services.common import Learner, Problem
from ora_xblock.services.responses import submit
from ora_xblock.workflow import Status
from tests.concurrency import run_concurrently
from tests.integration.staff_world import (
    COURSE,
    ITEM,
    PEER_ONLY,
    SELF_STAFF,
    START,
    learner,
    peer_review,
    submit_all,
)
from tests.integration.test_appeals import graded_by_peers

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

urlpatterns = [path("ora_xblock/", include("ora_xblock.dashboard.urls"))]

ITEM2 = "block-v1:Org+Run+2026+type@ora_xblock+block@essay2"
OTHER_COURSE = "course-v1:Other+Run+2026"
OTHER_ITEM = "block-v1:Other+Run+2026+type@ora_xblock+block@essay"
STAFF = {"staffann", "staffben"}
STATED = {"options_selected": {"Argument": "Stated"}, "criterion_feedback": {}, "overall_feedback": "Fine."}


class CourseHost:
    """The course team: staffann and staffben are staff of COURSE only; anonymous ids as the platform's."""

    @staticmethod
    def is_staff(user, course_id: str) -> bool:
        return user.username in STAFF and course_id == COURSE

    @staticmethod
    def anonymous_id(user, course_id: str) -> str:
        return f"anon-{user.username}"

    @staticmethod
    def problems(course_id: str):
        """The course's problem blocks, each with the page it is on."""
        for number, item in enumerate((ITEM, ITEM2)):
            yield SimpleNamespace(scope_ids=SimpleNamespace(usage_id=item)), f"/courses/{course_id}/unit-{number}"


HOST = CourseHost()


@pytest.fixture(autouse=True)
def course_host(settings):
    settings.ORA_XBLOCK_COURSE_HOST = f"{__name__}.HOST"


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get_or_create(username=username)[0])
    return client


def queue_url(course: str = COURSE) -> str:
    return reverse("ora_xblock:course_queue", kwargs={"course_id": course})


def grade_url(item: str, student: str, course: str = COURSE) -> str:
    return reverse("ora_xblock:course_grade", kwargs={"course_id": course, "item_id": item, "student_id": student})


def answer(item: str, name: str, minutes: float, course: str = COURSE, text: str = "") -> None:
    """``name`` answers the self-then-staff problem ``item`` ``minutes`` after the start, and assesses
    themselves: they wait for staff."""
    who = Learner(course_id=course, item_id=item, student_id=f"anon-{name}", username=name)
    problem = Problem(SELF_STAFF, START + timedelta(minutes=minutes))
    submit(problem, who, [text or f"answer of {name}"])
    overdue.remember(problem, item, course, scenarios.resource_text("scenarios/self_staff.xml"))
    self_assess(Problem(SELF_STAFF, START + timedelta(hours=2)), who, {"options_selected": {"Argument": "Stated"}})


def post_json(client: Client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def held_by(username: str) -> list[tuple[str, str]]:
    leases = StaffLease.objects.filter(holder_id=f"anon-{username}")
    return sorted(leases.values_list("item_id", "workflow__student_id"))


def test_staff_take_the_oldest_response_across_the_problems() -> None:
    answer(ITEM, "amy", 2)
    answer(ITEM2, "bob", 1)  # the oldest, in the other problem
    answer(ITEM2, "cal", 3)
    ann = client_of("staffann")

    shown = ann.get(queue_url())
    assert shown.status_code == 200 and StaffLease.objects.count() == 0  # a GET takes nothing
    assert "3 responses are waiting for staff." in shown.content.decode()

    taken = ann.post(queue_url(), {"action": "next"})
    assert taken.status_code == 302 and taken["Location"] == f"{queue_url()}?done=next"
    assert held_by("staffann") == [(ITEM2, "anon-bob")]

    page = ann.get(taken["Location"]).content.decode()
    assert "Response of bob" in page and "answer of bob" in page and "Self check, then staff review" in page
    assert "2 other responses are waiting for staff." in page
    assert 'name="student_id" value="anon-bob"' in page and f'value="{ITEM2}"' in page


@pytest.mark.databases
@pytest.mark.django_db(transaction=True)
def test_staff_asking_at_once_never_get_the_same_response() -> None:
    graders = ["staffann", "staffben"]
    answer(ITEM, "amy", 1)
    answer(ITEM2, "bob", 2)
    answer(ITEM, "cal", 3)
    clients = [client_of(name) for name in graders]

    answers = run_concurrently(lambda i: clients[i].post(queue_url(), {"action": "next"}), len(graders))

    # Each takes one, or (SQLite, whose writers wait on one lock) is told to try again; never an error page.
    statuses = [getattr(response, "status_code", None) for response in answers]
    assert set(statuses) <= {302, 409, 503} and 302 in statuses, [getattr(r, "content", r) for r in answers]
    held = [held_by(name) for name, status in zip(graders, statuses, strict=True) if status == 302]
    assert all(len(leases) == 1 for leases in held), held
    taken = [leases[0] for leases in held]
    assert len(set(taken)) == len(taken)  # never the same response twice
    assert set(taken) <= {(ITEM, "anon-amy"), (ITEM2, "anon-bob")}  # the oldest ones
    if len(taken) == 1:
        assert taken == [(ITEM, "anon-amy")]
    assert all(held_by(name) == [] for name, status in zip(graders, statuses, strict=True) if status != 302)


def test_grading_from_the_queue_publishes_once_after_commit_and_holds_the_next(
    django_capture_on_commit_callbacks,
) -> None:
    answer(ITEM, "amy", 1)
    answer(ITEM2, "bob", 2)
    ann = client_of("staffann")
    ann.post(queue_url(), {"action": "next"})

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        graded = post_json(ann, queue_url(), {"item_id": ITEM, "student_id": "anon-amy", "from_queue": "1"} | STATED)
        assert not Score.objects.exists()  # nothing reaches the gradebook before the commit
    assert graded.status_code == 200, graded.content
    assert graded.json() == {"redirect": f"{queue_url()}?done=graded"}
    for callback in callbacks:
        callback()
    for callback in callbacks:  # published again (a retry): nothing changes
        callback()
    assert Score.objects.count() == 1 and Score.objects.get().points_earned == 3
    assert Workflow.objects.get(student_id="anon-amy").status == Status.DONE
    assert held_by("staffann") == [(ITEM2, "anon-bob")]  # the next one, from the other problem
    page = ann.get(graded.json()["redirect"]).content.decode()
    assert "The grade was saved" in page and "Response of bob" in page


def test_a_response_held_elsewhere_is_shown_to_its_grader_to_continue() -> None:
    answer(ITEM, "amy", 1)
    answer(ITEM2, "bob", 2)
    ann = client_of("staffann")
    ann.post(queue_url(), {"action": "next"})  # taken in one tab
    just_taken = ann.get(f"{queue_url()}?done=next").content.decode()
    assert "Response of amy" in just_taken and "You are already grading" not in just_taken

    again = ann.get(queue_url()).content.decode()  # the queue opened in another tab
    assert "You are already grading the response of amy (taken earlier, perhaps in another tab)" in again
    assert "Response of amy" in again and "1 other response is waiting for staff." in again
    taken = ann.post(queue_url(), {"action": "next"})  # a stale tab's "Grade the next response": still amy's
    assert taken.status_code == 302 and held_by("staffann") == [(ITEM, "anon-amy")]


def test_the_response_is_shown_escaped_with_its_files_and_where_it_came_from() -> None:
    answer(ITEM2, "amy", 1, text='<script>alert("x")</script> 3 < 5')
    amy = Workflow.objects.get()
    Workflow.objects.filter(pk=amy.pk).update(escalated_at=START)
    for number, name in enumerate(("graph.png", "<b>notes</b>.pdf")):
        ResponseFile.objects.create(
            item_id=ITEM2,
            student_id=amy.student_id,
            workflow=amy,
            key=f"key-{number}",
            name=name,
            description="",
            extension=name.rsplit(".", 1)[1],
            content_type="image/png",
            size=2500,
            uploaded_at=START,
        )
    ann = client_of("staffann")
    ann.post(queue_url(), {"action": "next"})
    page = ann.get(queue_url()).content.decode()
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; 3 &lt; 5" in page and "<script>alert" not in page
    assert "Sent on from peer assessment" in page
    assert "graph.png" in page and "&lt;b&gt;notes&lt;/b&gt;.pdf" in page and "2 KB" in page
    assert f'href="/courses/{COURSE}/unit-1"' in page  # the files are downloaded from the problem's page


def test_a_grade_from_the_queue_needs_the_hold() -> None:
    answer(ITEM, "amy", 1)
    refused = post_json(client_of("staffann"), queue_url(), {"item_id": ITEM, "student_id": "anon-amy"} | STATED)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_held"
    assert Workflow.objects.get().status == Status.STAFF


def test_a_grade_after_the_hold_ran_out_is_refused(monkeypatch) -> None:
    answer(ITEM, "amy", 1)
    ann = client_of("staffann")
    ann.post(queue_url(), {"action": "next"})
    later = platform.now() + timedelta(minutes=31)  # ORA_XBLOCK_STAFF_LEASE_MINUTES is 30
    monkeypatch.setattr(platform, "now", lambda: later)
    refused = post_json(ann, queue_url(), {"item_id": ITEM, "student_id": "anon-amy"} | STATED)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "lease_expired"
    assert "ran out" in refused.json()["error"]["message"]
    assert Workflow.objects.get().status == Status.STAFF


def test_a_database_failure_changes_nothing_and_says_to_try_again(monkeypatch) -> None:
    answer(ITEM, "amy", 1)
    ann = client_of("staffann")
    ann.post(queue_url(), {"action": "next"})

    def fail(*args, **kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(audit, "record", fail)  # after the assessment is written: it must be rolled back
    refused = post_json(ann, queue_url(), {"item_id": ITEM, "student_id": "anon-amy"} | STATED)
    assert refused.status_code == 503 and refused.json()["error"]["code"] == "try_again"
    assert Workflow.objects.get().status == Status.STAFF and not Assessment.objects.filter(kind="staff").exists()
    monkeypatch.setattr(queue, "release", fail)
    page = ann.post(queue_url(), {"action": "release", "item_id": ITEM, "student_id": "anon-amy"})
    assert page.status_code == 503 and "Try again." in page.content.decode()
    assert held_by("staffann") == [(ITEM, "anon-amy")]


def test_a_body_that_is_no_json_object_is_refused() -> None:
    answer(ITEM, "amy", 1)
    ann = client_of("staffann")
    for url in (queue_url(), grade_url(ITEM, "anon-amy")):
        refused = ann.post(url, "[1, 2", content_type="application/json")
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "bad_json"
    assert Workflow.objects.get().status == Status.STAFF


def test_an_incomplete_grade_lists_what_is_missing() -> None:
    answer(ITEM, "amy", 1)
    ann = client_of("staffann")
    ann.post(queue_url(), {"action": "next"})
    refused = post_json(ann, queue_url(), {"item_id": ITEM, "student_id": "anon-amy", "options_selected": {}})
    error = refused.json()["error"]
    assert refused.status_code == 400 and error["code"] == "invalid_assessment" and error["errors"]
    assert held_by("staffann") == [(ITEM, "anon-amy")]


def test_skip_hands_out_the_next_and_gives_the_skipped_back() -> None:
    answer(ITEM, "amy", 1)
    answer(ITEM2, "bob", 2)
    ann = client_of("staffann")
    ann.post(queue_url(), {"action": "next"})

    skipped = ann.post(queue_url(), {"action": "skip", "item_id": ITEM, "student_id": "anon-amy"})

    assert skipped.status_code == 302 and skipped["Location"].endswith("done=skip")
    assert held_by("staffann") == [(ITEM2, "anon-bob")]
    client_of("staffben").post(queue_url(), {"action": "next"})
    assert held_by("staffben") == [(ITEM, "anon-amy")]  # back in the queue for others


def test_release_gives_the_response_back() -> None:
    answer(ITEM, "amy", 1)
    ann = client_of("staffann")
    ann.post(queue_url(), {"action": "next"})
    released = ann.post(queue_url(), {"action": "release", "item_id": ITEM, "student_id": "anon-amy"})
    assert released.status_code == 302 and not StaffLease.objects.exists()
    page = ann.get(released["Location"]).content.decode()
    assert "The response went back to the queue." in page and "1 response is waiting for staff." in page


def test_posts_without_the_csrf_token_are_refused() -> None:
    answer(ITEM, "amy", 1)
    ann = Client(enforce_csrf_checks=True)
    ann.force_login(get_user_model().objects.get_or_create(username="staffann")[0])
    assert ann.post(queue_url(), {"action": "next"}).status_code == 403
    assert post_json(ann, grade_url(ITEM, "anon-amy"), STATED).status_code == 403
    assert not StaffLease.objects.exists() and Workflow.objects.get().status == Status.STAFF


def test_an_unknown_action_is_refused() -> None:
    refused = client_of("staffann").post(queue_url(), {"action": "take_all"})
    assert refused.status_code == 400 and "Send an action" in refused.content.decode()


@pytest.mark.parametrize("name", ["amy", "staffann-of-nothing"])
def test_anyone_but_course_staff_is_refused(name: str) -> None:
    answer(ITEM, "amy", 1)
    someone = client_of(name)
    for url in (queue_url(), grade_url(ITEM, "anon-amy")):
        assert someone.get(url).status_code == 403
    assert someone.post(queue_url(), {"action": "next"}).status_code == 403
    assert post_json(someone, grade_url(ITEM, "anon-amy"), STATED).status_code == 403
    assert not StaffLease.objects.exists() and Workflow.objects.get().status == Status.STAFF


def test_the_anonymous_are_sent_to_sign_in() -> None:
    answer(ITEM, "amy", 1)
    for response in (Client().get(queue_url()), Client().post(queue_url(), {"action": "next"})):
        assert response.status_code == 302 and "login" in response["Location"]
    assert not StaffLease.objects.exists()


def test_staff_of_one_course_cannot_reach_another_courses_learners() -> None:
    answer(OTHER_ITEM, "oz", 1, course=OTHER_COURSE)
    answer(ITEM, "amy", 2)
    ann = client_of("staffann")
    # through this course's pages, naming the other course's problem
    assert ann.get(grade_url(OTHER_ITEM, "anon-oz")).status_code == 404
    refused = post_json(ann, grade_url(OTHER_ITEM, "anon-oz"), STATED)
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "no_such_problem"
    refused = post_json(ann, queue_url(), {"item_id": OTHER_ITEM, "student_id": "anon-oz"} | STATED)
    assert refused.status_code == 404
    assert ann.post(queue_url(), {"action": "skip", "item_id": OTHER_ITEM, "student_id": "anon-oz"}).status_code == 404
    # the queue hands out this course's responses only, and the other course's pages refuse this course's staff
    ann.post(queue_url(), {"action": "next"})
    ann.post(queue_url(), {"action": "next"})
    assert held_by("staffann") == [(ITEM, "anon-amy")]
    assert ann.get(queue_url(OTHER_COURSE)).status_code == 403
    assert post_json(ann, grade_url(OTHER_ITEM, "anon-oz", OTHER_COURSE), STATED).status_code == 403
    assert Workflow.objects.get(student_id="anon-oz").status == Status.STAFF


class Tracker:
    """The platform's event tracking (eventtracking's tracker, track.views.server_track): each event sent, with
    the tracker contexts open around it."""

    def __init__(self) -> None:
        self.open: list[tuple[str, dict]] = []
        self.sent: list[dict] = []

    @contextlib.contextmanager
    def context(self, name: str, values: dict):
        self.open.append((name, values))
        yield
        self.open.pop()

    def server_track(self, request, name: str, data: dict, page: str | None = None) -> None:
        self.sent.append({"name": name, "data": data, "page": page, "contexts": list(self.open)})


@pytest.fixture
def tracking(monkeypatch) -> Tracker:
    """The LMS's modules the grading pages send events through: eventtracking and common.djangoapps.track."""
    tracker = Tracker()
    modules = {name: ModuleType(name) for name in ("common", "common.djangoapps", "common.djangoapps.track")}
    contexts = ModuleType("common.djangoapps.track.contexts")
    contexts.course_context_from_course_id = lambda key: {"course_id": str(key), "org_id": key.org}
    views = ModuleType("common.djangoapps.track.views")
    views.server_track = tracker.server_track
    modules["common.djangoapps.track"].contexts, modules["common.djangoapps.track"].views = contexts, views
    eventtracking = ModuleType("eventtracking")
    eventtracking.tracker = SimpleNamespace(get_tracker=lambda: tracker)
    modules |= {"common.djangoapps.track.contexts": contexts, "common.djangoapps.track.views": views}
    for name, module in (modules | {"eventtracking": eventtracking}).items():
        monkeypatch.setitem(sys.modules, name, module)
    return tracker


def test_a_grade_sends_ora2s_staff_assess_event_once_committed(tracking, django_capture_on_commit_callbacks) -> None:
    answer(ITEM, "amy", 1)
    answer(ITEM2, "bob", 2)
    ann = client_of("staffann")
    ann.post(queue_url(), {"action": "next"})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_json(ann, queue_url(), {"item_id": ITEM, "student_id": "anon-amy"} | STATED)
    assert tracking.sent == []  # nothing before the commit
    for callback in callbacks:
        callback()
    with django_capture_on_commit_callbacks(execute=True):
        post_json(ann, grade_url(ITEM2, "anon-bob"), STATED)
    refused = post_json(ann, grade_url(ITEM2, "anon-bob"), STATED)  # no reason to change it: refused, no event
    assert refused.status_code == 400

    assert [(event["name"], event["data"]["type"]) for event in tracking.sent] == [
        ("openassessmentblock.staff_assess", "full-grade"),
        ("openassessmentblock.staff_assess", "regrade"),
    ]
    event = tracking.sent[0]
    amy = Workflow.objects.get(student_id="anon-amy")
    assert event["page"] == "x_module"
    assert event["data"]["submission_uuid"] == amy.submission_uuid and event["data"]["scorer_id"] == "anon-staffann"
    assert event["data"]["score_type"] == "ST" and event["data"]["feedback"] == "Fine."
    assert event["data"]["parts"] == [
        {
            "option": {"name": "Stated", "points": 3},
            "criterion": {"name": "Argument", "points_possible": 5},
            "feedback": "",
        }
    ]
    user_id = get_user_model().objects.get(username="staffann").pk
    assert event["contexts"] == [
        ("module_callback_handler", {"module": {"display_name": "Self check, then staff review", "usage_key": ITEM}}),
        ("openassessmentblock.staff_assess", {"course_id": COURSE, "org_id": "Org", "user_id": user_id}),
    ]


def waiting_for_peers() -> None:
    """Amy, Bob and Cal answer the peer problem; Amy reviews two peers and waits for reviews of her own."""
    submit_all("amy", "bob", "cal", definition=PEER_ONLY)
    peer_review("amy")
    peer_review("amy")
    assert Workflow.objects.get(student_id="anon-amy").status == Status.WAITING


def test_grade_now_a_learner_waiting_for_peer_reviews(django_capture_on_commit_callbacks) -> None:
    waiting_for_peers()
    ann = client_of("staffann")
    page = ann.get(grade_url(ITEM, "anon-amy")).content.decode()
    assert "Grade the response of amy" in page and "Waiting for peer reviews" in page and "answer of amy" in page
    assert "<dt>Peer reviews received</dt><dd>0</dd>" in page

    grade = {"options_selected": {"Users": "Yes", "Feasibility": "Practical"}, "overall_feedback": "Thorough."}
    with django_capture_on_commit_callbacks(execute=True):
        graded = post_json(ann, grade_url(ITEM, "anon-amy"), grade)
    assert graded.status_code == 200 and graded.json()["redirect"].endswith("?done=graded")
    amy = Workflow.objects.get(student_id="anon-amy")
    assert amy.status == Status.DONE and Score.objects.count() == 1
    assert "The grade was saved" in ann.get(graded.json()["redirect"]).content.decode()

    # changing it needs a reason, which the learner's history keeps
    again = post_json(ann, grade_url(ITEM, "anon-amy"), grade)
    assert again.status_code == 400 and again.json()["error"]["code"] == "reason_required"
    changed = post_json(ann, grade_url(ITEM, "anon-amy"), grade | {"reason": "Second look."})
    assert changed.status_code == 200
    assert list(AuditEntry.objects.order_by("id").values_list("action", "reason")) == [
        ("grade", ""),
        ("override", "Second look."),
    ]


def test_grade_now_is_refused_while_another_grader_holds_the_response() -> None:
    answer(ITEM, "amy", 1)
    queue.next_among([ITEM], Actor("anon-staffben", "staffben"), platform.now())
    ann = client_of("staffann")
    assert "staffben is grading this response" in ann.get(grade_url(ITEM, "anon-amy")).content.decode()
    refused = post_json(ann, grade_url(ITEM, "anon-amy"), STATED)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "being_graded"


def test_grade_now_of_a_learner_who_never_answered_is_not_found() -> None:
    answer(ITEM, "amy", 1)
    missing = client_of("staffann").get(grade_url(ITEM, "anon-nobody"))
    assert missing.status_code == 404 and "There is no submitted response to assess." in missing.content.decode()


def queries(client: Client, url: str) -> int:
    cache.clear()  # a response's answers are cached once read: count them read
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_pages_cost_the_same_whatever_the_learners_and_problems() -> None:
    answer(ITEM, "amy", 1)
    ann = client_of("staffann")
    ann.post(queue_url(), {"action": "next"})
    small = (queries(ann, queue_url()), queries(ann, grade_url(ITEM, "anon-amy")))

    for number in range(2, 8):
        item = f"block-v1:Org+Run+2026+type@ora_xblock+block@essay{number}"
        for name in (f"l{number}a", f"l{number}b", f"l{number}c"):
            answer(item, name, number)
    answer(ITEM, "zed", 9)
    large = (queries(ann, queue_url()), queries(ann, grade_url(ITEM, "anon-amy")))

    assert large == small, (small, large)
    print(f"queries: queue page {small[0]}, grade-now page {small[1]}")
    assert small[0] <= 10 and small[1] <= 12, small


def test_an_appeal_is_marked_in_the_course_queue_and_decided_there() -> None:
    graded_by_peers("ann", "bob", "cat")
    for name in ("ann", "bob"):
        appeals.appeal(Problem(PEER_ONLY, START + timedelta(hours=5)), learner(name), f"Look again, {name}.")
    sam = client_of("staffann")

    page = sam.get(sam.post(queue_url(), {"action": "next"})["Location"]).content.decode()

    assert "Appeal: the learner asks staff to review their peer grade." in page
    assert "Look again, ann." in page and "Peer grade: 6 of 6" in page and "Users: Yes" in page
    upheld = sam.post(queue_url(), {"action": "uphold", "item_id": ITEM, "student_id": "anon-ann", "reason": "Fair."})
    assert upheld.status_code == 302 and upheld["Location"] == f"{queue_url()}?done=appeal"
    body = {"item_id": ITEM, "student_id": "anon-bob", "from_queue": "1", "decision": "regrade", "reason": "Lower."}
    regraded = post_json(sam, queue_url(), {**body, "options_selected": {"Users": "No", "Feasibility": "Practical"}})
    assert regraded.status_code == 200, regraded.content
    assert dict(Appeal.objects.values_list("workflow__username", "status")) == {"ann": "upheld", "bob": "regraded"}
    assert Workflow.objects.get(username="bob").score_earned == 3
    assert "No response is waiting for a staff grade." in sam.get(queue_url()).content.decode()


def test_grade_now_sends_an_appealed_learner_to_the_queue() -> None:
    graded_by_peers("ann", "bob", "cat")
    appeals.appeal(Problem(PEER_ONLY, START + timedelta(hours=5)), learner("ann"), "Look again.")
    sam = client_of("staffann")

    appealed = sam.get(grade_url(ITEM, "anon-ann")).content.decode()
    other = sam.get(grade_url(ITEM, "anon-bob")).content.decode()

    assert "This learner appealed their peer grade" in appealed and '<form class="ora-rubric-form' not in appealed
    assert "This learner appealed their peer grade" not in other and '<form class="ora-rubric-form' in other
