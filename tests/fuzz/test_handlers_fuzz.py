"""Every handler of the block, fuzzed as the person who can reach its logic, in a problem where learners stand at
every step (see world.py).

Each example is one request: its answer must be 200, or a 4xx ``{"error": {"code", "message"}}``, never a 500
or an exception; a refusal must change nothing (database, the blocks' fields, stored files). Each example runs
in a savepoint rolled back after it, so examples are independent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest
import webob
from django.http.multipartparser import MultiPartParserError
from hypothesis import given
from hypothesis import strategies as st

from ora_xblock.block import OraXBlock
from ora_xblock.definition import parse_olx
from ora_xblock.definition.codec import to_dict
from ora_xblock.services.feedback import OPTIONS as FEEDBACK_OPTIONS
from tests.host.lms import request_by

from .conftest import exercise, fuzz
from .definitions import editor_json, olx_structures
from .strategies import NUMBER, SCALAR, TEXT, bodies
from .world import ASSESSMENT, CRITERIA, FUZZ_OLX, LEARNERS, PDF, PIECE_BYTES, TRAINED, World, multipart_body, png

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

CRITERION = st.one_of(st.sampled_from(list(CRITERIA)), TEXT)
OPTION = st.one_of(st.sampled_from([option for options in CRITERIA.values() for option in options]), SCALAR)
ASSESSMENT_FIELDS = {
    "options_selected": st.dictionaries(CRITERION, OPTION, max_size=4),
    "criterion_feedback": st.dictionaries(CRITERION, st.one_of(TEXT, SCALAR), max_size=4),
    "overall_feedback": st.one_of(TEXT, SCALAR),
}
ANSWERS = st.one_of(st.lists(TEXT, min_size=2, max_size=2), st.lists(st.one_of(TEXT, SCALAR), max_size=4))
FILE_FIELDS = {
    "filename": st.one_of(st.sampled_from(["figure.png", "doc.pdf", "x.exe", "a.PNG.", ".png", "noext"]), TEXT),
    "description": st.one_of(TEXT, SCALAR),
    "size": st.one_of(st.sampled_from([1, 70, PIECE_BYTES, PIECE_BYTES + 1, 10**8, 10**9]), NUMBER),
}


def learner_handlers(world: World) -> dict[str, tuple[tuple[str, ...], list[dict[str, Any]], dict[str, Any]]]:
    """Each learner handler: the learners who reach its logic, valid bodies, and its fields' values."""
    uploads = st.one_of(st.sampled_from([world.half_upload, world.full_upload]), TEXT, NUMBER)
    file_ids = st.one_of(st.sampled_from([world.file_id, str(world.file_id), world.file_id + 1]), NUMBER, TEXT)
    leases = st.one_of(st.sampled_from([world.lease_id, str(world.lease_id), world.lease_id - 1]), NUMBER, TEXT)
    files = [
        {"filename": "figure.png", "description": "A figure", "size": 70},
        {"filename": "long.pdf", "description": "A long one", "size": PIECE_BYTES * 3 + 1},
    ]
    answers = [{"answers": ["One", "Two"]}, {"answers": ["", "Only the second"]}]
    return {
        "render_page": (LEARNERS, [{}], {}),
        "save_draft": (("una", "ole"), answers, {"answers": ANSWERS}),
        "submit": (("una", "ole"), answers, {"answers": ANSWERS}),
        "withdraw": (("tia", "pia"), [{}], {}),
        "self_assess": (("sal",), [ASSESSMENT, {"options_selected": TRAINED}], ASSESSMENT_FIELDS),
        "peer_next": (("pia", "sal"), [{}], {}),
        "peer_assess": (
            ("pia",),
            [
                {"lease_id": world.lease_id, **ASSESSMENT},
                {"lease_id": str(world.lease_id), "options_selected": TRAINED},
            ],
            {**ASSESSMENT_FIELDS, "lease_id": leases},
        ),
        "training_assess": (
            ("tia",),
            [{"options_selected": TRAINED}, {"options_selected": {"Ideas": "Poor"}}],
            {"options_selected": ASSESSMENT_FIELDS["options_selected"]},
        ),
        "upload_begin": (("una", "ole"), files, FILE_FIELDS),
        "upload_start": (("una", "ole"), files, FILE_FIELDS),
        "upload_finish": (
            ("una",),
            [{"upload_id": world.full_upload}, {"upload_id": world.half_upload}],
            {"upload_id": uploads},
        ),
        "upload_abort": (
            ("una",),
            [{"upload_id": world.half_upload}, {"upload_id": world.full_upload}],
            {"upload_id": uploads},
        ),
        "upload_confirm": (("una",), [{"file_id": world.file_id}], {"file_id": file_ids}),
        "remove_file": (("una",), [{"file_id": world.file_id}, {"file_id": str(world.file_id)}], {"file_id": file_ids}),
        "submit_feedback": (
            ("dan", "sal"),
            [{"options": [FEEDBACK_OPTIONS[0]], "comment": "Useful."}, {"options": [], "comment": "Only a comment."}],
            {
                "options": st.one_of(st.lists(st.one_of(st.sampled_from(FEEDBACK_OPTIONS), TEXT), max_size=6), SCALAR),
                "comment": st.one_of(TEXT, SCALAR),
            },
        ),
        "appeal": (
            ("dan", "sal"),
            [{"reason": "A reviewer missed my second point."}, {"reason": " "}],
            {"reason": st.one_of(TEXT, SCALAR)},
        ),
    }


