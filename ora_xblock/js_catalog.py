"""The package's JavaScript messages, translated for the request and handed to the browser as ``OraI18n``.

``scripts/i18n.py`` lists the messages that ``static/js`` marks with ``gettext`` in
``static/js/messages.json``; each view adds this script before its own, so the
scripts translate with the same catalogs as the templates, in the LMS, Studio
and the demo alike.

The platform's own way (OEP-58) is a catalog it compiles from the atlas-pulled ``djangojs`` translations under
the block's ``i18n_js_namespace`` and serves as a static file, whose URL its i18n service gives
(``get_javascript_i18n_catalog_url``, xmodule/modulestore/django.py). Where it has one, :func:`add_catalog` loads
it too, and ``OraI18n`` asks it for whatever this request's catalog leaves untranslated: that is how scripts
translate when the Python catalog the service loaded (atlas ``django``) holds no script messages.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from web_fragments.fragment import Fragment

from .templating import resource_text

NAMESPACE = "OraXBlockI18N"  # OraXBlock.i18n_js_namespace: the global the platform's compiled catalog defines


@cache
def _messages() -> tuple[str, ...]:
    return tuple(json.loads(resource_text("static/js/messages.json")))


def catalog_script(translations: Any, namespace: str = NAMESPACE) -> str:
    """A script defining ``OraI18n.gettext`` over this request's translations of the JavaScript messages; a message
    they leave as it is goes to the platform's catalog ``window[namespace]``, else the page's ``gettext``."""
    translated = {message: str(translations.gettext(message)) for message in _messages()}
    catalog = json.dumps({key: value for key, value in translated.items() if value != key})
    catalog = catalog.replace("</", "<\\/")  # never a closing tag, should the script be inlined in a page
    return (
        "window.OraI18n = (function (messages, namespace) {\n"
        '  "use strict";\n'
        "  function fallback(text) {\n"
        "    var platform = window[namespace];\n"
        '    if (platform && typeof platform.gettext === "function") { return platform.gettext(text); }\n'
        '    return typeof window.gettext === "function" ? window.gettext(text) : text;\n'
        "  }\n"
        "  return { gettext: function (text) {\n"
        "    return Object.prototype.hasOwnProperty.call(messages, text) ? messages[text] : fallback(text);\n"
        "  } };\n"
        f"}}({catalog}, {json.dumps(namespace)}));\n"
    )


def add_catalog(fragment: Fragment, block: Any, translations: Any) -> None:
    """Add to ``fragment`` the platform's compiled catalog for the page's language where the i18n service
    ``translations`` has one, then :func:`catalog_script`."""
    url_of = getattr(translations, "get_javascript_i18n_catalog_url", None)
    url = url_of(block) if callable(url_of) else None
    if url:
        fragment.add_javascript_url(url)
    fragment.add_javascript(catalog_script(translations, block.get_i18n_js_namespace() or NAMESPACE))
