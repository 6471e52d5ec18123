"""Author HTML and completion, as the LMS and Studio's preview treat a block.

The LMS rewrites course links (``/static/``, ``/course/``, ``/jump_to_id/``) only in the fragment a
view returns; a handler's JSON reaches the browser untouched. So the block rewrites the author's HTML
itself, through the ``replace_urls`` service, and the learner's page keeps its images after every
action. Learners' own HTML is theirs: it is never rewritten.

The LMS hands a block its ``completion`` service only if the block declares it; its event publishing
asks for that service before handling any event.
"""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape

import pytest
from lxml import etree
from opaque_keys.edx.locator import CourseLocator
from xblock.core import XBlock
from xblock.exceptions import NoSuchServiceError
from xblock.fields import ScopeIds

from ora_xblock import scenarios
from ora_xblock.block import OraXBlock
from tests.conftest import FakeUserService, call_handler
from tests.host import replace_urls
from tests.host.completion import CompletionService, EventPublishingService
from tests.host.modulestore_runtime import ModuleStoreRuntime
from tests.host.replace_urls import STUDIO_PREVIEW, asset_url, view_wrapper

pytestmark = pytest.mark.django_db

COURSE = CourseLocator("OraOrg", "Content101", "2026")
USAGE = COURSE.make_usage_key("ora_xblock", "diagram")
DIAGRAM = "/asset-v1:OraOrg+Content101+2026+type@asset+block/diagram.png"  # what the LMS makes of /static/diagram.png
PROMPT = (
    '<p>Study the diagram.</p><img src="/static/diagram.png" alt="The diagram">'
    '<p>See <a href="/course/wiki/supply">the wiki</a> and <a href="/jump_to_id/intro">the introduction</a>.</p>'
)
PEER_SELF = (
    '<assessment name="peer-assessment" must_grade="1" must_be_graded_by="1"/><assessment name="self-assessment"/>'
)
TRAINING_PEER = """
  <assessment name="student-training">
    <example>
      <answer><part>{sample}</part></answer>
      <select criterion="Reading" option="No"/>
    </example>
  </assessment>
  <assessment name="peer-assessment" must_grade="1" must_be_graded_by="1"/>
""".format(sample=escape('<p>A sample <img src="/static/sample.png" alt="Sample chart"></p>'))
LEARNERS_OWN = '<p>My sketch: <a href="https://example.org/static/mine.png">mine</a> <img src="/static/mine.png"></p>'


def problem(assessments: str) -> str:
    """A rich-text problem whose HTML prompt links a course image, a course page and another unit."""
    return f"""
<openassessment text_response="required" text_response_editor="tinymce" prompts_type="html">
  <title>Read the diagram</title>
  <prompts><prompt><description>{escape(PROMPT)}</description></prompt></prompts>
  <rubric>
    <criterion>
      <name>Reading</name>
      <prompt>Is the diagram read correctly?</prompt>
      <option points="0"><name>No</name><explanation>Misread.</explanation></option>
      <option points="2"><name>Yes</name><explanation>Read correctly.</explanation></option>
    </criterion>
  </rubric>
  <assessments>{assessments}</assessments>
</openassessment>"""


def block_in(runtime: Any, olx: str) -> OraXBlock:
    """The problem at a real usage key of the course, imported as course import does."""
    return OraXBlock.parse_xml(etree.fromstring(olx), runtime, ScopeIds(None, "ora_xblock", USAGE, USAGE))


def html_of(response: Any) -> str:
    assert response.status_code == 200, response.body
    return json.loads(response.body)["html"]


@pytest.fixture
def completion() -> CompletionService:
    return CompletionService()


@pytest.fixture
def lms(users: FakeUserService, completion: CompletionService) -> ModuleStoreRuntime:
    """The LMS's runtime: replace_urls as a per-block factory and as the views' wrapper; completion; events."""
    factory = replace_urls.lms(COURSE)
    services = {"user": users, "replace_urls": factory, "completion": completion, "publish": EventPublishingService()}
    return ModuleStoreRuntime(services, wrappers=(view_wrapper(factory),))


def submit(block: OraXBlock, answer: str = "<p>Price rises and quantity falls.</p>") -> str:
    return html_of(call_handler(block, "submit", {"answers": [answer]}))


