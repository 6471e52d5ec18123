"""A 100 MB file sent in pieces through the handlers as the LMS calls them: time and peak memory.

    .venv/bin/python bench/bench_uploads.py

Each piece is a multipart request parsed by Django (request.FILES, as the LMS's handler view
reads it) and handed to the block through xblock.django.request.django_to_webob_request;
files go to a FileSystemStorage in a temporary folder. The first run is timed; a second run
under tracemalloc gives the most Python allocates for one request above what was live before
it: storing a piece (the request body the test client builds included), and joining and
checking the file.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import time
import tracemalloc

from setup_django import setup

setup()

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, RequestFactory, encode_multipart
from xblock.django.request import django_to_webob_request
from xblock.field_data import DictFieldData
from xblock.reference.user_service import UserService, XBlockUser
from xblock.test.tools import TestRuntime

from ora_xblock import scenarios
from ora_xblock.models import ResponseFile
from ora_xblock.services import files

SIZE = 100 * 1000 * 1000
MB = 1000 * 1000


class Learner(UserService):
    def get_current_user(self) -> XBlockUser:
        user = XBlockUser(is_current_user=True)
        user.opt_attrs = {"edx-platform.anonymous_user_id": self.anonymous_id, "edx-platform.username": "ann"}
        return user

    anonymous_id = "a" * 32


def block_for(learner: Learner):
    runtime = TestRuntime(services={"field-data": DictFieldData({}), "user": learner})
    runtime.publish = lambda *args: None
    runtime.handler_url = lambda block, name, suffix="", query="": f"/handler/{name}/{suffix}"
    return runtime.get_block(runtime.parse_xml_string(scenarios.demo_olx("files_peer.xml")))


def post(block, handler: str, body: bytes, content_type: str):
    request = RequestFactory().generic("POST", "/handler", data=body, content_type=content_type, HTTP_X_CSRFTOKEN="t")
    response = block.handle(handler, django_to_webob_request(request))
    assert response.status_code == 200, response.body[:300]
    return json.loads(response.body)


def upload(block, data: bytes, name: str, probe=None) -> dict[str, float]:
    """Send ``data`` as the learner's page does; returns seconds per phase.

    ``probe(phase, started)`` runs before (``started`` False) and after each request of a phase.
    """
    probe = probe or (lambda phase, started: None)
    details = {"filename": name, "description": "Thesis", "size": len(data)}
    started = time.perf_counter()
    begun = post(block, "upload_begin", json.dumps(details).encode(), "application/json")
    piece, pieces_seconds = begun["piece_bytes"], 0.0
    for index, offset in enumerate(range(0, len(data), piece)):
        form = {"upload_id": begun["upload_id"], "index": str(index), "offset": str(offset)}
        form["piece"] = SimpleUploadedFile("piece", data[offset : offset + piece])
        body = encode_multipart(BOUNDARY, form)
        probe("piece", False)
        before = time.perf_counter()
        post(block, "upload_piece", body, MULTIPART_CONTENT)
        pieces_seconds += time.perf_counter() - before
        probe("piece", True)
    finish = json.dumps({"upload_id": begun["upload_id"]}).encode()
    probe("finish", False)
    before = time.perf_counter()
    post(block, "upload_finish", finish, "application/json")
    probe("finish", True)
    ended = time.perf_counter()
    return {"pieces": pieces_seconds, "finish": ended - before, "total": ended - started, "count": index + 1}


def main() -> None:
    data = b"%PDF-1.7\n" + os.urandom(SIZE - 16) + b"\n%%EOF\n"  # a PDF's header and trailer: the block checks both
    learner = Learner()
    timed = upload(block_for(learner), data, "thesis.pdf")
    stored = ResponseFile.objects.get(name="thesis.pdf")
    with files.Limits().storage.open(stored.key) as joined:
        same = hashlib.sha256(joined.read()).digest() == hashlib.sha256(data).digest()

    learner.anonymous_id = "b" * 32
    peaks: dict[str, int] = {"piece": 0, "finish": 0}
    baseline = [0]

    def probe(phase: str, done: bool) -> None:
        """The most a request allocated above what was live before it (the request body included)."""
        if done:
            peaks[phase] = max(peaks[phase], tracemalloc.get_traced_memory()[1] - baseline[0])
        else:
            gc.collect()
            tracemalloc.reset_peak()
            baseline[0] = tracemalloc.get_traced_memory()[0]

    block = block_for(learner)
    tracemalloc.start()
    upload(block, data, "thesis2.pdf", probe)
    tracemalloc.stop()

    print(f"100 MB in {timed['count']} pieces of at most 3.5 MB, FileSystemStorage, SQLite; byte-identical: {same}")
    print(f"  total {timed['total']:.2f} s: pieces {timed['pieces']:.2f} s, join and check {timed['finish']:.2f} s")
    piece, finish = peaks["piece"] / MB, peaks["finish"] / MB
    print(f"  peak Python allocations: storing a piece {piece:.1f} MB, joining {finish:.1f} MB")


if __name__ == "__main__":
    main()
