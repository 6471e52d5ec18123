"""Making author and learner HTML safe to show."""

from __future__ import annotations

from collections.abc import Iterable

import nh3

_TAGS = nh3.ALLOWED_TAGS | {
    "img",
    "figure",
    "figcaption",
    "span",
    "div",
    "u",
    "s",
    "sub",
    "sup",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
    "pre",
    "code",
    "hr",
    "br",
    "p",
}
_ATTRIBUTES = {
    **nh3.ALLOWED_ATTRIBUTES,
    "img": {"src", "alt", "width", "height", "title"},
    "a": {"href", "title", "target"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "*": {"lang", "dir", "class"},
}


def clean_html(markup: str) -> str:
    """``markup`` with scripts, event handlers and unsafe URLs removed."""
    return nh3.clean(
        markup,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def answers_html(answers: Iterable[str], rich: bool) -> list[str | None]:
    """Each answer as sanitised HTML when written in the rich-text editor; None for plain text (shown as text)."""
    return [clean_html(text) if rich else None for text in answers]


def visible_text(markup: str) -> str:
    """The text a reader would see in ``markup``, for telling an empty rich-text answer from a real one."""
    return nh3.clean(markup, tags=set()).replace("&nbsp;", " ").strip()
