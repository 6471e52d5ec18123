"""The XBlock: OLX in and out, views, scores and the author's save handler."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from xblock.fields import Scope

from ora_xblock import scenarios
from ora_xblock.block import OraXBlock
from ora_xblock.definition.olx import parse_olx
from tests.conftest import call_handler

pytestmark = pytest.mark.django_db

INVALID = "<ora_xblock><title>t</title><rubric/><assessments/></ora_xblock>"


def test_block_is_scored_like_a_problem(make_block) -> None:
    block = make_block(scenarios.demo_olx("ideas_content_grammar.xml"))
    assert block.has_score is True
    assert block.icon_class == "problem"
    assert block.max_score() == 25  # the seed's Ideas 10 + Content 10 + Grammar 5
    assert block.display_name == "Essay: a technology that changed daily life"


def test_ora2s_weight_imports_and_is_neither_kept_nor_seen_by_the_lms(make_block) -> None:
    """The gradebook counts the rubric's points (docs/decisions/0010-no-weight.md)."""
    block = make_block(scenarios.demo_olx("self_only.xml").replace("<ora_xblock", '<ora_xblock weight="2.5"', 1))
    assert getattr(block, "weight", None) is None  # what the LMS's grades transformer reads
    node = etree.Element("ora_xblock")
    block.add_xml_to_node(node)
    assert "weight" not in node.attrib


def test_invalid_import_is_refused(runtime) -> None:
    from ora_xblock.definition.errors import InvalidDefinition

    with pytest.raises(InvalidDefinition) as raised:
        runtime.parse_xml_string(INVALID)
    assert {error.code for error in raised.value.errors} == {"rubric.no_criteria", "steps.none"}


def test_export_gives_back_what_was_imported(make_block) -> None:
    olx = scenarios.demo_olx("ideas_content_grammar.xml")
    block = make_block(olx)
    node = etree.Element("placeholder")
    block.add_xml_to_node(node)
    assert node.tag == "ora_xblock"
    assert node.get("display_name") is None  # the title says it already
    assert parse_olx(etree.tostring(node)) == parse_olx(olx)


def test_student_view_shows_prompts_and_rubric_escaped(make_block) -> None:
    olx = scenarios.demo_olx("self_only.xml").replace(
        "Describe one idea", "Describe &lt;script&gt;alert(1)&lt;/script&gt; one idea"
    )
    html = make_block(olx).student_view().content
    assert "Reflection: what did you learn this week?" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    assert "Deep reflection" not in html  # the rubric shows during the response only when the author asks
    shown = make_block(olx.replace("<ora_xblock", '<ora_xblock show_rubric_during_response="true"', 1))
    assert "Deep reflection" in shown.student_view().content
    assert "4 points" in shown.student_view().content


def test_html_prompts_are_sanitised(make_block) -> None:
    olx = scenarios.demo_olx("hundred_years_war.xml").replace(
        "&lt;/p&gt;&lt;p&gt;Aim",
        "&lt;/p&gt;&lt;img src=x onerror=alert(1)&gt;&lt;a href='javascript:x'&gt;l&lt;/a&gt;&lt;p&gt;Aim",
    )
    html = make_block(olx).student_view().content
    assert "<strong>origins</strong>" in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "Assessed with written feedback only." in html


def test_studio_view_holds_the_canonical_olx(make_block) -> None:
    fragment = make_block().studio_view()
    assert "&lt;openassessment" in fragment.content
    assert "OraXBlockStudio" in fragment.js_init_fn


def test_author_saves_a_valid_problem(make_block, users) -> None:
    block = make_block()
    users.as_user("author", staff=True)
    olx = scenarios.resource_text("scenarios/self_only.xml").replace("Reflection:", "Changed:")
    response = call_handler(block, "save_definition", {"olx": olx})
    assert response.status_code == 200
    assert block.definition.title.startswith("Changed:")
    assert block.display_name == block.definition.title
    assert json.loads(response.body)["olx"] == block.definition_olx


def test_invalid_save_lists_every_error_and_changes_nothing(make_block, users) -> None:
    block = make_block()
    before = block.definition_olx
    users.as_user("author", staff=True)
    response = call_handler(block, "save_definition", {"olx": INVALID})
    assert response.status_code == 400
    error = json.loads(response.body)["error"]
    assert error["code"] == "invalid_definition"
    assert {item["code"] for item in error["errors"]} == {"rubric.no_criteria", "steps.none"}
    assert block.definition_olx == before


@pytest.mark.parametrize("who", ["alice", None])
def test_learners_and_anonymous_users_cannot_save(make_block, users, who) -> None:
    block = make_block()
    before = block.definition_olx
    users.as_user(who)
    response = call_handler(block, "save_definition", {"olx": scenarios.resource_text("scenarios/self_only.xml")})
    assert response.status_code == 403
    assert json.loads(response.body)["error"]["code"] == "forbidden"
    assert block.definition_olx == before


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [(b"{not json", 400, "bad_json"), (b"[1]", 400, "bad_json"), ({"olx": 5}, 400, "bad_request")],
)
def test_bad_requests_get_clear_errors(make_block, users, body, status, code) -> None:
    users.as_user("author", staff=True)
    response = call_handler(make_block(), "save_definition", body)
    assert response.status_code == status
    assert json.loads(response.body)["error"]["code"] == code


