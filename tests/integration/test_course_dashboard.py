"""The course dashboard (ora_xblock/dashboard/views.py): every problem of a course for its staff, refused to anyone
else; the learners waiting for peer reviews; the learners' feedback; the course-wide reports; a page whose query
count does not grow with the course's problems or learners."""

from __future__ import annotations

import csv
import dataclasses
import io
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import translation
from lxml import html

from ora_xblock import platform, scenarios
from ora_xblock.definition import load_olx
from ora_xblock.definition.model import DateConfig
from ora_xblock.models import Appeal, ProblemSnapshot, ReportTask, Workflow
from ora_xblock.models.feedback import AssessmentFeedback
from ora_xblock.services import reports
from ora_xblock.services.feedback import OPTIONS
from ora_xblock.workflow import Status
from tests.integration.staff_world import COURSE, ITEM, START, learner, submit_all

urlpatterns = [path("ora_xblock/", include("ora_xblock.dashboard.urls"))]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

OTHER_COURSE = "course-v1:Other+Run+2026"
PEER_OLX = scenarios.resource_text("scenarios/peer_only.xml")  # must be graded by 2
PEER_ONLY = load_olx(PEER_OLX)
SELF_STAFF = load_olx(scenarios.resource_text("scenarios/self_staff.xml"))


@dataclass
class FakeBlock:
    """What the dashboard reads of a problem block from the modulestore: its id, name and definition."""

    item_id: str
    display_name: str
    definition: Any
    scope_ids: Any = field(init=False)

    def __post_init__(self) -> None:
        self.scope_ids = SimpleNamespace(usage_id=self.item_id)


class CourseHost:
    """``ORA_XBLOCK_COURSE_HOST`` for these tests: the problems of ``COURSE``, and "staff" as its staff."""

    def __init__(self) -> None:
        self.blocks: list[FakeBlock] = []

    def problems(self, course_id: str) -> list[tuple[FakeBlock, str]]:
        return [(block, f"/units/{block.item_id}") for block in self.blocks] if course_id == COURSE else []

    def is_staff(self, user: Any, course_id: str) -> bool:
        return course_id == COURSE and user.username in ("staff", "staff2")

    def anonymous_id(self, user: Any, course_id: str) -> str:
        return f"anon-{user.username}"


HOST = CourseHost()


@pytest.fixture(autouse=True)
def course_host(settings, tmp_path: Path) -> CourseHost:
    settings.ORA_XBLOCK_COURSE_HOST = f"{__name__}.HOST"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    settings.CELERY_TASK_ALWAYS_EAGER = True
    HOST.blocks = []
    return HOST


def client_as(username: str | None, **options: Any) -> Client:
    client = Client(**options)
    if username is not None:
        client.force_login(get_user_model().objects.get_or_create(username=username)[0])
    return client


def dashboard_url(course_id: str = COURSE) -> str:
    return reverse("ora_xblock:course_dashboard", kwargs={"course_id": course_id})


def add_problem(item_id: str, title: str, definition: Any = PEER_ONLY) -> FakeBlock:
    block = FakeBlock(item_id, title, definition)
    HOST.blocks.append(block)
    return block


def learners(item_id: str, status: Status, count: int, course_id: str = COURSE, **values: Any) -> None:
    """``count`` learners of ``item_id`` in ``status``, the first submitted an hour before the others."""
    Workflow.objects.bulk_create(
        Workflow(
            course_id=course_id,
            item_id=item_id,
            student_id=f"anon-{item_id}-{status}-{n}",
            username=f"{status}{n}",
            submission_uuid=str(uuid.uuid4()),
            status=status,
            submitted_at=START + timedelta(hours=1 if n else 0),
            updated_at=START,
            **values,
        )
        for n in range(count)
    )


def rows(page: bytes, table: str) -> list[list[str]]:
    """The text of each body row's cells in the table of the section headed ``table``."""
    tree = html.fromstring(page)
    (section,) = tree.xpath(f"//section[h2[normalize-space()={table!r}]]")
    return [[" ".join(cell.text_content().split()) for cell in row] for row in section.xpath(".//table/tbody/tr")]


