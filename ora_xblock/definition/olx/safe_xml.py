"""Parsing untrusted XML: no DTD, no entities, no network, bounded size.

DTDs are refused twice: by a byte check before parsing (in the document's
own encoding when it is UTF-16, UTF-32 or declared otherwise) and by a check
of the parsed document, which holds whatever the encoding.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree

from ..errors import N_, InvalidDefinition

MAX_OLX_BYTES = 4 * 1024 * 1024

_FORBIDDEN_MARKUP = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_FORBIDDEN_TEXT = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
# How a document that is not ASCII-compatible starts (XML 1.0, appendix F), longest first.
_WIDE_STARTS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)
_DECLARED_ENCODING = re.compile(
    rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']"""
)


def parse_xml_safely(text: str | bytes) -> etree._Element:
    """Parse untrusted XML with DTDs, entities and the network turned off."""
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
    except UnicodeEncodeError as exc:  # a lone surrogate: no XML document holds one
        raise InvalidDefinition.of(
            "olx.syntax", N_("The OLX is not well-formed XML: {detail}"), detail=exc.reason
        ) from None
    if len(data) > MAX_OLX_BYTES:
        raise InvalidDefinition.of(
            "olx.too_large",
            N_("The OLX is larger than {limit} bytes."),
            limit=MAX_OLX_BYTES,
        )
    if _FORBIDDEN_MARKUP.search(data) or _FORBIDDEN_TEXT.search(_as_declared(data)):
        raise _dtd_forbidden()
    parser = etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InvalidDefinition.of(
            "olx.syntax",
            N_("The OLX is not well-formed XML: {detail}"),
            detail=str(exc),
        ) from None
    refuse_dtd(root)
    return root


def refuse_dtd(root: etree._Element) -> None:
    """Refuse a parsed document that had a DOCTYPE or any entity, whatever its encoding."""
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _dtd_forbidden()
    if next(root.iter(etree.Entity), None) is not None:
        raise _dtd_forbidden()


def _as_declared(data: bytes) -> str:
    """The document as text when it is not in an ASCII-compatible encoding the byte check reads; else ''.

    Decoding is lenient: it only feeds the byte check, and the parser judges the document.
    """
    codec = next((name for start, name in _WIDE_STARTS if data.startswith(start)), None)
    if codec is None:
        declared = _DECLARED_ENCODING.match(data)
        codec = declared[1].decode("ascii") if declared else None
    if codec is None:
        return ""
    try:
        decoder = codecs.lookup(codec)
    except LookupError:
        return ""  # unknown to Python; the check of the parsed document still holds
    if decoder.name in ("utf-8", "ascii"):
        return ""  # the byte check reads these as they are
    return data.decode(decoder.name, errors="replace")


def _dtd_forbidden() -> InvalidDefinition:
    return InvalidDefinition.of("olx.dtd_forbidden", N_("DOCTYPE and ENTITY declarations are not allowed."))
