"""Sanitising author and learner HTML, and its plain text for search."""

from __future__ import annotations

import pytest

from ora_xblock.html import clean_html, plain_text


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
    assert clean_html(markup) == f'<img src="{url}" alt="A diagram"><a href="{url}" rel="noopener noreferrer">there</a>'


def test_the_sanitiser_still_drops_scripts_and_unsafe_urls() -> None:
    cleaned = clean_html('<img src="javascript:alert(1)" onerror="alert(2)"><script>alert(3)</script>')
    assert "alert" not in cleaned


def test_plain_text_separates_blocks_decodes_entities_and_collapses_whitespace() -> None:
    markup = "<h2>Part&nbsp;1</h2><p>Salt <b>and</b>\n\n pepper &amp; <i>more</i></p><ul><li>one</li><li>two</li></ul>"
    assert plain_text(markup) == "Part 1 Salt and pepper & more one two"


def test_plain_text_says_nothing_of_scripts_styles_comments_or_attributes() -> None:
    markup = '<style>p{}</style><p title="a>b">Seen</p><script>hidden()</script><!-- note --><img alt="x">'
    assert plain_text(markup) == "Seen"
    assert plain_text("") == ""
