"""The course pages' language: the request's (Django's active language, which the LMS sets from the person's
preference), read from the catalogs the package ships (``ora_xblock/translations``, domain ``text``), the same
the block's pages use; a language without one reads English."""

from __future__ import annotations

import gettext
from importlib import resources
from typing import Any

from django.conf import settings
from django.utils import translation

from ..when import Reader

FOLDER = resources.files("ora_xblock") / "translations"


def language() -> str:
    """The request's language code ("fr", "pt-br"), English where none is active."""
    return str(translation.get_language() or settings.LANGUAGE_CODE or "en")


def catalog() -> Any:
    """``gettext`` and ``ngettext`` in the request's language."""
    try:
        return gettext.translation("text", str(FOLDER), [translation.to_locale(language())])
    except OSError:
        return gettext.NullTranslations()


def is_bidi() -> bool:
    """Whether the request's language is written right to left."""
    return bool(translation.get_language_bidi())


def reader(now: Any, texts: Any) -> Reader:
    """Dates as the page shows them: in the page's language, in UTC for the browser to redo in its own zone."""
    return Reader(None, language(), now, texts.gettext)
