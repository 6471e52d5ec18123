"""Rubric reuse in the Studio editor: ``course_rubrics`` lists the course's other problems and hands one's rubric
to the editor, from the platform's course content or from the content's own index; only authors may ask."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ora_xblock import scenarios
from ora_xblock.definition import load_olx
from ora_xblock.definition.codec import to_dict
from ora_xblock.models import ProblemSnapshot
from ora_xblock.services.common import Learner
from ora_xblock.services.common import Problem as AtMoment
from ora_xblock.services.responses import submit
from tests.conftest import call_handler
from tests.host.lms import COURSE, Problem, account, lms_block, request_by, usage_key
from tests.host.studio import editor_block

pytestmark = pytest.mark.django_db

OTHER_COURSE = "course-v1:Other+Run+2026"
GRAMMAR = scenarios.demo_olx("ideas_content_grammar.xml")  # three criteria
SELF_ONLY = scenarios.demo_olx("self_only.xml")
EDITED = scenarios.demo_olx("default.xml")  # the problem being edited: not yet open to learners
NOW = datetime(2026, 12, 1, tzinfo=UTC)


class FakeHost:
    """The host ``ORA_XBLOCK_COURSE_HOST`` names (dashboard.host): ``problems(course_id)`` yields the course's
    problem blocks with their page's URL, as Studio's modulestore would give them."""

    def __init__(self) -> None:
        self.blocks: dict[str, list[Any]] = {}

    def problems(self, course_id: str) -> list[tuple[Any, str]]:
        return [(block, "/unit") for block in self.blocks.get(course_id, [])]


HOST = FakeHost()


class Unreadable:
    """A block whose stored OLX no longer reads."""

    scope_ids = SimpleNamespace(usage_id=usage_key("broken"))

    @property
    def definition(self) -> Any:
        return load_olx("<openassessment>")


def hosted_block(block_id: str, olx: str) -> Any:
    """A problem block as the host lists it: its usage key and its definition."""
    return SimpleNamespace(scope_ids=SimpleNamespace(usage_id=usage_key(block_id)), definition=load_olx(olx))


def index(item_id: str, olx: str, course_id: str = str(COURSE)) -> None:
    ProblemSnapshot.objects.create(item_id=item_id, course_id=course_id, olx=olx, updated_at=NOW)


@pytest.fixture
def author() -> Any:
    return account("ada")


@pytest.fixture
def editor(author) -> Any:
    """The Studio editor's block of problem ``ora1`` for an author of the course."""
    return editor_block(Problem(EDITED), author, writers=frozenset({"ada"}))


@pytest.fixture
def hosted(settings) -> FakeHost:
    """The course's content as the host gives it: this problem, two others, one that no longer reads, and one of
    another course."""
    settings.ORA_XBLOCK_COURSE_HOST = f"{__name__}.HOST"
    HOST.blocks = {
        str(COURSE): [
            hosted_block("ora1", EDITED),
            hosted_block("grammar", GRAMMAR),
            Unreadable(),
            hosted_block("self", SELF_ONLY),
        ],
        OTHER_COURSE: [hosted_block("elsewhere", GRAMMAR)],
    }
    return HOST


