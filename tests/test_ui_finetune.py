"""The fine-tune panel: a real (3-step) fine-tune on recorded takes, the before/after table, switch and cancel."""

from __future__ import annotations

import shutil

import pytest

from helpers_audio import DATA, NOISE, build_stream, require_model, write_audio
from kwapp.model.bundle import load_model_info
from kwapp.pipeline.events import data_home
from kwapp.pipeline.worker import SourceSpec

WAIT_MS = 120_000  # a fine-tune exports and evaluates two models; generous for a busy machine


@pytest.fixture
def samples():
    """Four 'athena' takes and a background recording in the user's sample folder."""
    root = data_home() / "samples"
    (root / "athena").mkdir(parents=True)
    (root / "_background_").mkdir()
    for path in sorted((DATA / "athena").glob("*.flac")):
        shutil.copy(path, root / "athena")
    shutil.copy(DATA / NOISE, root / "_background_")
    return root


@pytest.fixture
def window(qtbot, tmp_path, samples):
    from kwapp.app import create_window

    audio, _ = build_stream([], duration_s=3.0, noise_dbfs=-45.0)
    path = write_audio(tmp_path / "noise.wav", audio)
    window = create_window(SourceSpec("file", str(path)), require_model(), "en")
    qtbot.addWidget(window)
    window.show()
    window.finetune_panel.steps = 3
    return window


def test_finetune_table_and_switch(qtbot, window):
    panel = window.finetune_panel
    panel.start_button.click()
    qtbot.waitUntil(lambda: panel.thread is None, timeout=WAIT_MS)
    assert panel.result is not None
    assert panel.result.folder.parent == data_home() / "models"
    keywords = [panel.table.item(row, 0).text() for row in range(panel.table.rowCount())]
    assert "athena" in keywords
    assert panel.table.item(keywords.index("athena"), 2).text().endswith("(1)")  # one held-out take
    versions = [panel.versions_box.itemData(i) for i in range(panel.versions_box.count())]
    assert versions == [str(panel.result.folder), str(require_model())]
    window.start_stream()  # the 3 s file has ended during the fine-tune; a swap needs a running stream
    with qtbot.waitSignal(window.controller.model_loaded, timeout=WAIT_MS):
        panel.switch_button.click()
    assert window.info.folder == panel.result.folder
    assert "athena" in window.info.keywords


def test_finetune_cancel_writes_nothing(qtbot, samples):
    from kwapp.ui.finetune_panel import FinetunePanel

    panel = FinetunePanel(load_model_info(require_model()))
    qtbot.addWidget(panel)
    panel.steps = 10_000
    panel.start()
    with qtbot.waitSignal(panel.job.progressed, timeout=WAIT_MS):
        pass
    panel.cancel_button.click()
    qtbot.waitUntil(lambda: panel.thread is None, timeout=WAIT_MS)
    models = data_home() / "models"
    assert not models.exists() or list(models.iterdir()) == []
    assert panel.result is None