def test_each_step_shows_the_window_it_is_open_in(clock) -> None:
    clock.now = datetime(2026, 3, 31, 17, 0, tzinfo=UTC)
    two = load_olx(scenarios.resource_text("scenarios/two_questions.xml"))  # the response is due on its own date
    add_problem("item-two", "Two questions", two)
    from_subsection = dataclasses.replace(PEER_ONLY, date_config_type=DateConfig.SUBSECTION)
    block = add_problem("item-sub", "Dated by the subsection", from_subsection)
    block.fields = {"start": None, "due": None}
    block.start, block.due = START, datetime(2026, 4, 2, 17, 0, tzinfo=UTC)
    page = client_as("staff").get(dashboard_url())
    steps = {row[0]: row[1] for row in rows(page.content, "Problems")}
    assert steps["Two questions"].startswith("Response Due Dec 31, 2030")
    assert "Dates:" not in steps["Two questions"]  # the author's own dates: nothing to explain
    assert steps["Dated by the subsection"] == (
        "Response Due Apr 2, 2026 (in 2 days) Peer assessment (Must Grade 2, Graded By 2) Due Apr 2, 2026 (in 2 days) "
        "Dates: every step is open from the subsection's release date to its due date."
    )


def test_the_page_speaks_the_requests_language_and_reads_right_to_left_in_arabic() -> None:
    add_problem("item-peer", "Bus stop")
    client = client_as("staff")
    with translation.override("fr"):
        french = client.get(dashboard_url()).content.decode()
    assert '<html lang="fr" dir="ltr">' in french
    assert "Générer le rapport de notes ORA" in french
    with translation.override("ar"):
        arabic = client.get(dashboard_url()).content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "إنشاء تقرير درجات ORA" in arabic


# Who may see it


def test_staff_see_every_problem_of_the_course_with_its_counts() -> None:
    add_problem("item-peer", "Bus stop")
    add_problem("item-staff", "Argument", SELF_STAFF)
    add_problem("item-new", "Nobody yet")
    learners("item-peer", Status.PEER, 3)
    learners("item-peer", Status.WAITING, 2, reviews_received=1)
    learners("item-peer", Status.STAFF, 2, escalated_at=START)
    learners("item-peer", Status.DONE, 4)
    learners("item-staff", Status.SELF, 1)
    learners("item-staff", Status.STAFF, 5)
    page = client_as("staff").get(dashboard_url())
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    found = {row[0]: row for row in rows(page.content, "Problems")}
    assert list(found) == ["Bus stop", "Argument", "Nobody yet"]
    bus = found["Bus stop"]
    assert bus[2:4] == ["11", "Assessing peers: 3"]
    assert bus[4].startswith("2 The oldest submitted")
    assert bus[5].startswith("2 2 sent on by the peer step The oldest submitted")
    assert bus[6] == "4"
    assert "Peer assessment (Must Grade 2, Graded By 2)" in bus[1]
    assert found["Argument"][2:7] == ["6", "Self assessment: 1", "0", found["Argument"][5], "0"]
    assert found["Argument"][5].startswith("5 The oldest submitted")
    assert "Staff assessment (required)" in found["Argument"][1]
    assert found["Nobody yet"][2:7] == ["0", "0", "0", "0", "0"]
    assert b'href="/units/item-peer"' in page.content
    assert b"17 learners have submitted a response." in page.content
    assert b"2 wait for peer reviews;" in page.content
    assert b"7 wait for staff." in page.content


def test_anyone_but_course_staff_is_refused() -> None:
    add_problem("item-peer", "Bus stop")
    refused = client_as("alice").get(dashboard_url())
    assert refused.status_code == 403
    assert b"Bus stop" not in refused.content
    assert b"for the course&#39;s staff" in refused.content
    assert client_as("staff").get(dashboard_url(OTHER_COURSE)).status_code == 403  # staff of another course
    anonymous = client_as(None).get(dashboard_url())
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(f"{django_settings.LOGIN_URL}?next=")
    assert client_as("staff").get("/ora_xblock/courses/not-a-course/").status_code == 404
    assert client_as("staff").post(dashboard_url()).status_code == 405


def test_another_courses_problems_and_learners_never_appear(settings) -> None:
    settings.ORA_XBLOCK_COURSE_HOST = ""  # no host: the course's own index lists its problems
    ProblemSnapshot.objects.create(item_id="item-mine", course_id=COURSE, olx=PEER_OLX, updated_at=START)
    other = PEER_OLX.replace("design a better bus stop", "another course's problem")
    ProblemSnapshot.objects.create(item_id="item-theirs", course_id=OTHER_COURSE, olx=other, updated_at=START)
    learners("item-mine", Status.WAITING, 1)
    learners("item-theirs", Status.WAITING, 3, course_id=OTHER_COURSE)
    user = get_user_model().objects.create(username="admin", is_staff=True)  # global staff: staff of every course
    client = Client()
    client.force_login(user)
    page = client.get(dashboard_url())
    assert [row[0] for row in rows(page.content, "Problems")] == ["Peer review: design a better bus stop"]
    assert b"another course" not in page.content
    assert len(rows(page.content, "Learners waiting for peer reviews")) == 1