def ask(block: Any, user: Any, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    with request_by(user):
        answer = call_handler(block, "course_rubrics", body)
    return answer.status_code, json.loads(answer.body)


def test_the_list_holds_the_courses_other_problems_never_this_one(hosted, editor, author):
    with CaptureQueriesContext(connection) as listing:
        status, body = ask(editor, author, {})

    assert status == 200
    assert body["problems"] == [
        {
            "id": str(usage_key("grammar")),
            "title": "Essay: a technology that changed daily life",
            "criteria": 3,
            "points": 25,
        },
        {
            "id": str(usage_key("self")),
            "title": "Reflection: what did you learn this week?",
            "criteria": 1,
            "points": 4,
        },
    ]
    assert str(editor.scope_ids.usage_id) not in json.dumps(body)  # not even its Studio key
    assert selects(listing) == []  # the host's course content, no query


def test_a_chosen_problems_rubric_comes_in_the_editors_json_and_saves_as_any_edit(hosted, editor, author):
    grammar = str(usage_key("grammar"))

    status, body = ask(editor, author, {"item_id": grammar})

    assert status == 200
    assert body["rubric"] == to_dict(load_olx(GRAMMAR))["rubric"]
    assert body["title"] == load_olx(GRAMMAR).title
    assert [c.name for c in editor.definition.rubric.criteria] != [c["name"] for c in body["rubric"]["criteria"]]
    form = to_dict(editor.definition) | {"rubric": body["rubric"]}  # what the editor sends once the author saves
    with request_by(author):
        saved = call_handler(editor, "save_editor", {"definition": form})
    assert saved.status_code == 200, saved.body
    assert to_dict(editor.definition)["rubric"] == body["rubric"]


def test_without_course_content_the_index_lists_the_courses_problems(editor, author):
    index(str(usage_key("grammar")), GRAMMAR)
    index(str(usage_key("ora1")), EDITED)  # this problem, once learners submitted
    index("block-v1:Other+Run+2026+type@ora_xblock+block@elsewhere", SELF_ONLY, course_id=OTHER_COURSE)
    index(str(usage_key("broken")), "<openassessment>")  # no longer reads: left out

    status, body = ask(editor, author, {})

    assert status == 200
    assert [problem["id"] for problem in body["problems"]] == [str(usage_key("grammar"))]
    status, body = ask(editor, author, {"item_id": str(usage_key("grammar"))})
    assert (status, body["rubric"]) == (200, to_dict(load_olx(GRAMMAR))["rubric"])


@pytest.mark.parametrize(
    ("item_id", "status", "code"),
    [
        (str(usage_key("ora1")), 404, "no_such_problem"),  # this problem itself
        ("block-v1:Other+Run+2026+type@ora_xblock+block@elsewhere", 404, "no_such_problem"),  # another course's
        ("nonsense", 404, "no_such_problem"),
        (42, 400, "bad_request"),
        ("", 400, "bad_request"),
        ("x" * 256, 400, "bad_request"),
    ],
)
def test_an_id_that_is_not_another_problem_of_the_course_gets_a_clear_error(
    hosted, editor, author, item_id, status, code
):
    answer_status, body = ask(editor, author, {"item_id": item_id})

    assert (answer_status, body["error"]["code"]) == (status, code)
    assert body["error"]["message"]


def test_someone_outside_the_course_team_and_the_lms_are_refused(hosted, author, settings):
    problem = Problem(EDITED)
    outsider = account("olga")
    status, body = ask(editor_block(problem, outsider, writers=frozenset({"ada"})), outsider, {})
    assert (status, body["error"]["code"]) == (403, "forbidden")
    assert "problems" not in body

    settings.ROOT_URLCONF = "lms.urls"
    staff = account("sam", staff=True)
    status, body = ask(lms_block(problem, staff, staff=True), staff, {"item_id": str(usage_key("grammar"))})
    assert (status, body["error"]["code"]) == (403, "forbidden")  # the LMS edits no content


def test_a_released_problems_rubric_is_frozen_though_the_list_still_shows(hosted, author):
    released = editor_block(Problem(scenarios.demo_olx("released.xml")), author, writers=frozenset({"ada"}))
    before = released.definition_olx

    assert ask(released, author, {})[0] == 200
    status, body = ask(released, author, {"item_id": str(usage_key("grammar"))})

    assert (status, body["error"]["code"]) == (409, "rubric_frozen")
    assert released.definition_olx == before


def submit_learners(count: int, item_id: str) -> None:
    """``count`` learners submit to the indexed problem ``item_id``."""
    definition = load_olx(SELF_ONLY)
    for number in range(count):
        learner = Learner(course_id=str(COURSE), item_id=item_id, student_id=f"anon-{number}", username=f"l{number}")
        submit(AtMoment(definition, NOW), learner, [f"answer {number}"])


@pytest.mark.parametrize("learners", [1, 25])
def test_queries_do_not_grow_with_the_courses_learners(editor, author, learners):
    for name in ("grammar", "self", "third"):
        index(str(usage_key(name)), GRAMMAR if name == "grammar" else SELF_ONLY)
    submit_learners(learners, str(usage_key("self")))
    grammar = str(usage_key("grammar"))

    with CaptureQueriesContext(connection) as listing:
        assert ask(editor, author, {})[0] == 200
    with CaptureQueriesContext(connection) as copying:
        assert ask(editor, author, {"item_id": grammar})[0] == 200

    assert len(selects(listing)) == 1  # the index
    assert len(selects(copying)) == 3  # whether this problem is released (its own learners, drafts), the index


def selects(captured: CaptureQueriesContext) -> list[str]:
    """The statements that read or write, without the transaction's savepoints."""
    return [query["sql"] for query in captured.captured_queries if "SAVEPOINT" not in query["sql"]]
