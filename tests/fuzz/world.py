"""A problem in the LMS where learners stand at every step, for the handler fuzzers to call into.

Built through the handlers themselves, as learners and staff would, so the
fuzzers meet real leases, workflows, drafts, files and uploads in pieces.
Each learner ("seat") stands at one step of training → peer → self → staff:

- ``una``: not submitted; a draft, one file, an upload in pieces half sent and another fully sent;
- ``tia``: submitted, in training;  ``pia``: in the peer step, holding a review;
- ``sal``: in the self step;  ``stu``: waiting for staff, held in the queue by ``sam``;
- ``dan``: graded by staff;  ``ned``: removed from peer grading;  ``ole``: never came.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

import webob
from django.core.files.storage import InMemoryStorage, storages
from django.test.client import BOUNDARY, MULTIPART_CONTENT

from ora_xblock.block import OraXBlock
from ora_xblock.models import PartialUpload, PeerLease, ResponseFile
from tests.conftest import call_handler
from tests.host.lms import Problem, account, anonymous_id_for_user, lms_block, request_by, usage_key
from tests.host.lms_handler import LmsHandlerView, multipart
from tests.host.studio import editor_block

FUZZ_OLX = """
<openassessment text_response="required" file_upload_response="optional" file_upload_type="pdf-and-image"
    allow_multiple_files="true" allow_learner_resubmissions="true" leaderboard_show="3">
  <title>Fuzzed problem</title>
  <prompts>
    <prompt><description>First prompt</description></prompt>
    <prompt><description>Second prompt</description></prompt>
  </prompts>
  <rubric>
    <criterion feedback="optional">
      <name>Ideas</name><prompt>Are the ideas sound?</prompt>
      <option points="0"><name>Poor</name><explanation>No.</explanation></option>
      <option points="1"><name>Fair</name><explanation>Partly.</explanation></option>
      <option points="3"><name>Good</name><explanation>Yes.</explanation></option>
    </criterion>
    <criterion>
      <name>Style</name><prompt>Is it well written?</prompt>
      <option points="0"><name>No</name><explanation>No.</explanation></option>
      <option points="2"><name>Yes</name><explanation>Yes.</explanation></option>
    </criterion>
    <criterion feedback="required">
      <name>Notes</name><prompt>Anything else?</prompt>
    </criterion>
    <feedbackprompt>Anything for the author?</feedbackprompt>
  </rubric>
  <assessments>
    <assessment name="student-training">
      <example>
        <answer><part>Sample one</part><part>Sample two</part></answer>
        <select criterion="Ideas" option="Good"/>
        <select criterion="Style" option="Yes"/>
      </example>
    </assessment>
    <assessment name="peer-assessment" must_grade="1" must_be_graded_by="1"/>
    <assessment name="self-assessment"/>
    <assessment name="staff-assessment" required="true"/>
  </assessments>
</openassessment>
"""
CRITERIA = {"Ideas": ("Poor", "Fair", "Good"), "Style": ("No", "Yes"), "Notes": ()}
TRAINED = {"Ideas": "Good", "Style": "Yes"}
ASSESSMENT = {
    "options_selected": {"Ideas": "Fair", "Style": "Yes"},
    "criterion_feedback": {"Ideas": "Clear enough.", "Notes": "Cite a source."},
    "overall_feedback": "Good work.",
}
PIECE_BYTES = 256 * 1024  # the smallest piece the block accepts (uploads.piece_bytes)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LEARNERS = ("una", "tia", "pia", "sal", "stu", "dan", "ned", "ole")


def png() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 4)) + chunk(b"IEND", b"")
    )


class CountingStorage(InMemoryStorage):
    """Django's in-memory storage, counting writes and deletes so that an unchanged one is known at once."""

    writes = 0

    def _save(self, name: str, content: Any) -> str:
        self.writes += 1
        return super()._save(name, content)

    def delete(self, name: str) -> None:
        self.writes += 1
        super().delete(name)


