"""The window's plant integration with a real mosquitto: detections published, settings page, test event, status bar."""

from __future__ import annotations

import stat

import pytest
from PySide6.QtCore import Qt

from helpers_audio import build_stream, require_model, write_audio
from kwapp.pipeline.worker import SourceSpec
from kwapp.service_config import load_service_config, save_service_config
from kwapp.ui.actions_host import ActionsHost
from test_mqtt_support import broker, recorder, service_config  # noqa: F401  (fixtures)

WAIT_MS = 20_000  # generous: the machine may be busy; no assert depends on it


@pytest.fixture
def config_file(tmp_path, broker):
    path = tmp_path / "service.toml"
    save_service_config(service_config(tmp_path, broker.port), path)
    return path


@pytest.fixture
def keyword_file(tmp_path):
    samples, _ = build_stream([("yes", 0.6)], duration_s=2.5, noise_dbfs=-50.0)
    return write_audio(tmp_path / "yes.wav", samples)


@pytest.fixture
def host(qapp, config_file):
    host = ActionsHost(config_file)
    yield host
    host.stop()


@pytest.fixture
def dialog(qtbot, host):
    from kwapp.ui.integration_dialog import IntegrationDialog

    assert host.load()
    page = IntegrationDialog(host, ("yes", "no"))
    qtbot.addWidget(page)
    return page


def open_window(qtbot, path, config_file):
    from kwapp.app import create_window

    window = create_window(SourceSpec("file", str(path)), require_model(), "en", service_config=config_file)
    qtbot.addWidget(window)
    window.show()
    return window


def test_window_publishes_detection(qtbot, keyword_file, config_file, recorder):
    window = open_window(qtbot, keyword_file, config_file)
    table = window.trigger_panel.model
    qtbot.waitUntil(lambda: table.rowCount() > 0, timeout=WAIT_MS)
    assert recorder.wait_for(lambda r: len(r.on("detections")) >= 1)
    assert recorder.json_on("detections")[0]["event_id"] == table.event_at(0).event_id


def test_window_event_names_snippet(qtbot, keyword_file, config_file, recorder):
    window = open_window(qtbot, keyword_file, config_file)
    assert recorder.wait_for(lambda r: len(r.on("detections")) >= 1)
    event = recorder.json_on("detections")[0]
    assert event["snippet"] == str(window.store.snippet_dir / f"{event['event_id']}.wav")


def test_status_bar_shows_connected(qtbot, keyword_file, config_file, broker):
    window = open_window(qtbot, keyword_file, config_file)
    qtbot.waitUntil(lambda: "MQTT: connected" in window.link_label.text(), timeout=WAIT_MS)


def test_status_bar_shows_unreachable(qtbot, keyword_file, config_file, broker):
    window = open_window(qtbot, keyword_file, config_file)
    qtbot.waitUntil(lambda: "MQTT: connected" in window.link_label.text(), timeout=WAIT_MS)
    broker.stop()
    qtbot.waitUntil(lambda: "MQTT: unreachable" in window.link_label.text(), timeout=WAIT_MS)


def test_dialog_shows_config(dialog):
    assert dialog.station_edit.text() == "press-1"


def test_dialog_saves_station(dialog, host):
    dialog.station_edit.setText("line-2")
    assert dialog.apply()
    assert load_service_config(host.path).station.name == "line-2"


def test_dialog_saves_owner_only(dialog, host):
    dialog.user_edit.setText("press")
    dialog.password_edit.setText("secret")
    assert dialog.apply()
    assert stat.S_IMODE(host.path.stat().st_mode) == 0o600


def test_dialog_saves_password(dialog, host):
    dialog.user_edit.setText("press")
    dialog.password_edit.setText("secret")
    dialog.apply()
    assert load_service_config(host.path).mqtt.password == "secret"


def test_dialog_saves_keyword_actions(dialog, host):
    dialog.keyword_table.item(1, 1).setCheckState(Qt.CheckState.Unchecked)  # "no": no MQTT
    dialog.apply()
    config = load_service_config(host.path)
    assert config.actions_for("no").actions == ()


def test_dialog_keeps_unshown_keys(dialog, host):
    dialog.apply()
    assert load_service_config(host.path).outbox.dir == host.config.outbox.dir


def test_dialog_rejects_bad_station(dialog, host):
    before = host.path.read_bytes()
    dialog.station_edit.setText("press/1")
    assert not dialog.apply()
    assert host.path.read_bytes() == before


def test_dialog_names_bad_key(dialog):
    dialog.station_edit.setText("press/1")
    dialog.apply()
    assert "station.name" in dialog.result_label.text()


def test_dialog_test_event_delivered(qtbot, dialog, recorder):
    dialog.send_test_event()
    qtbot.waitUntil(lambda: "MQTT: delivered" in dialog.result_label.text(), timeout=WAIT_MS)
    assert recorder.wait_for(lambda r: any(e["test"] for e in r.json_on("detections")))


def test_dialog_test_event_unreachable(qtbot, dialog, broker):
    broker.stop()
    dialog.send_test_event()
    qtbot.waitUntil(lambda: "not delivered" in dialog.result_label.text()
                    or "no answer" in dialog.result_label.text(), timeout=WAIT_MS)


def test_new_broker_sends_every_keyword(qtbot, tmp_path, broker):
    from kwapp.ui.integration_dialog import IntegrationDialog

    host = ActionsHost(tmp_path / "fresh.toml")
    page = IntegrationDialog(host, ("yes", "no"))
    qtbot.addWidget(page)
    page.host_edit.setText("127.0.0.1")
    page.port_box.setValue(broker.port)
    assert page.apply()
    host.stop()
    assert load_service_config(host.path).actions_for("no").actions == ("mqtt",)


def test_dialog_warns_no_keyword_sends(dialog):
    for row in range(2):
        dialog.keyword_table.item(row, 1).setCheckState(Qt.CheckState.Unchecked)
    dialog.apply()
    assert "no keyword sends" in dialog.result_label.text()


def test_unchanged_apply_keeps_service(dialog, host):
    service = host.service
    dialog.apply()
    assert host.service is service
