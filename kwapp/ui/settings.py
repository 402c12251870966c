"""The window's persistent settings (QSettings): device, model, keyword overrides, language, theme.

With KWAPP_HOME set, settings live in $KWAPP_HOME/settings.ini, beside the trigger log, so one
variable isolates a test or a portable install. Otherwise Qt's per-user INI location is used.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from kwapp.pipeline.events import KWAPP_HOME_ENV
from kwapp.pipeline.worker import KeywordSettings

log = logging.getLogger(__name__)

ORGANIZATION = "kwapp"
APPLICATION = "kwapp"
SETTINGS_NAME = "settings.ini"
THEMES = ("dark", "light")


def open_settings() -> QSettings:
    home = os.environ.get(KWAPP_HOME_ENV)
    if home:
        return QSettings(str(Path(home) / SETTINGS_NAME), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def _keyword_key(keyword: str, field: str) -> str:
    # Keywords may contain characters QSettings treats specially ("/" or non-ASCII in INI keys),
    # so they are stored hex-encoded.
    return f"keywords/{keyword.encode('utf-8').hex()}/{field}"


class AppSettings:
    """Typed access to the settings; values are written as they change."""

    def __init__(self, qsettings: QSettings | None = None):
        self.q = qsettings or open_settings()
        log.debug("settings in %s", self.q.fileName())

    def _text(self, key: str) -> str | None:
        value = self.q.value(key)
        return None if value in (None, "") else str(value)

    def _set_text(self, key: str, value: str | None) -> None:
        if value is None:
            self.q.remove(key)
        else:
            self.q.setValue(key, value)

    @property
    def language(self) -> str | None:
        return self._text("ui/language")

    @language.setter
    def language(self, value: str | None) -> None:
        self._set_text("ui/language", value)

    @property
    def theme(self) -> str:
        value = self._text("ui/theme")
        return value if value in THEMES else THEMES[0]

    @theme.setter
    def theme(self, value: str) -> None:
        if value not in THEMES:
            raise ValueError(f"theme {value!r} is invalid; use one of {THEMES}")
        self.q.setValue("ui/theme", value)

    @property
    def device_name(self) -> str | None:
        return self._text("input/device")

    @device_name.setter
    def device_name(self, value: str | None) -> None:
        self._set_text("input/device", value)

    @property
    def channel(self) -> int | None:
        value = self._text("input/channel")
        return None if value is None else int(value)

    @channel.setter
    def channel(self, value: int | None) -> None:
        self._set_text("input/channel", None if value is None else str(value))

    @property
    def model_folder(self) -> Path | None:
        value = self._text("model/folder")
        return None if value is None else Path(value)

    @model_folder.setter
    def model_folder(self, value: Path | None) -> None:
        self._set_text("model/folder", None if value is None else str(value))

    @property
    def geometry(self) -> QByteArray | None:
        value = self.q.value("ui/geometry")
        return value if isinstance(value, QByteArray) else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self.q.setValue("ui/geometry", value)

    def keyword_settings(self, keywords: tuple[str, ...]) -> dict[str, KeywordSettings]:
        """Return the user's overrides for these keywords; None where the model's value applies."""
        out = {}
        for keyword in keywords:
            threshold = self._text(_keyword_key(keyword, "threshold"))
            refractory = self._text(_keyword_key(keyword, "refractory_s"))
            enabled = self._text(_keyword_key(keyword, "enabled"))
            out[keyword] = KeywordSettings(
                threshold=None if threshold is None else float(threshold),
                refractory_s=None if refractory is None else float(refractory),
                enabled=enabled != "false",
            )
        return out

    def set_threshold(self, keyword: str, value: float) -> None:
        self.q.setValue(_keyword_key(keyword, "threshold"), f"{value:.4f}")

    def set_refractory(self, keyword: str, seconds: float) -> None:
        self.q.setValue(_keyword_key(keyword, "refractory_s"), f"{seconds:.3f}")

    def set_enabled(self, keyword: str, enabled: bool) -> None:
        self.q.setValue(_keyword_key(keyword, "enabled"), "true" if enabled else "false")

    def clear_keywords(self, keywords: tuple[str, ...]) -> None:
        for keyword in keywords:
            self.q.remove(f"keywords/{keyword.encode('utf-8').hex()}")

    def sync(self) -> None:
        self.q.sync()
