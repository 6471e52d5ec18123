"""Defaults for every environment; operators override them in their own settings."""


def plugin_settings(settings):
    """Add ora_xblock's defaults to the platform's ``settings`` module, keeping any set already."""
    defaults = {
        # Extensions learners may never upload, whatever a problem allows (see the seed list).
        "ORA_XBLOCK_EXTRA_PROHIBITED_EXTENSIONS": [],
        # The longest text answer to one prompt, in bytes of UTF-8.
        "ORA_XBLOCK_MAX_RESPONSE_BYTES": 100_000,
        # A peer review handed out keeps others away this long; its holder may submit it for longer.
        "ORA_XBLOCK_PEER_LEASE_BLOCK_MINUTES": 60,
        "ORA_XBLOCK_PEER_LEASE_VALID_HOURS": 8,
        # Learners with no peer review seven days after submitting go to the staff grading queue.
        "ORA_XBLOCK_PEER_STAFF_FALLBACK": True,
        # Turn flexible peer grading on for every problem (when the course setting can't be read).
        "ORA_XBLOCK_FORCE_FLEXIBLE_PEER": False,
        # A response handed to a staff member from the grading queue is kept from other staff this long.
        "ORA_XBLOCK_STAFF_LEASE_MINUTES": 30,
        # The Django storage alias (STORAGES) that report CSV files are saved to.
        "ORA_XBLOCK_REPORT_STORAGE": "default",
        # Files are sent in pieces of at most this many bytes where the storage takes no direct uploads; keep it
        # under the LMS's STUDENT_FILEUPLOAD_MAX_SIZE (it is capped there) and the proxy's body limit.
        "ORA_XBLOCK_UPLOAD_CHUNK_BYTES": 3_500_000,
    }
    for name, value in defaults.items():
        if not hasattr(settings, name):
            setattr(settings, name, value)
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
