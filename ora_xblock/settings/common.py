"""Defaults for every environment; operators override them in their own settings."""

from ..conf import add_defaults


def plugin_settings(settings):
    """Add ora_xblock's defaults (:data:`ora_xblock.conf.SETTINGS`) to the platform's ``settings`` module, keeping
    any set already, and the hourly refresh to its beat schedule."""
    add_defaults(settings)
    add_beat_schedule(settings)


def add_beat_schedule(settings):
    """Add the hourly overdue refresh for sites that run Celery beat (the clock needs none).

    edx-platform configures Celery from Django settings without a namespace, so
    beat reads the old name ``CELERYBEAT_SCHEDULE`` (defined empty in
    lms/envs/common.py); ``CELERY_BEAT_SCHEDULE`` is what a site configured with
    ``namespace="CELERY"`` reads. Each that is a dict gets the entry; with
    neither, ``CELERYBEAT_SCHEDULE`` is created.
    """
    entry = {"task": "ora_xblock.tasks.refresh_overdue_workflows", "schedule": 3600}
    names = [name for name in ("CELERYBEAT_SCHEDULE", "CELERY_BEAT_SCHEDULE") if hasattr(settings, name)]
    if not names:
        settings.CELERYBEAT_SCHEDULE, names = {}, ["CELERYBEAT_SCHEDULE"]
    for name in names:
        schedule = getattr(settings, name)
        if isinstance(schedule, dict):
            schedule.setdefault("ora-xblock-refresh-overdue-workflows", entry)
