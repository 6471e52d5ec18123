"""Resetting the demo: everything people did goes, and the shipped problems come back as they were (the calibrated
problem with its seeded letters and reviews, as ``load_demo`` leaves it)."""

from __future__ import annotations

import shutil

from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from workbench.runtime_util import reset_global_state

from ora_xblock import platform

from . import calibrated
from .personas import create_accounts


def reset_demo() -> None:
    """Delete every answer, assessment, grade, uploaded file, report and author's edit, then reload the problems.

    The workbench's own reset (``/reset_state``) only drops block fields; the submissions, workflows and
    assessments live in their own tables, so every table is emptied here, and the files under ``MEDIA_ROOT``.
    """
    with transaction.atomic():  # one commit, not one per row: well under a second instead of several
        call_command("flush", interactive=False, verbosity=0)
        reset_global_state()  # the workbench's ids and scenarios, parsed afresh from the shipped OLX
        create_accounts()
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    for cache in caches.all():
        cache.clear()
    calibrated.seed(platform.now())  # its writers' letters and reviews, so that its calibration shows again
