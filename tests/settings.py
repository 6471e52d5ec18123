"""Django settings for the test suite: the workbench's, on a throwaway database.

SQLite by default. ``ORA_TEST_DATABASE=postgresql`` or ``ORA_TEST_DATABASE=mysql`` runs on that server
at 127.0.0.1 as user ``ora`` (password ``ora``), the way Open edX runs MySQL in production.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from workbench.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "submissions", "ora_xblock"]  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False}

# One test database per pytest process, so that two runs on one machine never share (or drop) it.
_TEST_NAME = f"test_ora_xblock_{os.getpid()}"
_SERVERS = {
    "postgresql": {"ENGINE": "django.db.backends.postgresql", "PORT": "5432", "OPTIONS": {"connect_timeout": 5}},
    "mysql": {
        "ENGINE": "django.db.backends.mysql",
        "PORT": "3306",
        # As edx-platform sets it.
        "OPTIONS": {"charset": "utf8mb4", "isolation_level": "read committed", "connect_timeout": 5},
    },
}

TEST_DATABASE = os.environ.get("ORA_TEST_DATABASE") or "sqlite"
if TEST_DATABASE == "mysql":
    import pymysql

    # PyMySQL stands in for mysqlclient, which needs C headers to build; Django checks the version it claims.
    pymysql.version_info = (2, 2, 1, "final", 0)
    pymysql.install_as_MySQLdb()
if TEST_DATABASE in _SERVERS:
    DATABASES = {
        "default": {
            **_SERVERS[TEST_DATABASE],
            "NAME": "ora_xblock",
            "USER": "ora",
            "PASSWORD": "ora",
            "HOST": "127.0.0.1",
            "TEST": {"NAME": _TEST_NAME},
        }
    }
elif TEST_DATABASE == "sqlite":
    # A file, not ":memory:": threads in concurrency tests need their own connections to one database, and
    # in-memory SQLite shares it only through shared cache, which fails writers at once ("table is locked").
    # IMMEDIATE makes a transaction take the write lock up front, so writers wait (timeout) instead of failing.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ":memory:",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
            "TEST": {"NAME": str(Path(tempfile.gettempdir()) / f"{_TEST_NAME}.sqlite3")},
        }
    }
else:
    raise ValueError(f"ORA_TEST_DATABASE={TEST_DATABASE!r}: use sqlite, postgresql or mysql")

# Files a test stores without a storage of its own go to a directory of this process, never into the checkout.
MEDIA_ROOT = tempfile.mkdtemp(prefix="ora-test-media-")
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
