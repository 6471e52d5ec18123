"""The plugin through Tutor's own API: loaded from its tutor.plugin.v1 entry point, rendered with a real Tutor config
into the Open edX Dockerfile and settings. Runs in the Tutor venv (make test-tutor)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from tutor import config as tutor_config
from tutor import env as tutor_env
from tutor import exceptions, hooks, plugins
from tutor_ora_xblock import __version__
from tutor_ora_xblock.settings import SettingsError, as_python

SETTINGS_FILE = ("apps", "openedx", "settings", "partials", "common_all.py")


@pytest.fixture(scope="session")
def plugin_loaded() -> None:
    """Tutor has found the plugin by its tutor.plugin.v1 entry point and enabled it, as `tutor plugins enable` does.
    Once a session: loading imports the plugin's module, whose hooks stay for the process."""
    hooks.Actions.CORE_READY.do()
    assert "ora_xblock" in plugins.iter_installed()
    plugins.load("ora_xblock")


@pytest.fixture
def config(plugin_loaded: None, tmp_path: Path) -> dict:
    """A fresh Tutor project's full configuration, the plugin's defaults included."""
    return tutor_config.load_full(str(tmp_path))


def test_the_image_installs_this_release_of_ora_xblock(config: dict) -> None:
    dockerfile = tutor_env.render_file(config, "build", "openedx", "Dockerfile")
    assert f"$PIP_COMMAND install 'ora-xblock=={__version__}'" in dockerfile
    # After the platform's own requirements, so that pip resolves ora-xblock's ranges against the platform's pins.
    platform_requirements = dockerfile.index("install -r /openedx/edx-platform/requirements/edx/base.txt")
    assert dockerfile.index("ora-xblock==") > platform_requirements


def test_an_operator_installs_another_requirement(config: dict) -> None:
    config["ORA_XBLOCK_PIP_REQUIREMENT"] = "ora-xblock[s3] @ git+https://example.org/ora-xblock.git@main"
    dockerfile = tutor_env.render_file(config, "build", "openedx", "Dockerfile")
    assert "install 'ora-xblock[s3] @ git+https://example.org/ora-xblock.git@main'" in dockerfile


def test_no_django_setting_is_written_by_default(config: dict) -> None:
    settings = tutor_env.render_file(config, *SETTINGS_FILE)
    ast.parse(settings)
    assert "ORA_XBLOCK_DJANGO_SETTINGS" in settings
    assert "ORA_XBLOCK_MAX_FILE_MB" not in settings


def test_chosen_django_settings_reach_the_lms_and_studio_as_python(config: dict) -> None:
    config["ORA_XBLOCK_DJANGO_SETTINGS"] = {
        "ORA_XBLOCK_MAX_FILE_MB": 50,
        "ORA_XBLOCK_PEER_STAFF_FALLBACK": False,
        "ORA_XBLOCK_EXTRA_PROHIBITED_EXTENSIONS": ["svg", "html"],
        "ORA_XBLOCK_FILE_STORAGE": "ora_files",
    }
    assigned = _assigned(tutor_env.render_file(config, *SETTINGS_FILE))
    assert assigned["ORA_XBLOCK_MAX_FILE_MB"] == 50
    assert assigned["ORA_XBLOCK_PEER_STAFF_FALLBACK"] is False
    assert assigned["ORA_XBLOCK_EXTRA_PROHIBITED_EXTENSIONS"] == ["svg", "html"]
    assert assigned["ORA_XBLOCK_FILE_STORAGE"] == "ora_files"


def test_a_setting_that_is_not_a_plain_value_stops_the_rendering(config: dict) -> None:
    config["ORA_XBLOCK_DJANGO_SETTINGS"] = {"ORA_XBLOCK_MAX_FILE_MB": object()}
    with pytest.raises((SettingsError, exceptions.TutorError)):
        tutor_env.render_file(config, *SETTINGS_FILE)


@pytest.mark.parametrize(
    "settings",
    [
        {"ora_xblock_max_file_mb": 5},  # not a setting name
        {"X = 1\nimport os": 5},  # code through the name
        {"ORA_XBLOCK_MAX_FILE_MB": {1: 2}},  # a key that is not a string
        ["ORA_XBLOCK_MAX_FILE_MB"],  # not a mapping
    ],
)
def test_settings_that_would_write_code_are_refused(settings: object) -> None:
    with pytest.raises(SettingsError):
        as_python(settings)


def test_strings_are_written_as_literals_whatever_they_hold() -> None:
    source = as_python({"ORA_XBLOCK_FILE_STORAGE": "x'\n__import__('os')"})
    assert _assigned(source) == {"ORA_XBLOCK_FILE_STORAGE": "x'\n__import__('os')"}
    assert len(ast.parse(source).body) == 1


def _assigned(source: str) -> dict:
    """The literal values that Python source assigns to plain names (a settings file's constants)."""
    return {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and _is_literal(node.value)
    }


def _is_literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError):
        return False
    return True
