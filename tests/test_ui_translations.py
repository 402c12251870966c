"""The Japanese catalogue covers every UI string, and the window switches language at run time."""

from __future__ import annotations

import ast
import re
import string
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

UI_DIR = Path(__file__).resolve().parent.parent / "kwapp" / "ui"
CATALOGUE = UI_DIR / "translations" / "kwapp_ja.ts"


def tr_literals() -> set[tuple[str, str]]:
    """(class name, literal) for every self.tr("...") call in kwapp/ui, the context lupdate and Qt use."""
    found = set()
    for path in UI_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
            for call in (n for n in ast.walk(cls) if isinstance(n, ast.Call)):
                if isinstance(call.func, ast.Attribute) and call.func.attr == "tr":
                    argument = call.args[0]
                    assert isinstance(argument, ast.Constant), f"{path.name}: tr() needs a literal, line {call.lineno}"
                    found.add((cls.name, argument.value))
    return found


def catalogue() -> dict[tuple[str, str], ET.Element]:
    messages = {}
    for context in ET.parse(CATALOGUE).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            messages[(name, message.findtext("source"))] = message.find("translation")
    return messages


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_catalogue_has_every_string():
    missing = tr_literals() - set(catalogue())
    assert not missing, f"strings missing from {CATALOGUE.name} (run pyside6-lupdate, then translate): {sorted(missing)}"


def test_catalogue_has_no_unfinished():
    unfinished = [key for key, t in catalogue().items() if t.get("type") in ("unfinished", "vanished", "obsolete")]
    assert not unfinished, f"unfinished translations: {unfinished}"


def test_catalogue_has_no_empty():
    empty = [key for key, t in catalogue().items() if not (t.text or "").strip()]
    assert not empty, f"empty translations: {empty}"


def test_catalogue_keeps_placeholders():
    broken = [key for key, t in catalogue().items() if placeholders(key[1]) != placeholders(t.text or "")]
    assert not broken, f"translations whose {{placeholders}} differ from the source: {broken}"


def test_catalogue_is_japanese():
    kana_or_kanji = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    # What stays the same in both languages: placeholders, units and the field's own terms.
    units_and_fields = re.compile(r"\{[^}]*\}|dBFS|MQTT|Webhook")
    untranslated = [key for key, t in catalogue().items()
                    if not kana_or_kanji.search(t.text or "") and re.search(r"[A-Za-z]{3}", units_and_fields.sub("", key[1]))]
    assert not untranslated, f"translations without Japanese text: {untranslated}"


def test_catalogue_compiles(tmp_path):
    from kwapp.ui.i18n import compile_catalogue

    assert compile_catalogue(CATALOGUE, tmp_path / "kwapp_ja.qm")


@pytest.fixture
def translations(qapp):
    from kwapp.ui.i18n import Translations

    handle = Translations(qapp)
    yield handle
    handle.apply("en")


def test_japanese_translates_tr(translations):
    from PySide6.QtCore import QCoreApplication

    assert translations.apply("ja")
    assert QCoreApplication.translate("MainWindow", "Keywords") == "キーワード"


def test_unknown_language_rejected(translations):
    with pytest.raises(ValueError, match="fr"):
        translations.apply("fr")


def test_error_text_in_japanese(translations, tmp_path):
    from kwapp.audio.wavio import AudioFileError, read_audio
    from kwapp.ui.i18n import error_text

    translations.apply("ja")
    with pytest.raises(AudioFileError) as caught:
        read_audio(tmp_path / "missing.wav")
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", error_text(caught.value))


def test_error_text_in_english(translations, tmp_path):
    from kwapp.audio.wavio import AudioFileError, read_audio
    from kwapp.ui.i18n import error_text

    translations.apply("en")
    with pytest.raises(AudioFileError) as caught:
        read_audio(tmp_path / "missing.wav")
    assert error_text(caught.value) == str(caught.value)
