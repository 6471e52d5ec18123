"""The Django settings the plugin writes, as Python source. Pure: no Tutor import, so it is tested on its own."""

from __future__ import annotations

import re
from typing import Any

SETTING_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
SCALARS = (str, int, float, bool, type(None))


class SettingsError(ValueError):
    """A value of ORA_XBLOCK_DJANGO_SETTINGS that cannot be written as a Django setting."""


def as_python(settings: object) -> str:
    """One ``NAME = value`` line a setting, names sorted, values as Python literals.

    Raises SettingsError for anything but a mapping of upper-case setting names to strings, numbers, booleans, None,
    and lists or mappings of those (what YAML gives; a YAML date, for one, is refused rather than written as code).
    """
    if not isinstance(settings, dict):
        raise SettingsError(f"ORA_XBLOCK_DJANGO_SETTINGS must map setting names to values, not {settings!r}")
    lines = []
    for name in sorted(settings):
        if not isinstance(name, str) or not SETTING_NAME.fullmatch(name):
            raise SettingsError(f"{name!r} is not a Django setting name (upper-case letters, digits and _)")
        lines.append(f"{name} = {_literal(name, settings[name])}")
    return "\n".join(lines)


def _literal(name: str, value: Any) -> str:
    if isinstance(value, SCALARS):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_literal(name, item) for item in value) + "]"
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return "{" + ", ".join(f"{key!r}: {_literal(name, item)}" for key, item in value.items()) + "}"
    raise SettingsError(f"{name}: {value!r} is not a string, number, boolean, null, list or mapping")
