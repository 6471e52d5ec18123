"""Every handler called as every kind of person the platform can send, checked cell by cell.

The table is docs/api.md's "Who may call what". "act" means the handler does its
work for that person (it may still refuse the input itself, with its own code);
any other cell names the refusal code, and nothing is written.
"""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any

import pytest
import webob
from django.contrib.auth.models import AnonymousUser
from submissions.models import Submission

from ora_xblock import scenarios
from ora_xblock.block import OraXBlock
from ora_xblock.models import Assessment, AuditEntry, Draft, ResponseFile, Workflow
from tests.conftest import call_handler
from tests.host.lms import Problem, account, lms_block, masquerade_as, request_by
from tests.host.studio import editor_block

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "learner", "another_learner", "beta_tester", "masquerading_staff", "course_staff", "author")
ACT = "act"
AUTHZ = {"sign_in", "forbidden", "read_only"}


def png() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0\0\0\0")  # one row: filter byte, then one RGB pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def row(anonymous: str, learner: str, other: str, beta: str, masquerade: str, staff: str, author: str) -> dict:
    return dict(zip(ROLES, (anonymous, learner, other, beta, masquerade, staff, author), strict=True))


LEARNER_ACTION = row("sign_in", ACT, ACT, ACT, "read_only", ACT, "sign_in")
STAFF_ONLY = row(*(["forbidden"] * 5), ACT, "forbidden")
STUDIO_ONLY = row(*(["forbidden"] * 6), ACT)
MATRIX: dict[str, dict[str, str]] = {
    "render_page": row(ACT, ACT, ACT, ACT, ACT, ACT, ACT),
    # A file is the author's (the learner's), a peer's holding the review, or staff's; the suffix is its id.
    "download_file": row("no_such_file", ACT, "no_such_file", "no_such_file", ACT, ACT, "no_such_file"),
    **dict.fromkeys(
        [
            "save_draft",
            "submit",
            "withdraw",
            "self_assess",
            "peer_next",
            "peer_assess",
            "training_assess",
            "submit_feedback",
            "appeal",
            "upload_file",
            "upload_begin",
            "upload_piece",
            "upload_finish",
            "upload_abort",
            "upload_start",
            "upload_confirm",
        ],
        LEARNER_ACTION,
    ),
    # Only the learner's own draft files: the suffix-free body names alice's file.
    "remove_file": row("sign_in", ACT, "no_such_file", "no_such_file", "read_only", "no_such_file", "sign_in"),
    **{name: STAFF_ONLY for name in dir(OraXBlock) if name.startswith("staff_")},
    **dict.fromkeys(["save_definition", "save_editor", "check_editor", "course_rubrics"], STUDIO_ONLY),
}


def test_the_table_names_every_handler_the_block_has():
    handlers = {name for name in dir(OraXBlock) if getattr(getattr(OraXBlock, name), "_is_xblock_handler", False)}
    assert set(MATRIX) == handlers


@pytest.fixture
def world(settings, tmp_path):
    """A files problem in the LMS; the learner (alice) has uploaded a PNG."""
    settings.ROOT_URLCONF = "lms.urls"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    problem = Problem(scenarios.demo_olx("staff_only.xml"))
    alice = account("alice")
    with request_by(alice):
        uploaded = send(lms_block(problem, alice), "upload_file")
    assert uploaded.status_code == 200, uploaded.body
    return problem, alice, ResponseFile.objects.get().pk


def block_for(role: str, problem: Problem, alice: Any) -> tuple[OraXBlock, Any]:
    """The block as the platform binds it for ``role``, and the request's own user."""
    if role == "anonymous":
        return lms_block(problem, AnonymousUser()), None
    if role == "learner":
        return lms_block(problem, alice), alice
    if role == "another_learner":
        bob = account("bob")
        return lms_block(problem, bob), bob
    if role == "beta_tester":
        beta = account("beta")
        return lms_block(problem, beta, beta=True), beta
    staff = account("sam", staff=True)
    if role == "masquerading_staff":
        return lms_block(problem, masquerade_as(staff, "alice")), staff
    if role == "course_staff":
        return lms_block(problem, staff, staff=True), staff
    author = account("ada")
    return editor_block(problem, author, writers=frozenset({"ada"})), author


def send(block: OraXBlock, name: str, file_id: int = 0) -> webob.Response:
    """A plausible request for the handler, as its own page would send it."""
    if name in ("upload_file", "upload_piece"):
        field = "file" if name == "upload_file" else "piece"
        form = {field: ("figure.png", png()), "description": "A figure", "upload_id": "1", "index": "0", "offset": "0"}
        request = webob.Request.blank("/", method="POST", POST=form)
        request.headers["X-CSRFToken"] = "token"
        return block.handle(name, request)
    if name in ("download_file", "staff_files_zip", "staff_report_download"):
        return block.handle(name, webob.Request.blank("/", method="GET"), str(file_id))
    body = {
        "answers": ["An answer", "Another"],
        "file_id": file_id,
        "filename": "figure.png",
        "size": 100,
        "description": "A figure",
        "olx": block.definition_olx,
        "query": "alice",
        "kind": "grade",
    }
    return call_handler(block, name, body)


def state() -> tuple[int, ...]:
    models = (Workflow, Draft, Assessment, Submission, ResponseFile, AuditEntry)
    return tuple(model.objects.count() for model in models)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("handler", sorted(MATRIX))
def test_each_person_may_do_what_the_table_says(world, role, handler):
    problem, alice, file_id = world
    block, requester = block_for(role, problem, alice)
    expected = MATRIX[handler][role]
    before = state()

    with request_by(requester):
        answer = send(block, handler, file_id)

    code = json.loads(answer.body)["error"]["code"] if answer.status_code >= 400 else None
    if expected == ACT:
        assert code not in AUTHZ, (role, handler, answer.status_code, code)
        if handler in ("download_file", "remove_file", "render_page"):
            assert answer.status_code == 200, (role, handler, answer.body)
    else:
        assert (answer.status_code, code) == (404 if expected == "no_such_file" else 403, expected), answer.body
        assert state() == before
