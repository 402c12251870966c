"""Settings shared by every test: Qt runs offscreen, and user data goes to a fresh folder per test."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any test imports Qt



@pytest.fixture(autouse=True)
def kwapp_home(tmp_path, monkeypatch):
    """KWAPP_HOME in the test's tmp folder: settings, trigger log, snippets and caches stay out of the user's."""
    home = tmp_path / "kwapp_home"
    monkeypatch.setenv("KWAPP_HOME", str(home))
    return home
