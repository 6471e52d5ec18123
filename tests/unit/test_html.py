"""Sanitising author and learner HTML, and its plain text for search."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ora_xblock.html import answers_html, clean_author_html, plain_text

EDITOR_JS = Path(__file__).resolve().parents[2] / "ora_xblock" / "static" / "js" / "editor.js"
LINK = 'target="_blank" rel="noopener noreferrer nofollow"'
NEW_TAB = {"target": "_blank", "rel": "noopener noreferrer nofollow"}


def shown(markup: str) -> str:
    """A rich-text answer as every page shows it (the learner's own, peer review, staff area, top responses)."""
    (html,) = answers_html([markup], rich=True)
    assert html is not None
    return html


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.found.append(dict(attrs))


def links(html: str) -> list[dict[str, str | None]]:
    """The attributes of each link in ``html``, in any order."""
    parser = _Links()
    parser.feed(html)
    return parser.found


# Author HTML -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/static/diagram.png",
        "/asset-v1:Org+Course+Run+type@asset+block@diagram.png",  # Studio's "Web URL" of a course file
        "/asset-v1:Org+Course+Run+type@asset+block/diagram.png",  # what the LMS makes of /static/diagram.png
        "//cdn.example.com/asset-v1:Org+Course+Run+type@asset+block/diagram.png",  # with a CDN for assets
        "/courses/course-v1:Org+Course+Run/jump_to_id/intro",
    ],
)
def test_the_sanitiser_keeps_the_links_the_platform_makes(url: str) -> None:
    markup = f'<img src="{url}" alt="A diagram"><a href="{url}">there</a>'
    assert (
        clean_author_html(markup)
        == f'<img src="{url}" alt="A diagram"><a href="{url}" rel="noopener noreferrer">there</a>'
    )


def test_the_sanitiser_still_drops_scripts_and_unsafe_urls() -> None:
    cleaned = clean_author_html('<img src="javascript:alert(1)" onerror="alert(2)"><script>alert(3)</script>')
    assert "alert" not in cleaned


# Learners' answers: what the editor writes survives ----------------------------------------------------------------


def test_the_answer_policy_was_built_for_the_editors_formats() -> None:
    """If editor.js enables another format, the learner allowlist in html.py and the samples below need it too."""
    formats = re.search(r"var FORMATS = (\[[^\]]*\]);", EDITOR_JS.read_text())
    assert formats is not None
    assert json.loads(formats.group(1)) == [
        "bold",
        "italic",
        "underline",
        "list",
        "indent",
        "link",
        "blockquote",
        "code-block",
    ]


# Written by the vendored Quill 2.0.3 with editor.js's formats and tidying, from typing, the toolbar and pasting.
EDITOR_OUTPUT = [
    "<p>Plain text, with a second&nbsp; space kept</p><p><br></p><p>after an empty line<br></p>",
    "<p>a <strong>bold</strong>, <em>italic</em>, <u>underlined</u> word, <strong><em><u>all</u></em></strong></p>",
    "<ol><li>first<ol><li>indented</li></ol></li><li>second</li></ol><ul><li>bullet<ul><li>nested</li></ul></li></ul>",
    '<ul><li data-list="unchecked">to do</li></ul><ul><li data-list="checked">done</li></ul>',  # typing "[ ] ", "[x] "
    "<blockquote>A quotation</blockquote>",
    '<pre data-language="plain">if a &lt; b &amp;&amp; c:\n    print("&gt;")\n</pre>',
    '<p class="ql-indent-1">a pasted indent</p><blockquote class="ql-indent-3">an indented quote</blockquote>',
]


@pytest.mark.parametrize("markup", EDITOR_OUTPUT)
def test_everything_the_editor_writes_is_shown_unchanged(markup: str) -> None:
    assert shown(markup) == markup


@pytest.mark.parametrize(
    "href", ["https://example.org/a?b=1&amp;c=2#d", "http://example.org", "mailto:ann@example.org"]
)
def test_the_editors_links_stay_and_are_marked_nofollow(href: str) -> None:
    written = f'<p><a href="{href}" rel="noopener noreferrer" target="_blank"><strong>there</strong></a></p>'
    assert shown(written) == f'<p><a href="{href}" {LINK}><strong>there</strong></a></p>'


def test_plain_text_answers_are_not_html() -> None:
    assert answers_html(["<img src=x>", "a < b"], rich=False) == [None, None]


# Learners' answers: nothing loads anything -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "src",
    [
        "http://tracker.example/pixel.gif",
        "https://tracker.example/pixel.gif?reviewer=1",
        "//tracker.example/pixel.gif",
        "HTTPS://TRACKER.EXAMPLE/pixel.gif",
        "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
        "/static/course-image.png",
    ],
)
def test_an_image_in_an_answer_is_dropped_and_its_address_never_shown(src: str) -> None:
    markup = f'<p>Look:</p><img src="{src}" alt="my diagram" width="1" height="1"><p>done</p>'
    assert shown(markup) == "<p>Look:</p><p>done</p>"