# The learners waiting for peer reviews


def test_learners_waiting_for_peer_reviews_longest_first_with_grade_now() -> None:
    add_problem("item-peer", "Bus stop")
    learners("item-peer", Status.WAITING, 2, reviews_received=1)
    page = client_as("staff").get(dashboard_url())
    waiting = rows(page.content, "Learners waiting for peer reviews")
    assert [row[:2] for row in waiting] == [["waiting0", "Bus stop"], ["waiting1", "Bus stop"]]
    assert [row[3] for row in waiting] == ["1 of 2", "1 of 2"]
    tree = html.fromstring(page.content)
    links = tree.xpath("//section[h2='Learners waiting for peer reviews']//a/@href")
    try:
        grade = reverse(
            "ora_xblock:course_grade",
            kwargs={"course_id": COURSE, "item_id": "item-peer", "student_id": "anon-item-peer-waiting-0"},
        )
    except NoReverseMatch:  # the grading page is not installed: no link to it
        assert links == []
    else:
        assert links[0] == grade


# The learners' feedback


def test_learners_feedback_is_counted_per_problem_and_the_latest_listed() -> None:
    add_problem("item-peer", "Bus stop")
    learners("item-peer", Status.DONE, 2)
    first, second = Workflow.objects.order_by("id")
    for workflow, options, comment in (
        (first, [OPTIONS[0]], ""),
        (second, [OPTIONS[0], OPTIONS[2]], "<b>Too harsh</b>"),
    ):
        AssessmentFeedback.objects.create(
            workflow=workflow,
            course_id=workflow.course_id,
            item_id=workflow.item_id,
            options=options,
            comment=comment,
            created_at=START,
        )
    page = client_as("staff").get(dashboard_url())
    assert rows(page.content, "Problems")[0][7] == "2"
    assert rows(page.content, "Learners' feedback on their assessments") == [["Bus stop", "2", "2", "0", "1", "0"]]
    assert b"&lt;b&gt;Too harsh&lt;/b&gt;" in page.content
    assert b"I disagree with at least one of the peer assessments of my response." in page.content


def test_open_appeals_are_counted_per_problem_beside_the_staff_queue() -> None:
    add_problem("item-peer", "Bus stop")
    add_problem("item-other", "Other")
    learners("item-peer", Status.DONE, 3)
    for workflow, status in zip(Workflow.objects.order_by("id"), ("open", "open", "upheld"), strict=True):
        Appeal.objects.create(
            workflow=workflow, course_id=COURSE, item_id=workflow.item_id, reason="Why", created_at=START, status=status
        )

    found = {row[0]: row for row in rows(client_as("staff").get(dashboard_url()).content, "Problems")}

    assert found["Bus stop"][5] == "0 2 open appeals of peer grades"
    assert found["Other"][5] == "0"


# The course's reports


def test_staff_generate_and_download_the_course_report(django_capture_on_commit_callbacks) -> None:
    submit_all("ann", "bob")
    add_problem(ITEM, "Argument", SELF_STAFF)
    client = client_as("staff")
    start = reverse("ora_xblock:course_report_start", kwargs={"course_id": COURSE})
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(start, {"kind": "grade"})
    assert started.status_code == 302
    assert started["Location"] == f"{dashboard_url()}#ora-course-reports"
    task = ReportTask.objects.get()
    assert (task.course_id, task.item_id, task.kind, task.status) == (COURSE, "", "grade", "done")
    page = client.get(dashboard_url())
    assert b"The report is being generated." in page.content
    (link,) = html.fromstring(page.content).xpath("//ul[@class='ora-staff-reports']//a/@href")
    download = client.get(link)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="course-v1_Org_Run_2026_ora_grade_report')
    assert download["X-Content-Type-Options"] == "nosniff"
    table = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert [(row["problem"], row["item_id"]) for row in table] == [("Self check, then staff review", ITEM)] * 2
    # The link is this staff member's only, and this course's only.
    assert client_as("staff2").get(link).status_code == 403
    other = link.replace(COURSE, OTHER_COURSE)
    assert client.get(other).status_code == 403  # not staff there
    assert learner("ann").student_id not in page.content.decode()


