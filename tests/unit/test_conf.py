"""The settings object: every ORA_XBLOCK_* setting declared once, read live, and the README's table agrees."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import override_settings

from ora_xblock.conf import DEFAULTS, SETTINGS, ora_settings
from ora_xblock.settings import common

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = re.compile(r"^\| `(ORA_XBLOCK_[A-Z_]+)` \| `([^`]*)` \|")


def readme_settings() -> list[tuple[str, object]]:
    """The (name, default) rows of the README's settings table, in order."""
    return [
        (match[1], ast.literal_eval(match[2]))
        for line in README.read_text(encoding="utf-8").splitlines()
        if (match := ROW.match(line))
    ]


def test_the_readme_table_lists_every_setting_with_its_default_in_order() -> None:
    assert readme_settings() == [(setting.name, setting.default) for setting in SETTINGS]


def test_every_setting_has_a_one_line_meaning_and_a_unique_name() -> None:
    assert len(DEFAULTS) == len(SETTINGS)
    assert all(setting.meaning and "\n" not in setting.meaning for setting in SETTINGS)


def test_a_setting_reads_the_declared_default_when_the_operator_set_none() -> None:
    assert ora_settings.ORA_XBLOCK_STAFF_LEASE_MINUTES == 30
    assert ora_settings.ORA_XBLOCK_EXTRA_PROHIBITED_EXTENSIONS == []


def test_a_setting_follows_override_settings_at_each_access() -> None:
    with override_settings(ORA_XBLOCK_MAX_FILES=3):
        assert ora_settings.ORA_XBLOCK_MAX_FILES == 3
    assert ora_settings.ORA_XBLOCK_MAX_FILES == 20


def test_a_list_default_handed_out_is_a_copy_nobody_can_change_for_others() -> None:
    ora_settings.ORA_XBLOCK_EXTRA_PROHIBITED_EXTENSIONS.append("py")
    assert ora_settings.ORA_XBLOCK_EXTRA_PROHIBITED_EXTENSIONS == []


def test_an_undeclared_name_is_an_error_rather_than_a_silent_default() -> None:
    with pytest.raises(AttributeError, match="'ORA_XBLOCK_MAX_FILE'"):
        ora_settings.ORA_XBLOCK_MAX_FILE  # noqa: B018 - the access is the test


def test_plugin_settings_add_every_declared_default_and_keep_the_operators() -> None:
    settings = SimpleNamespace(ORA_XBLOCK_MAX_FILES=5)
    common.plugin_settings(settings)
    assert {name: getattr(settings, name) for name in DEFAULTS} == {**DEFAULTS, "ORA_XBLOCK_MAX_FILES": 5}
