"""User-facing messages of the command line and of the package's bad-input errors, in English and Japanese.

msg() returns a Message: a str holding the English template filled in, so logs, exception text and
tests read English, which also keeps its template and values. localize() translates a Message when it
is shown to a user. The translations live in the window's Qt catalogue,
kwapp/ui/translations/kwapp_<lang>.ts, in the context "Messages".

pyside6-lupdate does not see msg() calls. After adding or changing a msg() template, run
    python3 scripts/update_messages.py
which adds the missing templates to the catalogue as unfinished entries and lists them. Translate them
there; tests/test_messages.py fails until every template has a translation with the same placeholders.
pyside6-lupdate keeps the "Messages" context but marks its entries vanished, and `-no-obsolete` drops
them; the script revives the vanished entries that are still in use.

Importing this module never imports Qt: the catalogue is loaded on the first localize() to a language.
"""

from __future__ import annotations

import locale
import logging
import os
from typing import Any

log = logging.getLogger(__name__)

CONTEXT = "Messages"  # context of these messages in the Qt catalogue
SOURCE_LANGUAGE = "en"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")  # POSIX order of precedence for message language


class Message(str):
    """English text of a user-facing message, with the template and values that localize() translates."""

    def __new__(cls, template: str, values: dict[str, Any]) -> Message:
        text = super().__new__(cls, template.format(**values))
        text.template = template
        text.values = values
        return text

    def __reduce__(self):
        return Message, (self.template, self.values)  # str's own pickling would drop template and values


def msg(template: str, /, **values: Any) -> Message:
    """Build a message from a literal English template, e.g. msg("file {path} not found", path=path).

    The template must be a string literal, because scripts/update_messages.py and the tests find the
    templates in the source code.
    """
    return Message(template, values)


def message_of(exc: BaseException) -> str:
    """Return the message an exception was raised with, as a Message when it was one."""
    if len(exc.args) == 1 and isinstance(exc.args[0], Message):
        return exc.args[0]
    return str(exc)


def system_language(environ: dict[str, str] | None = None) -> str:
    """Return "ja" when the locale for messages is Japanese, else "en", without importing Qt."""
    environ = os.environ if environ is None else environ
    for name in LOCALE_VARIABLES:
        value = environ.get(name)
        if value:
            return "ja" if value.startswith("ja") else SOURCE_LANGUAGE
    # Without the variables (Windows), Python 3.11 has set LC_CTYPE from the user's settings at start-up.
    name = locale.getlocale()[0] or ""
    return "ja" if name.startswith(("ja", "Japanese")) else SOURCE_LANGUAGE


_translators: dict[str, Any] = {}  # language -> QTranslator, or None when its catalogue failed to load


def _translator(language: str):
    if language not in _translators:
        _translators[language] = _load_translator(language)
    return _translators[language]


def _load_translator(language: str):
    from PySide6.QtCore import QTranslator

    from kwapp.ui.i18n import catalogue_path

    qm = catalogue_path(language)
    translator = QTranslator()
    if qm is None or not translator.load(str(qm)):
        log.error("loading the %s catalogue %s failed; messages stay in English", language, qm)
        return None
    return translator


def localize(text: str, language: str) -> str:
    """Translate a Message, and the Messages among its values, into `language`.

    Plain strings, English and templates without a translation come back in English.
    """
    if not isinstance(text, Message) or language == SOURCE_LANGUAGE:
        return text
    translator = _translator(language)
    template = (translator.translate(CONTEXT, text.template) if translator is not None else "") or text.template
    values = {name: localize(value, language) for name, value in text.values.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        log.error("the %s translation of %r does not fit its values (%s); showing English", language, text.template, exc)
        return text
