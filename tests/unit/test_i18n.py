"""Every interface string is marked for translation, and the shipped catalogs are current."""

from __future__ import annotations

import gettext
import json
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import lxml.html
import pytest
from babel.messages.catalog import Catalog

from ora_xblock import scenarios
from tests.conftest import Runtime

REPO = Path(__file__).resolve().parents[2]


def _esperanto() -> gettext.GNUTranslations:
    folder = resources.files("ora_xblock") / "translations"
    return gettext.translation("text", localedir=str(folder), languages=["eo"])


def test_catalogs_hold_every_marked_string() -> None:
    result = subprocess.run([sys.executable, "scripts/i18n.py", "--check"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@pytest.mark.django_db
def test_views_render_in_the_pseudo_language(users) -> None:
    runtime = Runtime(user=users, i18n=_esperanto())
    block = runtime.get_block(runtime.parse_xml_string(scenarios.demo_olx("hundred_years_war.xml")))
    html = block.student_view().content
    for english, pseudo in [
        ("Rubric", "Rübrîc"),
        ("Your response", "Yøür réspønsé"),
        ("points possible", "pøînts pøssîblé"),
        ("Submit your response", "Sübmît yøür réspønsé"),
    ]:
        assert pseudo in html
        assert f">{english}<" not in html
    studio = block.studio_view().content
    assert "Sàvé" in studio
    assert "Problem OLX" not in studio
    assert untranslated(studio) == []
    users.as_user("staff", staff=True)
    runtime.handler_url = lambda block, name, *args, **kwargs: f"/handler/{name}"
    staff_area = block.student_view().content.split('class="ora-section ora-staff-area"')[1]
    assert untranslated(staff_area) == []


def untranslated(html: str) -> list[str]:
    """Interface text (labels, legends, buttons, headings, table headers) that is not in the pseudo-language."""
    tree = lxml.html.fromstring(f"<div>{html}</div>")
    texts = (" ".join(node.text_content().split()) for node in tree.iter("label", "legend", "button", "h3", "h4", "h5"))
    return [text for text in texts if re.search("[A-Za-z]{3}", text) and not re.search("[àéîøüÀÉÎØÜ]", text)]


@pytest.mark.django_db
def test_the_scripts_get_their_messages_in_the_viewers_language(users) -> None:
    runtime = Runtime(user=users, i18n=_esperanto())
    block = runtime.get_block(runtime.parse_xml_string(scenarios.demo_olx("self_only.xml")))
    for fragment in (block.studio_view(), block.student_view()):
        scripts = "".join(
            resource.data for resource in fragment.resources if resource.mimetype == "application/javascript"
        )
        registered = scripts.index("window.OraXBlock = window.OraXBlock")  # the first script's module
        assert scripts.index("window.OraI18n") < registered  # defined before any script uses it
    assert '"Saved.": ' + json.dumps("Sàvéd.") in "".join(r.data for r in block.studio_view().resources)
    english_runtime = Runtime(user=users)
    english = english_runtime.get_block(english_runtime.parse_xml_string(scenarios.demo_olx("self_only.xml")))
    assert any("}({}, " in resource.data for resource in english.studio_view().resources)  # nothing to translate


def test_updating_a_translated_catalog_keeps_its_work_adds_new_messages_and_drops_old_ones() -> None:
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import i18n
    finally:
        sys.path.remove(str(REPO / "scripts"))
    template = Catalog()
    for message in ("Rubric", "Staff grade", "Submit your response"):
        template.add(message, locations=[("ora_xblock/templates/learner.html", 1)])
    template.add(("{count} point", "{count} points"), locations=[("ora_xblock/presenters.py", 1)])
    french = Catalog(locale="fr")
    french.add("Rubric", "Grille d'évaluation", user_comments=["as the platform words it"])
    french.add("Submit your responses", "Envoyez vos réponses")
    french.add("A message no longer in the code", "Un message disparu")
    french.add(("{count} point", "{count} points"), ("{count} point", "{count} points"))

    merged = i18n.merged(french, template)
    assert merged["Rubric"].string == "Grille d'évaluation"
    assert merged["Rubric"].user_comments == ["as the platform words it"]
    assert merged[("{count} point", "{count} points")].string == ("{count} point", "{count} points")
    assert not merged["Staff grade"].string and not merged["Staff grade"].fuzzy  # new: for the translators
    assert merged["Submit your response"].fuzzy  # close to an old one: its translation offered, to be checked
    assert merged.get("A message no longer in the code") is None and not merged.obsolete
