"""The Django plugin app: entry points, settings, migrations."""

from __future__ import annotations

from importlib.metadata import entry_points
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command

from ora_xblock.apps import OraXBlockConfig
from ora_xblock.block import OraXBlock
from ora_xblock.settings import common, production


def _entry_point(group: str) -> object:
    (found,) = [point for point in entry_points(group=group) if point.name in ("ora_xblock", "ora-xblock")]
    return found.load()


def test_platform_finds_the_app_and_the_block_by_entry_points() -> None:
    assert _entry_point("lms.djangoapp") is OraXBlockConfig
    assert _entry_point("cms.djangoapp") is OraXBlockConfig
    assert _entry_point("xblock.v1") is OraXBlock
    assert callable(_entry_point("console_scripts"))


def test_plugin_app_config_names_its_settings_modules() -> None:
    config = OraXBlockConfig.plugin_app["settings_config"]
    for project in ("lms.djangoapp", "cms.djangoapp"):
        for environment in ("common", "production"):
            assert config[project][environment]["relative_path"] in ("settings.common", "settings.production")
    assert apps.get_app_config("ora_xblock").verbose_name.startswith("Open Response Assessment")


def test_plugin_settings_add_defaults_and_keep_the_operators_settings() -> None:
    # The platform loads the operator's YAML as settings; ENV_TOKENS is only a deprecated alias, never read.
    settings = SimpleNamespace(ORA_XBLOCK_EXTRA_PROHIBITED_EXTENSIONS=["py"], ENV_TOKENS={"ORA_XBLOCK_OTHER": 1})
    common.plugin_settings(settings)
    production.plugin_settings(settings)
    assert settings.ORA_XBLOCK_EXTRA_PROHIBITED_EXTENSIONS == ["py"]
    assert settings.ORA_XBLOCK_REPORT_STORAGE == "default"
    assert not hasattr(settings, "ORA_XBLOCK_OTHER")


@pytest.mark.django_db
def test_models_and_migrations_agree() -> None:
    out = StringIO()
    call_command("makemigrations", "ora_xblock", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
