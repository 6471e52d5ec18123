"""Top responses, read from real workflows and edx-submissions rows, and shown to learners who finished."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache

from ora_xblock import scenarios
from ora_xblock.definition import load_olx
from ora_xblock.models import Workflow
from ora_xblock.services import staff, top
from ora_xblock.services.common import Learner, Problem
from ora_xblock.services.responses import submit
from ora_xblock.templating import render
from tests.conftest import call_handler

pytestmark = [pytest.mark.django_db, pytest.mark.databases]

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PLAIN = load_olx(scenarios.resource_text("scenarios/peer_only.xml"))  # 6 points possible
RICH = load_olx(scenarios.resource_text("scenarios/hundred_years_war.xml"))
ITEM = "item-top"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def answered(name: str, text: str, earned: int | None, minutes: int, status: str = "done", definition=PLAIN) -> None:
    """``name`` submitted ``text`` ``minutes`` after START and ended with ``status`` and ``earned`` points."""
    learner = Learner(course_id="course-v1:O+R+1", item_id=ITEM, student_id=f"anon-{name}", username=name)
    submit(Problem(definition, START + timedelta(minutes=minutes)), learner, [text])
    Workflow.objects.filter(student_id=learner.student_id).update(
        status=status, score_earned=earned, score_possible=None if earned is None else 6
    )


def listed(count: int = 10, definition=PLAIN) -> list[tuple[str, int]]:
    return [(row["answers"][0], row["earned"]) for row in top.top_responses(Problem(definition, START), ITEM, count)]


def test_best_first_then_earliest_and_only_finished_graded_responses() -> None:
    answered("ann", "ann's", 4, minutes=3)
    answered("bob", "bob's", 6, minutes=2)
    answered("cat", "cat's", 4, minutes=1)
    answered("dan", "dan's", 0, minutes=4)
    answered("eve", "eve's", 6, minutes=5, status="cancelled")
    answered("fay", "fay's", None, minutes=6, status="peer")
    answered("gus", "gus's", 5, minutes=7, status="waiting")
    assert listed() == [("bob's", 6), ("cat's", 4), ("ann's", 4), ("dan's", 0)]
    cache.clear()
    assert listed(count=2) == [("bob's", 6), ("cat's", 4)]
    assert listed(count=0) == []


def test_the_list_names_nobody() -> None:
    answered("ann", "ann's", 4, minutes=1)
    (row,) = top.top_responses(Problem(PLAIN, START), ITEM, 5)
    assert set(row) == {"answers", "answers_html", "earned", "possible"}


def test_a_response_reset_by_staff_disappears_once_the_cache_is_dropped() -> None:
    answered("ann", "ann's", 4, minutes=1)
    answered("bob", "bob's", 5, minutes=2)
    assert listed() == [("bob's", 5), ("ann's", 4)]
    staff.reset("course-v1:O+R+1", ITEM, "anon-bob")
    top.forget(ITEM)
    assert listed() == [("ann's", 4)]


def test_the_second_read_comes_from_the_cache(django_assert_num_queries) -> None:
    for number in range(5):
        answered(f"l{number}", f"answer {number}", number, minutes=number)
    problem = Problem(PLAIN, START)
    with django_assert_num_queries(2):  # the workflows, then their answers in one read
        first = top.top_responses(problem, ITEM, 3)
    answered("late", "a late best answer", 6, minutes=9)
    with django_assert_num_queries(0):
        assert top.top_responses(problem, ITEM, 3) == first
    with django_assert_num_queries(2):  # asking for another count reads again
        assert [row["earned"] for row in top.top_responses(problem, ITEM, 2)] == [6, 4]


@pytest.mark.parametrize(("configured", "used"), [(None, 300), (60, 60), (86_400, 3600), (-5, 0)])
def test_the_cache_lasts_at_most_an_hour(settings, configured, used) -> None:
    if configured is not None:
        settings.ORA_XBLOCK_TOP_RESPONSES_CACHE_SECONDS = configured
    assert top.cache_seconds() == used


def rendered(responses: list[dict]) -> str:
    return render(
        "top_responses.html",
        responses=responses,
        prompts=[{"summary": "Write.", "truncated": False, "html": None, "text": "Write."}],
        uid="u1",
        _=lambda text: text,
        ngettext=lambda one, many, n: one if n == 1 else many,
    )


def test_plain_answers_are_escaped() -> None:
    answered("ann", "<script>alert(1)</script> & <b>bold</b>", 5, minutes=1)
    html = rendered(top.top_responses(Problem(PLAIN, START), ITEM, 5))
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "<script>" not in html and "<b>" not in html
    assert "5 / 6 points" in html
    assert "<h3" in html and "Top responses" in html and '<ol class="ora-top-list">' in html


def test_rich_answers_are_sanitised() -> None:
    answered("ann", '<p onclick="x()">Salic <strong>law</strong></p><script>alert(1)</script>', 5, 1, definition=RICH)
    html = rendered(top.top_responses(Problem(RICH, START), ITEM, 5))
    assert "<p>Salic <strong>law</strong></p>" in html
    assert "script" not in html and "onclick" not in html


def test_learners_see_the_list_once_done_and_not_before(make_block, users, django_capture_on_commit_callbacks) -> None:
    olx = scenarios.demo_olx("self_only.xml").replace("<ora_xblock", '<ora_xblock leaderboard_show="3"', 1)
    block = make_block(olx)
    call_handler(block, "submit", {"answers": ["my <i>answer</i>"]})
    assert "Top responses" not in json.loads(call_handler(block, "render_page", {}).body)["html"]
    done = call_handler(block, "self_assess", {"options_selected": {"Reflection": "Deep reflection"}})
    html = json.loads(done.body)["html"]
    assert "Top responses" in html and "4 / 4 points" in html and "my &lt;i&gt;answer&lt;/i&gt;" in html
    alice = users.user.opt_attrs["edx-platform.anonymous_user_id"]
    users.as_user("staff", staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        call_handler(block, "staff_reset", {"student_id": alice})
    assert top.top_responses(Problem(block.definition, START), str(block.scope_ids.usage_id), 3) == []