@dataclass
class World:
    """The fuzzed problem and who is in it, with the ids of what exists (for near-valid bodies), and the state
    every example starts from (:meth:`remember`, :meth:`reset`)."""

    problem: Problem
    draft_problem: Problem  # an unreleased problem in Studio: nobody has answered it
    users: dict[str, Any]
    student_ids: dict[str, str]
    lease_id: int
    file_id: int
    half_upload: str
    full_upload: str
    storage: CountingStorage
    view: LmsHandlerView = field(default_factory=lambda: LmsHandlerView(proxy_body_cap=None))
    _fields: Any = None
    _files: Any = None
    _listing: Any = None

    def block(self, seat: str) -> OraXBlock:
        """The block as the platform binds it for ``seat``: a learner's name, ``sam`` (course staff), or ``ada``
        (a Studio author) in the problem learners answered or, ``ada:draft``, in the unreleased one. A new block
        each time, so that no field a previous example set stays cached in it."""
        if seat.startswith("ada"):
            problem = self.draft_problem if seat == "ada:draft" else self.problem
            return editor_block(problem, self.users["ada"], writers=frozenset({"ada"}))
        return lms_block(self.problem, self.users[seat], staff=seat == "sam")

    def call(self, seat: str, handler: str, body: bytes) -> webob.Response:
        """A JSON handler, as the browser sends it for ``seat``."""
        with request_by(self.users[seat.split(":")[0]]):
            return call_handler(self.block(seat), handler, body)

    def send(self, seat: str, handler: str, body: bytes, csrf: bool = True) -> webob.Response:
        """A multipart handler, through the LMS's handler view."""
        with request_by(self.users[seat]):
            return self.view.post(self.block(seat), handler, body, MULTIPART_CONTENT, csrf=csrf)

    def remember(self) -> None:
        """Take the state every example starts from; :meth:`reset` goes back to it."""
        problems = (self.problem, self.draft_problem)
        self._fields = copy.deepcopy([(p.content._data, p.student_modules) for p in problems])
        self._files = copy.deepcopy(self.storage._root)
        self._listing = self.files()
        self.storage.writes = 0

    def fields_changed(self) -> bool:
        problems = (self.problem, self.draft_problem)
        return [(p.content._data, p.student_modules) for p in problems] != self._fields

    def files_changed(self) -> bool:
        """Whether stored files differ from the remembered ones (a file written, then deleted, is no change)."""
        return bool(self.storage.writes) and self.files() != self._listing

    def reset(self) -> None:
        """Back to the remembered fields and files, where an example changed them."""
        if self.fields_changed():
            for problem, (content, modules) in zip((self.problem, self.draft_problem), self._fields, strict=True):
                problem.content._data = copy.deepcopy(content)
                problem.student_modules.clear()
                problem.student_modules.update(copy.deepcopy(modules))
        if self.storage.writes:
            self.storage._root = copy.deepcopy(self._files)
            self.storage.writes = 0

    def files(self) -> tuple[tuple[str, str], ...]:
        """Every stored file's name and the digest of its bytes."""
        found: list[tuple[str, str]] = []

        def walk(folder: str) -> None:
            directories, names = self.storage.listdir(folder)
            for name in names:
                path = f"{folder}/{name}" if folder else name
                with self.storage.open(path, "rb") as stored:
                    found.append((path, hashlib.sha256(stored.read()).hexdigest()))
            for directory in directories:
                walk(f"{folder}/{directory}" if folder else directory)

        walk("")
        return tuple(sorted(found))


