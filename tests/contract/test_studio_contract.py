"""Studio's contracts: who may save the editor, which view the preview shows, whose buttons the modal has."""

from __future__ import annotations

import json

import pytest

from ora_xblock import scenarios
from ora_xblock.definition.codec import to_dict
from tests.conftest import call_handler
from tests.host.lms import Problem, account
from tests.host.studio import editor_block, preview_block, preview_fragment

pytestmark = pytest.mark.django_db
TEAM = frozenset({"ada"})


@pytest.fixture
def problem() -> Problem:
    return Problem(scenarios.demo_olx("self_only.xml"))


def retitled(block, title: str) -> dict:
    data = to_dict(block.definition)
    data["title"] = title
    return {"definition": data}


def test_author_on_the_course_team_saves_though_studio_gives_the_user_service_no_role(problem):
    author = account("ada")
    block = editor_block(problem, author, writers=TEAM)
    attrs = block.runtime.service(block, "user").get_current_user().opt_attrs
    assert (attrs["edx-platform.user_role"], attrs["edx-platform.user_is_staff"]) == ("student", False)

    answer = call_handler(block, "save_editor", retitled(block, "Saved from Studio"))

    assert answer.status_code == 200, answer.body
    assert editor_block(problem, author, writers=TEAM).definition.title == "Saved from Studio"


def test_permission_is_asked_for_the_course_without_studio_branch_or_version(problem):
    block = editor_block(problem, account("ada"), writers=TEAM)
    assert block.scope_ids.usage_id.course_key.branch == "draft-branch"  # what Studio hands the block

    assert call_handler(block, "check_editor", retitled(block, "x")).status_code == 200


@pytest.mark.parametrize("handler", ["save_editor", "save_definition", "check_editor"])
def test_someone_outside_the_course_team_cannot_save_and_nothing_changes(problem, handler):
    block = editor_block(problem, account("mallory", staff=False), writers=TEAM)
    before = block.definition_olx
    body = {"olx": before} if handler == "save_definition" else retitled(block, "Hijacked")

    answer = call_handler(block, handler, body)

    assert answer.status_code == 403
    assert json.loads(answer.body)["error"]["code"] == "forbidden"
    assert editor_block(problem, account("ada"), writers=TEAM).definition_olx == before


def test_the_preview_shows_the_author_summary_above_a_learner_view_with_no_learner_data(problem):
    block = preview_block(problem, account("ada"), writers=TEAM)

    html = preview_fragment(block).content

    assert "ora-author-summary" in html
    assert "ora-staff-area" not in html  # nobody grades in the preview
    assert call_handler(block, "submit", {"answers": ["from the preview"]}).status_code == 403


def test_the_editor_brings_its_own_save_and_cancel_buttons(problem):
    block = editor_block(problem, account("ada"), writers=TEAM)

    html = block.runtime.render(block, "studio_view").content

    assert "editor-with-buttons" in html
    assert 'class="button action-primary ora-save"' in html
    assert "ora-cancel" in html


def test_in_the_lms_even_course_staff_cannot_edit_the_problem(problem, settings):
    """The LMS's content fields are read-only; its runtime offers no studio_user_permissions."""
    from tests.host.lms import lms_block

    settings.ROOT_URLCONF = "lms.urls"
    block = lms_block(problem, account("sam", staff=True), staff=True)

    answer = call_handler(block, "save_definition", {"olx": block.definition_olx})

    assert answer.status_code == 403
    assert json.loads(answer.body)["error"]["code"] == "forbidden"
