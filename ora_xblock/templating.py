"""The package's own files: Mako templates (HTML-escaped by default), and static files by text or by URL."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from mako.lookup import TemplateLookup
from web_fragments.fragment import Fragment


@cache
def _lookup() -> TemplateLookup:
    directory = resources.files("ora_xblock") / "templates"
    return TemplateLookup(
        directories=[str(directory)],
        default_filters=["h"],
        input_encoding="utf-8",
        strict_undefined=True,
    )


def render(name: str, **context: Any) -> str:
    """Render template ``name`` with ``context``; every ``${...}`` is escaped."""
    return _lookup().get_template(name).render_unicode(**context)


def resource_text(path: str) -> str:
    """The text of a file shipped inside the package, such as ``static/css/ora.css``."""
    return (resources.files("ora_xblock") / path).read_text(encoding="utf-8")


def resource_url(block: Any, path: str) -> str | None:
    """The URL at which the runtime serves ``path``, a package file under the block's ``public_dir`` ("static"),
    such as ``static/vendor/quill/quill.js``; None where the runtime serves no files (then send the text).

    The LMS and Studio serve it from collected static files (``xblock/resources/ora_xblock/<path>``), or from
    their ``xblock_resource`` view, which reads it with ``open_local_resource``; the workbench from ``/resource/``.
    """
    try:
        url = block.runtime.local_resource_url(block, path)
    except NotImplementedError:
        return None
    return str(url) if url else None


def add_stylesheet(fragment: Fragment, block: Any, path: str) -> None:
    """Add the package's stylesheet ``path`` to ``fragment``: by URL (cached by the browser), else as text."""
    url = resource_url(block, path)
    if url:
        fragment.add_css_url(url)
    else:
        fragment.add_css(resource_text(path))


# Run before a UMD bundle loaded by URL where the page may have an AMD loader (RequireJS: Studio, parts of the
# LMS). The bundle's anonymous define() would hand the library to the loader instead of setting the global (and,
# outside a require() call, RequireJS fails with "Mismatched anonymous define()"). This define() takes the call
# made by that one script (document.currentScript, query strings aside), sets the global from its factory and
# steps aside; every other script's define() still reaches the page's loader.
_UMD_GLOBAL = """(function (src, name) {
  "use strict";
  var host = window.define;
  if (window[name] || typeof host !== "function" || !host.amd) { return; }
  var wanted = new URL(src, document.baseURI).href.split("?")[0];
  var done = false;
  function define() {
    var script = document.currentScript;
    if (done || !script || !script.src || script.src.split("?")[0] !== wanted) {
      return host.apply(this, arguments);
    }
    done = true;
    if (window.define === define) { window.define = host; }
    var factory = arguments[arguments.length - 1];
    window[name] = typeof factory === "function" ? factory() : factory;
  }
  define.amd = host.amd;
  window.define = define;
}(%s, %s));"""


def add_umd_script(fragment: Fragment, block: Any, path: str, global_name: str) -> None:
    """Add the package's UMD bundle ``path`` to ``fragment`` so that it sets ``window[global_name]`` on any page.

    By URL, so that the browser caches it, after a small script that keeps an AMD loader from taking it (see
    ``_UMD_GLOBAL``). Where the runtime serves no files, as text inside a function that hides ``define``,
    ``exports`` and ``module``.
    """
    url = resource_url(block, path)
    if url:
        fragment.add_javascript(_UMD_GLOBAL % (_js_string(url), _js_string(global_name)))
        fragment.add_javascript_url(url)
    else:
        fragment.add_javascript(f"(function (define, exports, module) {{\n{resource_text(path)}\n}}).call(window);")


def _js_string(text: str) -> str:
    """``text`` as a JavaScript string literal that is safe inside a <script> element."""
    return json.dumps(text).replace("<", "\\u003c")
