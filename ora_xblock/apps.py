"""The Django app that edx-platform installs by itself through its plugin entry points."""

from typing import ClassVar

from django.apps import AppConfig


class OraXBlockConfig(AppConfig):
    """ora_xblock as an Open edX plugin app for the LMS and Studio."""

    name = "ora_xblock"
    label = "ora_xblock"
    verbose_name = "Open Response Assessment (ora_xblock)"
    default_auto_field = "django.db.models.BigAutoField"

    plugin_app: ClassVar[dict] = {
        "url_config": {
            "lms.djangoapp": {"namespace": "ora_xblock", "regex": r"^ora_xblock/", "relative_path": "dashboard.urls"},
        },
        "settings_config": {
            "lms.djangoapp": {
                "common": {"relative_path": "settings.common"},
                "production": {"relative_path": "settings.production"},
            },
            "cms.djangoapp": {
                "common": {"relative_path": "settings.common"},
                "production": {"relative_path": "settings.production"},
            },
        },
    }

    def ready(self) -> None:
        """Send services' background work to Celery, and listen to the platform's user retirement, where this is
        the platform."""
        from . import retirement, tasks

        tasks.register()
        retirement.connect()
