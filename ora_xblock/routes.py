"""The block's handlers: one line each, routed by role to :mod:`ora_xblock.handlers`, whose functions say what
each does. A mixin of :class:`~ora_xblock.block.OraXBlock`, which supplies ``_handle``."""

from __future__ import annotations

from typing import Any

from .handlers import file_endpoint, json_endpoint, piece_endpoint, upload_endpoint


class Routes:
    """Every handler the runtime can call, as the block's methods (the platform looks them up on the class)."""

    def _handle(self, role: str, handler: str, *args: Any) -> Any:
        raise NotImplementedError  # the block's

    @json_endpoint
    def render_page(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("learner", "render_page")

    @json_endpoint
    def save_draft(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("learner", "save_draft", data)

    @json_endpoint
    def submit(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("learner", "submit", data)

    @json_endpoint
    def withdraw(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("learner", "withdraw")

    @json_endpoint
    def self_assess(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("learner", "self_assess", data)

    @json_endpoint
    def peer_next(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("peer", "peer_next")

    @json_endpoint
    def peer_assess(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("peer", "peer_assess", data)

    @json_endpoint
    def training_assess(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("learner", "training_assess", data)

    @json_endpoint
    def submit_feedback(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("feedback", "submit_feedback", data)

    @json_endpoint
    def appeal(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("appeals", "appeal", data)

    @upload_endpoint
    def upload_file(self, filename: str, form: dict[str, str], stream: Any, size: int) -> dict[str, Any]:
        return self._handle("files", "upload_file", filename, form, stream, size)

    @json_endpoint
    def upload_begin(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("files", "upload_begin", data)

    @piece_endpoint
    def upload_piece(self, filename: str, form: dict[str, str], stream: Any, size: int) -> dict[str, Any]:
        return self._handle("files", "upload_piece", form, stream, size)

    @json_endpoint
    def upload_finish(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("files", "upload_finish", data)

    @json_endpoint
    def upload_abort(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("files", "upload_abort", data)

    @json_endpoint
    def upload_start(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("files", "upload_start", data)

    @json_endpoint
    def upload_confirm(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("files", "upload_confirm", data)

    @json_endpoint
    def remove_file(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("files", "remove_file", data)

    @file_endpoint
    def download_file(self, suffix: str = "") -> Any:
        return self._handle("files", "download_file", suffix)

    @file_endpoint
    def staff_files_zip(self, suffix: str = "") -> Any:
        return self._handle("staff", "staff_files_zip", suffix)

    @json_endpoint
    def staff_overview(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("staff", "staff_overview")

    @json_endpoint
    def staff_learner(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("staff", "staff_learner", data)

    @json_endpoint
    def staff_grade(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("staff", "staff_grade", data)

    @json_endpoint
    def staff_remove(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("staff", "staff_remove", data)

    @json_endpoint
    def staff_reset(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("staff", "staff_reset", data)

    @json_endpoint
    def staff_queue_next(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("staff", "staff_queue_next", data)

    @json_endpoint
    def staff_queue_release(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("staff", "staff_queue_release", data)

    @json_endpoint
    def staff_decide_appeal(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("appeals", "staff_decide_appeal", data)

    @json_endpoint
    def staff_gradebook(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("staff", "staff_gradebook", data)

    @json_endpoint
    def staff_reports(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("staff", "staff_reports")

    @json_endpoint
    def staff_report_start(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("staff", "staff_report_start", data)

    @file_endpoint
    def staff_report_download(self, suffix: str = "") -> Any:
        return self._handle("staff", "staff_report_download", suffix)

    @json_endpoint
    def save_definition(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("studio", "save_definition", data)

    @json_endpoint
    def save_editor(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("studio", "save_editor", data)

    @json_endpoint
    def check_editor(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("studio", "check_editor", data)

    @json_endpoint
    def course_rubrics(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return self._handle("studio", "course_rubrics", data)
