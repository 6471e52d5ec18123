"""Extract ora_xblock's strings, refresh the Esperanto test catalog, and compile every catalog.

    python scripts/i18n.py          rewrite the catalogs under ora_xblock/translations
    python scripts/i18n.py --check  exit 1 if a marked string is missing from them

``eo`` is a pseudo-language: each message with its vowels accented, so that a
page rendered in it shows at a glance any text that was never marked.
"""

from __future__ import annotations

import io
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ora_xblock"
TRANSLATIONS = PACKAGE / "translations"
JS_MESSAGES = PACKAGE / "static" / "js" / "messages.json"
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
STABLE_DATE = datetime(2026, 1, 1, tzinfo=UTC)  # catalogs change only when their messages do
DUMMY = str.maketrans("aeiouAEIOU", "àéîøüÀÉÎØÜ")


def extract() -> Catalog:
    catalog = Catalog(project="ora_xblock", charset="utf-8")
    method_map = [("**.py", "python"), ("templates/**.html", "mako"), ("static/js/**.js", "javascript")]
    options = {"templates/**.html": {"input_encoding": "utf-8"}}
    for filename, lineno, message, comments, context in extract_from_dir(
        PACKAGE, method_map, options, keywords=KEYWORDS, strip_comment_tags=True
    ):
        catalog.add(message, None, [(f"ora_xblock/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def pseudo(message: str) -> str:
    """Accent vowels outside {placeholders}, so formatting still works."""
    out, depth = [], 0
    for char in message:
        depth += char == "{"
        out.append(char if depth else char.translate(DUMMY))
        depth -= char == "}"
    return "".join(out)


def write(language: str, catalog: Catalog) -> None:
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "text.po", "wb") as po:
        write_po(po, catalog, omit_header=False, sort_output=True, width=120)
    with open(folder / "text.mo", "wb") as mo:
        write_mo(mo, catalog)


def translated_catalog(source: Catalog, language: str) -> Catalog:
    catalog = Catalog(locale=language, project="ora_xblock", charset="utf-8", creation_date=STABLE_DATE)
    catalog.fuzzy = False
    for message in source:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            string: str | tuple[str, ...] = tuple(pseudo(part) for part in message.id)
        else:
            string = pseudo(message.id) if language == "eo" else ""
        catalog.add(message.id, string if language == "eo" else None, message.locations)
    return catalog


def js_messages() -> list[str]:
    """The messages the package's JavaScript marks, for ``static/js/messages.json``."""
    found = extract_from_dir(PACKAGE / "static" / "js", [("**.js", "javascript")], keywords={"gettext": None})
    return sorted({message for _, _, message, _, _ in found if isinstance(message, str)})


def js_messages_text() -> str:
    return json.dumps(js_messages(), ensure_ascii=False, indent=0) + "\n"


def missing() -> set[str]:
    """Marked strings that the shipped English catalog lacks."""
    shipped = read_po(io.BytesIO((TRANSLATIONS / "en" / "LC_MESSAGES" / "text.po").read_bytes()))
    ids = {str(message.id) for message in shipped if message.id}
    return {str(message.id) for message in extract() if message.id and str(message.id) not in ids}


def main() -> int:
    if "--check" in sys.argv:
        gaps = missing()
        for message in sorted(gaps):
            print(f"not in the catalogs: {message!r}")
        stale = JS_MESSAGES.read_text(encoding="utf-8") != js_messages_text()
        if stale:
            print(f"{JS_MESSAGES.relative_to(ROOT)} is out of date")
        return 1 if gaps or stale else 0
    source = extract()
    write("en", translated_catalog(source, "en"))
    write("eo", translated_catalog(source, "eo"))
    JS_MESSAGES.write_text(js_messages_text(), encoding="utf-8")
    print(f"{len(source)} messages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
