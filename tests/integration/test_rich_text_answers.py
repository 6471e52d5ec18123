"""A rich-text answer crafted to spy on its readers and to pass for the block's buttons, as every reader sees it."""

from __future__ import annotations

import hashlib
import json

import lxml.html
import pytest
from django.core.cache import cache
from submissions import api as submissions_api

from ora_xblock import scenarios
from ora_xblock.models import Workflow
from tests.conftest import call_handler

pytestmark = pytest.mark.django_db

# Sent straight to the handler, as a learner who bypasses the editor would.
CRAFTED = (
    "<p>Move the shelter out of the wind.</p>"
    '<img src="https://tracker.example/pixel.gif?reviewer=1" alt="" width="1" height="1">'
    '<p><a href="https://tracker.example/prize" class="ora-button ora-primary" target="_top">Submit your review</a></p>'
    '<p class="ora-button ora-primary" role="button">Check for a response to review</p>'
)


def anonymous_id(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:32]  # as tests/conftest.py's FakeUserService makes it


def html(response) -> str:
    assert response.status_code == 200, response.body
    return json.loads(response.body)["html"]


def answers_in(page: str, css_class: str) -> list[lxml.html.HtmlElement]:
    """The answer containers with ``css_class`` on ``page``."""
    tree = lxml.html.fragment_fromstring(page, create_parent="div")
    found = tree.xpath(f"//div[contains(concat(' ', normalize-space(@class), ' '), ' {css_class} ')]")
    assert found, f"no .{css_class} on the page"
    return found


def assert_shown_harmless(page: str, css_class: str) -> None:
    """The answers in ``css_class`` show the crafted answer's words and link, and nothing that loads or poses."""
    assert "tracker.example/pixel" not in page
    for answer in answers_in(page, css_class):
        assert "Move the shelter out of the wind." in answer.text_content()
        assert not answer.xpath(".//*[@src or @srcset or @style or @class or @id or @role]")
        assert not answer.xpath(".//img | .//button | .//input | .//form")
        (link,) = answer.xpath(".//a")
        assert dict(link.attrib) == {
            "href": "https://tracker.example/prize",
            "target": "_blank",
            "rel": "noopener noreferrer nofollow",
        }


@pytest.fixture
def problem(make_block, users):
    """A rich-text peer problem with top responses, where ann sent the crafted answer and bob an ordinary one."""
    olx = scenarios.demo_olx("peer_only.xml").replace(
        "<ora_xblock", '<ora_xblock text_response_editor="tinymce" leaderboard_show="3"', 1
    )
    block = make_block(olx)
    block.runtime.handler_url = lambda block, name, suffix="", *args, **kwargs: f"/handler/{name}/{suffix}"
    users.as_user("ann")
    assert call_handler(block, "submit", {"answers": [CRAFTED]}).status_code == 200
    users.as_user("bob")
    assert call_handler(block, "submit", {"answers": ["<p>Add a bench.</p>"]}).status_code == 200
    cache.clear()
    yield block
    cache.clear()


def test_the_stored_answer_stays_exactly_as_typed(problem) -> None:
    workflow = Workflow.objects.get(student_id=anonymous_id("ann"))
    submission = submissions_api.get_submission(workflow.submission_uuid)
    assert submission["answer"]["parts"] == [{"text": CRAFTED}]


def test_a_peer_reviewer_sees_neither_the_image_nor_the_fake_buttons(problem, users) -> None:
    users.as_user("bob")
    page = html(call_handler(problem, "peer_next", {}))
    assert_shown_harmless(page, "ora-peer-answer")


def test_staff_see_neither_in_the_learners_record(problem, users) -> None:
    users.as_user("staff", staff=True)
    page = html(call_handler(problem, "staff_learner", {"student_id": anonymous_id("ann")}))
    assert "Move the shelter" in page
    assert_shown_harmless(page, "ora-submitted-answer")


def test_the_author_sees_neither_on_their_own_page(problem, users) -> None:
    users.as_user("ann")
    page = html(call_handler(problem, "render_page", {}))
    assert_shown_harmless(page, "ora-submitted-answer")


def test_the_course_sees_neither_among_the_top_responses(problem, users) -> None:
    Workflow.objects.filter(student_id=anonymous_id("ann")).update(status="done", score_earned=6, score_possible=6)
    Workflow.objects.filter(student_id=anonymous_id("bob")).update(status="done", score_earned=3, score_possible=6)
    users.as_user("bob")
    page = html(call_handler(problem, "render_page", {}))
    assert "Top responses" in page
    assert_shown_harmless(page.split('class="ora-top-response"')[1], "ora-top-answer")  # ann's, the best