def test_the_prompt_image_points_at_the_course_asset_in_the_view_and_after_each_action(lms) -> None:
    block = block_in(lms, problem(PEER_SELF))
    view = lms.render(block, "student_view").content
    after_render = html_of(call_handler(block, "render_page"))
    after_submit = submit(block)
    for html in (view, after_render, after_submit):
        assert f'src="{DIAGRAM}"' in html
        assert "/static/diagram.png" not in html
        assert f'href="/courses/{COURSE}/wiki/supply"' in html
        assert f'href="/courses/{COURSE}/jump_to_id/intro"' in html
    assert view.count(DIAGRAM) == 1  # the LMS's own pass over the view finds nothing more to rewrite


def test_a_peer_review_rewrites_the_prompt_and_leaves_the_learners_own_links(lms, users) -> None:
    block = block_in(lms, problem(PEER_SELF))
    own_page = submit(block, LEARNERS_OWN)
    users.as_user("bob")
    submit(block)
    review = html_of(call_handler(block, "peer_next"))
    for html in (own_page, review):
        assert f'src="{DIAGRAM}"' in html
        assert 'href="https://example.org/static/mine.png"' in html  # the learner's link, as they wrote it
        assert 'src="/static/mine.png"' not in html  # images in answers are never shown (decision 0013)
        assert asset_url(COURSE, "mine.png") not in html


def test_training_samples_in_a_rich_text_problem_show_their_course_images(lms) -> None:
    block = block_in(lms, problem(TRAINING_PEER))
    sample = asset_url(COURSE, "sample.png")
    assert f'src="{sample}"' in submit(block)
    retry = html_of(call_handler(block, "training_assess", {"options_selected": {"Reading": "Yes"}}))
    assert "differ from the staff assessment" in retry
    assert f'src="{sample}"' in retry
    assert f'src="{DIAGRAM}"' in retry


def test_studio_preview_rewrites_only_static_links_in_the_preview_and_its_handlers(users) -> None:
    preview = ModuleStoreRuntime(
        {"user": users, "replace_urls": STUDIO_PREVIEW},
        wrappers=(view_wrapper(STUDIO_PREVIEW, static_replace_only=True),),
        author_mode=True,
    )
    block = block_in(preview, problem(PEER_SELF))
    for html in (preview.render(block, "author_view").content, html_of(call_handler(block, "render_page"))):
        assert f'src="{DIAGRAM}"' in html
        assert 'href="/course/wiki/supply"' in html  # Studio has no course pages to point at
        assert 'href="/jump_to_id/intro"' in html


def test_without_the_service_the_author_links_stay_as_written(runtime) -> None:
    block = block_in(runtime, problem(PEER_SELF))
    html = html_of(call_handler(block, "render_page"))
    assert 'src="/static/diagram.png"' in html
    assert 'href="/course/wiki/supply"' in html


class BrokenReplaceURLService:
    def replace_urls(self, text: str, static_replace_only: bool = False) -> str:
        raise RuntimeError("contentstore unavailable")


def test_a_failing_service_never_breaks_the_page(users, caplog) -> None:
    runtime = ModuleStoreRuntime({"user": users, "replace_urls": BrokenReplaceURLService()})
    block = block_in(runtime, problem(PEER_SELF))
    assert 'src="/static/diagram.png"' in runtime.render(block, "student_view").content
    assert 'src="/static/diagram.png"' in submit(block)
    assert "replace_urls failed" in caplog.text


def test_completion_reaches_the_lms_only_once_the_learner_has_nothing_left(users, completion) -> None:
    runtime = ModuleStoreRuntime({"user": users, "completion": completion, "publish": EventPublishingService()})
    block = block_in(runtime, scenarios.demo_olx("self_only.xml"))
    call_handler(block, "submit", {"answers": ["I now see prices as signals."]})
    assert completion.submitted == []  # the self assessment is still to do
    assessed = call_handler(block, "self_assess", {"options_selected": {"Reflection": "Deep reflection"}})
    assert assessed.status_code == 200
    assert completion.submitted == [(USAGE, 1.0)]
    assert completion.get_completions([USAGE]) == {USAGE: 1.0}


class Undeclared(XBlock):
    """A block that publishes completion without declaring the service."""


def test_the_lms_event_publishing_refuses_a_block_that_does_not_declare_completion(users, completion) -> None:
    runtime = ModuleStoreRuntime({"user": users, "completion": completion, "publish": EventPublishingService()})
    block = runtime.construct_xblock_from_class(Undeclared, ScopeIds(None, "undeclared", USAGE, USAGE))
    with pytest.raises(NoSuchServiceError):
        runtime.publish(block, "completion", {"completion": 1.0})
    assert completion.submitted == []
