"""Reading OLX elements and typed attributes, collecting every error instead of stopping at the first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from lxml import etree

from ..dates import DateOutOfRange, out_of_range, parse_date
from ..errors import N_, DefinitionError

_T = TypeVar("_T")
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}


class TypedReader:
    """Reads elements and attributes of one OLX tree; what is missing or malformed lands in :attr:`errors`.

    Each reading method takes ``where``, the path of the element it reads
    (``rubric/criterion[2]``), and returns a default when the value is bad.
    """

    def __init__(self) -> None:
        self.errors: list[DefinitionError] = []

    def _required(self, parent: etree._Element, tag: str, where: str) -> etree._Element | None:
        child = parent.find(tag)
        if child is None:
            self._error(
                "olx.missing_element",
                N_("<{parent}> needs a <{tag}> element."),
                where,
                parent=parent.tag,
                tag=tag,
            )
        return child

    def _has_attributes(self, element: etree._Element, names: tuple[str, ...], where: str) -> bool:
        missing = [name for name in names if name not in element.attrib]
        for name in missing:
            self._error(
                "olx.missing_attribute",
                N_("<{tag}> needs a {attribute} attribute."),
                where,
                tag=element.tag,
                attribute=name,
            )
        return not missing

    def _error(self, code: str, template: str, where: str, **params: Any) -> None:
        self.errors.append(DefinitionError(code, template, where, params))

    def _typed(
        self,
        attrs: Any,
        key: str,
        default: _T,
        where: str,
        convert: Callable[[str], _T],
        code: str,
        template: str,
    ) -> _T:
        raw = attrs.get(key)
        if raw is None:
            return default
        try:
            return convert(raw.strip())
        except ValueError:
            self._error(code, template, where, attribute=key, value=raw)
            return default

    def _int(self, attrs: Any, key: str, default: int, where: str) -> int:
        return self._typed(
            attrs,
            key,
            default,
            where,
            int,
            "olx.not_integer",
            N_('{attribute}="{value}" is not a whole number.'),
        )

    def _bool(self, attrs: Any, key: str, default: bool, where: str) -> bool:
        return self._typed(
            attrs,
            key,
            default,
            where,
            _boolean,
            "olx.not_boolean",
            N_('{attribute}="{value}" is not true or false.'),
        )

    def _date(self, attrs: Any, key: str, where: str) -> datetime | None:
        raw = attrs.get(key, "").strip()
        try:
            return parse_date(raw) if raw else None
        except DateOutOfRange:
            self.errors.append(out_of_range(where, key, raw))
        except ValueError:
            self._error(
                "olx.not_date",
                N_('{attribute}="{value}" is not a date; write it as ISO 8601, like 2026-01-31T17:00:00+00:00.'),
                where,
                attribute=key,
                value=attrs.get(key),
            )
        return None

    def _enum(self, attrs: Any, key: str, kind: Any, default: Any, where: str) -> Any:
        raw = attrs.get(key)
        if raw is None:
            return default
        try:
            return kind(raw.strip().lower())
        except ValueError:
            choices = ", ".join(f'"{member.value}"' for member in kind)
            self._error(
                "olx.bad_choice",
                N_('{attribute}="{value}" is not allowed; use one of {choices}.'),
                where,
                attribute=key,
                value=raw,
                choices=choices,
            )
            return default


def _boolean(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(raw)


def text_of(element: etree._Element | None) -> str:
    """An element's text, stripped; empty when there is no element."""
    return (element.text or "").strip() if element is not None else ""


def optional_text_of(element: etree._Element | None) -> str | None:
    """An element's text, stripped; None when there is no element."""
    return text_of(element) if element is not None else None
