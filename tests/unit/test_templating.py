"""The package's static files in a fragment: by URL where the runtime serves them, as text where it does not."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from web_fragments.fragment import Fragment

from ora_xblock.block import OraXBlock
from ora_xblock.templating import add_stylesheet, add_umd_script, resource_text, resource_url

QUILL = "static/vendor/quill/quill.js"


def _block(url: str | None) -> Any:
    """A block whose runtime serves files at ``/files/<path>``, or serves none (``url`` None)."""

    def local_resource_url(block: Any, path: str) -> str:
        if url is None:
            raise NotImplementedError("Runtime needs to provide local_resource_url()")
        return f"{url}{path}"

    return SimpleNamespace(runtime=SimpleNamespace(local_resource_url=local_resource_url))


def test_resource_url_is_the_runtimes_or_none_where_it_serves_no_files() -> None:
    assert resource_url(_block("/files/"), QUILL) == f"/files/{QUILL}"
    assert resource_url(_block(None), QUILL) is None


def test_the_files_served_by_url_are_under_the_blocks_public_dir() -> None:
    assert OraXBlock.public_dir == "static"  # what open_local_resource (the LMS's and workbench's view) allows
    with OraXBlock.open_local_resource(QUILL) as served:
        assert served.read().startswith(b"/*! For license information please see quill.js.LICENSE.txt */")


def test_umd_bundle_goes_by_url_after_the_loader_guard() -> None:
    fragment = Fragment()
    add_umd_script(fragment, _block("/files/"), QUILL, "Quill")
    guard, script = fragment.resources
    assert (script.kind, script.mimetype, script.data) == ("url", "application/javascript", f"/files/{QUILL}")
    assert guard.kind == "text"
    assert guard.data.rstrip().endswith(f'}}("/files/{QUILL}", "Quill"));')
    assert "function define()" in guard.data
    assert len(guard.data) < 2_000  # the bundle itself is not in the page


def test_urls_in_the_loader_guard_cannot_end_its_script_element() -> None:
    fragment = Fragment()
    add_umd_script(fragment, _block("/files/</script><script>alert(1)//"), QUILL, "Quill")
    assert "</script>" not in fragment.resources[0].data
    assert "\\u003c/script>" in fragment.resources[0].data


def test_umd_bundle_is_inlined_with_loaders_hidden_where_the_runtime_serves_no_files() -> None:
    fragment = Fragment()
    add_umd_script(fragment, _block(None), QUILL, "Quill")
    (inline,) = fragment.resources
    assert inline.kind == "text"
    assert inline.data.startswith("(function (define, exports, module) {\n")
    assert resource_text(QUILL) in inline.data


def test_stylesheet_by_url_or_as_text() -> None:
    by_url, as_text = Fragment(), Fragment()
    add_stylesheet(by_url, _block("/files/"), "static/vendor/quill/quill.snow.css")
    add_stylesheet(as_text, _block(None), "static/vendor/quill/quill.snow.css")
    assert [(r.kind, r.data) for r in by_url.resources] == [("url", "/files/static/vendor/quill/quill.snow.css")]
    assert as_text.resources[0].kind == "text"
    assert ".ql-snow" in as_text.resources[0].data
