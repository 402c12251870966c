"""The settings dialog: UI language and theme."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout

from kwapp.ui.i18n import LANGUAGE_NAMES, LANGUAGES
from kwapp.ui.settings import THEMES


class SettingsDialog(QDialog):
    """Modal; read `language` and `theme` after exec() returned Accepted."""

    def __init__(self, language: str, theme: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.language_box = QComboBox()
        for code in LANGUAGES:
            self.language_box.addItem(LANGUAGE_NAMES[code], code)
        self.language_box.setCurrentIndex(LANGUAGES.index(language))
        self.theme_box = QComboBox()
        theme_names = {"dark": self.tr("Dark"), "light": self.tr("Light")}
        for code in THEMES:
            self.theme_box.addItem(theme_names[code], code)
        self.theme_box.setCurrentIndex(THEMES.index(theme))
        form = QFormLayout()
        form.addRow(QLabel(self.tr("Language:")), self.language_box)
        form.addRow(QLabel(self.tr("Theme:")), self.theme_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    @property
    def language(self) -> str:
        return self.language_box.currentData()

    @property
    def theme(self) -> str:
        return self.theme_box.currentData()
