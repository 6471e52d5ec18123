"""The LMS's and Studio's ``i18n`` service, as xmodule/modulestore/django.py ``XBlockI18nService`` builds it.

The platform's runtime calls the service class with the block that asks (xmodule/x_module.py
``DescriptorSystem.service``: "Passing the block to service if it is callable"), so each block gets its own
catalog: domain ``text`` in ``<the block's root module>/translations``, for ``to_locale`` of Django's active
language (else ``LANGUAGE_CODE``), falling back to Django's own translation module where the block ships none.
The atlas-pulled variant (domain ``django`` under ``conf/plugins-locale/xblock.v1/<module>``, used instead when that
folder exists) is left out: ora_xblock is not in openedx-translations. ``get_javascript_i18n_catalog_url`` gives
the static URL of the catalog ``compile_xblock_translations`` writes (xmodule/modulestore/api.py:
``js/xblock.v1-i18n/<module>/<locale>.js`` under ``STATICI18N_ROOT``) where that file exists.
"""

from __future__ import annotations

import contextlib
import gettext
from importlib import resources
from pathlib import Path
from typing import Any

import django.utils.translation
from django.conf import settings
from django.utils.translation import get_language, to_locale

from tests.conftest import Runtime


def _root_module(block: Any) -> str:
    return getattr(block, "unmixed_class", type(block)).__module__.split(".")[0]


class XBlockI18nService:
    """The block's own catalog for the active language, else Django's translation module."""

    def __init__(self, block: Any = None) -> None:
        self.translator: Any = django.utils.translation
        if block is not None:
            folder = resources.files(_root_module(block)) / "translations"
            language = to_locale(get_language() or settings.LANGUAGE_CODE)
            with contextlib.suppress(OSError):  # no catalog for the language: Django's, as the platform falls back
                self.translator = gettext.translation("text", str(folder), [language])

    def get_javascript_i18n_catalog_url(self, block: Any) -> str | None:
        relative = f"js/xblock.v1-i18n/{_root_module(block)}/{to_locale(get_language())}.js"
        root = getattr(settings, "STATICI18N_ROOT", None)
        return f"{settings.STATIC_URL}{relative}" if root and (Path(root) / relative).exists() else None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.translator, "gettext" if name == "ugettext" else name)


class PlatformRuntime(Runtime):
    """The test runtime, handing callable services the block that asks, as the platform's runtime does."""

    def service(self, block: Any, service_name: str) -> Any:
        service = super().service(block, service_name)
        return service(block) if callable(service) else service
