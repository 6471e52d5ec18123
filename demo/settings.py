"""Django settings for the demo site: the workbench's, with a kept SQLite database and demo personas.

``ORA_DEMO_DB`` overrides the database file (the browser tests use a temporary one); the log goes next to it.
"""

import os
import warnings
from pathlib import Path

from workbench.settings import *  # noqa: F403

# Deprecation warnings are printed (once per place), so that any of ours shows while the demo runs; only these
# third-party ones, which we cannot fix, are hidden: the workbench's use of the deprecated ``Runtime.user_id``
# (which XBlock's runtime then reads), its ``datetime.utcnow()``, and WebOb's import of ``cgi``.
warnings.simplefilter("default", DeprecationWarning)
warnings.filterwarnings("ignore", "Runtime.user_id is deprecated", DeprecationWarning, r"(workbench|xblock)\.runtime$")
warnings.filterwarnings("ignore", r"datetime\.datetime\.utcnow\(\)", DeprecationWarning, r"workbench\.runtime$")
warnings.filterwarnings("ignore", "'cgi' is deprecated", DeprecationWarning, r"webob\.compat$")

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
VAR.mkdir(exist_ok=True)

DEBUG = True
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
ROOT_URLCONF = "demo.urls"
INSTALLED_APPS = [*INSTALLED_APPS, "submissions", "ora_xblock", "demo"]  # noqa: F405
DATABASE = Path(os.environ.get("ORA_DEMO_DB") or VAR / "demo.db")
# IMMEDIATE: a transaction takes SQLite's write lock up front, so two requests at once wait for each other
# instead of failing with "database is locked" when both try to write. WAL with synchronous=NORMAL: readers never
# wait for the writer, and a commit appends to the log without waiting for the disk (a power cut may lose the last
# commits, never corrupt the file); the setting docs/install.md gives single-server sites (decision 0033).
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATABASE),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        },
    }
}

# The workbench serves MEDIA_URL ("" -> "/") from MEDIA_ROOT ("" -> the working directory): keep that out of the repo.
MEDIA_URL = "/media/"
MEDIA_ROOT = str(DATABASE.parent / "media")

# Not Django's default name, as on sites that rename it: the block's scripts find it by the name the page gives them.
CSRF_COOKIE_NAME = "ora_demo_csrftoken"

# Background work (grade reports) runs inline: the same Celery task, without a broker to install.
CELERY_TASK_ALWAYS_EAGER = True

# Our templates first, so that demo/templates/workbench/block.html replaces the workbench's page.
_templates = TEMPLATES[0]  # noqa: F405
TEMPLATES = [
    {
        **_templates,
        "DIRS": [str(ROOT / "demo" / "templates"), *_templates["DIRS"]],
        "OPTIONS": {
            **_templates["OPTIONS"],
            "context_processors": [
                *_templates["OPTIONS"]["context_processors"],
                "demo.context_processors.personas",
                "demo.languages.context",
            ],
        },
    }
]
# The request's own user as edx-platform records it (crum), then the persona's account in its place.
MIDDLEWARE = [
    *MIDDLEWARE,  # noqa: F405
    "crum.CurrentRequestUserMiddleware",
    "demo.middleware.request_user",
    "demo.languages.middleware",  # the persona's language for the request, as the LMS activates the learner's
    "demo.middleware.load_scenarios",
    "demo.limits.lms_upload_limits",
]
# The LMS's per-request upload limits (lms/envs/common.py), which demo.limits applies as the LMS's handler view does.
STUDENT_FILEUPLOAD_MAX_SIZE = 4 * 1000 * 1000
MAX_FILEUPLOADS_PER_INPUT = 20

WORKBENCH = {
    **WORKBENCH,  # noqa: F405
    "reset_state_on_restart": False,
    "services": {
        **WORKBENCH["services"],  # noqa: F405
        "user": "demo.services.DemoUserService",
        "studio_user_permissions": "demo.services.DemoStudioPermissions",
        "replace_urls": "demo.services.DemoReplaceURLService",
        "i18n": "demo.languages.DemoI18nService",
        "teams": "demo.teams.DemoTeamsService",  # the course's team-set and teams (demo/teams.py)
        "teams_configuration": "demo.teams.DemoTeamsConfigurationService",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "logfile": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": str(DATABASE.with_suffix(".log")),
            "maxBytes": 1_000_000,
            "backupCount": 2,
        },
    },
    "loggers": {
        "django": {"handlers": ["logfile"], "level": "INFO"},
        "workbench": {"handlers": ["logfile"], "level": "INFO"},
        "ora_xblock": {"handlers": ["logfile"], "level": "DEBUG"},
    },
}

# The course dashboard (/ora_xblock/courses/<course id>/) asks the demo for its course's problems and staff.
ORA_XBLOCK_COURSE_HOST = "demo.course_host.HOST"