def build_world(settings: Any) -> World:
    """The problem with every learner at their step; files in memory, pieces of the smallest size."""
    settings.ROOT_URLCONF = "lms.urls"
    settings.ORA_XBLOCK_UPLOAD_CHUNK_BYTES = PIECE_BYTES
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "tests.fuzz.world.CountingStorage"}}
    problem = Problem(FUZZ_OLX)
    users = {name: account(name) for name in LEARNERS}
    users["sam"] = account("sam", staff=True)
    users["ada"] = account("ada")
    student_ids = {name: anonymous_id_for_user(user) for name, user in users.items()}
    view = LmsHandlerView(proxy_body_cap=None)

    def act(name: str, handler: str, body: dict[str, Any] | None = None, staff: bool = False) -> dict[str, Any]:
        block = lms_block(problem, users[name], staff=staff)
        with request_by(users[name]):
            answer = call_handler(block, handler, body or {})
        assert answer.status_code == 200, (name, handler, answer.body)
        return json.loads(answer.body)

    def send(name: str, handler: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> dict[str, Any]:
        block = lms_block(problem, users[name])
        with request_by(users[name]):
            answer = view.post(block, handler, multipart(fields, files), MULTIPART_CONTENT)
        assert answer.status_code == 200, (name, handler, answer.body)
        return json.loads(answer.body)

    for name in ("tia", "pia", "sal", "stu", "dan", "ned"):
        act(name, "submit", {"answers": [f"{name} answers the first", f"{name} answers the second"]})
    for name in ("pia", "sal", "stu", "dan", "ned"):
        assert act(name, "training_assess", {"options_selected": TRAINED})["matched"]
    for name in ("sal", "stu", "dan", "ned"):
        act(name, "peer_next")
        lease = PeerLease.objects.get(reviewer_id=student_ids[name])
        act(name, "peer_assess", {"lease_id": lease.pk, **ASSESSMENT})
    for name in ("stu", "dan", "ned"):
        act(name, "self_assess", ASSESSMENT)
    act("sam", "staff_grade", {"student_id": student_ids["dan"], **ASSESSMENT}, staff=True)
    act("sam", "staff_remove", {"student_id": student_ids["ned"], "comment": "Off topic."}, staff=True)
    act("sam", "staff_queue_next", staff=True)
    act("sam", "staff_report_start", {"kind": "grade"}, staff=True)
    act("pia", "peer_next")  # after the removal, which takes ned's response (and any review of it) out of peer grading
    lease_id = PeerLease.objects.get(reviewer_id=student_ids["pia"]).pk

    act("una", "save_draft", {"answers": ["A draft", ""]})
    send("una", "upload_file", {"description": "A figure"}, {"file": ("figure.png", png())})
    file_id = ResponseFile.objects.get(student_id=student_ids["una"]).pk
    half = act("una", "upload_begin", {"filename": "long.pdf", "description": "Long", "size": PIECE_BYTES + 64})
    first_piece = PDF + b"\0" * (PIECE_BYTES - len(PDF))
    piece_form = {"upload_id": half["upload_id"], "index": "0", "offset": "0"}
    send("una", "upload_piece", piece_form, {"piece": ("blob", first_piece)})
    full = act("una", "upload_begin", {"filename": "short.pdf", "description": "Short", "size": len(PDF)})
    send("una", "upload_piece", {**piece_form, "upload_id": full["upload_id"]}, {"piece": ("blob", PDF)})
    assert PartialUpload.objects.count() == 2

    draft_problem = Problem(FUZZ_OLX, key=usage_key("unreleased"))
    editor_block(draft_problem, users["ada"], writers=frozenset({"ada"}))  # imported, as course import does
    storage = storages["default"]
    assert isinstance(storage, CountingStorage)
    world = World(
        problem=problem,
        draft_problem=draft_problem,
        users=users,
        student_ids=student_ids,
        lease_id=lease_id,
        file_id=file_id,
        half_upload=half["upload_id"],
        full_upload=full["upload_id"],
        storage=storage,
        view=view,
    )
    world.remember()
    return world


def multipart_body(parts: list[tuple[bytes, bytes | None, bytes]]) -> bytes:
    """A multipart/form-data body from raw parts: (field name, file name or None, bytes)."""
    boundary = BOUNDARY.encode()
    out = io.BytesIO()
    for name, filename, data in parts:
        out.write(b"--" + boundary + b"\r\n")
        disposition = b'Content-Disposition: form-data; name="' + name + b'"'
        if filename is not None:
            disposition += b'; filename="' + filename + b'"'
        out.write(disposition + b"\r\n")
        if filename is not None:
            out.write(b"Content-Type: application/octet-stream\r\n")
        out.write(b"\r\n" + data + b"\r\n")
    out.write(b"--" + boundary + b"--\r\n")
    return out.getvalue()
