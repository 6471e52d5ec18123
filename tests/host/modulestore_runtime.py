"""The runtime a block gets in the LMS and in Studio's preview, for what ora_xblock can observe of it.

Mirrors ``ModuleStoreRuntime`` in xmodule/x_module.py, as lms/djangoapps/courseware/block_render.py
(``prepare_runtime_for_user``) and cms/djangoapps/contentstore/views/preview.py prepare it.
"""

from __future__ import annotations

from typing import Any

from xblock.field_data import DictFieldData
from xblock.test.tools import TestRuntime


class ModuleStoreRuntime(TestRuntime):
    """A runtime that serves services only to blocks that declare them, and wraps views.

    - ``service``: XBlock's declaration check (undeclared: NoSuchServiceError; wanted but absent: None),
      then a callable service is called with the block, which is how a ``ReplaceURLService`` factory
      becomes the block's own service.
    - ``publish``: the event goes to the ``publish`` service (xmodule/services.py EventPublishingService).
    - ``render``: each of ``wrappers`` gets the view's fragment in turn (``_ConfigurableFragmentWrapper``).
    """

    def __init__(self, services: dict[str, Any], wrappers: tuple[Any, ...] = (), author_mode: bool = False) -> None:
        super().__init__(services={"field-data": DictFieldData({}), **services})
        self.wrappers = wrappers
        if author_mode:
            self.is_author_mode = True  # what the preview sets

    def service(self, block: Any, service_name: str) -> Any:
        service = super().service(block, service_name)
        return service(block) if callable(service) else service

    def publish(self, block: Any, event_type: str, event_data: dict[str, Any]) -> None:
        if (publisher := self._services.get("publish")) is not None:
            publisher.publish(block, event_type, event_data)

    def wrap_xblock(self, block: Any, view: str, frag: Any, context: Any) -> Any:
        for wrapper in self.wrappers:
            frag = wrapper(block, view, frag, context)
        return frag