def test_a_report_of_a_course_nobody_submitted_to_is_refused_with_a_message() -> None:
    client = client_as("staff")
    start = reverse("ora_xblock:course_report_start", kwargs={"course_id": COURSE})
    assert client.post(start, {"kind": "grade"}).status_code == 302
    assert not ReportTask.objects.exists()
    assert b"Nobody has submitted a response yet." in client.get(dashboard_url()).content
    assert client.get(start).status_code == 405


def test_starting_a_report_needs_the_csrf_token_and_course_staff() -> None:
    submit_all("ann")
    start = reverse("ora_xblock:course_report_start", kwargs={"course_id": COURSE})
    assert client_as("staff", enforce_csrf_checks=True).post(start, {"kind": "grade"}).status_code == 403
    assert client_as("alice").post(start, {"kind": "grade"}).status_code == 403
    assert not ReportTask.objects.exists()


def test_an_expired_or_forged_link_is_refused() -> None:
    task = ReportTask.objects.create(
        course_id=COURSE, item_id="", kind="grade", status="done", requested_by="staff", created_at=START
    )
    old = reports.link_token(task, "anon-staff", platform.now() - timedelta(minutes=6))
    url = reverse("ora_xblock:course_report_download", kwargs={"course_id": COURSE, "token": old})
    expired = client_as("staff").get(url)
    assert expired.status_code == 403
    assert b"This link has expired." in expired.content
    forged = reverse("ora_xblock:course_report_download", kwargs={"course_id": COURSE, "token": "1:abc:def"})
    assert client_as("staff").get(forged).status_code == 403


# Its cost


def _page_queries(problems: int, per_status: int) -> int:
    HOST.blocks = []
    Workflow.objects.all().delete()
    for n in range(problems):
        item = f"item-{n}"
        add_problem(item, f"Problem {n}")
        for status in (Status.PEER, Status.WAITING, Status.STAFF, Status.DONE):
            learners(item, status, per_status)
    client = client_as("staff")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(dashboard_url()).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_for_1_or_20_problems_and_3_or_30_learners() -> None:
    few = _page_queries(problems=1, per_status=1)
    assert few <= 8  # session and user, then counts, waiting learners, feedback (2), reports
    assert _page_queries(problems=20, per_status=1) == few
    assert _page_queries(problems=1, per_status=8) == few  # 32 learners
    assert _page_queries(problems=20, per_status=8) == few


def test_from_the_index_the_page_costs_one_query_more(settings) -> None:
    settings.ORA_XBLOCK_COURSE_HOST = ""
    get_user_model().objects.create(username="admin", is_staff=True)
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    counts = []
    for first, last in ((0, 1), (1, 20)):
        for n in range(first, last):
            ProblemSnapshot.objects.create(item_id=f"i{n}", course_id=COURSE, olx=PEER_OLX, updated_at=START)
            learners(f"i{n}", Status.WAITING, 3)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(dashboard_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# The demo's answers (demo/course_host.py)


@pytest.mark.urls("demo.urls")
def test_the_demo_lists_its_problems_for_its_staff_and_keeps_the_persona_in_links() -> None:
    from django.test import RequestFactory

    from demo import course_host
    from demo.middleware import DEMO_COURSE

    listed = list(course_host.problems(DEMO_COURSE))
    assert len(listed) == len(scenarios.DEMO_PROBLEMS) + 2  # the unit of two problems counts twice
    assert all(block.scope_ids.block_type == "ora_xblock" and "?student=staff" in url for block, url in listed)
    assert list(course_host.problems(OTHER_COURSE)) == []
    staff, alice = (SimpleNamespace(username=name) for name in ("staff", "alice"))
    assert course_host.HOST.is_staff(staff, DEMO_COURSE)
    assert not course_host.HOST.is_staff(alice, DEMO_COURSE) and not course_host.HOST.is_staff(staff, OTHER_COURSE)
    request = RequestFactory().get("/", {"student": "staff"})
    assert course_host.HOST.link(request, "/ora_xblock/x/") == "/ora_xblock/x/?student=staff"
    assert course_host.HOST.link(RequestFactory().get("/"), "/ora_xblock/x/") == "/ora_xblock/x/"
