"""Django settings for the side-by-side bench: edx-ora2 and ora_xblock installed together, on a throwaway SQLite
database (``ORA_BENCH_DB``) in WAL mode, as docs/performance.md advises for SQLite: both sides run on it alike."""

import os
import tempfile
from pathlib import Path

SECRET_KEY = "bench-only"
DEBUG = False  # no query log: time what production runs
USE_TZ = True
TIME_ZONE = "UTC"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "submissions",
    "openassessment.workflow",
    "openassessment.assessment",
    "ora_xblock",
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("ORA_BENCH_DB") or str(Path(tempfile.mkdtemp()) / "bench.sqlite3"),
        "OPTIONS": {  # the documented setting for the demo and single-server sites (docs/performance.md)
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
MEDIA_ROOT = str(Path(DATABASES["default"]["NAME"]).parent / "media")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True  # our report is written inline, as the demo writes it
# ora2: the problem's own grading strategy (mean), as ours reads it from the same OLX; no usernames in its report
FEATURES = {"ENABLE_ORA_PEER_CONFIGURABLE_GRADING": True}
# ora2 logs an error for each grade it cannot notify (no platform users here): kept quiet, as both sides' logs are
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "loggers": {name: {"level": "CRITICAL"} for name in ("openassessment", "submissions", "ora_xblock")},
}
