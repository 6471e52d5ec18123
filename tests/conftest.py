"""Shared fixtures: an XBlock runtime with the services the platform provides."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
from datetime import datetime, timedelta
from typing import Any

import pytest
import webob
from django.conf import settings
from django.db import connection, migrations
from xblock.field_data import DictFieldData
from xblock.reference.user_service import UserService, XBlockUser
from xblock.test.tools import TestRuntime

from ora_xblock import platform, scenarios
from ora_xblock.block import OraXBlock


class FakeUserService(UserService):
    """The platform's user service, for one person at a time."""

    def __init__(self) -> None:
        super().__init__()
        self.as_user("alice")

    def as_user(self, username: str | None, *, staff: bool = False, role: str | None = None) -> None:
        self.user = XBlockUser(is_current_user=True)
        if username is not None:
            self.user.opt_attrs = {
                "edx-platform.anonymous_user_id": hashlib.sha256(username.encode()).hexdigest()[:32],
                "edx-platform.username": username,
                "edx-platform.user_is_staff": staff,
                "edx-platform.user_role": role or ("instructor" if staff else "student"),
            }

    def get_current_user(self) -> XBlockUser:
        return self.user


class Runtime(TestRuntime):
    """A test runtime that records published events instead of raising."""

    def __init__(self, **services: Any) -> None:
        super().__init__(services={"field-data": DictFieldData({}), **services})
        self.published: list[tuple[str, dict[str, Any]]] = []

    def publish(self, block: Any, event_type: str, event_data: dict[str, Any]) -> None:
        self.published.append((event_type, event_data))


@pytest.fixture
def users() -> FakeUserService:
    return FakeUserService()


@pytest.fixture
def runtime(users: FakeUserService) -> Runtime:
    return Runtime(user=users)


@pytest.fixture
def make_block(runtime: Runtime):
    """Build a block from OLX, as a course import would."""

    def make(olx: str | None = None) -> OraXBlock:
        usage_id = runtime.parse_xml_string(olx or scenarios.demo_olx("hundred_years_war.xml"))
        return runtime.get_block(usage_id)

    return make


def call_handler(block: OraXBlock, name: str, body: Any = None, method: str = "POST") -> webob.Response:
    """Call a JSON handler as the browser would."""
    request = webob.Request.blank("/", method=method)
    request.content_type = "application/json"
    if body is not None:
        request.body = body if isinstance(body, bytes) else json.dumps(body).encode()
    return block.handle(name, request)


# Database servers (ORA_TEST_DATABASE, see tests/settings.py) ---------------------------------------------------------


def _server_problem() -> str | None:
    """Why the database server that ORA_TEST_DATABASE names can't be used, or None if it can."""
    if settings.TEST_DATABASE == "sqlite":
        return None
    try:
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 - a missing driver or server, reported in one line
        detail = (str(error).strip().splitlines() or [""])[0]
        return f"ORA_TEST_DATABASE={settings.TEST_DATABASE}: cannot connect as ora to 127.0.0.1: {detail}"
    return None


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None, django_db_blocker) -> None:
    """Before the test database is made: skip the database tests if their server is down; under CI, stop."""
    with django_db_blocker.unblock():
        problem = _server_problem()
    if problem and os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.exit(f"{problem}; CI must not skip database tests", returncode=1)
    if problem:
        pytest.skip(problem)


def pytest_configure(config: pytest.Config) -> None:
    """Neutralise edx-submissions 4.0.2's migration 0006, which fails on a fresh MariaDB database.

    It runs ``ALTER TABLE ... MODIFY uuid uuid`` on submissions_studentitem and submissions_score, tables with no
    uuid column. On a fresh database Django 5 already creates UUIDFields as MariaDB's native uuid, so a no-op is
    exactly what it should do. Oracle MySQL (Open edX production) skips it by itself.
    """
    if settings.TEST_DATABASE == "mysql":
        broken = importlib.import_module("submissions.migrations.0006_mariadb_uuid_conversion").Migration
        broken.operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]


# Shared fixtures of the integration tests ------------------------------------------------------------------------


class Clock:
    """The time ``platform.now`` gives, moved on by the test."""

    def __init__(self) -> None:
        self.now = platform.now().replace(microsecond=0)

    def later(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    moment = Clock()
    monkeypatch.setattr(platform, "now", lambda: moment.now)
    return moment


@pytest.fixture
def s3_storage(settings):
    """An S3 bucket (moto's in-process fake) behind django-storages, as operators configure it."""
    from ora_xblock.services import files

    moto = pytest.importorskip("moto")
    with moto.mock_aws():
        import boto3

        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="ora-files")
        settings.STORAGES = {
            **settings.STORAGES,
            "ora_files": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": "ora-files",
                    "region_name": "us-east-1",
                    "access_key": "x",
                    "secret_key": "y",
                },
            },
        }
        yield files.Limits(storage_alias="ora_files")


@pytest.fixture(autouse=True)
def _workbench_scenarios_per_test():
    """The workbench keeps its scenarios in the process once loaded, but their blocks' rows go with each test's
    database: a later test would find scenarios whose blocks are gone. Each test loads them afresh if it needs them."""
    yield
    from workbench import scenarios as workbench_scenarios

    workbench_scenarios.SCENARIOS.clear()
    workbench_scenarios.get_scenarios.initialized = False
