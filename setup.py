"""Packaging for ora_xblock."""

import re
from pathlib import Path

from setuptools import find_namespace_packages, setup

HERE = Path(__file__).parent
VERSION = re.search(r'__version__ = "([^"]+)"', (HERE / "ora_xblock" / "__init__.py").read_text()).group(1)

setup(
    name="ora-xblock",
    version=VERSION,
    description="Open Response Assessment (peer, self, staff and learner training) for Open edX",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="AGPL-3.0-or-later",
    # Every folder of the package, data folders included (templates, static, translations, scenarios): setuptools
    # installs data only inside packages, and warns about a folder of data that is not one. Which files go in is
    # MANIFEST.in's list (include_package_data); tests/integration/test_wheel.py checks the wheel against it.
    packages=find_namespace_packages(include=["ora_xblock", "ora_xblock.*"], exclude=["*.__pycache__"]),
    include_package_data=True,
    python_requires=">=3.11",
    install_requires=[
        "XBlock>=6.1,<7",
        "Django>=5.2,<6",
        "lxml>=5",
        "Mako>=1.3",
        "edx-submissions>=3.8",
        "edx-opaque-keys>=2.10",
        "nh3>=0.2.17",
        "Pillow>=10",  # checks uploaded images' structure; the platform already installs it (requirements/edx)
        "celery>=5.2",
        "Babel>=2.12",  # dates in each person's language and time zone (ora_xblock/when.py); the platform has it
    ],
    entry_points={
        "xblock.v1": ["ora_xblock = ora_xblock.block:OraXBlock"],
        "lms.djangoapp": ["ora_xblock = ora_xblock.apps:OraXBlockConfig"],
        "cms.djangoapp": ["ora_xblock = ora_xblock.apps:OraXBlockConfig"],
        "console_scripts": ["ora-xblock = ora_xblock.cli:main"],
    },
    classifiers=[
        "Framework :: Django :: 5.2",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
    ],
)
