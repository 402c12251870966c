"""UI language: Qt translators for kwapp's catalogue and Qt's own dialogs, and CJK fonts.

The committed source is translations/kwapp_<lang>.ts. A compiled .qm beside it is used when it is
at least as new as the .ts (a packaged build). Otherwise pyside6-lrelease compiles the .ts into the
cache folder whenever the .qm there is missing or older than the .ts.

After adding or changing a UI string, update the catalogue and translate the new entries
(tests/test_ui_translations.py fails until every string has a translation):
    pyside6-lupdate kwapp/ui/*.py -ts kwapp/ui/translations/kwapp_ja.ts -locations none
    python3 scripts/update_messages.py
Without -no-obsolete, lupdate marks the command-line "Messages" context vanished instead of deleting it,
and the script revives the entries still in use; delete vanished UI entries by hand.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

import platformdirs
import PySide6
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase

from kwapp.messages import CONTEXT as MESSAGES_CONTEXT
from kwapp.messages import Message, message_of
from kwapp.pipeline.events import KWAPP_HOME_ENV

log = logging.getLogger(__name__)

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
LANGUAGES = ("en", "ja")  # English is the source language and needs no catalogue
SOURCE_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "ja": "日本語"}  # each in its own language, never translated
CJK_FONT = "Noto Sans CJK JP"  # Japanese glyph shapes; fontconfig's fallback may pick the Chinese variant
LRELEASE_TIMEOUT_S = 30


def system_language() -> str:
    return "ja" if QLocale.system().language() == QLocale.Language.Japanese else SOURCE_LANGUAGE


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r} is not available; use one of {', '.join(LANGUAGES)}")
    return language


def cache_home() -> Path:
    override = os.environ.get(KWAPP_HOME_ENV)
    if override:
        return Path(override) / "cache"
    return Path(platformdirs.user_cache_dir("kwapp", appauthor=False))


def find_lrelease() -> str | None:
    found = shutil.which("pyside6-lrelease")
    if found:
        return found
    bundled = Path(PySide6.__file__).resolve().parent / "lrelease"
    return str(bundled) if bundled.is_file() else None


def _is_fresh(qm: Path, ts: Path) -> bool:
    return qm.is_file() and qm.stat().st_mtime >= ts.stat().st_mtime


def compile_catalogue(ts: Path, qm: Path) -> bool:
    """Run lrelease on `ts`; returns False (after logging why) when it is missing or fails."""
    tool = find_lrelease()
    if tool is None:
        log.error("cannot compile %s: pyside6-lrelease not found; install PySide6-Essentials or ship %s", ts, qm.name)
        return False
    qm.parent.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run([tool, "-silent", str(ts), "-qm", str(qm)], check=True, capture_output=True,
                       timeout=LRELEASE_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        log.error("compiling %s with %s failed: %s %s", ts, tool, exc, detail.decode(errors="replace").strip())
        return False
    log.info("compiled %s to %s", ts.name, qm)
    return True


def catalogue_path(language: str) -> Path | None:
    """Find or compile the up-to-date .qm of `language`; returns None for English or on failure."""
    if language == SOURCE_LANGUAGE:
        return None
    ts = TRANSLATIONS_DIR / f"kwapp_{language}.ts"
    if not ts.is_file():
        log.error("translation source %s is missing; the window stays in English", ts)
        return None
    for qm in (ts.with_suffix(".qm"), cache_home() / "translations" / f"kwapp_{language}.qm"):
        if _is_fresh(qm, ts):
            return qm
    qm = cache_home() / "translations" / f"kwapp_{language}.qm"
    return qm if compile_catalogue(ts, qm) else None


_installed: list[QTranslator] = []  # kwapp's translators on the application, whichever Translations put them there


class Translations:
    """Installs the translators of one language on the application and replaces them on a switch."""

    def __init__(self, app: QCoreApplication):
        self.app = app
        self.language = SOURCE_LANGUAGE

    def apply(self, language: str) -> bool:
        """Switch to `language`; returns False when its catalogue could not be loaded (English then)."""
        check_language(language)
        while _installed:
            self.app.removeTranslator(_installed.pop())
        self.language = language
        if language == SOURCE_LANGUAGE:
            return True
        qm = catalogue_path(language)
        ours = QTranslator(self.app)
        if qm is None or not ours.load(str(qm)):
            log.error("loading the %s catalogue %s failed; the window stays in English", language, qm)
            self.language = SOURCE_LANGUAGE
            return False
        self._install(ours)
        qt_own = QTranslator(self.app)
        if qt_own.load(QLocale(language), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            self._install(qt_own)  # standard dialog buttons, file dialogs
        log.info("UI language %s", language)
        return True

    def _install(self, translator: QTranslator) -> None:
        self.app.installTranslator(translator)
        _installed.append(translator)


def error_text(exc: BaseException) -> str:
    """Return an exception's message in the window's current language (the catalogue's "Messages" context)."""
    return _translated(message_of(exc))


def _translated(text: str) -> str:
    if not isinstance(text, Message):
        return str(text)
    values = {key: _translated(value) if isinstance(value, Message) else value for key, value in text.values.items()}
    try:
        return QCoreApplication.translate(MESSAGES_CONTEXT, text.template).format(**values)
    except (KeyError, IndexError, ValueError):  # a translation whose placeholders do not fit: English
        log.warning("the translation of %r does not fit its values; showing English", text.template)
        return str(text)


def add_cjk_font_fallback(app) -> None:
    """Prefer the Japanese CJK face after the default one, so kanji take Japanese glyph shapes."""
    if CJK_FONT not in QFontDatabase.families():
        log.info("font %s not installed; Japanese text uses the system fallback", CJK_FONT)
        return
    font = QFont(app.font())
    families = [f for f in font.families() if f != CJK_FONT] or [font.family()]
    font.setFamilies([*families, CJK_FONT])
    app.setFont(font)