def test_get_on_a_state_changing_handler_is_405(make_block, users) -> None:
    users.as_user("author", staff=True)
    response = call_handler(make_block(), "save_definition", method="GET")
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"


def test_released_problem_keeps_its_rubric(make_block, users, monkeypatch) -> None:
    from datetime import UTC, datetime

    block = make_block(
        scenarios.demo_olx("self_only.xml").replace("<ora_xblock", '<ora_xblock submission_start="2020-01-01"', 1)
    )
    users.as_user("author", staff=True)
    monkeypatch.setattr("ora_xblock.platform.now", lambda: datetime(2026, 1, 1, tzinfo=UTC))
    assert block.is_released()
    olx = block.definition_olx.replace('points="4"', 'points="9"')
    response = call_handler(block, "save_definition", {"olx": olx})
    assert response.status_code == 400
    assert [e["code"] for e in json.loads(response.body)["error"]["errors"]] == ["released.points_changed"]


def test_the_editor_of_a_released_problem_locks_what_may_not_change(make_block, users) -> None:
    from ora_xblock.definition.codec import to_dict

    block = make_block(scenarios.demo_olx("released.xml"))
    users.as_user("author", staff=True)
    assert block.is_released()
    form = block.studio_view().content
    assert "learners may already have answered" in form
    assert 'data-key="points" data-type="int" value="4" readonly' in form
    data = to_dict(block.definition)
    data["rubric"]["criteria"][0]["options"][2]["points"] = 5
    data["steps"].reverse()
    refused = json.loads(call_handler(block, "save_editor", {"definition": data}).body)["error"]["errors"]
    assert [(e["code"], e["field"]) for e in refused] == [
        ("released.steps_changed", "steps"),
        ("released.points_changed", "rubric/criteria[1]/options"),
    ]
    data = to_dict(block.definition)
    data["rubric"]["criteria"][0]["label"] = "What the book is about"
    assert call_handler(block, "save_editor", {"definition": data}).status_code == 200
    assert block.definition.rubric.criteria[0].label == "What the book is about"


def test_a_problem_someone_answered_stays_locked_whatever_its_dates(make_block, users) -> None:
    from ora_xblock.definition.codec import to_dict

    block = make_block(scenarios.demo_olx("self_only.xml"))
    assert not block.is_released()
    assert call_handler(block, "save_draft", {"answers": ["a first thought"]}).status_code == 200
    assert block.is_released()
    users.as_user("author", staff=True)
    data = to_dict(block.definition)
    data["submission_start"] = "2099-01-01T00:00:00+00:00"
    data["rubric"]["criteria"][0]["options"][0]["points"] = 1
    refused = json.loads(call_handler(block, "save_editor", {"definition": data}).body)["error"]["errors"]
    assert [error["code"] for error in refused] == ["released.points_changed"]


def test_new_blocks_start_from_the_default_problem(runtime) -> None:
    from xblock.fields import ScopeIds

    block = runtime.construct_xblock_from_class(OraXBlock, ScopeIds("u", "ora_xblock", "d", "u1"))
    assert block.definition.title == "Open Response Assessment"
    assert [step.name.value for step in block.definition.steps] == ["peer-assessment", "self-assessment"]
    assert "Open Response Assessment" in block.student_view().content


def test_workbench_scenarios_all_parse() -> None:
    loaded = OraXBlock.workbench_scenarios()
    assert len(loaded) == len(scenarios.DEMO_PROBLEMS) + 1
    assert all(title.startswith("ORA: ") for title, _ in loaded)
    assert loaded[-1][1].startswith("<vertical_demo><ora_xblock")


def test_platform_fields_on_the_root_survive_import_and_export(users) -> None:
    from xblock.fields import Dict

    from tests.conftest import Runtime

    class PlatformFields:
        """Stands in for the platform's field mixin, which adds group_access and friends."""

        group_access = Dict(scope=Scope.settings)

    runtime = Runtime(user=users)
    runtime.mixologist._mixins = (PlatformFields,)
    olx = scenarios.demo_olx("self_only.xml").replace("<ora_xblock", """<ora_xblock group_access='{"38": [11]}'""", 1)
    block = runtime.get_block(runtime.parse_xml_string(olx))
    assert block.group_access == {"38": [11]}
    node = etree.Element("x")
    block.add_xml_to_node(node)
    assert json.loads(node.get("group_access")) == {"38": [11]}


