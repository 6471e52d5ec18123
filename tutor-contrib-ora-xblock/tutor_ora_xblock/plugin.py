"""Tutor plugin for ora-xblock: installs the package in the Open edX image and writes its Django settings.

The package registers itself (the lms.djangoapp and cms.djangoapp entry points add its app, the xblock.v1 entry
point its block), and Tutor's `do init` runs `./manage.py lms migrate`, which creates its tables; so the plugin only
installs it and writes what the operator chose in ORA_XBLOCK_DJANGO_SETTINGS.
"""

from __future__ import annotations

from tutor import hooks

from . import __version__
from .settings import as_python

hooks.Filters.CONFIG_DEFAULTS.add_items(
    [
        ("ORA_XBLOCK_VERSION", __version__),
        # What pip installs in the image: the release of this plugin by default; a fork, a branch or "ora-xblock[s3]"
        # are set here.
        ("ORA_XBLOCK_PIP_REQUIREMENT", "ora-xblock=={{ ORA_XBLOCK_VERSION }}"),
        # Django settings for the LMS and Studio, such as {"ORA_XBLOCK_MAX_FILE_MB": 50}: see the README's table.
        ("ORA_XBLOCK_DJANGO_SETTINGS", {}),
    ]
)

hooks.Filters.ENV_TEMPLATE_FILTERS.add_item(("ora_xblock_settings", as_python))

hooks.Filters.ENV_PATCHES.add_items(
    [
        (
            "openedx-dockerfile-post-python-requirements",
            """# ora-xblock (tutor-contrib-ora-xblock)
RUN --mount=type=cache,target=/openedx/.cache/pip,sharing=shared \\
    $PIP_COMMAND install '{{ ORA_XBLOCK_PIP_REQUIREMENT }}'""",
        ),
        (
            "openedx-common-settings",
            """# ora-xblock (tutor-contrib-ora-xblock): ORA_XBLOCK_DJANGO_SETTINGS
{{ ORA_XBLOCK_DJANGO_SETTINGS|ora_xblock_settings }}""",
        ),
    ]
)
