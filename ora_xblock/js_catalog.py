"""The package's JavaScript messages, translated for the request and handed to the browser as ``OraI18n``.

``scripts/i18n.py`` lists the messages that ``static/js`` marks with ``gettext`` in
``static/js/messages.json``; each view adds this script before its own, so the
scripts translate with the same catalogs as the templates, in the LMS, Studio
and the demo alike.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from .templating import resource_text


@cache
def _messages() -> tuple[str, ...]:
    return tuple(json.loads(resource_text("static/js/messages.json")))


def catalog_script(translations: Any) -> str:
    """A script defining ``OraI18n.gettext`` over this request's translations of the JavaScript messages."""
    translated = {message: str(translations.gettext(message)) for message in _messages()}
    catalog = json.dumps({key: value for key, value in translated.items() if value != key})
    catalog = catalog.replace("</", "<\\/")  # never a closing tag, should the script be inlined in a page
    return (
        "window.OraI18n = (function (messages) {\n"
        '  "use strict";\n'
        '  var fallback = typeof window.gettext === "function" ? window.gettext : function (text) { return text; };\n'
        "  return { gettext: function (text) {\n"
        "    return Object.prototype.hasOwnProperty.call(messages, text) ? messages[text] : fallback(text);\n"
        "  } };\n"
        f"}}({catalog}));\n"
    )
