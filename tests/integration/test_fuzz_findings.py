"""What the fuzzers (tests/fuzz) found, each minimised to the input that shows it and pinned here.

A finding whose fix belongs to a module another engineer is changing is marked ``xfail(strict=True)``, and
tests/fuzz/findings.py ``KNOWN_OPEN`` lets the fuzzers step over it meanwhile. When the fix lands, the test
here passes, its strict xfail fails the run, and both marks come out together.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from submissions.models import Submission

from ora_xblock.definition import load_olx, parse_olx
from ora_xblock.definition.codec import from_dict, to_dict
from ora_xblock.definition.errors import InvalidDefinition
from ora_xblock.definition.model import FileType, Necessity
from ora_xblock.definition.olx import to_olx
from ora_xblock.models import Workflow
from ora_xblock.templating import resource_text
from tests.conftest import call_handler
from tests.host.lms import Problem, account, lms_block, request_by, usage_key
from tests.host.studio import editor_block

pytestmark = pytest.mark.django_db

SOUND = """
<openassessment text_response="required">
  <title>Practise, then review</title>
  <prompts><prompt><description>Explain it.</description></prompt></prompts>
  <rubric>
    <criterion>
      <name>Ideas</name><prompt>Sound?</prompt>
      <option points="0"><name>Poor</name><explanation>No.</explanation></option>
      <option points="2"><name>Good</name><explanation>Yes.</explanation></option>
    </criterion>
  </rubric>
  <assessments>
    <assessment name="student-training">
      <example><answer><part>A sample</part></answer><select criterion="Ideas" option="Good"/></example>
    </assessment>
    <assessment name="peer-assessment" must_grade="2" must_be_graded_by="2"/>
  </assessments>
</openassessment>
"""


# Found by the editor codec, OLX and Studio fuzzers; fixed in definition/ by its owner (52df906, fdbe39b) ---------


def editor_json(change: Any) -> dict[str, Any]:
    """The sound problem as the editor sends it, with ``change(data)`` applied."""
    data = copy.deepcopy(to_dict(parse_olx(SOUND)))
    change(data)
    return data


def studio_answer(handler: str, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """``handler`` called by a Studio author with ``{"definition": data}``: the status and the JSON answer."""
    author = account("ada")
    block = editor_block(Problem(SOUND, key=usage_key("findings")), author, writers=frozenset({"ada"}))
    response = call_handler(block, handler, {"definition": data})
    return response.status_code, json.loads(response.body)


def training(data: dict[str, Any]) -> dict[str, Any]:
    return data["steps"][0]


def example(data: dict[str, Any]) -> dict[str, Any]:
    return training(data)["examples"][0]


@pytest.mark.parametrize(
    "change",
    [
        lambda data: training(data).update(examples=[None]),  # AttributeError: 'NoneType' object has no attribute 'get'
        lambda data: training(data).update(examples=[3]),
        lambda data: training(data).update(examples="ab"),
        lambda data: training(data).update(examples=5),  # TypeError: 'int' object is not iterable
        lambda data: training(data).update(examples={"a": 1}),
        lambda data: example(data).update(options_selected=3),  # AttributeError: 'int' object has no attribute 'items'
        lambda data: example(data).update(options_selected=["Ideas"]),
        lambda data: example(data).update(answer=5),  # TypeError: 'int' object is not iterable
    ],
    ids=[
        "example_null",
        "example_number",
        "examples_text",
        "examples_number",
        "examples_object",
        "options_selected_number",
        "options_selected_list",
        "answer_number",
    ],
)
@pytest.mark.parametrize("handler", ["check_editor", "save_editor"])
def test_editor_json_with_a_training_example_that_is_not_an_object_is_refused(handler, change) -> None:
    """Found by the save_editor and editor codec fuzzers: a 500 (the exception escapes the handler)."""
    status, answer = studio_answer(handler, editor_json(change))
    assert status == 400
    assert answer["error"]["code"] == "invalid_definition"
    assert {error["code"] for error in answer["error"]["errors"]} <= {"editor.wrong_type", "editor.missing"}
    assert all(error["field"].startswith("steps[1]/examples") for error in answer["error"]["errors"])


@pytest.mark.parametrize("name", ["", "a b", "xmlns:x", "1st"])
@pytest.mark.parametrize("handler", ["check_editor", "save_editor"])
def test_editor_json_with_a_step_setting_xml_cannot_name_is_refused(handler, name) -> None:
    """Found by the editor codec fuzzer: ``ValueError: Empty tag name`` / ``Invalid attribute name``, a 500."""
    status, answer = studio_answer(handler, editor_json(lambda data: data["steps"][1].update({name: "1"})))
    assert status == 400
    assert answer["error"]["code"] == "invalid_definition"


def test_a_training_answer_sent_as_text_is_refused_not_split_into_letters() -> None:
    """Seen while minimising the above: ``"answer": "text"`` is read as the four parts t, e, x, t."""
    with pytest.raises(ValueError, match="answer"):
        from_dict(editor_json(lambda data: example(data).update(answer="text")))


@pytest.mark.parametrize("second", ["Poor", "Good"])
def test_a_training_example_that_selects_twice_for_one_criterion_is_refused(second) -> None:
    """Found by the OLX fuzzer's round trip through the editor: the editor's JSON holds one option per criterion,
    so the second select is lost on the way, and until then the example's answer is ambiguous."""
    twice = f'<select criterion="Ideas" option="Good"/><select criterion="Ideas" option="{second}"/>'
    with pytest.raises(InvalidDefinition) as raised:
        load_olx(SOUND.replace('<select criterion="Ideas" option="Good"/>', twice))
    assert any(error.where.endswith("example[1]") for error in raised.value.errors), raised.value.errors


