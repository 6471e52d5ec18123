"""Completion as the LMS records it: the ``completion`` service and the event publishing that feeds it.

``CompletionService`` mirrors completion/services.py of openedx/completion, which
lms/djangoapps/courseware/block_render.py gives signed-in users (None for anonymous ones).
``EventPublishingService`` mirrors xmodule/services.py: before handling any event it asks the
runtime for the block's ``completion`` service, which the runtime refuses (NoSuchServiceError)
to a block that does not declare it.
"""

from __future__ import annotations

from typing import Any


class CompletionService:
    """One learner's completions in one course, by block key."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.submitted: list[tuple[Any, float]] = []

    def completion_tracking_enabled(self) -> bool:
        return self.enabled

    def submit_completion(self, block_key: Any, completion: float) -> None:
        self.submitted.append((block_key, completion))

    def get_completions(self, candidates: Any) -> dict[Any, float]:
        done = dict(self.submitted)
        return {key: done.get(key, 0.0) for key in candidates}


class EventPublishingService:
    """Routes a block's events: grades to the gradebook, completion to the completion service while tracking
    is on, anything else (and everything while staff view the course as a learner) to the tracking log."""

    def __init__(self, masquerading: bool = False) -> None:
        self.masquerading = masquerading
        self.scores: list[dict[str, Any]] = []
        self.tracked: list[tuple[str, dict[str, Any]]] = []

    def publish(self, block: Any, event_type: str, event: dict[str, Any]) -> None:
        completion = block.runtime.service(block, "completion")
        handlers: dict[str, Any] = {"grade": self.scores.append}
        if completion is not None and completion.completion_tracking_enabled():
            handlers["completion"] = lambda data: completion.submit_completion(
                block.scope_ids.usage_id, data["completion"]
            )
        handle = handlers.get(event_type)
        if handle is not None and not self.masquerading:
            handle(event)
        else:
            self.tracked.append((event_type, event))