def staff_handlers(world: World) -> dict[str, tuple[list[dict[str, Any]], dict[str, Any]]]:
    """Each staff handler: valid bodies, and its fields' values."""
    sid = world.student_ids
    student = st.one_of(st.sampled_from(sorted(sid.values())), TEXT)
    grade = {**ASSESSMENT, "reason": "A second look."}
    return {
        "staff_overview": ([{}], {}),
        "staff_reports": ([{}], {}),
        "staff_learner": (
            [{"query": "una"}, {"query": "stu@example.com"}, {"student_id": sid["stu"]}, {}],
            {
                "query": st.one_of(st.sampled_from([*LEARNERS, "STU", "@example.com", "%", "_"]), TEXT),
                "student_id": student,
            },
        ),
        "staff_grade": (
            [
                {"student_id": sid["stu"], **ASSESSMENT, "from_queue": True},
                {"student_id": sid["dan"], **grade},
                {"student_id": sid["sal"], **ASSESSMENT},
                {"student_id": sid["ned"], **grade},
            ],
            {
                **ASSESSMENT_FIELDS,
                "student_id": student,
                "reason": st.one_of(TEXT, SCALAR),
                "from_queue": SCALAR,
                "scope": st.one_of(st.sampled_from(["team", "member", ""]), TEXT, SCALAR),
            },
        ),
        "staff_remove": (
            [{"student_id": sid[name], "comment": "Off topic."} for name in ("stu", "dan", "ned", "pia")],
            {"student_id": student, "comment": st.one_of(TEXT, SCALAR)},
        ),
        "staff_reset": (
            [{"student_id": sid[name], "reason": "Asked to."} for name in ("stu", "dan", "una", "tia")],
            {"student_id": student, "reason": st.one_of(TEXT, SCALAR)},
        ),
        "staff_queue_next": ([{}, {"skip": sid["stu"]}], {"skip": student}),
        "staff_decide_appeal": (
            [
                {"student_id": sid["dan"], "decision": "uphold", "reason": "The grade stands."},
                {"student_id": sid["sal"], "decision": "regrade", "reason": "A second look.", **ASSESSMENT},
            ],
            {
                **ASSESSMENT_FIELDS,
                "student_id": student,
                "decision": st.one_of(st.sampled_from(["uphold", "regrade"]), TEXT, SCALAR),
                "reason": st.one_of(TEXT, SCALAR),
                "from_queue": SCALAR,
            },
        ),
        "staff_queue_release": ([{"student_id": sid["stu"]}, {"student_id": sid["sal"]}], {"student_id": student}),
        "staff_gradebook": (
            [
                {"search": "", "status": "", "step": "", "min_score": "", "max_score": "", "include_team": False},
                {
                    "search": "s",
                    "status": "done",
                    "step": "staff-assessment",
                    "min_score": "0",
                    "max_score": 5,
                    "page": 2,
                },
            ],
            {
                "search": TEXT,
                "status": st.one_of(st.sampled_from(["done", "staff", "peer", "cancelled", "nope"]), TEXT),
                "step": st.one_of(st.sampled_from(["peer-assessment", "self-assessment", "staff-assessment"]), TEXT),
                "min_score": st.one_of(NUMBER, TEXT),
                "max_score": st.one_of(NUMBER, TEXT),
                "include_team": SCALAR,
                "page": st.one_of(NUMBER, TEXT),
            },
        ),
        "staff_report_start": (
            [{"kind": "grade"}, {"kind": "data"}],
            {"kind": st.one_of(st.sampled_from(["grade", "data"]), TEXT)},
        ),
    }


