"""The six shipped locales are complete and correct, and a block rendered in each language gets its catalog.

A locale that is missing, has a message untranslated or fuzzy, the wrong plural forms, or a translation whose
placeholders ({name}, %(name)s, <tags>) differ from its message's fails here: it never skips.
"""

from __future__ import annotations

import gettext
import io
import re
from html import unescape
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from django.test import override_settings
from django.utils import translation
from web_fragments.fragment import Fragment

from ora_xblock import platform, scenarios
from ora_xblock.js_catalog import NAMESPACE, add_catalog
from tests.host.i18n import PlatformRuntime, XBlockI18nService

TRANSLATIONS = Path(__file__).resolve().parents[2] / "ora_xblock" / "translations"
# Each locale's plural rule, as CLDR and the platform's catalogs give it: (nplurals, the plural expression).
PLURALS = {
    "es_419": (2, "(n != 1)"),
    "fr": (2, "(n > 1)"),
    "pt_BR": (2, "(n > 1)"),
    "zh_CN": (1, "0"),
    "hi": (2, "(n != 1)"),
    "ar": (6, None),  # zero, one, two, few, many, other: any expression giving those six
}
# The platform's language codes (LANGUAGE_CODE, the language cookie) and the folder its i18n service reads.
PLATFORM_CODES = {"es-419": "es_419", "fr": "fr", "pt-br": "pt_BR", "zh-cn": "zh_CN", "hi": "hi", "ar": "ar"}
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sd]|%[sd]|</?[A-Za-z][^<>]*>")


def _catalog(path: Path) -> Catalog:
    assert path.is_file(), f"{path} is missing"
    return read_po(io.BytesIO(path.read_bytes()))


def _messages(catalog: Catalog) -> dict[str, Message]:
    return {str(message.id): message for message in catalog if message.id}


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def english() -> dict[str, Message]:
    return _messages(_catalog(TRANSLATIONS / "en" / "LC_MESSAGES" / "text.po"))


def gaps(locale: str, english: dict[str, Message]) -> list[str]:
    """Everything that keeps ``locale`` from 100%: each a line saying which message and why."""
    catalog = _catalog(TRANSLATIONS / locale / "LC_MESSAGES" / "text.po")
    nplurals, expression = PLURALS[locale]
    found = []
    same_rule = not expression or catalog.plural_expr.replace(" ", "") == expression.replace(" ", "")
    if catalog.num_plurals != nplurals or not same_rule:
        found.append(f"Plural-Forms is {catalog.plural_forms!r}, not nplurals={nplurals}; plural={expression}")
    messages = _messages(catalog)
    found += [f"missing: {key!r}" for key in english.keys() - messages.keys()]
    found += [f"not in the code (obsolete): {key!r}" for key in messages.keys() - english.keys()]
    for key in english.keys() & messages.keys():
        message = messages[key]
        forms = list(message.string) if isinstance(message.string, tuple | list) else [message.string]
        if message.fuzzy:
            found.append(f"fuzzy: {key!r}")
        if not all(forms):
            found.append(f"untranslated: {key!r}")
        elif message.pluralizable:
            found += _plural_gaps(key, message, forms, nplurals)
        elif _placeholders(forms[0]) != _placeholders(key):
            found.append(f"placeholders differ: {key!r} -> {forms[0]!r}")
    return found


def _plural_gaps(key: str, message: Message, forms: list[str], nplurals: int) -> list[str]:
    """Exactly ``nplurals`` forms, none with a placeholder the message lacks, each with all of them but at most
    the number itself, which a language may spell out in a form ("one", "two"); the last form ("other") all."""
    if len(forms) != nplurals:
        return [f"{len(forms)} plural forms, not {nplurals}: {key!r}"]
    wanted = _placeholders(str(message.id[1]))
    found = []
    for index, form in enumerate(forms):
        have = _placeholders(form)
        short = len(wanted - have) > (0 if index == nplurals - 1 else 1)
        if have - wanted or short:
            found.append(f"placeholders differ in form {index}: {key!r} -> {form!r}")
    return found


@pytest.mark.parametrize("locale", sorted(PLURALS))
def test_every_locale_is_translated_in_full(locale: str, english: dict[str, Message]) -> None:
    found = gaps(locale, english)
    assert not found, f"{locale} is not at 100% ({len(found)} problems):\n" + "\n".join(found[:40])


@pytest.mark.parametrize("locale", sorted(PLURALS))
def test_every_locale_ships_compiled_and_current(locale: str) -> None:
    """The .mo the platform reads holds every translation of the .po (make translations compiles it)."""
    folder = TRANSLATIONS / locale / "LC_MESSAGES"
    assert (folder / "text.mo").is_file(), f"{folder}/text.mo is missing: run make translations"
    compiled = gettext.GNUTranslations(io.BytesIO((folder / "text.mo").read_bytes()))
    for key, message in _messages(_catalog(folder / "text.po")).items():
        if message.string and not message.pluralizable and not message.fuzzy:
            assert compiled.gettext(key) == message.string, f"{locale}/text.mo is older than its .po: {key!r}"


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(PLATFORM_CODES))
def test_a_block_rendered_in_the_platforms_language_gets_its_catalog(users, code: str) -> None:
    locale = PLATFORM_CODES[code]
    assert (TRANSLATIONS / locale / "LC_MESSAGES" / "text.mo").is_file(), f"no {locale} catalog: make translations"
    expected = gettext.translation("text", str(TRANSLATIONS), [locale])
    with translation.override(code):  # the LMS activates the request's language (its cookie, the learner's pref-lang)
        runtime = PlatformRuntime(user=users, i18n=XBlockI18nService)
        block = runtime.get_block(runtime.parse_xml_string(scenarios.demo_olx("hundred_years_war.xml")))
        html = block.student_view().content
    for english_text in ("Rubric", "Your response"):
        assert expected.gettext(english_text) != english_text, f"{locale} leaves {english_text!r} in English"
        assert expected.gettext(english_text) in unescape(html)


@pytest.mark.django_db
def test_the_scripts_use_the_platforms_compiled_catalog_where_it_has_one(users, tmp_path: Path) -> None:
    compiled = tmp_path / "js" / "xblock.v1-i18n" / "ora_xblock" / "fr.js"
    compiled.parent.mkdir(parents=True)
    compiled.write_text(f"window.{NAMESPACE} = {{}};")
    with override_settings(STATICI18N_ROOT=str(tmp_path), STATIC_URL="/static/"), translation.override("fr"):
        runtime = PlatformRuntime(user=users, i18n=XBlockI18nService)
        block = runtime.get_block(runtime.parse_xml_string(scenarios.demo_olx("self_only.xml")))
        assert block.get_i18n_js_namespace() == NAMESPACE
        fragment = Fragment()
        add_catalog(fragment, block, platform.translations(block))
    url, inline = fragment.resources
    assert (url.kind, url.data) == ("url", "/static/js/xblock.v1-i18n/ora_xblock/fr.js")
    assert f'"{NAMESPACE}"' in inline.data  # OraI18n asks the platform's catalog for what the inline one lacks
