"""The operator's settings of ora_xblock, each declared once with its default and meaning (as DRF's ``api_settings``).

Read them as attributes of :data:`ora_settings` (``ora_settings.ORA_XBLOCK_MAX_FILES``): each access reads
``django.conf.settings`` afresh, so ``override_settings`` in tests and the operator's YAML (loaded as settings by
the platform) apply, and the declared default stands where the setting is absent or Django is not configured.
The plugin settings (:mod:`ora_xblock.settings.common`) add these defaults to the platform's settings, and a test
holds the README's settings table to :data:`SETTINGS`. Importable while the platform's settings load: no Django
setting is read at import.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from .uploads import DEFAULT_PIECE_BYTES


@dataclass(frozen=True)
class Setting:
    """One setting: its Django name, its default, and what it means in one line."""

    name: str
    default: Any
    meaning: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "ORA_XBLOCK_EXTRA_PROHIBITED_EXTENSIONS",
        [],
        "extensions learners may never upload, on top of the built-in list",
    ),
    Setting("ORA_XBLOCK_MAX_RESPONSE_BYTES", 100_000, "the longest text answer to one prompt, in bytes of UTF-8"),
    Setting(
        "ORA_XBLOCK_PEER_LEASE_BLOCK_MINUTES",
        60,
        "how long a response handed to a reviewer is kept from other reviewers",
    ),
    Setting("ORA_XBLOCK_PEER_LEASE_VALID_HOURS", 8, "how long the reviewer may still submit that review"),
    Setting(
        "ORA_XBLOCK_PEER_STAFF_FALLBACK",
        True,
        "learners with no peer review seven days after submitting go to the staff queue",
    ),
    Setting(
        "ORA_XBLOCK_FORCE_FLEXIBLE_PEER",
        False,
        "flexible peer grading for every problem, where the course's own setting can't be read",
    ),
    Setting("ORA_XBLOCK_TOP_RESPONSES_CACHE_SECONDS", 300, "how long the top-responses list is cached (at most 3600)"),
    Setting(
        "ORA_XBLOCK_RICH_EVENTS",
        False,
        "our own tracking events besides ora2's: the peer queue tier, status moves, withdrawals (docs/events.md)",
    ),
    Setting("ORA_XBLOCK_MAX_FILE_MB", 100, "the largest file a learner may upload"),
    Setting("ORA_XBLOCK_MAX_FILES", 20, "files per response (1 when the problem allows a single file)"),
    Setting("ORA_XBLOCK_FILE_STORAGE", "default", "the Django storage alias (STORAGES) response files go to"),
    Setting(
        "ORA_XBLOCK_UPLOAD_CHUNK_BYTES",
        DEFAULT_PIECE_BYTES,
        "where the storage takes no direct uploads, files bigger than this are sent in pieces of this size",
    ),
    Setting(
        "ORA_XBLOCK_STAFF_LEASE_MINUTES", 30, "how long a response from the staff grading queue is held for one grader"
    ),
    Setting(
        "ORA_XBLOCK_REPORT_STORAGE",
        "default",
        "the Django storage alias reports and zips of submitted files are written to (keep it private: the staff "
        "area warns when it serves files publicly)",
    ),
    Setting(
        "ORA_XBLOCK_COURSE_HOST",
        "",
        "outside Open edX, the dotted path of the object that lists a course's problems and its staff "
        "(course dashboard)",
    ),
    Setting("ORA_XBLOCK_NOTIFY_GRADES", True, "learners are notified of their grade (the platform's notifications)"),
    Setting(
        "ORA_XBLOCK_NOTIFY_STAFF", True, "course staff are notified of each new response to a problem with a staff step"
    ),
    Setting(
        "ORA_XBLOCK_PEER_REMINDERS",
        True,
        "learners who owe peer reviews are reminded, at most once a day per problem",
    ),
    Setting("ORA_XBLOCK_STAFF_DIGEST", True, "course staff get a daily digest of the responses waiting for them"),
)

DEFAULTS: dict[str, Any] = {setting.name: setting.default for setting in SETTINGS}


class OraSettings:
    """The settings of :data:`SETTINGS` as attributes, read from Django at each access; an undeclared name is an
    ``AttributeError``, so a typo never falls back to a default."""

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"ora_xblock declares no setting {name!r}")
        default = copy.deepcopy(DEFAULTS[name])  # a list default must never be shared, and changed, by a caller
        from django.conf import settings

        return getattr(settings, name, default) if settings.configured else default

    def __dir__(self) -> list[str]:
        return list(DEFAULTS)


ora_settings = OraSettings()


def add_defaults(settings: Any) -> None:
    """Give ``settings`` (the platform's settings module) every declared default it does not have yet."""
    for setting in SETTINGS:
        if not hasattr(settings, setting.name):
            setattr(settings, setting.name, copy.deepcopy(setting.default))