@pytest.mark.parametrize(
    "remote",
    [
        '<img srcset="https://tracker.example/a.png 1x, https://tracker.example/b.png 2x">',
        '<picture><source srcset="https://tracker.example/a.webp"><img src="https://tracker.example/a.png"></picture>',
        '<video src="https://tracker.example/v.mp4" poster="https://tracker.example/p.png"></video>',
        '<audio autoplay><source src="https://tracker.example/a.mp3"></audio>',
        '<iframe src="https://tracker.example/frame"></iframe>',
        '<object data="https://tracker.example/o.swf"></object><embed src="https://tracker.example/e.swf">',
        '<link rel="stylesheet" href="https://tracker.example/s.css"><link rel="prefetch" href="https://tracker.example/">',
        '<svg><image href="https://tracker.example/s.png"/><use href="https://tracker.example/s.svg#x"/></svg>',
        '<svg><script>alert(1)</script><foreignObject><img src="https://tracker.example/f.png"></foreignObject></svg>',
        '<math><maction actiontype="statusline" href="https://tracker.example/m"></maction></math>',
        "<style>@import url(https://tracker.example/i.css); p { background: url(//tracker.example/b.png) }</style>",
        '<table background="https://tracker.example/t.png"></table><input type="image" src="https://tracker.example/i">',
        '<base href="https://tracker.example/">',
        '<meta http-equiv="refresh" content="0; url=https://tracker.example/r">',
        '<script src="https://tracker.example/s.js"></script><noscript><img src="https://tracker.example/n.png"></noscript>',
        '<template><img src="https://tracker.example/t.png"></template>',
    ],
)
def test_nothing_in_an_answer_fetches_a_remote_resource(remote: str) -> None:
    assert shown(f"<p>before</p>{remote}<p>after</p>") == "<p>before</p><p>after</p>"


# Learners' answers: nothing passes for the block's own controls ----------------------------------------------------


def test_class_id_style_and_data_attributes_are_dropped() -> None:
    markup = (
        '<p class="ora-button ora-primary" id="ora-submit" style="font-size:3em" title="Submit" lang="fr" dir="rtl"'
        ' data-ora-focus data-staff="grade" role="button" tabindex="0" onclick="alert(1)">Submit your review</p>'
        '<p style="background-image: url(https://tracker.example/bg.png)">styled</p>'
    )
    assert shown(markup) == "<p>Submit your review</p><p>styled</p>"


def test_only_the_editors_indent_classes_and_values_stay() -> None:
    markup = (
        '<p class="ql-indent-2 ora-button ql-indent-9 ql-indent-1x">a</p><blockquote class="ora-primary">b</blockquote>'
        '<ul><li data-list="bullet" class="ql-indent-1">c</li></ul><pre data-language="javascript">d</pre>'
    )
    assert shown(markup) == '<p class="ql-indent-2">a</p><blockquote>b</blockquote><ul><li>c</li></ul><pre>d</pre>'


def test_forms_their_controls_and_links_dressed_as_them_are_reduced_to_text_and_plain_links() -> None:
    markup = (
        '<a href="https://tracker.example/" class="ora-button ora-primary ora-peer-next" role="button">Next</a>'
        '<form action="https://tracker.example/steal" method="post"><input name="lease_id" value="1">'
        '<input type="submit" class="ora-button ora-primary" value="Submit your review">'
        '<select name="x"><option>Yes</option></select>'
        '<button type="submit" class="ora-button ora-primary">Submit your review</button></form>'
    )
    assert shown(markup) == f'<a href="https://tracker.example/" {LINK}>Next</a>YesSubmit your review'


def test_headings_tables_and_other_markup_the_editor_never_writes_keep_only_their_text() -> None:
    markup = "<h3>Your grade: 10 out of 10</h3><table><tr><td>cell</td></tr></table><div><span>x</span></div><s>y</s>"
    assert shown(markup) == "Your grade: 10 out of 10cellxy"


# Learners' answers: links ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;&#x61;vascript:alert(1)",
        "java&#9;script:alert(1)",
        "java\nscript:alert(1)",
        " \x01javascript:alert(1)",
        "javascript&colon;alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "DATA:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "VBScript:msgbox(1)",
        "file:///etc/passwd",
        "ftp://tracker.example/",
        "tel:+15555555555",
        "//tracker.example/protocol-relative",
        "/courses/course-v1:Org+Course+Run/instructor",
        "../../logout",
        "www.example.org",
        "#ora-submit",
        "",
    ],
)
def test_a_link_keeps_no_address_but_a_web_or_mail_one(href: str) -> None:
    html = shown(f'<a href="{href}">link</a>')
    assert links(html) == [NEW_TAB]
    assert re.fullmatch(r"<a [^>]*>link</a>", html)


@pytest.mark.parametrize(
    "attributes",
    [
        'target="_top"',
        'target="_parent"',
        'target="ora-frame"',
        'target="_self" rel="opener"',
        'rel="opener noreferrer" referrerpolicy="unsafe-url" ping="https://tracker.example/ping"',
        'download="x.html" type="text/html" hreflang="en"',
    ],
)
def test_a_link_opens_in_a_new_tab_that_cannot_reach_back_whatever_the_answer_asks(attributes: str) -> None:
    markup = f'<a href="https://example.org/" {attributes}>link</a>'
    assert shown(markup) == f'<a href="https://example.org/" {LINK}>link</a>'


# Plain text --------------------------------------------------------------------------------------------------------


def test_plain_text_separates_blocks_decodes_entities_and_collapses_whitespace() -> None:
    markup = "<h2>Part&nbsp;1</h2><p>Salt <b>and</b>\n\n pepper &amp; <i>more</i></p><ul><li>one</li><li>two</li></ul>"
    assert plain_text(markup) == "Part 1 Salt and pepper & more one two"


def test_plain_text_says_nothing_of_scripts_styles_comments_or_attributes() -> None:
    markup = '<style>p{}</style><p title="a>b">Seen</p><script>hidden()</script><!-- note --><img alt="x">'
    assert plain_text(markup) == "Seen"
    assert plain_text("") == ""
