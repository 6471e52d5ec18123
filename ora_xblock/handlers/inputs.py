"""The handlers' reading of request fields: each value checked, or a 400 in the viewer's language."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..definition.errors import N_
from .endpoints import HandlerError

Gettext = Callable[[str], str]


def number(value: object) -> int | None:
    """An id sent as a JSON number or as digits (hidden form fields send text); None for anything else."""
    if isinstance(value, str) and re.fullmatch("[0-9]{1,18}", value):
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def text(value: object, key: str, _: Gettext) -> str:
    """Non-blank text, else a 400 ``bad_request`` naming ``key``."""
    if not isinstance(value, str) or not value.strip():
        raise HandlerError(400, "bad_request", _(N_("Send {key} as text.")).format(key=key))
    return value


def whole(value: object, _: Gettext) -> int | None:
    """A whole number from a form field (text or number); empty means none."""
    if value in (None, ""):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]{1,9}\s*", value):
        return int(value)
    raise HandlerError(400, "bad_filter", _(N_("Enter whole numbers for the page and scores.")))


def bounded(value: str, limit: int, code: str, message: str, _: Gettext) -> str:
    """``value``, refused past ``limit`` characters: longer than any username or email it could find (and, on
    SQLite, than a LIKE pattern may be)."""
    if len(value.strip()) > limit:
        raise HandlerError(400, code, _(message).format(limit=limit))
    return value


def choice(value: object, _: Gettext) -> str | None:
    """A filter chosen from a list: text, or empty for any."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise HandlerError(400, "bad_filter", _(N_("Choose the status and step from their lists.")))
    return value
