"""The languages the demo speaks: each persona's choice, the site's language switch, and the i18n service.

The LMS serves a page in the learner's language (their ``pref-lang`` preference, or the language cookie),
activates it for the request, and sets ``<html lang dir>`` from it (``LANGUAGE_BIDI``). The demo keeps a
language for the whole site and, where a persona has chosen one, that persona's, in the session; ``?lang=<code>``
on any page chooses one for the persona on it (a link that opens a page in Arabic).
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from importlib import resources
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

# The platform's codes of the languages ora_xblock ships (ora_xblock/translations), each named in itself.
LANGUAGES = (
    ("en", "English"),
    ("es-419", "Español (Latinoamérica)"),
    ("fr", "Français"),
    ("pt-br", "Português (Brasil)"),
    ("zh-cn", "中文（简体）"),
    ("hi", "हिन्दी"),
    ("ar", "العربية"),
)
CODES = frozenset(code for code, _ in LANGUAGES)
SESSION_KEY = "demo_languages"  # {persona id: code}; "" is the site's language
SITE = ""


def chosen(request: HttpRequest, persona_id: str | None) -> str:
    """The language of ``persona_id``'s pages: theirs if they chose one, else the site's, else English."""
    choices = request.session.get(SESSION_KEY, {})
    return str(choices.get(persona_id or SITE) or choices.get(SITE) or settings.LANGUAGE_CODE)


def choose(request: HttpRequest, persona_id: str, code: str) -> None:
    """Save ``code`` as ``persona_id``'s language; for the site (``persona_id`` ""), everyone's."""
    choices = {} if persona_id == SITE else dict(request.session.get(SESSION_KEY, {}))
    request.session[SESSION_KEY] = choices | {persona_id: code}


def middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Django middleware: the request in its persona's language (``?student=``), as the LMS activates the
    learner's; ``?lang=`` chooses it first."""

    def language(request: HttpRequest) -> HttpResponse:
        persona_id = request.GET.get("student") or SITE
        if request.GET.get("lang") in CODES:
            choose(request, persona_id, request.GET["lang"])
        with translation.override(chosen(request, persona_id)):
            request.LANGUAGE_CODE = translation.get_language()
            return get_response(request)

    return language


def switch(request: HttpRequest) -> HttpResponse:
    """POST ``language`` (and ``student``, a persona, or none for the whole site), then back to ``next``."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    code, persona_id = request.POST.get("language", ""), request.POST.get("student", SITE)
    if code in CODES:
        choose(request, persona_id, code)
    back = request.POST.get("next", "/")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=False)
    return redirect(back if safe else "/")


def context(request: HttpRequest) -> dict[str, Any]:
    """Template context: ``languages`` to choose from, ``language`` (the page's), and ``language_next``, this page
    to come back to once another is chosen (without its ``?lang=``, which would choose again)."""
    query = request.GET.copy()
    query.pop("lang", None)
    back = f"{request.path}?{query.urlencode()}" if query else request.path
    return {"languages": LANGUAGES, "language": translation.get_language(), "language_next": back}


class DemoI18nService:
    """The platform's ``i18n`` service (xmodule/modulestore/django.py ``XBlockI18nService``): ora_xblock's own
    catalog (domain ``text``, ``ora_xblock/translations``) for ``to_locale`` of the request's language, else
    Django's translation module.

    The platform builds one for each block from the block's root module; the workbench builds services once, with
    no block, so this one resolves the catalog at each call, and only ora_xblock (the demo's block) asks for it.
    """

    runtime = None
    FOLDER = resources.files("ora_xblock") / "translations"

    def _translator(self) -> Any:
        locale = translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE)
        try:
            return gettext.translation("text", str(self.FOLDER), [locale])
        except OSError:
            return translation

    def __getattr__(self, name: str) -> Any:
        return getattr(self._translator(), name)
