"""Extract ora_xblock's strings, refresh every catalog from them, and compile the catalogs the package ships.

    python scripts/i18n.py          extract, merge and compile (``make translations``)
    python scripts/i18n.py --check  exit 1 if a marked string is missing from the source or shipped catalogs

What it writes:

- ``conf/locale/en/LC_MESSAGES/django.po`` (Python and templates) and ``djangojs.po`` (the scripts): the English
  source catalogs of the platform's translation layout (OEP-58), which translation tools read;
- ``ora_xblock/translations/<locale>/LC_MESSAGES/text.po`` and ``text.mo``: the catalogs the package ships, which
  the platform's i18n service loads (domain ``text``). ``en`` and ``eo`` are regenerated whole; ``eo`` is a
  pseudo-language, each message with its vowels accented, so that a page rendered in it shows at a glance any text
  that was never marked. Every other locale is the translators' work: it is merged, never overwritten (new
  messages are added untranslated, or fuzzy when close to an old one; messages no longer in the code are dropped;
  translations and translators' comments are kept), then compiled; fuzzy translations are left out of the ``.mo``.
- ``ora_xblock/static/js/messages.json``: the messages the scripts mark, translated for each page by js_catalog.py.
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
SOURCE = ROOT / "conf" / "locale" / "en" / "LC_MESSAGES"
JS_MESSAGES = PACKAGE / "static" / "js" / "messages.json"
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
STABLE_DATE = datetime(2026, 1, 1, tzinfo=UTC)  # catalogs change only when their messages do
DUMMY = str.maketrans("aeiouAEIOU", "àéîøüÀÉÎØÜ")
GENERATED = ("en", "eo")  # written from the code; every other locale is translated by people
# The source catalogs of the platform's layout: Python and templates in ``django``, the scripts in ``djangojs``.
DOMAINS = {
    "django": [("**.py", "python"), ("templates/**.html", "mako")],
    "djangojs": [("static/js/**.js", "javascript")],
}
OPTIONS = {"templates/**.html": {"input_encoding": "utf-8"}}
PO_WIDTH = 120


def extract(method_map: list[tuple[str, str]] | None = None) -> Catalog:
    """The messages the package marks, in the files ``method_map`` names (default: every domain's)."""
    catalog = Catalog(project="ora_xblock", charset="utf-8", creation_date=STABLE_DATE)
    method_map = method_map or [pair for pairs in DOMAINS.values() for pair in pairs]
    for filename, lineno, message, comments, context in extract_from_dir(
        PACKAGE, method_map, OPTIONS, keywords=KEYWORDS, strip_comment_tags=True
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


def read(path: Path) -> Catalog:
    return read_po(io.BytesIO(path.read_bytes()))


def write_catalog(path: Path, catalog: Catalog, *, compile_mo: bool = True) -> None:
    """``catalog`` as ``path`` (a .po, sorted, without obsolete messages) and, if asked, its compiled .mo beside it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as po:
        write_po(po, catalog, omit_header=False, sort_output=True, width=PO_WIDTH, ignore_obsolete=True)
    if compile_mo:
        with open(path.with_suffix(".mo"), "wb") as mo:
            write_mo(mo, catalog)


def generated_catalog(source: Catalog, language: str) -> Catalog:
    """English (every message untranslated) or the ``eo`` pseudo-language, from the extracted ``source``."""
    catalog = Catalog(locale=language, project="ora_xblock", charset="utf-8", creation_date=STABLE_DATE)
    catalog.fuzzy = False
    for message in source:
        if not message.id:
            continue
        string: str | tuple[str, ...] | None = None
        if language == "eo":
            string = tuple(map(pseudo, message.id)) if isinstance(message.id, tuple) else pseudo(str(message.id))
        catalog.add(message.id, string, message.locations, auto_comments=message.auto_comments)
    return catalog


def merged(existing: Catalog, template: Catalog) -> Catalog:
    """A translated catalog brought up to date with ``template``: new messages added (fuzzy where an old one is
    close), messages no longer in the template dropped, every translation and translator's comment kept."""
    existing.update(template, update_creation_date=True)
    existing.obsolete.clear()
    return existing


def translated_locales() -> list[str]:
    """The locales translated by people: every folder under ``translations`` with a ``text.po``, but en and eo."""
    return sorted(
        folder.name
        for folder in TRANSLATIONS.iterdir()
        if folder.name not in GENERATED and (folder / "LC_MESSAGES" / "text.po").is_file()
    )


def js_messages() -> list[str]:
    """The messages the package's JavaScript marks, for ``static/js/messages.json``."""
    found = extract_from_dir(PACKAGE / "static" / "js", [("**.js", "javascript")], keywords={"gettext": None})
    return sorted({message for _, _, message, _, _ in found if isinstance(message, str)})


def js_messages_text() -> str:
    return json.dumps(js_messages(), ensure_ascii=False, indent=0) + "\n"


def _ids(catalog: Catalog) -> set[str]:
    return {str(message.id) for message in catalog if message.id}


def problems() -> list[str]:
    """What ``--check`` reports: marked strings missing from the shipped English catalog or from the source
    catalog of their domain, and a stale ``messages.json``."""
    found = []
    shipped = _ids(read(TRANSLATIONS / "en" / "LC_MESSAGES" / "text.po"))
    for domain, method_map in DOMAINS.items():
        path = SOURCE / f"{domain}.po"
        source = _ids(read(path)) if path.is_file() else set()
        for message in sorted(_ids(extract(method_map))):
            if message not in shipped:
                found.append(f"not in ora_xblock/translations/en/LC_MESSAGES/text.po: {message!r}")
            if message not in source:
                found.append(f"not in {path.relative_to(ROOT)}: {message!r}")
    if JS_MESSAGES.read_text(encoding="utf-8") != js_messages_text():
        found.append(f"{JS_MESSAGES.relative_to(ROOT)} is out of date")
    return found


def main() -> int:
    if "--check" in sys.argv:
        found = problems()
        print("\n".join(found) or "every marked string is in the catalogs")
        return 1 if found else 0
    for domain, method_map in DOMAINS.items():
        write_catalog(SOURCE / f"{domain}.po", generated_catalog(extract(method_map), "en"), compile_mo=False)
    template = extract()
    for language in GENERATED:
        write_catalog(TRANSLATIONS / language / "LC_MESSAGES" / "text.po", generated_catalog(template, language))
    for language in translated_locales():
        path = TRANSLATIONS / language / "LC_MESSAGES" / "text.po"
        write_catalog(path, merged(read(path), template))
    JS_MESSAGES.write_text(js_messages_text(), encoding="utf-8")
    print(f"{len(template)} messages; merged and compiled: {', '.join(translated_locales()) or 'no translated locale'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
