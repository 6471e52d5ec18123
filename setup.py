"""Packaging for ora_xblock. The version is ora_xblock.__version__; the dependencies are requirements/base.in (the
[s3] extra: requirements/s3.in), ranges the pinned requirements/*.txt are compiled from."""

import re
from pathlib import Path

from setuptools import find_namespace_packages, setup

HERE = Path(__file__).parent
VERSION = re.search(r'__version__ = "([^"]+)"', (HERE / "ora_xblock" / "__init__.py").read_text()).group(1)
# Where the source lives. The README's relative links (docs/, pictures) point there on the package index, at the
# release's tag, so what the index shows is what was released.
PROJECT_URL = "https://github.com/ora-xblock/ora-xblock"
RELATIVE_LINK = re.compile(r"\]\((?!https?:|mailto:|#)([^)\s]+)\)")


def requirements(name: str) -> list[str]:
    """The requirement lines of requirements/NAME.in, without comments, blank lines or pip options (-c, -r)."""
    lines = (line.split("#", 1)[0].strip() for line in (HERE / "requirements" / f"{name}.in").read_text().splitlines())
    return [line for line in lines if line and not line.startswith("-")]


def long_description() -> str:
    """The README with its relative links made absolute: pictures from the raw files, pages from the repository."""

    def absolute(match: re.Match[str]) -> str:
        path = match.group(1)
        if path.endswith((".png", ".jpg", ".svg", ".gif")):
            return f"]({PROJECT_URL.replace('//github.com/', '//raw.githubusercontent.com/')}/v{VERSION}/{path})"
        return f"]({PROJECT_URL}/blob/v{VERSION}/{path})"

    return RELATIVE_LINK.sub(absolute, (HERE / "README.md").read_text(encoding="utf-8"))


setup(
    name="ora-xblock",
    version=VERSION,
    description="Open Response Assessment (peer, self, staff and learner training) for Open edX",
    long_description=long_description(),
    long_description_content_type="text/markdown",
    url=PROJECT_URL,
    project_urls={
        "Changelog": f"{PROJECT_URL}/blob/v{VERSION}/CHANGELOG.md",
        "Compatibility": f"{PROJECT_URL}/blob/v{VERSION}/docs/compatibility.md",
        "Source": PROJECT_URL,
    },
    license="AGPL-3.0-or-later",
    # Every folder of the package, data folders included (templates, static, translations, scenarios): setuptools
    # installs data only inside packages, and warns about a folder of data that is not one. Which files go in is
    # MANIFEST.in's list (include_package_data); tests/integration/test_wheel.py checks the wheel against it.
    packages=find_namespace_packages(include=["ora_xblock", "ora_xblock.*"], exclude=["*.__pycache__"]),
    include_package_data=True,
    python_requires=">=3.12",  # Verawood; no Open edX release runs XBlock 6 on 3.11 (docs/compatibility.md)
    install_requires=requirements("base"),
    extras_require={"s3": requirements("s3")},
    entry_points={
        "xblock.v1": ["ora_xblock = ora_xblock.block:OraXBlock"],
        "lms.djangoapp": ["ora_xblock = ora_xblock.apps:OraXBlockConfig"],
        "cms.djangoapp": ["ora_xblock = ora_xblock.apps:OraXBlockConfig"],
        "console_scripts": ["ora-xblock = ora_xblock.cli:main"],
    },
    classifiers=[
        "Development Status :: 5 - Production/Stable",
        "Framework :: Django",
        "Framework :: Django :: 5.2",
        "Intended Audience :: Education",
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3.12",
        "Topic :: Education",
    ],
)
