"""The platform's ``replace_urls`` service, and how the LMS and Studio's preview hand it to a block.

Mirrors ``ReplaceURLService`` in common/djangoapps/static_replace/services.py, with the rewriting
rules of common/djangoapps/static_replace/__init__.py, for a course in the modulestore and no CDN.
A link is rewritten only between matching quotes (an HTML attribute, or JSON with escaped quotes):

- ``/static/<path>`` becomes the course asset ``/asset-v1:<org>+<course>+<run>+type@asset+block/<path>``,
  the path's ``/`` turned into ``_`` as assets are named (xmodule/contentstore/content.py); ``?raw``
  links are left alone;
- ``/course/<rest>`` becomes ``/courses/<course id>/<rest>``, unless ``static_replace_only``;
- ``/jump_to_id/<id>`` becomes ``<jump_to_id_base_url><id>`` where the runtime gave a base URL (the LMS
  does, Studio's preview does not), unless ``static_replace_only``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any


def asset_url(course_key: Any, path: str) -> str:
    """The URL the LMS gives ``/static/<path>`` of ``course_key`` (StaticContent.get_canonicalized_asset_path)."""
    name, _, query = path.partition("?")
    url = "/" + str(course_key.make_asset_key("asset", name.replace("/", "_"))).replace("block@", "block/", 1)
    return f"{url}?{query}" if query else url


def _rewrite(text: str, prefix: str, target: Callable[[str], str]) -> str:
    quoted = re.compile(r"""(\\?["'])""" + re.escape(prefix) + r"(.*?)\1")
    return quoted.sub(lambda match: match[1] + target(match[2]) + match[1], text)


class ReplaceURLService:
    """The service for one block."""

    def __init__(self, block: Any = None, *, jump_to_id_base_url: str | None = None) -> None:
        self.block = block
        self.jump_to_id_base_url = jump_to_id_base_url

    def replace_urls(self, text: str, static_replace_only: bool = False) -> str:
        course = self.block.scope_ids.usage_id.context_key
        text = _rewrite(
            text, "/static/", lambda rest: "/static/" + rest if rest.endswith("?raw") else asset_url(course, rest)
        )
        if static_replace_only:
            return text
        text = _rewrite(text, "/course/", lambda rest: f"/courses/{course}/{rest}")
        base = self.jump_to_id_base_url
        return _rewrite(text, "/jump_to_id/", lambda rest: base + rest) if base else text


def lms(course_key: Any) -> Callable[[Any], ReplaceURLService]:
    """What lms/djangoapps/courseware/block_render.py (``prepare_runtime_for_user``) registers: a factory that the
    runtime calls with the block (xmodule/x_module.py), with the course's jump_to_id base URL."""
    return partial(ReplaceURLService, jump_to_id_base_url=f"/courses/{course_key}/jump_to_id/")


# cms/djangoapps/contentstore/views/preview.py registers the class itself, with no jump_to_id base URL.
STUDIO_PREVIEW = ReplaceURLService


def view_wrapper(factory: Callable[[Any], Any], static_replace_only: bool = False) -> Callable[..., Any]:
    """The fragment wrapper both register (``replace_urls_wrapper``, common/djangoapps/static_replace/wrapper.py):
    a view's whole fragment is rewritten, the LMS's fully, Studio's preview's with ``static_replace_only=True``.
    A handler's answer never goes through it."""

    def wrap(block: Any, view: str, fragment: Any, context: Any) -> Any:
        fragment.content = factory(block).replace_urls(fragment.content, static_replace_only)
        return fragment

    return wrap
