"""Production settings, applied after the platform has loaded the operator's YAML config.

Every key of that YAML, ``ORA_XBLOCK_*`` included, is already a Django setting
(lms/envs/production.py; ``ENV_TOKENS`` is only a deprecated alias of it), so
nothing is read here. The YAML may replace the Celery beat schedule, so the
hourly refresh is added again.
"""

from .common import add_beat_schedule


def plugin_settings(settings):
    """Keep the hourly overdue refresh in a beat schedule the operator's YAML replaced."""
    add_beat_schedule(settings)
