"""Making author and learner HTML safe to show, and its plain text for search.

Two policies. Authors (course staff) write prompts and training samples: they keep ordinary rich content,
images included, minus scripts, event handlers and unsafe URLs. Learners write in the block's rich-text
editor (static/js/editor.js), and their answers are shown to peers, to staff and, as top responses, to the
course: they keep exactly what that editor writes and nothing else (decision 0013). Nothing in an answer
loads anything when it is shown, so no reviewer's address or reading time reaches its author, and no
class, id or style lets it pass for the block's own controls.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

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


def clean_author_html(markup: str) -> str:
    """Author ``markup`` (prompts, training samples) with scripts, event handlers and unsafe URLs removed."""
    return nh3.clean(
        markup,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


# What the rich-text editor writes (Quill 2's getSemanticHTML, as editor.js tidies it, with the formats
# editor.js enables): paragraphs and line breaks, bold, italic, underline, links, lists (nested for
# indented items; checklists from typing "[ ] "), quotes and code blocks; a pasted indent is a class.
_ANSWER_TAGS = {"p", "br", "strong", "em", "u", "a", "ol", "ul", "li", "blockquote", "pre"}
_ANSWER_ATTRIBUTES = {
    "a": {"href"},
    "p": {"class"},
    "blockquote": {"class"},
    "li": {"data-list"},
    "pre": {"data-language"},
    "*": set(),  # not even nh3's default lang and title
}
# Gone with their content: scripts and styles, and what holds fallback markup or raw text rather than prose.
_ANSWER_DROPPED = {"script", "style", "noscript", "noembed", "noframes", "iframe", "xmp", "template"}
_ANSWER_VALUES = {"data-list": {"checked", "unchecked"}, "data-language": {"plain"}}
_INDENT = re.compile(r"ql-indent-[1-8]")
_SCHEMES = {"http", "https", "mailto"}


def clean_answer_html(markup: str) -> str:
    """A learner's rich-text answer as it may be shown to anyone: only what the editor writes.

    Other elements go and their text stays; images, media, frames, forms, styles and scripts go whole. An image
    leaves no marker: the editor cannot make one (it has no image format and drops pasted ones), so only a
    hand-made request carries one, and learners share pictures as files, which reviewers get. Links
    keep only an http, https or mailto address (a relative one goes too: it would point into the LMS), open in
    a new tab as the editor makes them (the review in progress stays put, and no answer names a target), and
    carry ``rel="noopener noreferrer nofollow"``. The stored answer is never changed.
    """
    return nh3.clean(
        markup,
        tags=_ANSWER_TAGS,
        clean_content_tags=_ANSWER_DROPPED,
        attributes=_ANSWER_ATTRIBUTES,
        attribute_filter=_answer_value,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={"a": {"target": "_blank"}},
    )


def _answer_value(tag: str, attribute: str, value: str) -> str | None:
    """The value the editor could have written for ``attribute``, or None to drop it."""
    if attribute == "href":  # nh3 has refused other schemes: this refuses relative links
        return value if _scheme(value) in _SCHEMES else None
    if attribute == "class":
        return " ".join(name for name in value.split() if _INDENT.fullmatch(name)) or None
    if attribute in _ANSWER_VALUES:
        return value if value in _ANSWER_VALUES[attribute] else None
    return value  # the target and rel set above


def _scheme(url: str) -> str:
    """The scheme of ``url`` as a browser reads it (leading spaces and controls, tabs and line breaks ignored)."""
    try:
        return urlsplit(url).scheme
    except ValueError:
        return ""


def answers_html(answers: Iterable[str], rich: bool) -> list[str | None]:
    """Each answer as safe HTML when written in the rich-text editor; None for plain text (shown as text)."""
    return [clean_answer_html(text) if rich else None for text in answers]


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
    kept = nh3.clean(markup, tags=set(_BREAKS), attributes={"*": set()})
    return " ".join(html.unescape(_TAG.sub(" ", kept)).split())
