"""The built wheel holds every file the package needs, builds without packaging warnings, and installs into a clean
venv where it renders the block with the source tree out of reach; its metadata is what the package index shows."""

from __future__ import annotations

import email
import json
import re
import subprocess
import sys
import textwrap
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.integration.test_release import PROJECT_URL, requirements_in

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "ora_xblock"
# What the package needs beside its modules, by folder: the files of each kind that must be in the wheel.
DATA = {
    "templates": ("*.html",),
    "static": ("*",),
    "translations": ("*.po", "*.mo"),
    "scenarios": ("*.xml",),
    "migrations": ("*.py",),
}
# What setuptools prints when package data is declared wrongly (folders of data that are not packages, a
# MANIFEST.in rule that matches nothing, deprecated metadata); a future setuptools may drop such data.
PACKAGING_WARNINGS = ("would be ignored", "is absent from the `packages`", "no previously-included", "deprecated")

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


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The wheel built as a release is, from the sdist built from the source tree (so the sdist holds all that the
    build reads), and everything the build printed."""
    dist = tmp_path_factory.mktemp("dist")
    build = [sys.executable, "-m", "build", "--outdir", str(dist), str(REPO)]
    done = subprocess.run(build, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = dist.glob("ora_xblock-*.whl")
    yield wheel, done.stdout + done.stderr


def _source_files(folder: str, patterns: tuple[str, ...]) -> set[str]:
    return {
        path.relative_to(REPO).as_posix()
        for pattern in patterns
        for path in (PACKAGE / folder).rglob(pattern)
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.mark.slow
def test_wheel_builds_without_packaging_warnings(built: tuple[Path, str]) -> None:
    _, output = built
    warned = [line for line in output.splitlines() if any(warning in line for warning in PACKAGING_WARNINGS)]
    assert not warned, "\n".join(warned)


@pytest.mark.slow
def test_wheel_holds_every_template_static_file_catalog_scenario_and_migration(built: tuple[Path, str]) -> None:
    wheel, _ = built
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, patterns in DATA.items():
        expected = _source_files(folder, patterns)
        assert expected, f"no {folder} found in the source tree"
        assert not expected - names, f"missing from the wheel: {sorted(expected - names)}"
    modules = {p.relative_to(REPO).as_posix() for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
    assert not modules - names, f"modules missing from the wheel: {sorted(modules - names)}"
    assert any(name.endswith("LC_MESSAGES/text.mo") for name in names)  # compiled catalogs, read by the platform
    outside = {name for name in names if not name.startswith(("ora_xblock/", "ora_xblock-"))}
    assert not outside, f"files outside the package: {sorted(outside)}"  # no tests/, demo/ or build leftovers
    assert not {name for name in names if "__pycache__" in name or name.endswith(".pyc")}


@pytest.mark.slow
def test_wheel_renders_the_block_from_a_clean_venv(built: tuple[Path, str], tmp_path: Path) -> None:
    wheel, _ = built
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


def _metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = (name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
        return email.message_from_bytes(archive.read(name))


@pytest.mark.slow
def test_wheel_requires_the_ranges_of_base_in_each_with_an_upper_bound(built: tuple[Path, str]) -> None:
    metadata = _metadata(built[0])
    required = [Requirement(line) for line in metadata.get_all("Requires-Dist")]
    runtime = {str(requirement) for requirement in required if requirement.marker is None}
    assert runtime == {str(requirement) for requirement in requirements_in("base")}
    for requirement in required:
        assert any(spec.operator == "<" for spec in requirement.specifier), f"{requirement} has no upper bound"


@pytest.mark.slow
def test_wheel_offers_the_s3_extra(built: tuple[Path, str]) -> None:
    metadata = _metadata(built[0])
    assert metadata.get_all("Provides-Extra") == ["s3"]
    extra = [Requirement(line) for line in metadata.get_all("Requires-Dist") if "extra ==" in line]
    assert {requirement.name for requirement in extra} == {requirement.name for requirement in requirements_in("s3")}
    assert all(requirement.marker.evaluate({"extra": "s3"}) for requirement in extra)


@pytest.mark.slow
def test_wheel_description_is_the_readme_with_links_the_package_index_can_follow(built: tuple[Path, str]) -> None:
    metadata = _metadata(built[0])
    version = metadata["Version"]
    description = metadata.get_payload()
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert description.startswith("# ora_xblock")
    targets = re.findall(r"\]\(([^)\s]+)\)", description)
    assert targets, "the README links nothing"
    at_tag = (
        f"{PROJECT_URL}/blob/v{version}/",
        f"{PROJECT_URL.replace('//github.com/', '//raw.githubusercontent.com/')}/v{version}/",
    )
    for target in targets:
        assert target.startswith(("https://", "#")), f"relative link on the package index: {target}"
        for prefix in at_tag:
            if target.startswith(prefix):
                assert (REPO / target.removeprefix(prefix).split("#")[0]).is_file(), f"{target} names no file"