def test_platform_dates_without_a_timezone_are_taken_as_utc(users) -> None:
    from datetime import datetime

    from xblock.fields import Date

    from tests.conftest import Runtime

    class Inherited:
        """Stands in for the platform's inherited release and due dates."""

        start = Date(scope=Scope.settings)
        due = Date(scope=Scope.settings)

    runtime = Runtime(user=users)
    runtime.mixologist._mixins = (Inherited,)
    block = runtime.get_block(runtime.parse_xml_string(scenarios.demo_olx("self_only.xml")))
    block.start, block.due = datetime(2020, 1, 1), datetime(2999, 1, 1)
    assert block.is_released()
    users.as_user("author", staff=True)
    olx = block.definition_olx.replace("Reflection:", "Renamed:")
    assert call_handler(block, "save_definition", {"olx": olx}).status_code == 200
    assert block.definition.title.startswith("Renamed:")


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(_JSON, st.fixed_dictionaries({"olx": st.text(max_size=200)}), st.binary(max_size=60)))
def test_fuzzed_save_requests_get_a_json_answer_and_never_a_crash(make_block, users, body) -> None:
    users.as_user("author", staff=True)
    block = make_block()
    before = block.definition_olx
    response = call_handler(block, "save_definition", body if isinstance(body, bytes) else json.dumps(body).encode())
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert json.loads(response.body)["error"]["message"]
        assert block.definition_olx == before


def test_the_editor_json_saves_through_the_same_validator(make_block, users) -> None:
    from ora_xblock.definition.codec import to_dict

    block = make_block(scenarios.demo_olx("peer_only.xml"))
    users.as_user("author", staff=True)
    data = to_dict(block.definition)
    data["title"] = "Renamed in the editor"
    saved = call_handler(block, "save_editor", {"definition": data, "weight": 0.5})  # an older script's weight
    assert saved.status_code == 200
    answer = json.loads(saved.body)
    assert block.definition.title == "Renamed in the editor"
    assert getattr(block, "weight", None) is None
    assert answer["display_name"] == "Renamed in the editor"
    assert 'value="Renamed in the editor"' in answer["form"]
    assert [w["code"] for w in answer["warnings"]] == ["advice.must_grade_not_above_graded_by"]  # 2 and 2
    data["rubric"]["criteria"] = []
    data["leaderboard_show"] = "lots"
    refused = call_handler(block, "save_editor", {"definition": data})
    assert refused.status_code == 400
    assert [e["code"] for e in json.loads(refused.body)["error"]["errors"]] == ["editor.wrong_type"]
    data["leaderboard_show"] = 0
    refused = call_handler(block, "save_editor", {"definition": data})
    errors = json.loads(refused.body)["error"]["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [("rubric.no_criteria", "rubric")]
    assert block.definition.title == "Renamed in the editor"
    users.as_user("alice")
    assert call_handler(block, "save_editor", {"definition": to_dict(block.definition)}).status_code == 403


def test_checking_the_editor_json_changes_nothing(make_block, users) -> None:
    from ora_xblock.definition.codec import to_dict

    block = make_block(scenarios.demo_olx("peer_only.xml"))
    users.as_user("author", staff=True)
    data = to_dict(block.definition)
    data["title"] = "Only checked"
    checked = call_handler(block, "check_editor", {"definition": data, "weight": None})
    assert checked.status_code == 200
    assert block.definition.title != "Only checked"
    data["steps"][0]["must_grade"] = 0
    refused = json.loads(call_handler(block, "check_editor", {"definition": data}).body)["error"]["errors"]
    assert [(e["code"], e["field"]) for e in refused] == [
        ("peer.count_too_low", "steps[1]/must_grade"),
        ("peer.must_grade_below_graded_by", "steps[1]/must_grade"),
    ]
    users.as_user("alice")
    assert call_handler(block, "check_editor", {"definition": data}).status_code == 403


def test_author_view_summarises_the_steps_above_the_learner_view(make_block, users) -> None:
    block = make_block(scenarios.demo_olx("peer_only.xml"))
    html = block.author_view().content
    assert html.index("Problem summary") < html.index("Peer review: design a better bus stop")
    assert "Must Grade 2, Graded By 2" in html
    assert "Set Must Grade above Graded By" in html
    assert "6 points possible" in html


def test_block_declares_the_platform_services_it_asks_for() -> None:
    # The LMS serves a service only to a block that declares it; both may be absent (Studio, workbench).
    assert OraXBlock.service_declaration("completion") == "want"
    assert OraXBlock.service_declaration("replace_urls") == "want"


def test_search_indexes_an_html_prompt_as_plain_text_like_ora2(make_block) -> None:
    olx = scenarios.demo_olx("hundred_years_war.xml").replace(
        "Aim for three or four paragraphs.", "Aim for three&amp;nbsp;or four&amp;lt;5 paragraphs.\n\n"
    )
    assert make_block(olx).index_dictionary() == {
        "content": {
            "display_name": "The Hundred Years' War",
            "title": "The Hundred Years' War",
            "prompt": "Explain the origins of the Hundred Years' War between England and France. "
            "Aim for three or four<5 paragraphs.",
        },
        "content_type": "ORA",
    }


def test_search_indexes_each_of_several_prompts_under_its_own_key(make_block) -> None:
    olx = scenarios.demo_olx("staff_only.xml").replace("the question, the method", "the &lt;question&gt;,   the method")
    content = make_block(olx).index_dictionary()["content"]
    assert content["prompt_0"] == "Summarise your experiment: the <question>, the method and what you found."
    assert content["prompt_1"] == "What would you change if you ran the experiment again?"
    assert "prompt" not in content
