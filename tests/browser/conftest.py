"""Browser test fixtures: the demo server on a temporary database, and Debian's chromium via Playwright.

Without chromium or Playwright the browser tests skip locally, and fail when ``CI=true``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_SECONDS = 60


def require(condition: bool, reason: str) -> None:
    """Skip the test when ``condition`` is false, or fail it under CI where nothing may be skipped."""
    if condition:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo server's folder: its database ``demo.db``, uploads, and ``server.log`` (all it printed)."""
    return tmp_path_factory.mktemp("demo")


@pytest.fixture(scope="session")
def demo_server_log(demo_server: str, demo_dir: Path) -> Path:
    """What the demo server has printed so far, stdout and stderr: warnings, tracebacks."""
    return demo_dir / "server.log"


@pytest.fixture(scope="session")
def demo_server(demo_dir: Path) -> Iterator[str]:
    """The base URL of a demo server on a fresh database, prepared as ``make demo`` does."""
    tmp = demo_dir
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "demo.settings",
        "ORA_DEMO_DB": str(tmp / "demo.db"),
        "ORA_DEMO_TEST_CLOCK": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    django = [sys.executable, "-m", "django"]
    for command in (["migrate", "--run-syncdb", "--verbosity", "0"], ["load_demo"]):
        done = subprocess.run([*django, *command], cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{command[0]} failed:\n{done.stdout}{done.stderr}"

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [*django, "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers(url + "/"):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"The demo server did not start:\n{log_path.read_text()}", pytrace=False)
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, driven by Playwright (never a downloaded browser)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    require(sync_playwright is not None, "Playwright is not installed (pip install playwright)")
    require(os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is missing (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page in its own context (own cookies), closed after the test."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe() -> Any:
    """axe-core, through ``axe_playwright_python``."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        Axe = None  # noqa: N806
    require(Axe is not None, "axe-playwright-python is not installed")
    return Axe()
