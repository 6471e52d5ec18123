"""Mako templates of the package, HTML-escaped by default."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from mako.lookup import TemplateLookup


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
