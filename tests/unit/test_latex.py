"""LaTeX: what the fragment declares, with allow_latex and without (the browser side: tests/browser/test_latex.py)."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import html as lxml_html

from ora_xblock import scenarios
from ora_xblock.block import KATEX, OraXBlock

pytestmark = pytest.mark.django_db

LATEX = scenarios.demo_olx("latex_peer.xml")
PLAIN = scenarios.demo_olx("peer_only.xml")


@pytest.fixture
def serving(runtime: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The runtime with the workbench's resource URLs (workbench/runtime.py ``local_resource_url``)."""
    monkeypatch.setattr(
        runtime, "local_resource_url", lambda block, uri: f"/resource/{block.scope_ids.block_type}/{uri}", raising=False
    )
    return runtime


def scripts(fragment: Any) -> str:
    return "\n".join(resource.data for resource in fragment.resources if resource.kind == "text")


def root_classes(fragment: Any) -> list[str]:
    return lxml_html.fromstring(fragment.content).find_class("ora-block")[0].get("class").split()


def test_a_problem_with_latex_declares_the_renderer_and_the_katex_files(make_block: Any, serving: Any) -> None:
    fragment = make_block(LATEX).student_view()
    assert "OraXBlock.latex = " in scripts(fragment)
    urls = fragment.json_init_args["latex"]
    assert urls == {
        "script": "/resource/ora_xblock/static/vendor/katex/katex.min.js",
        "autoRender": "/resource/ora_xblock/static/vendor/katex/contrib/auto-render.min.js",
        "css": "/resource/ora_xblock/static/vendor/katex/katex.min.css",
    }
    assert "tex2jax_ignore" not in root_classes(fragment)  # the host's MathJax may typeset it too
    assert "katex" not in fragment.content  # nothing of KaTeX is inlined: it loads by URL, when needed


def test_a_problem_without_latex_loads_nothing_and_tells_mathjax_to_keep_out(make_block: Any, serving: Any) -> None:
    fragment = make_block(PLAIN).student_view()
    assert "OraXBlock.latex = " not in scripts(fragment)
    assert fragment.json_init_args is None
    assert {"tex2jax_ignore", "mathjax_ignore"} <= set(root_classes(fragment))


def test_studio_preview_declares_the_renderer_too(make_block: Any, serving: Any) -> None:
    fragment = make_block(LATEX).author_view()
    assert "OraXBlock.latex = " in scripts(fragment)
    assert fragment.json_init_args["latex"]["script"].endswith("/katex.min.js")


def test_a_runtime_that_serves_no_files_leaves_the_math_to_mathjax(make_block: Any) -> None:
    fragment = make_block(LATEX).student_view()  # xblock's TestRuntime: local_resource_url is not implemented
    assert fragment.json_init_args == {"latex": {}}
    assert "OraXBlock.latex = " in scripts(fragment)


@pytest.mark.parametrize("path", [path for _, path in KATEX] + ["fonts/KaTeX_Main-Regular.woff2", "LICENSE"])
def test_the_block_serves_the_vendored_katex_files(path: str) -> None:
    with OraXBlock.open_local_resource(f"static/vendor/katex/{path}") as served:
        assert served.read(1)


def test_the_block_serves_nothing_outside_its_static_folder() -> None:
    for uri in ("templates/learner.html", "static/../block.py", "scenarios/latex_peer.xml"):
        with pytest.raises(Exception, match="allowed"):
            OraXBlock.open_local_resource(uri)
