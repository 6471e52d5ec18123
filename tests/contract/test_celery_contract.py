"""Celery as edx-platform configures it, with a real Celery app on an in-memory broker.

openedx/core/lib/celery/__init__.py: ``APP.config_from_object('django.conf:settings')``, with no namespace, so
Celery reads the old setting names: beat's schedule is ``CELERYBEAT_SCHEDULE`` (defined empty in
lms/envs/common.py). lms/envs/production.py loads the operator's YAML into the settings module itself (``ENV_TOKENS``
is only a deprecated alias), then runs the plugins' production settings. The LMS sends its CSV reports to
``GRADES_DOWNLOAD_ROUTING_KEY`` (``EXPLICIT_QUEUES`` there: ``{'queue': GRADES_DOWNLOAD_ROUTING_KEY}``).
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import celery
import pytest
from celery import Celery

from ora_xblock import scenarios
from ora_xblock.models import ProblemSnapshot
from ora_xblock.services import overdue, reports
from ora_xblock.settings import common, production
from ora_xblock.tasks import CLOCK_TASK, REFRESH_TASK, REPORT_TASK

HOURLY = {"ora-xblock-refresh-overdue-workflows": {"task": REFRESH_TASK, "schedule": 3600}}
COURSE = "course-v1:Org+Run+2026"
ITEM = "block-v1:Org+Run+2026+type@ora_xblock+block@essay"


def lms_settings() -> types.ModuleType:
    """The settings module as lms/envs/common.py leaves it for the plugins."""
    module = types.ModuleType("lms.envs.common")
    module.CELERYBEAT_SCHEDULE = {}  # type: ignore[attr-defined]
    return module


@contextmanager
def platform_celery(**conf) -> Iterator[Celery]:
    """A Celery app, current as the LMS's is, on kombu's in-memory broker (whose queues outlive apps: emptied
    first); the previous current app is back afterwards (creating an app makes it the current one)."""
    previous = celery.current_app._get_current_object()
    app = Celery("proj", set_as_default=False)
    app.conf.update(broker_url="memory://", **conf)
    with app.connection_for_write() as connection:
        for queue in ("celery", "edx.lms.core.high_mem"):
            connection.SimpleQueue(queue).clear()
    try:
        yield app
    finally:
        previous.set_current()
        app.close()


def test_the_platforms_celery_reads_the_hourly_refresh_from_the_old_schedule_name() -> None:
    settings = lms_settings()
    common.plugin_settings(settings)
    with platform_celery() as app:
        app.config_from_object(settings)  # as openedx/core/lib/celery does with django.conf:settings
        assert app.conf.beat_schedule == HOURLY


def test_a_site_configured_with_the_celery_namespace_reads_it_from_celery_beat_schedule() -> None:
    settings = types.ModuleType("site.settings")
    settings.CELERY_BEAT_SCHEDULE = {}  # type: ignore[attr-defined]
    common.plugin_settings(settings)
    with platform_celery() as app:
        app.config_from_object(settings, namespace="CELERY")
        assert app.conf.beat_schedule == HOURLY


def test_a_yaml_config_that_replaces_the_schedule_keeps_the_hourly_refresh() -> None:
    settings = lms_settings()
    common.plugin_settings(settings)
    settings.CELERYBEAT_SCHEDULE = {"site-task": {"task": "site.task", "schedule": 60}}  # type: ignore[attr-defined]
    production.plugin_settings(settings)
    assert settings.CELERYBEAT_SCHEDULE == {"site-task": {"task": "site.task", "schedule": 60}, **HOURLY}


def test_operator_yaml_keys_are_settings_and_env_tokens_is_not_read() -> None:
    settings = lms_settings()
    common.plugin_settings(settings)
    settings.ORA_XBLOCK_MAX_RESPONSE_BYTES = 5000  # type: ignore[attr-defined]  # the YAML, loaded as settings
    settings.ENV_TOKENS = {"ORA_XBLOCK_MAX_RESPONSE_BYTES": 99, "ORA_XBLOCK_NEW": 1}  # type: ignore[attr-defined]
    production.plugin_settings(settings)
    assert settings.ORA_XBLOCK_MAX_RESPONSE_BYTES == 5000
    assert not hasattr(settings, "ORA_XBLOCK_NEW")


@pytest.fixture
def problem_answered(db) -> None:
    ProblemSnapshot.objects.create(
        item_id=ITEM,
        course_id=COURSE,
        olx=scenarios.resource_text("scenarios/self_staff.xml"),
        updated_at=datetime(2026, 3, 1, tzinfo=UTC),
    )


def _received(app: Celery, queue: str) -> dict:
    with app.connection_for_read() as connection:
        message = connection.SimpleQueue(queue).get(timeout=1)
    return message.headers


@pytest.mark.parametrize(
    ("routing_key", "queue"), [("edx.lms.core.high_mem", "edx.lms.core.high_mem"), (None, "celery")]
)
def test_reports_go_to_the_platforms_report_queue_when_it_has_one(
    problem_answered, settings, django_capture_on_commit_callbacks, routing_key, queue
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    if routing_key:
        settings.GRADES_DOWNLOAD_ROUTING_KEY = routing_key
    with platform_celery() as app:
        with django_capture_on_commit_callbacks(execute=True):
            task = reports.start(COURSE, ITEM, "grade", "staff", datetime(2026, 3, 2, tzinfo=UTC))
        headers = _received(app, queue)
    assert (headers["task"], headers["argsrepr"]) == (REPORT_TASK, f"({task.pk},)")


def test_the_clock_waits_no_longer_than_half_the_brokers_visibility_timeout(
    settings, db, django_capture_on_commit_callbacks
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    now = datetime.now(UTC)
    with platform_celery(broker_transport_options={"visibility_timeout": 600}) as app:
        with django_capture_on_commit_callbacks(execute=True):
            overdue.wake(now + timedelta(days=7), now)
        headers = _received(app, "celery")
    assert headers["task"] == CLOCK_TASK
    eta = datetime.fromisoformat(headers["eta"])
    assert timedelta(seconds=299) <= eta - now <= timedelta(seconds=301)
