"""Making author and learner HTML safe to show, and its plain text for search."""

from __future__ import annotations

import html
import re
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


# Elements that separate words: their tags become spaces in plain text.
_BREAKS = frozenset(
    "address article aside blockquote br caption dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr"
    " li ol p pre section table tbody td tfoot th thead tr ul".split()
)
_TAG = re.compile(r"<[^>]*>")


def plain_text(markup: str) -> str:
    """The words of ``markup`` as one line of text: tags dropped (block ends become spaces), entities decoded,
    whitespace collapsed; scripts, styles and comments say nothing."""
    # Only attribute-less break tags survive nh3, and it escapes every "<" in text, so the pattern is exact.
    kept = nh3.clean(markup, tags=set(_BREAKS), attributes={})
    return " ".join(html.unescape(_TAG.sub(" ", kept)).split())