def _json_handlers() -> set[str]:
    return {name for name in dir(OraXBlock) if getattr(getattr(OraXBlock, name), "_is_xblock_handler", False)}


LEARNER = sorted(
    "render_page save_draft submit withdraw self_assess peer_next peer_assess training_assess upload_begin "
    "upload_start upload_finish upload_abort upload_confirm remove_file submit_feedback appeal".split()
)
STAFF = sorted(
    name
    for name in _json_handlers()
    if name.startswith("staff_") and name not in ("staff_files_zip", "staff_report_download")
)
STUDIO = ["check_editor", "course_rubrics", "save_definition", "save_editor"]
MULTIPART = ["upload_file", "upload_piece"]
FILES = ["download_file", "staff_files_zip", "staff_report_download"]  # GET, no body: the suffix is fuzzed below


def test_every_handler_of_the_block_has_a_fuzzer() -> None:
    assert set(LEARNER + STAFF + STUDIO + MULTIPART + FILES) == _json_handlers()


@pytest.mark.parametrize("handler", LEARNER)
def test_learner_handler_answers_any_body_with_a_page_or_a_coded_refusal(world, baseline, handler: str) -> None:
    seats, templates, fields = learner_handlers(world)[handler]

    @fuzz(handler)
    @given(
        seat=st.one_of(st.sampled_from(seats), st.sampled_from(LEARNERS)),
        body=bodies(st.sampled_from(templates), fields),
    )
    def example(seat: str, body: bytes) -> None:
        exercise(world, lambda: world.call(seat, handler, body), baseline)

    example()


@pytest.mark.parametrize("handler", STAFF)
def test_staff_handler_answers_any_body_with_a_page_or_a_coded_refusal(world, baseline, handler: str) -> None:
    templates, fields = staff_handlers(world)[handler]

    @fuzz(handler)
    @given(body=bodies(st.sampled_from(templates), fields))
    def example(body: bytes) -> None:
        exercise(world, lambda: world.call("sam", handler, body), baseline)

    example()


def studio_handlers() -> dict[str, tuple[st.SearchStrategy[Mapping[str, Any]], dict[str, Any]]]:
    """Each Studio handler: bodies built around generated problems, and its fields' values."""
    text_olx = olx_structures().filter(lambda text: isinstance(text, str))
    olx = {"olx": text_olx}
    editor = {"definition": editor_json()}
    sound = st.one_of(st.just(to_dict(parse_olx(FUZZ_OLX))), editor_json())
    return {
        "save_definition": (st.builds(lambda text: {"olx": text}, st.one_of(st.just(FUZZ_OLX), text_olx)), olx),
        "save_editor": (st.builds(lambda data: {"definition": data}, sound), editor),
        "check_editor": (st.builds(lambda data: {"definition": data}, sound), editor),
        "course_rubrics": (st.sampled_from([{}, {"item_id": "another-problem"}]), {"item_id": st.one_of(TEXT, SCALAR)}),
    }


@pytest.mark.parametrize("handler", STUDIO)
def test_studio_handler_answers_any_body_with_a_form_or_a_coded_refusal(world, baseline, handler: str) -> None:
    templates, fields = studio_handlers()[handler]

    @fuzz(handler)
    @given(seat=st.sampled_from(["ada", "ada:draft"]), body=bodies(templates, fields))
    def example(seat: str, body: bytes) -> None:
        exercise(world, lambda: world.call(seat, handler, body), baseline)

    example()


# Multipart: upload_file and upload_piece, through the LMS's handler view ------------------------------------------

FILE_NAMES = st.one_of(
    st.sampled_from(
        [b"figure.png", b"doc.pdf", b"x.exe", b"../../a.png", b"a.png.", b".png", b"noext", b"", b"\xff\xfe.png"]
        + [name.encode() for name in ("ѕcr.png", "\u202egnp.exe", "a" * 300 + ".png", 'q"uote.png', "semi;colon.png")]
    ),
    st.binary(max_size=20),
)
FORM_TEXT = st.one_of(TEXT.map(lambda text: text.encode("utf-8", "surrogatepass")), st.binary(max_size=20))
FILE_BYTES = st.one_of(
    st.sampled_from([b"", b"\xff\xd8\xff\xe0<html>", b"\x89PNG\r\n\x1a\n<script>", b"GIF89a<svg>", b"%PDF-", PDF[:-6]]),
    st.binary(max_size=200),
)
PIECE_NUMBERS = st.one_of(
    st.sampled_from([b"0", b"2", b"-1", b"01", b" 1", b"1.0", b"x", b"", b"9" * 30, str(PIECE_BYTES - 1).encode()]),
    FORM_TEXT,
)
STEMS = st.text(st.characters(codec="utf-8", exclude_characters='"\\\r\n'), min_size=1, max_size=12).map(str.encode)
DESCRIPTIONS = st.text(st.characters(codec="utf-8"), min_size=1, max_size=40).map(str.encode)
FORM_CHANGES = st.sampled_from(["none"] * 4 + ["value", "value", "dropped", "stranger", "any", "garbage"])
Part = tuple[bytes, bytes | None, bytes]  # field name, file name (None for a text field), bytes


