"""Read and write edx-ora2's ``<openassessment>`` OLX.

Three parts: :mod:`.safe_xml` parses untrusted XML (no DTD, no entities, no
network, bounded size and depth), :mod:`.read` turns the tree into a
:class:`~ora_xblock.definition.model.Definition` reporting every structural
error at once, and :mod:`.write` writes it back canonically. The rules of a
sound problem are checked by :mod:`ora_xblock.definition.validate`.
"""

from .read import MAX_DEPTH, ROOT_TAGS, definition_from_element, parse_olx
from .safe_xml import MAX_OLX_BYTES, parse_xml_safely
from .write import ROOT_ATTRIBUTES, ROOT_TAG, to_element, to_olx, write_into

__all__ = [
    "MAX_DEPTH",
    "MAX_OLX_BYTES",
    "ROOT_ATTRIBUTES",
    "ROOT_TAG",
    "ROOT_TAGS",
    "definition_from_element",
    "parse_olx",
    "parse_xml_safely",
    "to_element",
    "to_olx",
    "write_into",
]
