"""The monitoring window (PySide6 + pyqtgraph). Only this package and the stream worker import Qt."""