def forms(world: World, handler: str) -> st.SearchStrategy[bytes]:
    """The handler's own form (for upload_piece, the last piece of the half-sent upload), then one change: a
    value replaced, a field dropped, a stranger added; or any fields at all; or bytes that are no form."""
    upload_ids = [world.half_upload.encode(), world.full_upload.encode()]

    @st.composite
    def form(draw: Callable[..., Any]) -> bytes:
        if handler == "upload_file":
            extension, data = draw(st.sampled_from([(b".png", png()), (b".pdf", PDF), (b".PNG", png())]))
            name = draw(STEMS) + extension
            parts = [(b"file", name, data), (b"description", None, draw(DESCRIPTIONS))]
            values = [st.tuples(FILE_NAMES, FILE_BYTES), FORM_TEXT]
        else:
            upload = draw(st.sampled_from(upload_ids))
            index, offset = b"1", str(PIECE_BYTES).encode()
            parts = [(b"upload_id", None, upload), (b"index", None, index), (b"offset", None, offset)]
            parts.append((b"piece", b"blob", draw(st.binary(min_size=64, max_size=64))))
            values = [st.one_of(st.just(b"nope"), FORM_TEXT), PIECE_NUMBERS, PIECE_NUMBERS, FILE_BYTES]
        change = draw(FORM_CHANGES)
        if change == "garbage":
            return draw(st.binary(max_size=100))
        where = draw(st.integers(0, len(parts) - 1))
        field, filename, _ = parts[where]
        if change == "value":
            value = draw(values[where])
            parts[where] = (field, *value) if isinstance(value, tuple) else (field, filename, value)
        elif change == "dropped":
            del parts[where]
        elif change == "stranger":
            parts.append(draw(STRANGER))
        elif change == "any":
            parts = draw(st.lists(STRANGER, max_size=4))
        return multipart_body(parts)

    return form()


STRANGER = st.tuples(
    st.one_of(st.sampled_from([b"file", b"piece", b"description", b"index", b"upload_id"]), FORM_TEXT),
    st.one_of(st.none(), FILE_NAMES),
    FORM_TEXT,
)


@pytest.mark.parametrize("handler", MULTIPART)
def test_multipart_handler_answers_any_form_with_a_page_or_a_coded_refusal(world, baseline, handler: str) -> None:
    @fuzz(handler)
    @given(
        seat=st.one_of(st.just("una"), st.sampled_from(LEARNERS)),
        body=forms(world, handler),
        csrf=st.sampled_from([True] * 9 + [False]),
    )
    def example(seat: str, body: bytes, csrf: bool) -> None:
        def call() -> Any:
            reached = world.view.reached_block
            try:
                response = world.send(seat, handler, body, csrf=csrf)
            except MultiPartParserError:  # the LMS's Django answers 400 before any block runs
                response = None
            return response if world.view.reached_block > reached else None  # None: the host refused it

        exercise(world, call, baseline)

    example()


# GET: files and reports, by their suffix -------------------------------------------------------------------------


def test_file_handlers_answer_any_suffix_with_a_file_or_a_coded_refusal(world, baseline) -> None:
    file_id = str(world.file_id)
    suffixes = st.one_of(
        st.just(file_id),
        st.sampled_from([file_id + "0", f" {file_id}", f"{file_id}/", "0", "-1", "01", "9" * 19, "", "../1", "1/2"]),
        TEXT,
    )

    @fuzz("download_file, staff_files_zip, staff_report_download")
    @given(
        handler=st.sampled_from(FILES),
        seat=st.sampled_from(["una", "sam", "pia", "ole"]),
        suffix=suffixes,
    )
    def example(handler: str, seat: str, suffix: str) -> None:
        def call() -> Any:
            with request_by(world.users[seat]):
                return world.block(seat).handle(handler, webob.Request.blank("/", method="GET"), suffix)

        exercise(world, call, baseline, files=True)

    example()
