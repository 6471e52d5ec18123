"""Django settings for the test suite: the workbench's, on a throwaway SQLite database."""

from workbench.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "ora_xblock"]  # noqa: F405
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
LOGGING = {"version": 1, "disable_existing_loggers": False}