def test_a_problem_asking_no_files_still_asks_none_once_written_as_olx() -> None:
    """Found by the editor codec fuzzer's round trip: no files asked, a file type kept (the editor keeps the last
    choice) is written without ``file_upload_response``, which reads back as files optional."""
    definition = from_dict(editor_json(lambda data: data.update(file_upload_response="", file_upload_type="image")))
    assert (definition.file_upload_response, definition.file_upload_type) == (Necessity.NONE, FileType.IMAGE)
    assert parse_olx(to_olx(definition)) == definition


def test_saving_a_problem_that_asks_no_files_stores_one_that_asks_none() -> None:
    """The same through Studio: the author turns files off, and the saved problem asks learners for files."""
    author = account("ada")
    problem = Problem(SOUND, key=usage_key("files-off"))
    data = editor_json(lambda data: data.update(file_upload_response="", file_upload_type="image"))
    response = call_handler(
        editor_block(problem, author, writers=frozenset({"ada"})), "save_editor", {"definition": data}
    )
    assert response.status_code == 200, response.body
    saved = editor_block(problem, author, writers=frozenset({"ada"})).definition
    assert saved.file_upload_response is Necessity.NONE


# Found by the staff handlers' fuzzers, fixed in staff_area.py -------------------------------------------------------


def staff_answer(handler: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """``handler`` called by course staff in the LMS, in a problem one learner has answered."""
    problem = Problem(resource_text("scenarios/self_staff.xml"))
    learner = account("lea")
    assert call_handler(lms_block(problem, learner), "submit", {"answers": ["Mine"]}).status_code == 200
    staff = account("sam", staff=True)
    with request_by(staff):
        response = call_handler(lms_block(problem, staff, staff=True), handler, body)
    return response.status_code, json.loads(response.body)


@pytest.mark.parametrize("search", ["x" * 100_001, "l" * 151])
def test_a_gradebook_search_longer_than_any_username_is_refused_with_the_limit(search) -> None:
    """A 100,001-character search was a 503 ``try_again`` (SQLite: "LIKE or GLOB pattern too complex")."""
    status, answer = staff_answer("staff_gradebook", {"search": search})
    assert (status, answer["error"]["code"]) == (400, "bad_filter")
    assert "150" in answer["error"]["message"]


def test_a_gradebook_search_as_long_as_a_username_still_searches() -> None:
    status, answer = staff_answer("staff_gradebook", {"search": "l" * 150})
    assert status == 200, answer


@pytest.mark.parametrize("query", ["a" * 60_000 + "@example.com", "a" * 255])
def test_a_learner_search_longer_than_any_email_address_is_refused_with_the_limit(query) -> None:
    """A 60,000-character email was a 503 ``try_again`` (SQLite: "LIKE or GLOB pattern too complex")."""
    status, answer = staff_answer("staff_learner", {"query": query})
    assert (status, answer["error"]["code"]) == (400, "bad_request")
    assert "254" in answer["error"]["message"]


def test_a_learner_search_for_the_longest_email_address_still_searches() -> None:
    status, answer = staff_answer("staff_learner", {"query": "a" * 242 + "@example.com"})
    assert (status, answer["error"]["code"]) == (404, "no_such_learner")


# Found by the submit fuzzer, fixed in services/responses.py ----------------------------------------------------------

TWO_PROMPTS = resource_text("scenarios/self_staff.xml").replace(
    "</prompt>\n  </prompts>", "</prompt>\n    <prompt><description>And why?</description></prompt>\n  </prompts>", 1
)


def learner_answer(olx: str, handler: str, answers: list[str]) -> tuple[int, dict[str, Any]]:
    block = lms_block(Problem(olx), account("lea"))
    response = call_handler(block, handler, {"answers": answers})
    return response.status_code, json.loads(response.body)


@pytest.mark.parametrize(
    "olx, answers",
    [
        (TWO_PROMPTS, ["a" * 60_000, "b" * 60_000]),  # each under ORA_XBLOCK_MAX_RESPONSE_BYTES, 120 KB together
        (resource_text("scenarios/self_staff.xml"), ["é" * 20_000]),  # 40 KB of UTF-8, 120 KB as edx-submissions JSON
    ],
    ids=["two_long_answers", "another_alphabet"],
)
@pytest.mark.parametrize("handler", ["submit", "save_draft"])
def test_a_response_too_long_for_edx_submissions_is_refused_with_the_limit(handler, olx, answers) -> None:
    """Submitting it was a 500 (SubmissionRequestError: "Maximum answer size exceeded."): edx-submissions refuses
    an answer whose JSON is over 102,400 characters, and its JSON writes each non-ASCII character as six."""
    status, answer = learner_answer(olx, handler, answers)
    assert (status, answer["error"]["code"]) == (413, "response_too_long")
    assert "102 KB" in answer["error"]["message"]
    assert not Workflow.objects.exists() and not Submission.objects.exists()


def test_a_response_just_within_what_edx_submissions_stores_is_submitted() -> None:
    assert learner_answer(TWO_PROMPTS, "submit", ["a" * 51_000, "b" * 51_000])[0] == 200
    assert Submission.objects.count() == 1
