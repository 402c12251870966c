"""The plant-integration settings page: station, MQTT broker, webhook, sound, actions per keyword, test event.

It edits the same TOML file that `kwapp listen --config` reads. Values are checked by the same
validation as the service (kwapp.service_config), so a mistake shows the key and the fix here
instead of in a log weeks later.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout,
                               QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QScrollArea, QSpinBox,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from kwapp.actions.delivery import DOWN
from kwapp.service_config import ACTIONS, ServiceConfig, ServiceConfigError, config_from_dict, config_to_dict
from kwapp.ui.actions_host import ActionsHost
from kwapp.ui.i18n import error_text

TEST_POLL_MS = 250
TEST_WAIT_S = 10.0  # how long the page waits for a test event's delivery before reporting "no answer"
ACTION_COLUMNS = {action: column for column, action in enumerate(ACTIONS, start=1)}


class FileField(QWidget):
    """A path line edit with a browse button; empty text means no file."""

    def __init__(self, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.edit = QLineEdit()
        self.button = QPushButton("…")
        self.button.setMaximumWidth(32)
        self.button.clicked.connect(lambda: self._browse(caption))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)

    def _browse(self, caption: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, caption, self.edit.text())
        if path:
            self.edit.setText(path)

    def path(self) -> str | None:
        text = self.edit.text().strip()
        return text or None

    def set_path(self, path: Path | None) -> None:
        self.edit.setText("" if path is None else str(path))


class IntegrationDialog(QDialog):
    """Edits and applies the service config of an ActionsHost; `result_label` shows the test event's outcome."""

    def __init__(self, host: ActionsHost, keywords: tuple[str, ...], parent: QWidget | None = None):
        super().__init__(parent)
        self.host, self.keywords = host, keywords
        self.setWindowTitle(self.tr("Plant integration"))
        self._test_timer = QTimer(self)
        self._test_timer.timeout.connect(self._poll_test)
        self._test_started, self._test_baseline = 0.0, {}
        self.test_button = QPushButton(self.tr("Send test event"))
        self.test_button.clicked.connect(self.send_test_event)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = self._dialog_buttons()
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self._scrolled_form(), 1)
        layout.addLayout(test_row)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)
        self.resize(680, 860)
        self.show_config(host.config)
        # Until the user ticks a box, keywords without their own table follow the default actions,
        # which change with the targets entered: a broker entered on this page sends every keyword.
        self._table_edited = False
        self.keyword_table.itemChanged.connect(self._on_table_edited)
        self.host_edit.textChanged.connect(self._show_default_actions)
        self.url_edit.textChanged.connect(self._show_default_actions)

    # --- building --------------------------------------------------------------------------------

    def _scrolled_form(self) -> QScrollArea:
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(QLabel(self.tr("Settings file (also read by kwapp listen --config): {path}").format(path=self.host.path)))
        column.addWidget(self._station_group())
        column.addWidget(self._mqtt_group())
        column.addWidget(self._webhook_group())
        column.addWidget(self._keyword_group())
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        return scroll

    def _dialog_buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Apply
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept_if_valid)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.apply)
        return buttons

    def _station_group(self) -> QGroupBox:
        self.station_edit = QLineEdit()
        group = QGroupBox(self.tr("Station"))
        form = QFormLayout(group)
        form.addRow(self.tr("Station name:"), self.station_edit)
        return group

    def _mqtt_group(self) -> QGroupBox:
        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText(self.tr("empty: MQTT off"))
        self.port_box = QSpinBox()
        self.port_box.setRange(0, 65535)
        self.port_box.setSpecialValueText(self.tr("default (1883, TLS 8883)"))
        self.prefix_edit = QLineEdit()
        self.user_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.tls_box = QCheckBox(self.tr("Use TLS"))
        self.ca_field = FileField(self.tr("CA certificate"))
        self.cert_field = FileField(self.tr("Client certificate"))
        self.key_field = FileField(self.tr("Client key"))
        group = QGroupBox(self.tr("MQTT broker"))
        form = QFormLayout(group)
        form.addRow(self.tr("Broker host:"), self.host_edit)
        form.addRow(self.tr("Port:"), self.port_box)
        form.addRow(self.tr("Topic prefix:"), self.prefix_edit)
        form.addRow(self.tr("User name:"), self.user_edit)
        form.addRow(self.tr("Password:"), self.password_edit)
        form.addRow("", self.tls_box)
        form.addRow(self.tr("CA certificate:"), self.ca_field)
        form.addRow(self.tr("Client certificate:"), self.cert_field)
        form.addRow(self.tr("Client key:"), self.key_field)
        return group

    def _webhook_group(self) -> QGroupBox:
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText(self.tr("empty: webhook off"))
        self.timeout_box = QDoubleSpinBox()
        self.timeout_box.setRange(0.5, 120.0)
        self.timeout_box.setSuffix(self.tr(" s"))
        self.sound_field = FileField(self.tr("Sound file"))
        group = QGroupBox(self.tr("Webhook and sound"))
        form = QFormLayout(group)
        form.addRow(self.tr("Webhook URL:"), self.url_edit)
        form.addRow(self.tr("Timeout:"), self.timeout_box)
        form.addRow(self.tr("Sound file (WAV):"), self.sound_field)
        return group

    def _keyword_group(self) -> QGroupBox:
        self.keyword_table = QTableWidget(len(self.keywords), 1 + len(ACTIONS))
        self.keyword_table.setHorizontalHeaderLabels([self.tr("Keyword"), self.tr("MQTT"), self.tr("Webhook"), self.tr("Sound")])
        self.keyword_table.verticalHeader().setVisible(False)
        for row, keyword in enumerate(self.keywords):
            item = QTableWidgetItem(keyword)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.keyword_table.setItem(row, 0, item)
            for column in ACTION_COLUMNS.values():
                check = QTableWidgetItem()
                check.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                self.keyword_table.setItem(row, column, check)
        table = self.keyword_table
        table.resizeRowsToContents()
        rows_px = sum(table.rowHeight(row) for row in range(table.rowCount()))
        table.setMinimumHeight(table.horizontalHeader().sizeHint().height() + rows_px + 2 * table.frameWidth())
        group = QGroupBox(self.tr("Actions per keyword"))
        layout = QVBoxLayout(group)
        layout.addWidget(table)
        return group

    def _set_actions(self, actions_of: dict[str, tuple[str, ...]]) -> None:
        """Tick the action boxes of these keywords without counting it as the user's edit."""
        self.keyword_table.blockSignals(True)
        for row, keyword in enumerate(self.keywords):
            if keyword in actions_of:
                for action, column in ACTION_COLUMNS.items():
                    on = Qt.CheckState.Checked if action in actions_of[keyword] else Qt.CheckState.Unchecked
                    self.keyword_table.item(row, column).setCheckState(on)
        self.keyword_table.blockSignals(False)
        self.keyword_table.viewport().update()

    def _on_table_edited(self, _item: QTableWidgetItem) -> None:
        self._table_edited = True

    def _show_default_actions(self) -> None:
        if self._table_edited:
            return
        default = self.host.config.actions.default
        if default is None:
            default = tuple(name for name, on in (("mqtt", self.host_edit.text().strip()),
                                                  ("webhook", self.url_edit.text().strip())) if on)
        self._set_actions({k: default for k in self.keywords if k not in self.host.config.keywords})

    # --- config <-> widgets ----------------------------------------------------------------------

    def show_config(self, config: ServiceConfig) -> None:
        self.station_edit.setText(config.station.name)
        mqtt = config.mqtt
        self.host_edit.setText(mqtt.host)
        self.port_box.setValue(mqtt.port)
        self.prefix_edit.setText(mqtt.topic_prefix)
        self.user_edit.setText(mqtt.username)
        self.password_edit.setText(mqtt.password)
        if mqtt.password_file is not None:
            self.password_edit.setPlaceholderText(self.tr("read from {path}").format(path=mqtt.password_file))
        self.tls_box.setChecked(mqtt.tls is not None)
        tls = mqtt.tls
        self.ca_field.set_path(tls.ca_file if tls else None)
        self.cert_field.set_path(tls.cert_file if tls else None)
        self.key_field.set_path(tls.key_file if tls else None)
        self.url_edit.setText(config.webhook.url)
        self.timeout_box.setValue(config.webhook.timeout_s)
        self.sound_field.set_path(config.sound.file)
        self._set_actions({keyword: config.actions_for(keyword).actions for keyword in self.keywords})

    def config(self) -> ServiceConfig:
        """Build the config the page shows on top of the host's, so keys the page lacks keep their values.

        Raises ServiceConfigError naming the key and the fix when a value is invalid.
        """
        data = config_to_dict(self.host.config)
        data["station"]["name"] = self.station_edit.text().strip()
        data["mqtt"].update(self._mqtt_values(data["mqtt"]))
        data["webhook"].update(url=self.url_edit.text().strip(), timeout_s=self.timeout_box.value())
        data["sound"].pop("file", None)
        if self.sound_field.path():
            data["sound"]["file"] = self.sound_field.path()
        keywords = data.setdefault("keywords", {})
        for row, keyword in enumerate(self.keywords):
            if self._table_edited or keyword in keywords:
                table = keywords.setdefault(keyword, {})
                table["actions"] = [action for action, column in ACTION_COLUMNS.items()
                                    if self.keyword_table.item(row, column).checkState() == Qt.CheckState.Checked]
        return config_from_dict(data, base=self.host.path.parent)

    def _mqtt_values(self, current: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {"host": self.host_edit.text().strip(), "port": self.port_box.value(),
                                  "topic_prefix": self.prefix_edit.text().strip(), "username": self.user_edit.text().strip()}
        if self.password_edit.text():
            values["password"] = self.password_edit.text()
            current.pop("password_file", None)
        else:
            values["password"] = ""
        current.pop("tls", None)
        if self.tls_box.isChecked():
            fields = {"ca_file": self.ca_field, "cert_file": self.cert_field, "key_file": self.key_field}
            values["tls"] = {key: field.path() for key, field in fields.items() if field.path()}
        return values

    # --- apply and test --------------------------------------------------------------------------

    def apply(self) -> bool:
        """Check, save and restart the actions. On an error the page stays open and shows what to fix."""
        try:
            config = self.config()
        except ServiceConfigError as exc:
            self._show_result(self.tr("Not saved: {error}").format(error=error_text(exc)), error=True)
            return False
        if not self.host.apply(config):
            self._show_result(self.tr("Saved, but the actions did not start; see the status bar and the log"), error=True)
            return False
        if self._sends_nothing(config):
            self._show_result(self.tr("Saved, but no keyword sends events: tick MQTT or Webhook for the keywords that should"),
                              error=True)
        else:
            self._show_result(self.tr("Saved to {path}").format(path=self.host.path))
        return True

    def _sends_nothing(self, config: ServiceConfig) -> bool:
        """True when a broker or webhook is set but no keyword of the model sends to it."""
        if not (config.mqtt.host or config.webhook.url):
            return False
        return not any({"mqtt", "webhook"} & set(config.actions_for(k).actions) for k in self.keywords)

    def accept_if_valid(self) -> None:
        if self.apply():
            self.accept()

    def send_test_event(self) -> None:
        """Apply the page, send an event marked "test": true through every target, and watch it arrive."""
        if not self.apply():
            return
        before = self.host.snapshot()
        if before is None or (before.mqtt is None and before.webhook is None):
            self._show_result(self.tr("No broker or webhook is set: enter one first"), error=True)
            return
        self._test_baseline = {link.name: link.delivered for link in (before.mqtt, before.webhook) if link is not None}
        self.host.send_test_event()
        self._test_started = time.monotonic()
        self._show_result(self.tr("Test event sent; waiting for delivery…"))
        self._test_timer.start(TEST_POLL_MS)

    def _poll_test(self) -> None:
        status = self.host.snapshot()
        if status is None:
            self._test_timer.stop()
            return
        timed_out = time.monotonic() - self._test_started > TEST_WAIT_S
        lines, done, failed = [], True, False
        for link in (status.mqtt, status.webhook):
            if link is None:
                continue
            name = self.tr("MQTT") if link.name == "mqtt" else self.tr("Webhook")
            if link.delivered > self._test_baseline.get(link.name, 0):
                lines.append(self.tr("{target}: delivered").format(target=name))
            elif link.state == DOWN:
                lines.append(self.tr("{target}: not delivered ({detail}); it waits in the queue").format(target=name, detail=link.detail))
                failed = True
            elif timed_out:
                lines.append(self.tr("{target}: no answer within {seconds:.0f} s; it waits in the queue").format(target=name, seconds=TEST_WAIT_S))
                failed = True
            else:
                done = False
        if done or timed_out:
            self._test_timer.stop()
            if self._sends_nothing(self.host.config):
                lines.append(self.tr("No keyword sends events yet: tick MQTT or Webhook for the keywords that should"))
                failed = True
            self._show_result("\n".join(lines), error=failed)

    def _show_result(self, text: str, error: bool = False) -> None:
        self.result_label.setText(text)
        self.result_label.setProperty("error", error)
        color = self.palette().color(self.foregroundRole()).name() if not error else "#d64541"
        self.result_label.setStyleSheet(f"color: {color}")

    def done(self, result: int) -> None:
        self._test_timer.stop()
        super().done(result)
