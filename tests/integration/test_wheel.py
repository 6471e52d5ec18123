"""The built wheel installs into a clean venv and renders the block with the source tree out of reach."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

RENDER = textwrap.dedent(
    """
    import json
    import django
    from django.conf import settings
    settings.configure(
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "submissions", "ora_xblock"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        USE_TZ=True,
    )
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)

    import ora_xblock
    from xblock.field_data import DictFieldData
    from xblock.test.tools import TestRuntime
    from ora_xblock.scenarios import demo_olx

    runtime = TestRuntime(services={"field-data": DictFieldData({})})
    block = runtime.get_block(runtime.parse_xml_string(demo_olx("hundred_years_war.xml")))
    html = block.student_view().content
    studio = block.studio_view()
    print(json.dumps({
        "package": ora_xblock.__file__,
        "max_score": block.max_score(),
        "has_origins": "Origins" in html,
        "has_css": bool(block.student_view().resources),
        "studio_js": studio.js_init_fn,
    }))
    """
)


@pytest.mark.slow
def test_wheel_renders_the_block_from_a_clean_venv(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path / "dist"), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob("ora_xblock-*.whl")
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "--quiet", str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run([python, "-I", "-c", RENDER], cwd=elsewhere, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["package"].startswith(str(environment))
    assert report == report | {"max_score": 5, "has_origins": True, "has_css": True, "studio_js": "OraXBlockStudio"}
    cli = subprocess.run([environment / "bin" / "ora-xblock", "--help"], capture_output=True, text=True, check=False)
    assert cli.returncode == 0
    assert "validate" in cli.stdout
