"""Dark and light grey themes. Colour appears only for abnormal states: alarm, clipping, microphone lost."""

from __future__ import annotations

import dataclasses

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory


@dataclasses.dataclass(frozen=True)
class Theme:
    """Colours of one theme, as #rrggbb strings."""

    name: str
    window: str
    base: str  # text fields, tables
    alternate: str  # alternate table rows
    text: str
    muted: str  # secondary text, axes, idle indicators
    button: str
    highlight: str  # selection: a grey, not an accent colour
    plot_background: str
    trace: str  # keyword score curves
    threshold: str  # threshold lines
    marker: str  # detections on the traces and the spectrogram
    colormap: str  # pyqtgraph colormap name for the spectrogram
    alarm: str = "#d64541"  # microphone lost, clipping
    warning: str = "#d9a036"  # overflows, dropped audio


DARK = Theme(
    name="dark", window="#2b2d30", base="#1f2023", alternate="#26282b", text="#d4d4d4", muted="#8a8d91",
    button="#36393d", highlight="#55595e", plot_background="#1b1c1e", trace="#c8c8c8", threshold="#8a8d91",
    marker="#f0f0f0", colormap="CET-L1",
)
LIGHT = Theme(
    name="light", window="#e4e4e4", base="#f4f4f4", alternate="#ebebeb", text="#202124", muted="#6b6e72",
    button="#d6d6d6", highlight="#b4b7bb", plot_background="#fafafa", trace="#3c3f43", threshold="#8a8d91",
    marker="#101010", colormap="CET-L1",
)
THEMES = {theme.name: theme for theme in (DARK, LIGHT)}


def palette_for(theme: Theme) -> QPalette:
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: theme.window,
        QPalette.ColorRole.WindowText: theme.text,
        QPalette.ColorRole.Base: theme.base,
        QPalette.ColorRole.AlternateBase: theme.alternate,
        QPalette.ColorRole.Text: theme.text,
        QPalette.ColorRole.Button: theme.button,
        QPalette.ColorRole.ButtonText: theme.text,
        QPalette.ColorRole.Highlight: theme.highlight,
        QPalette.ColorRole.HighlightedText: theme.text,
        QPalette.ColorRole.ToolTipBase: theme.base,
        QPalette.ColorRole.ToolTipText: theme.text,
        QPalette.ColorRole.PlaceholderText: theme.muted,
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(theme.muted))
    return palette


def apply_theme(app: QApplication, theme: Theme) -> None:
    """Style and palette for the widgets; plot widgets made afterwards take pyqtgraph's defaults."""
    app.setStyle(QStyleFactory.create("Fusion"))
    app.setPalette(palette_for(theme))
    pg.setConfigOptions(background=theme.plot_background, foreground=theme.muted, antialias=False)


def badge_style(background: str | None, theme: Theme) -> str:
    """Style sheet of a small status label: filled with `background` when abnormal, plain otherwise."""
    if background is None:
        return f"QLabel {{ color: {theme.muted}; border: 1px solid {theme.muted}; border-radius: 3px; padding: 1px 6px; }}"
    return f"QLabel {{ color: #ffffff; background: {background}; border-radius: 3px; padding: 1px 6px; }}"
